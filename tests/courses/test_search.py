"""Chinese search: jieba on what is indexed and on the query, Traditional → Simplified.

Runs on SQLite and (in CI, DATABASE_URL=postgres://…) on PostgreSQL; the
`postgres`-marked test asserts the PostgreSQL run really happened there.
"""

from http import HTTPStatus

import pytest
from django.db import connection

from courses.highlight import highlight_snippet
from courses.models import SearchEntry
from courses.search.segmentation import index_tokens, normalise, query_terms
from tests.courses.conftest import publish
from tests.factories import LessonPageFactory, TopicFactory

BODIES = {
    "crisis": "当孩子说不想活了，家长可以学习心理危机干预的基本方法，先稳住，再求助。",
    "autism": "很多自闭症孩子更容易理解看得见的信息，比如图片日程表。",
    "family": "良好的亲子沟通从每天十分钟的倾听开始，而不是说教。",
}


@pytest.fixture
def lessons(make_module):
    # A topic whose name shares no word with the bodies: matches come from the body.
    module = make_module(lessons=0, title="第一单元", slug="unit-one",
                         topic=TopicFactory(name="综合主题", slug="general"))
    made = {}
    for key, text in BODIES.items():
        made[key] = publish(LessonPageFactory(
            parent=module, title=f"第{len(made) + 1}课", slug=f"lesson-{key}",
            summary="", body=[("paragraph", f"<p>{text}</p>")],
        ))
    return made


def _search(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_segmentation_keeps_programme_words_whole_and_folds_traditional():
    assert "危机干预" in index_tokens(BODIES["crisis"])
    assert "亲子沟通" in index_tokens(BODIES["family"])
    assert normalise("自閉症與親子溝通") == "自闭症与亲子沟通"
    assert [w for w, _ in query_terms("自閉症")] == ["自闭症"]
    assert query_terms("的 了 ！！") == []


@pytest.mark.parametrize("query, key", [
    ("危机干预", "crisis"), ("自闭症", "autism"), ("亲子沟通", "family"),
    ("自閉症", "autism"), ("親子溝通", "family"), ("危機干預", "crisis"),
])
def test_words_inside_body_sentences_are_found(client, lessons, query, key):
    html = _search(client, query)
    lesson = lessons[key]
    assert f'href="{lesson.url}"' in html
    others = [p for k, p in lessons.items() if k != key]
    assert all(f'href="{p.url}"' not in html for p in others)
    assert "找到 1 条" in html


def test_sentence_queries_need_every_word(client, lessons):
    html = _search(client, "怎样做好亲子沟通和倾听")
    assert f'href="{lessons["family"].url}"' in html
    assert f'href="{lessons["autism"].url}"' not in html


def test_result_shows_title_topic_and_highlighted_snippet(client, lessons):
    html = _search(client, "自閉症")
    assert "第2课" in html and "综合主题" in html  # title and topic
    assert "很多<mark>自闭症</mark>孩子" in html


def test_snippet_is_escaped_before_marking():
    snippet = highlight_snippet('<script>alert("危机干预")</script>', ["危机干预"])
    assert snippet == '&lt;script&gt;alert(&quot;<mark>危机干预</mark>&quot;)&lt;/script&gt;'


def test_empty_query_invites_a_search(client, site_shell):
    html = _search(client, "")
    assert "输入一个词或一句话" in html and "<mark>" not in html


@pytest.mark.parametrize("q", ["！！！", "的了", "   "])
def test_query_without_words_answers_politely(client, site_shell, q):
    html = _search(client, q)
    if q.strip():
        assert "里没有可以查找的词" in html
    else:
        assert "输入一个词或一句话" in html


def test_no_match_answers_politely_with_help(client, lessons):
    html = _search(client, "量子力学")
    assert "没有找到与“量子力学”相关的内容" in html
    assert "预约咨询师" in html


def test_very_long_and_odd_queries_do_not_break(client, lessons):
    assert f'href="{lessons["crisis"].url}"' in _search(client, "危机" * 500)
    assert "里没有可以查找的词" in _search(client, "%_\\'\"")
    assert "没有找到" in _search(client, "%a_b%")
    assert "没有找到" in _search(client, "a" * 5000)


def test_results_are_paginated(client, make_module):
    module = make_module(lessons=0, slug="many")
    for i in range(12):
        publish(LessonPageFactory(parent=module, slug=f"l{i}", title=f"课{i}",
                                  body=[("paragraph", "<p>孩子的情绪需要被看见。</p>")]))
    first = _search(client, "情绪")
    assert "找到 12 条" in first and first.count('class="search-result card"') == 10
    assert "第 1 / 2 页" in first and 'rel="next"' in first
    second = _search(client, "情绪", page=2)
    assert second.count('class="search-result card"') == 2
    assert _search(client, "情绪", page="zz").count('class="search-result card"') == 10


def test_unpublished_lessons_leave_the_index(client, lessons):
    lessons["autism"].unpublish()
    assert not SearchEntry.objects.filter(page=lessons["autism"]).exists()
    assert "没有找到" in _search(client, "自闭症")


def test_republished_text_is_reindexed(client, lessons):
    lesson = lessons["family"]
    lesson.body = [("paragraph", "<p>这一课改为讲情绪疏导。</p>")]
    publish(lesson)
    assert "没有找到" in _search(client, "亲子沟通")
    assert f'href="{lesson.url}"' in _search(client, "情绪疏导")


@pytest.mark.postgres
def test_chinese_search_on_postgresql(client, lessons):
    assert connection.vendor == "postgresql"
    for query, key in (("危机干预", "crisis"), ("自閉症", "autism"), ("亲子沟通", "family")):
        assert f'href="{lessons[key].url}"' in _search(client, query)


def test_restricted_lessons_stay_out_of_results(client, lessons):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=lessons["autism"],
                                       restriction_type=PageViewRestriction.LOGIN)
    assert "没有找到" in _search(client, "自闭症")
