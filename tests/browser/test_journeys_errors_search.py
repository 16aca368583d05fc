"""What a family meets on a phone when a page is not for them, and when they
search in their own words (issue 12): the framed 403 with the crisis lines in
both languages; synonyms; the crisis callout above the results. Axe-clean."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
import time_machine

from courses.models import SearchSynonym
from portal.timezones import STATION_TZ
from tests.browser.test_booking_flow import (
    _assert_accessible,
    _fits_the_screen,
    _sign_in,
)
from tests.factories import (
    CourseIndexPageFactory,
    FamilyFactory,
    LessonPageFactory,
    ModulePageFactory,
    TopicFactory,
)

pytestmark = pytest.mark.browser

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.parametrize(
    ("prefix", "heading", "lang"),
    [
        ("", "这个页面需要相应的权限", "zh-Hans"),
        ("/en", "This page needs the right permissions", "en"),
    ],
)
def test_a_family_on_a_staff_page_gets_the_framed_403_with_crisis_lines(
    live_server, browser_page, site_shell, prefix, heading, lang
):
    page = browser_page
    _sign_in(page, live_server, FamilyFactory())
    response = page.goto(f"{live_server.url}{prefix}/bookings/counsellor/week/")
    assert response.status == HTTPStatus.FORBIDDEN
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator("html").get_attribute("lang") == lang
    banner = page.get_by_test_id("crisis-banner")
    assert banner.is_visible()
    assert (
        banner.get_by_role("link", name=re.compile("12356")).get_attribute("href")
        == "tel:12356"
    )
    assert page.locator("footer").is_visible()
    assert _fits_the_screen(page)
    _assert_accessible(page)


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def autism_modules(site_shell):
    index = _publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))
    topic = TopicFactory(name="特殊需要儿童", slug="special-needs")
    modules = [
        _publish(
            ModulePageFactory(
                parent=index,
                title="理解自闭症孩子",
                slug="autism-basics",
                topic=topic,
                summary="自闭症孩子的日常与沟通。",
            )
        ),
        _publish(
            ModulePageFactory(
                parent=index,
                title="自闭症孩子的日程表",
                slug="autism-schedules",
                topic=topic,
                summary="用看得见的日程表帮助孩子。",
            )
        ),
    ]
    _publish(
        ModulePageFactory(
            parent=index,
            title="四个沟通小习惯",
            slug="four-habits",
            topic=TopicFactory(name="家庭关系调适", slug="family"),
            summary="好的亲子沟通来自每天的小习惯。",
        )
    )
    SearchSynonym.objects.create(
        name="孤独症", terms="自闭症、孤独症、孤独症谱系、autism、ASD"
    )
    return modules


def _search(page, live_server, query: str) -> None:
    page.goto(live_server.url + "/search/")
    page.get_by_label("想了解什么？").fill(query)
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button", name="搜索").click()


def test_the_clinical_term_finds_the_everyday_terms_modules(
    live_server, browser_page, autism_modules
):
    page = browser_page
    _search(page, live_server, "孤独症")
    assert "找到 2 条" in page.get_by_role("status").first.inner_text()
    titles = page.locator(".search-result h2").all_inner_texts()
    assert sorted(titles) == ["理解自闭症孩子", "自闭症孩子的日程表"]
    assert page.get_by_test_id("search-crisis-help").count() == 0
    assert _fits_the_screen(page)
    _assert_accessible(page)


def test_a_search_for_not_wanting_to_live_shows_the_crisis_lines_first(
    live_server, browser_page, autism_modules
):
    lesson = _publish(
        LessonPageFactory(
            parent=autism_modules[0],
            title="识别危机信号",
            slug="signs",
            body=[("paragraph", "<p>孩子说不想活了，要认真对待。</p>")],
        )
    )
    page = browser_page
    _search(page, live_server, "不想活")
    callout = page.get_by_test_id("search-crisis-help")
    assert callout.is_visible()
    text = callout.inner_text()
    assert "立即拨打 120 或 110" in text and "12356" in text
    assert callout.locator('a[href="tel:12356"]').count() >= 1
    result = page.get_by_role("link", name="识别危机信号")
    assert result.get_attribute("href").endswith(lesson.url)
    # Above the results, in reading order and on the screen.
    assert callout.bounding_box()["y"] < result.bounding_box()["y"]
    assert callout.evaluate(
        "(el, other) => !!(el.compareDocumentPosition(other) & 4)",
        result.element_handle(),
    )
    assert _fits_the_screen(page)
    _assert_accessible(page)
