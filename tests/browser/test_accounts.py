"""A newcomer's path through accounts, in a real browser."""

import pytest

from tests.browser.conftest import axe_check, format_violations

pytestmark = pytest.mark.browser


def test_home_page_shows_the_crisis_banner(live_server, browser_page, site_shell):
    browser_page.goto(live_server.url + "/")
    banner = browser_page.get_by_test_id("crisis-banner")
    assert banner.is_visible()
    assert banner.get_by_role("link", name="12356").first.get_attribute("href") == "tel:12356"
    assert axe_check(browser_page) == [], format_violations(axe_check(browser_page))
