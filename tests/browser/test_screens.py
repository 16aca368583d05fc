"""The main screens of each role on a phone: each loads, fits the screen and
passes axe (no serious or critical violation); each is photographed.

`make screenshots` runs this module with SCREENSHOTS_DIR=docs/screenshots, so
a reviewer can look at the screens without running the site; otherwise the
pictures go to pytest's temporary directory and only the checks count.
"""

import os
from pathlib import Path

import pytest

from bookings.models import Booking, UrgentFollowUp
from tests.bookings.web_setup import booking_at, day_ahead, local, with_totp
from tests.browser.test_booking_flow import (  # noqa: F401  (people: the fixture)
    _assert_accessible,
    _fits_the_screen,
    _sign_in,
    people,
)
from tests.factories import CoordinatorFactory, GroupSessionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _screen(page, url: str, shots: Path, name: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.get_by_role("heading", level=1).first.is_visible(), url
    assert _fits_the_screen(page), url
    _assert_accessible(page)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert (shots / f"{name}.png").stat().st_size > 5_000


@pytest.fixture
def world(people):  # noqa: F811  (the fixture imported above)
    from bookings import services

    counsellor, session_type = people["counsellor"], people["session_type"]
    urgent = booking_at(local(day_ahead(2), 10), counsellor=counsellor,
                        session_type=session_type, family=people["family"],
                        status=Booking.Status.CONFIRMED, is_urgent=True,
                        contact_phone="+8613912345678",
                        intake_answers={"screen": 2, "risk": {"child_wish_dead": "unsure"}})
    coordinator = with_totp(CoordinatorFactory(display_name="王协调（虚构）"))
    services.urgent_follow_up_record(
        booking=urgent, by_user=coordinator, outcome=UrgentFollowUp.Outcome.NO_ANSWER,
        asq=UrgentFollowUp.Asq.NOT_ASKED)
    GroupSessionFactory(title="亲子沟通工作坊", counsellors=[counsellor])
    return {**people, "urgent": urgent, "coordinator": coordinator}


def test_the_family_screens(live_server, browser_page, world, shots):
    page = browser_page
    _screen(page, live_server.url + "/", shots, "family-01-home-anonymous")
    _sign_in(page, live_server, world["family"])
    _screen(page, live_server.url + "/bookings/", shots, "family-02-bookings")
    _screen(page, live_server.url + "/bookings/counsellors/", shots, "family-03-counsellors")
    _screen(page, live_server.url + f"/bookings/counsellors/{world['counsellor'].slug}/",
            shots, "family-04-counsellor")
    _screen(page, live_server.url + "/bookings/mine/", shots, "family-05-my-bookings")
    _screen(page, live_server.url + "/bookings/workshops/", shots, "family-06-workshops")
    _screen(page, live_server.url + "/account/", shots, "family-07-account")


def test_the_counsellor_screens(live_server, browser_page, world, shots):
    page = browser_page
    _sign_in(page, live_server, world["counsellor"].user)
    _screen(page, live_server.url + "/bookings/counsellor/week/", shots,
            "counsellor-01-week")
    _screen(page, live_server.url + "/bookings/counsellor/hours/", shots,
            "counsellor-02-hours")


def test_the_coordinator_screens(live_server, browser_page, world, shots):
    page = browser_page
    _sign_in(page, live_server, world["coordinator"])
    _screen(page, live_server.url + "/bookings/coordinator/urgent/", shots,
            "coordinator-01-urgent-queue")
    _screen(page, live_server.url + world["urgent"].get_absolute_url(), shots,
            "coordinator-02-urgent-intake")
    _screen(page, live_server.url + "/bookings/coordinator/", shots,
            "coordinator-03-bookings")
    _screen(page, live_server.url + "/bookings/coordinator/reports/", shots,
            "coordinator-04-reports")
