"""Paged lists on a phone: the page links fit, pass axe, and are plain links."""

import pytest

from tests.browser.conftest import axe_check, format_violations
from tests.factories import CounsellorFactory, TopicFactory

pytestmark = pytest.mark.browser


def test_the_counsellor_list_pages_on_a_phone(live_server, browser_page, site_shell):
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    CounsellorFactory.create_batch(13, specialties=[topic])
    page = browser_page
    page.goto(f"{live_server.url}/bookings/counsellors/?topic={topic.slug}")
    nav = page.get_by_role("navigation", name="咨询师列表分页")
    assert nav.get_by_text("第 1 / 2 页").is_visible()
    nav.get_by_role("link", name="第 2 页").click()
    page.wait_for_url("**/bookings/counsellors/?topic=emotional-guidance&page=2")
    assert nav.locator('[aria-current="page"]').inner_text() == "2"
    assert page.get_by_test_id("counsellor-list").locator("> li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    violations = axe_check(page)
    assert violations == [], format_violations(violations)
