"""Search that finds what people type: synonyms, title weighting, the other
language, and the crisis lines for queries that speak of self-harm or suicide.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://…).
"""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from wagtail.models import Locale, Page

from courses.models import SearchSynonym
from courses.search.risk import expresses_risk
from courses.search.synonyms import parse_terms
from tests.courses.conftest import publish
from tests.courses.test_workflow import with_totp
from tests.factories import (
    CourseIndexPageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TopicFactory,
)

AUTISM = "自闭症、孤独症、孤独症谱系、autism、ASD"


@pytest.fixture
def unit(make_module):
    # A neutral title and topic: matches come from what each lesson says.
    return make_module(lessons=0, title="第一单元", slug="unit-one", summary="写给家长。",
                       topic=TopicFactory(name="综合主题", slug="general"))


def _lesson(parent, slug, *, title="一节课", summary="", body="今天的内容。"):
    return publish(LessonPageFactory(parent=parent, slug=slug, title=title,
                                     summary=summary,
                                     body=[("paragraph", f"<p>{body}</p>")]))


def _get(client, q, *, prefix=""):
    response = client.get(f"{prefix}/search/", {"q": q})
    assert response.status_code == HTTPStatus.OK
    return response


def _search(client, q, *, prefix=""):
    return _get(client, q, prefix=prefix).content.decode()


def _callout(html: str) -> str:
    found = re.search(r'<section[^>]*data-testid="search-crisis-help".*?</section>', html,
                      re.S)
    return found.group(0) if found else ""


# --- Synonyms -------------------------------------------------------------------------


def test_terms_are_split_on_lines_commas_and_dunhao():
    assert parse_terms("自闭症、孤独症\nautism, ASD ，自闭症") == [
        "自闭症", "孤独症", "autism", "ASD"]


def test_a_synonym_finds_what_the_other_term_finds(client, unit):
    lesson = _lesson(unit, "visual", body="很多自闭症孩子更容易理解看得见的日程表。")
    SearchSynonym.objects.create(name="孤独症", terms=AUTISM)
    for q in ("自闭症", "孤独症", "孤獨症", "ASD"):
        html = _search(client, q)
        assert f'href="{lesson.url}"' in html, q
        assert "找到 1 条" in html
    assert "很多<mark>自闭症</mark>孩子" in _search(client, "孤独症")


def test_a_term_of_several_words_is_one_concept(client, unit):
    lesson = _lesson(unit, "hurt", body="孩子自伤以后，家长可以先稳住自己。")
    SearchSynonym.objects.create(name="自伤", terms="自伤、自残、self-harm")
    assert f'href="{lesson.url}"' in _search(client, "self-harm")
    assert f'href="{lesson.url}"' in _search(client, "自残 家长")


def test_without_a_synonym_the_other_term_finds_nothing(client, unit):
    _lesson(unit, "visual", body="很多自闭症孩子更容易理解看得见的日程表。")
    assert "没有找到与“孤独症”相关的内容" in _search(client, "孤独症")


@pytest.fixture
def editor_client(client, admin_user):
    client.force_login(with_totp(admin_user))
    return client


def test_a_synonym_needs_two_terms(editor_client):
    admin_client = editor_client
    response = admin_client.post("/admin/snippets/courses/searchsynonym/add/",
                                 {"name": "孤单", "terms": "孤独症"})
    assert response.status_code == HTTPStatus.OK
    assert "请至少填写两个词。" in response.content.decode()
    assert not SearchSynonym.objects.exists()


def test_editors_find_synonyms_in_the_admin(editor_client):
    admin_client = editor_client
    SearchSynonym.objects.create(name="情绪", terms="情绪、心情、emotion")
    html = admin_client.get("/admin/snippets/courses/searchsynonym/").content.decode()
    assert "情绪、心情、emotion" in html


def test_editing_a_synonym_changes_the_next_search(client, unit):
    told = _lesson(unit, "told", body="有些孩子被诊断为孤独症谱系。")
    other = _lesson(unit, "other", body="很多自闭症孩子更容易理解日程表。")
    group = SearchSynonym.objects.create(name="孤独症", terms="孤独症、孤独症谱系")
    first = _get(client, "孤独症")
    assert f'href="{told.url}"' in first.content.decode()
    assert f'href="{other.url}"' not in first.content.decode()
    assert _get(client, "孤独症")["X-Courses-Cache"] == "hit"
    group.terms = AUTISM
    group.save()
    after = _get(client, "孤独症")
    assert "X-Courses-Cache" not in after
    assert f'href="{other.url}"' in after.content.decode()
    assert "找到 2 条" in after.content.decode()


# --- Title and summary above body -------------------------------------------------------


