"""The course library: filters without JavaScript, cards, content warnings, topic help."""

from http import HTTPStatus

import pytest

from tests.factories import TopicFactory


@pytest.fixture
def library(make_module):
    autism = TopicFactory(name="自闭症咨询与科普", slug="autism")
    return {
        "crisis": make_module(lessons=2, title="识别危机信号", slug="signs",
                              audience="parents", age_band="13-17", estimated_minutes=25),
        "autism": make_module(lessons=1, title="认识自闭症谱系", slug="autism-basics",
                              topic=autism, audience="teachers", age_band="6-12"),
        "all_ages": make_module(lessons=1, title="家庭里的情绪", slug="feelings",
                                audience="parents", age_band="all"),
    }


def _titles(client, **params) -> set[str]:
    response = client.get("/courses/", params)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    return {t for t in ("识别危机信号", "认识自闭症谱系", "家庭里的情绪") if t in html}


def test_cards_show_duration_audience_age_and_lesson_count(client, library):
    html = client.get("/courses/").content.decode()
    assert "约 25 分钟 · 家长和监护人 · 13–17岁 · 2 课" in html
    assert "共 3 个模块" in html


def test_filter_by_topic_audience_and_age_without_javascript(client, library):
    assert _titles(client, topic="autism") == {"认识自闭症谱系"}
    assert _titles(client, audience="parents") == {"识别危机信号", "家庭里的情绪"}
    # An age filter keeps modules written for every age.
    assert _titles(client, age="6-12") == {"认识自闭症谱系", "家庭里的情绪"}
    assert _titles(client, topic="autism", audience="parents") == set()
    html = client.get("/courses/", {"topic": "autism", "audience": "parents"}).content.decode()
    assert "没有符合这些条件的模块" in html and "清除筛选" in html


@pytest.mark.parametrize("params", [{"topic": "<script>"}, {"audience": "x" * 500},
                                    {"age": "99"}])
def test_unknown_filter_values_are_ignored(client, library, params):
    assert _titles(client, **params) == {"识别危机信号", "认识自闭症谱系", "家庭里的情绪"}


def test_content_warning_comes_before_the_lessons(client, make_module):
    module = make_module(lessons=1, content_warning="本模块谈到自我伤害。")
    first = client.get(module.url).content.decode()
    assert "阅读前的提示" in first and "本模块谈到自我伤害。" in first
    assert 'id="lessons"' not in first
    after = client.get(module.url, {"ack": "1"}).content.decode()
    assert 'id="lessons"' in after and "阅读前的提示" not in after


def test_lesson_has_reading_time_position_and_previous_next(client, make_module):
    module = make_module(lessons=3)
    first, second, third = module.get_children().specific()
    html = client.get(second.url).content.decode()
    assert "第 2 课，共 3 课" in html and "阅读约 1 分钟" in html
    assert f'rel="prev" href="{first.url}"' in html
    assert f'rel="next" href="{third.url}"' in html
    last = client.get(third.url).content.decode()
    assert 'rel="next"' not in last and "回到模块" in last


def test_module_and_lesson_end_with_talk_to_a_counsellor(client, make_module):
    module = make_module(lessons=1)
    for url in (module.url, module.get_children().first().url):
        html = client.get(url).content.decode()
        assert "想和咨询师聊聊这个话题？" in html
        assert "/bookings/" in html


def test_topic_help_falls_back_to_station_contacts_without_bookings(
    client, make_module, monkeypatch
):
    from portal import sections

    monkeypatch.delitem(sections.RENDERERS, "topic_help")
    module = make_module(lessons=1)
    html = client.get(module.url).content.decode()
    assert "欢迎联系站点" in html and 'href="tel:021-5555-0100"' in html


# Not "tell your parents" first: the harm may come from home (强制报告).
CHILD_LINE = ("如果有人伤害你、让你害怕，或者你很难过、不想活了，请告诉一个你信任的大人，"
              "比如老师、学校的心理老师或亲戚。有危险时，马上打 110。")


def test_childrens_module_and_lessons_carry_a_line_a_child_can_act_on(client, make_module):
    module = make_module(lessons=1, audience="children", age_band="6-12")
    for url in (module.url, module.get_children().first().url):
        assert CHILD_LINE in client.get(url).content.decode(), url
    parents = make_module(lessons=1, audience="parents")
    assert CHILD_LINE not in client.get(parents.url).content.decode()


def test_references_close_the_module_and_lessons_link_to_them(client, make_module):
    module = make_module(lessons=1, references=[("reference", {
        "author": "Lieberman MD, Eisenberger NI, Crockett MJ, Tom SM, Pfeifer JH, Way BM",
        "year": 2007, "title": "Putting feelings into words",
        "source": "Psychological Science, 18(5), 421–428", "url": ""})])
    html = client.get(module.url).content.decode()
    assert '<h2 id="references-title">参考资料</h2>' in html
    assert "Way BM (2007). <cite>Putting feelings into words</cite>." in html
    lesson = client.get(module.get_children().first().url).content.decode()
    assert f'href="{module.url}#references">本模块的参考资料</a>' in lesson
    bare = make_module(lessons=1)
    assert "参考资料" not in client.get(bare.url).content.decode()
