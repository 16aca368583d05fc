"""A family subscribes to their calendar feed and sees a new booking arrive in it."""

import urllib.request

import pytest
from django.test import Client
from icalendar import Calendar

from bookings.models import Booking
from tests.bookings.engine_setup import counsellor_with_hours
from tests.browser.conftest import axe_check, format_violations
from tests.factories import FamilyFactory, SessionTypeFactory

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": "sessionid", "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }])


def _fetch_without_cookies(url: str) -> tuple[dict, bytes]:
    """What a calendar app does: a bare GET, no cookies."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - test server
        return dict(response.headers), response.read()


def _events(body: bytes) -> dict[str, str]:
    return {str(ev["UID"]): str(ev["SUMMARY"])
            for ev in Calendar.from_ical(body).walk("VEVENT")}


def test_family_subscribes_and_a_booking_made_in_the_browser_appears(
        live_server, browser_page, site_shell, settings):
    settings.SITE_BASE_URL = live_server.url
    family = FamilyFactory()
    counsellor = counsellor_with_hours(display_name="苏老师（虚构）")
    session_type = SessionTypeFactory(counsellors=[counsellor])
    page = browser_page
    _sign_in(page, live_server, family)

    # 1. Create the feed on the account page and read the link it shows.
    page.goto(live_server.url + "/account/")
    section = page.get_by_test_id("calendar-feeds")
    section.get_by_role("button", name="创建日历订阅").click()
    page.wait_for_url("**/account/#calendar-feeds")
    feed_url = page.get_by_test_id("feed-https-family").input_value()
    assert feed_url.startswith(live_server.url + "/calendar/")
    webcal = page.get_by_test_id("feed-webcal-family").get_attribute("href")
    assert webcal == "webcal://" + feed_url.split("://", 1)[1]
    assert page.locator("svg.calendar-qr").is_visible()
    violations = axe_check(page)
    assert violations == [], format_violations(violations)

    headers, body = _fetch_without_cookies(feed_url)
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in headers
    assert _events(body) == {}

    # 2. Book a session through the booking pages.
    page.goto(f"{live_server.url}/bookings/counsellors/{counsellor.slug}/"
              f"?type={session_type.slug}")
    page.get_by_test_id("soonest-slots").get_by_role("link").first.click()
    page.locator("input[name=mode][value=in_person]").check()
    for radio in page.locator("input[type=radio][name^=risk_][value=no]").all():
        radio.check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="下一步：核对并确认").click()
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_url("**/bookings/*/?new=1")
    booking = Booking.objects.get(family=family)

    # 3. The same feed URL now carries the booking, under its stable UID.
    _headers, body = _fetch_without_cookies(feed_url)
    assert _events(body) == {booking.calendar_uid: "个体咨询 · 苏老师（虚构）"}