def test_title_then_summary_rank_above_the_body(client, unit):
    body = _lesson(unit, "a-body", title="第一课", body="孩子的情绪需要被看见。")
    summary = _lesson(unit, "b-summary", title="第二课", summary="认识孩子的情绪。")
    title = _lesson(unit, "c-title", title="认识情绪")
    html = _search(client, "情绪")
    positions = [html.index(f'href="{page.url}"') for page in (title, summary, body)]
    assert positions == sorted(positions)
    assert "找到 3 条" in html


def test_a_synonym_in_the_title_ranks_above_the_word_in_the_body(client, unit):
    body = _lesson(unit, "a-body", title="第一课", body="孩子的情绪需要被看见。")
    title = _lesson(unit, "b-title", title="孩子的心情")
    SearchSynonym.objects.create(name="情绪", terms="情绪、心情、emotion")
    html = _search(client, "情绪")
    assert html.index(f'href="{title.url}"') < html.index(f'href="{body.url}"')


# --- The other language -----------------------------------------------------------------


@pytest.fixture
def english_lesson(site_shell, topic):
    en = Locale.objects.get(language_code="en")
    home = Page.objects.get(depth=2, locale=en)
    index = publish(CourseIndexPageFactory(parent=home, slug="courses"))
    module = publish(ModulePageFactory(parent=index, title="Calm together", slug="calm",
                                       summary="For parents.", topic=topic))
    return _lesson(module, "breathing", title="Slow breathing",
                   body="Smell the flower, blow out the candle.")


def test_results_in_english_when_chinese_has_none(client, unit, english_lesson):
    _lesson(unit, "feelings", body="孩子的情绪需要被看见。")
    html = _search(client, "breathing")
    assert f'href="{english_lesson.url}"' in html
    assert "以下是英文内容" in html and 'lang="en"' in html
    assert "以下是英文内容" not in _search(client, "情绪")


def test_results_in_chinese_when_english_has_none(client, unit, english_lesson):
    lesson = _lesson(unit, "feelings", body="孩子的情绪需要被看见。")
    html = _search(client, "情绪", prefix="/en")
    assert f'href="{lesson.url}"' in html
    assert "Showing results in Chinese" in html
    own = _search(client, "breathing", prefix="/en")
    assert f'href="{english_lesson.url}"' in own and "Showing results in" not in own


# --- Help for a query that speaks of risk -----------------------------------------------


@pytest.mark.parametrize("q", ["不想活了", "我想死", "孩子说要自杀", "輕生", "自殘",
                               "I want to die", "self harm", "Suicidal thoughts"])
def test_risk_phrases_are_recognised_in_both_scripts_and_english(q):
    assert expresses_risk(q)


@pytest.mark.parametrize("q", ["情绪", "自闭症", "考试焦虑", "亲子沟通", "die cast",
                               "breathing"])
def test_ordinary_queries_are_not_risk(q):
    assert not expresses_risk(q)


def test_crisis_lines_above_results_even_with_none(client, unit):
    html = _search(client, "不想活")
    callout = _callout(html)
    assert callout, "no crisis callout"
    for number in ("120", "110", "12356", "962525"):
        assert f"<strong>{number}</strong>" in callout
    # Emergency numbers first, and before anything the search found or not.
    assert callout.index("120") < callout.index("12356")
    assert "立即拨打 120 或 110" in callout
    assert html.index('data-testid="search-crisis-help"') < html.index("没有找到")


def test_crisis_lines_come_before_results(client, unit):
    lesson = _lesson(unit, "signs", title="识别危机信号", body="孩子说不想活了，要认真对待。")
    html = _search(client, "不想活")
    assert f'href="{lesson.url}"' in html
    assert html.index('data-testid="search-crisis-help"') < html.index(f'href="{lesson.url}"')


def test_a_method_word_brings_help_and_is_never_named(client, unit):
    callout = _callout(_search(client, "割腕"))
    assert "962525" in callout and "割腕" not in callout


def test_english_crisis_callout(client, site_shell):
    callout = _callout(_search(client, "I don't want to live", prefix="/en"))
    assert "call 120 or 110" in callout and "<strong>12356</strong>" in callout
    assert "tell an adult you trust" in callout


def test_no_crisis_callout_for_an_ordinary_query(client, unit):
    _lesson(unit, "feelings", body="孩子的情绪需要被看见。")
    html = _search(client, "情绪")
    assert 'data-testid="search-crisis-help"' not in html
    assert 'data-testid="search-crisis-help"' not in _search(client, "量子力学")


@pytest.mark.postgres
def test_synonyms_and_weighting_on_postgresql(client, unit):
    assert connection.vendor == "postgresql"
    body = _lesson(unit, "a-body", title="第一课", body="很多自闭症孩子喜欢日程表。")
    title = _lesson(unit, "b-title", title="认识孤独症")
    SearchSynonym.objects.create(name="孤独症", terms=AUTISM)
    html = _search(client, "autism")
    assert html.index(f'href="{title.url}"') < html.index(f'href="{body.url}"')
