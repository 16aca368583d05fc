"""Dates far outside the booking horizon: a clear 422 (API) or the usual page, never 500.

`date(9999, 12, 31) + timedelta(days=1)` raises OverflowError: dates are bound
by the horizon before any arithmetic, in the selectors and at every door.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import selectors
from bookings.api import SLOT_DATES_OUT_OF_RANGE
from bookings.models import BookingPolicy
from portal import cache as portal_cache
from portal.models import ApiToken
from tests.bookings.engine_setup import make_setup
from tests.bookings.web_setup import booking_at, day_ahead, local, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

FAR_DATES = [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02"),
             ("0001-01-01", "0001-01-01"), ("9999-12-31", "9999-12-31")]


@pytest.fixture(autouse=True)
def _fresh_answers():
    portal_cache.clear()
    yield
    portal_cache.clear()


@pytest.fixture
def setup():
    return make_setup()


@pytest.fixture
def auth(setup):
    _token, secret = ApiToken.issue(user=setup.family, name="phone")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def search(setup, auth, start, end):
    return Client().get("/api/v1/slots", {
        "counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
        "start": start, "end": end}, **auth)


def window() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=1), today + dt.timedelta(
        days=BookingPolicy().horizon_days + 1)


def out_of_range(field: str) -> dict:
    first, last = window()
    return {"detail": [{
        "loc": ["query", field], "type": "out_of_range",
        "msg": SLOT_DATES_OUT_OF_RANGE % {"first": first.isoformat(),
                                          "last": last.isoformat()}}]}


@pytest.mark.parametrize(("start", "end"), FAR_DATES)
def test_api_slot_search_far_outside_the_horizon_is_422(setup, auth, start, end):
    response = search(setup, auth, start, end)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == out_of_range("start")


def test_api_slot_search_past_the_horizon_or_before_yesterday_is_422(setup, auth):
    first, last = window()
    assert search(setup, auth, first.isoformat(), first.isoformat()).status_code == \
        HTTPStatus.OK
    assert search(setup, auth, last.isoformat(), last.isoformat()).json() == []
    early = search(setup, auth, (first - dt.timedelta(days=1)).isoformat(),
                   first.isoformat())
    assert early.json() == out_of_range("start")
    late = search(setup, auth, (last - dt.timedelta(days=3)).isoformat(),
                  (last + dt.timedelta(days=1)).isoformat())
    assert late.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert late.json() == out_of_range("end")


def test_api_slot_search_message_in_english(setup, auth):
    response = Client().get("/api/v1/slots", {
        "counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
        "start": "9999-12-30", "end": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE="en", **auth)
    first, last = window()
    assert response.json()["detail"][0]["msg"] == (
        f"Only dates from {first.isoformat()} to {last.isoformat()} can be searched "
        "(the booking horizon).")


def test_repeated_far_searches_take_the_full_path_and_stay_422(setup, auth):
    """The fast path answers only what the full path answered 200 before."""
    ok = search(setup, auth, setup.day.isoformat(), setup.day.isoformat())
    assert ok.status_code == HTTPStatus.OK  # the token's state is now cached
    answers = [search(setup, auth, "9999-12-30", "9999-12-31") for _ in range(3)]
    assert [a.status_code for a in answers] == [HTTPStatus.UNPROCESSABLE_ENTITY] * 3
    assert {a.content for a in answers} == {answers[0].content}


def test_selectors_bound_dates_before_arithmetic(setup):
    for start, end in FAR_DATES:
        assert selectors.free_slots(
            counsellor=setup.counsellor, session_type=setup.session_type,
            start_date=dt.date.fromisoformat(start),
            end_date=dt.date.fromisoformat(end)) == []
    now = timezone.now()
    everything = selectors.free_slots_for_counsellors(
        counsellors=[setup.counsellor], session_type=setup.session_type,
        start_date=dt.date.min, end_date=dt.date.max, exclude_booking_id=1, now=now)
    assert everything == {setup.counsellor.pk: selectors.free_slots(
        counsellor=setup.counsellor, session_type=setup.session_type,
        start_date=window()[0], end_date=window()[1], now=now)}
    assert len(everything[setup.counsellor.pk]) > 0
    for far in (dt.date.min, dt.date.max):
        week = selectors.counsellor_week(counsellor=setup.counsellor, week_start=far)
        assert len(week["days"]) == 7
        assert all(day["free"] == [] for day in week["days"])


# --- the web pages that take dates ----------------------------------------------------


def test_counsellor_page_with_far_from_dates_shows_the_page(client):
    from tests.bookings.web_setup import working_counsellor

    counsellor, session_type = working_counsellor()
    url = reverse("bookings:counsellor", kwargs={"slug": counsellor.slug})
    for value in ("9999-12-31", "0001-01-01", "99999-01-01"):
        response = client.get(url, {"type": session_type.slug, "from": value})
        assert response.status_code == HTTPStatus.OK, value


def test_booking_page_with_a_far_start_says_the_time_is_gone():
    from tests.bookings.web_setup import working_counsellor

    counsellor, session_type = working_counsellor()
    family = make_setup().family
    url = reverse("bookings:book", kwargs={"slug": counsellor.slug,
                                           "type_slug": session_type.slug})
    for start in ("9999-12-31T23:30:00-05:00", "0001-01-01T00:00:00+08:00",
                  "9999-12-31T23:59:00+08:00"):
        client = Client()
        client.force_login(family)
        response = client.get(url, {"start": start})
        assert response.status_code == HTTPStatus.FOUND, start
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "这个时间已不可预约，请重新选择。"]
        posted = client.post(url, {"start": start, "mode": "in_person", "consent": "on",
                                   "step": "confirm"})
        assert posted.status_code == HTTPStatus.FOUND, start


def test_reschedule_page_with_far_from_dates_shows_the_page(client):
    from tests.bookings.web_setup import working_counsellor

    counsellor, session_type = working_counsellor()
    booking = booking_at(local(day_ahead(), 10), counsellor=counsellor,
                         session_type=session_type)
    client.force_login(booking.family)
    url = reverse("bookings:reschedule", kwargs={"pk": booking.pk})
    for value in ("9999-12-31", "0001-01-01"):
        assert client.get(url, {"from": value}).status_code == HTTPStatus.OK, value
    for start in ("9999-12-31T23:30:00-05:00", "0001-01-01T00:00:00+08:00"):
        response = client.post(url, {"new_start": start})
        assert response.status_code == HTTPStatus.FOUND, start


def test_counsellor_week_with_far_week_dates_shows_the_page(client):
    from tests.bookings.web_setup import working_counsellor

    counsellor, _session_type = working_counsellor()
    with_totp(counsellor.user)
    client.force_login(counsellor.user)
    for value in ("9999-12-31", "0001-01-01", "0001-01-07"):
        response = client.get(reverse("bookings:counsellor_week"), {"week": value})
        assert response.status_code == HTTPStatus.OK, value
