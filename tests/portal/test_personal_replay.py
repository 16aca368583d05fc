"""Signed-in pages replayed to the same session while nothing changed
(portal.cache.PersonalReplayer, issue 11)."""

import datetime as dt
import re
import time
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from portal import cache as caching
from portal.models import AccessLog
from tests.bookings.web_setup import (
    booking_at,
    day_ahead,
    local,
    with_totp,
    working_counsellor,
)
from tests.factories import CoordinatorFactory, FamilyFactory

pytestmark = pytest.mark.django_db

HIT = "X-Replay"
MINE = "/bookings/mine/"


@pytest.fixture
def family_booking():
    counsellor, session_type = working_counsellor(display_name="林晓舟")
    family = FamilyFactory()
    booking = booking_at(local(day_ahead(6), 10), counsellor=counsellor,
                         session_type=session_type, family=family)
    return family, booking


def _signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _warm(client, url):
    """The first request stamps the session (not kept), the second is kept."""
    client.get(url)
    response = client.get(url)
    assert HIT not in response
    return response


def test_a_signed_in_page_is_replayed_to_its_session_without_queries(
    family_booking, django_assert_num_queries
):
    family, _booking = family_booking
    client = _signed_in(family)
    full = _warm(client, MINE)
    with django_assert_num_queries(0):
        replay = client.get(MINE)
    assert replay.status_code == HTTPStatus.OK
    assert replay[HIT] == "personal"
    assert "林晓舟" in replay.content.decode()
    assert replay.content.decode().count("林晓舟") == full.content.decode().count("林晓舟")
    cache_control = replay["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert "Cookie" in replay["Vary"]
    assert replay["Content-Security-Policy"] == full["Content-Security-Policy"]


def test_another_session_of_another_family_never_gets_the_copy(family_booking):
    family, _booking = family_booking
    _warm(_signed_in(family), MINE)
    other = _signed_in(FamilyFactory())
    page = other.get(MINE)
    assert HIT not in page
    assert "林晓舟" not in page.content.decode()


def test_a_write_by_anyone_retires_the_copy(family_booking):
    family, booking = family_booking
    client = _signed_in(family)
    _warm(client, MINE)
    assert client.get(MINE)[HIT] == "personal"
    coordinator = with_totp(CoordinatorFactory())
    services.booking_cancel(booking=booking, by_user=coordinator, reason="站点临时关闭")
    fresh = client.get(MINE)
    assert HIT not in fresh
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert "已取消" in fresh.content.decode()


def test_a_queryset_update_retires_the_copy_too(family_booking):
    """Writes that send no model signals are seen at the SQL level."""
    family, booking = family_booking
    client = _signed_in(family)
    _warm(client, MINE)
    assert client.get(MINE)[HIT] == "personal"
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert HIT not in client.get(MINE)


def test_signing_out_elsewhere_ends_the_replays(family_booking):
    family, _booking = family_booking
    client = _signed_in(family)
    _warm(client, MINE)
    # Another worker signs the session out: its row and its cached copy go.
    SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value).delete()
    response = client.get(MINE)
    assert HIT not in response
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_signing_out_here_ends_the_replays(family_booking):
    family, _booking = family_booking
    client = _signed_in(family)
    _warm(client, MINE)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # an old tab's cookie
    response = client.get(MINE)
    assert HIT not in response and response.status_code == HTTPStatus.FOUND


def test_a_message_is_shown_on_the_full_path_and_not_replayed_after(family_booking):
    family, booking = family_booking
    client = _signed_in(family)
    _warm(client, MINE)
    response = client.post(reverse("bookings:cancel", args=[booking.pk]),
                           {"reason": ""}, follow=True)
    assert response.status_code == HTTPStatus.OK
    shown = [str(m) for m in response.context["messages"]]
    assert shown, "the cancellation says what happened"
    again = client.get(MINE)
    assert all(text not in again.content.decode() for text in shown)


def test_an_access_logged_page_replays_only_with_its_reads_logged_again(family_booking,
                                                                       monkeypatch):
    """The counsellor's reading of a booking's intake and notes, registered as
    personal for this test: a repeat may be replayed, and every read, replayed
    or not, is in the access log (intake and notes, each time, by the reader)."""
    _family, booking = family_booking
    monkeypatch.setattr(caching, "_personal", caching._personal | {"bookings:detail"})
    counsellor = with_totp(booking.counsellor.user)
    client = _signed_in(counsellor)
    url = reverse("bookings:detail", args=[booking.pk])
    before = AccessLog.objects.count()
    responses = [client.get(url) for _ in range(4)]
    assert all(r.status_code == HTTPStatus.OK for r in responses)
    assert [HIT in r for r in responses] == [False, False, True, True]
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", responses[3].content) == token.sub(b"", responses[1].content)
    rows = AccessLog.objects.order_by("pk")[before:]
    assert len(rows) == 8
    assert {(r.actor_id, r.action, r.object_id) for r in rows} == {
        (counsellor.pk, AccessLog.Action.VIEW_INTAKE, str(booking.pk)),
        (counsellor.pk, AccessLog.Action.VIEW_NOTES, str(booking.pk))}
    assert all(r.subject_user_id == booking.family_id for r in rows)


def test_a_page_that_writes_more_than_the_access_log_is_never_replayed(family_booking,
                                                                       monkeypatch):
    """Any other write (here a note's row, as a side effect of the read)
    keeps the page on the full path."""
    from portal import access

    _family, booking = family_booking
    monkeypatch.setattr(caching, "_personal", caching._personal | {"bookings:detail"})
    real = access.log_access

    def log_and_touch(**kwargs):
        Booking.objects.filter(pk=booking.pk).update(updated_at=timezone.now())
        return real(**kwargs)

    monkeypatch.setattr("bookings.views.family.log_access", log_and_touch)
    client = _signed_in(with_totp(booking.counsellor.user))
    url = reverse("bookings:detail", args=[booking.pk])
    responses = [client.get(url) for _ in range(4)]
    assert not any(HIT in r for r in responses)


def test_replayed_form_tokens_are_this_visitors_and_are_accepted(family_booking):
    family, booking = family_booking
    client = _signed_in(family, enforce_csrf_checks=True)
    _warm(client, MINE)
    replay = client.get(MINE)
    assert replay[HIT] == "personal"
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                        replay.content.decode())
    assert tokens and all(_unmask_cipher_token(t) == secret for t in tokens)
    assert len(set(tokens)) == len(tokens)  # each masked afresh
    response = client.post(reverse("bookings:cancel", args=[booking.pk]),
                           {"csrfmiddlewaretoken": tokens[0], "reason": ""})
    assert response.status_code == HTTPStatus.FOUND
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_a_copy_lives_seconds(family_booking, monkeypatch):
    family, _booking = family_booking
    monkeypatch.setattr(caching, "PERSONAL_SECONDS", 0.2)
    client = _signed_in(family)
    _warm(client, MINE)
    assert client.get(MINE)[HIT] == "personal"
    time.sleep(0.3)  # the store's clock is monotonic: time-machine does not move it
    assert HIT not in client.get(MINE)  # expired, kept again
    assert client.get(MINE)[HIT] == "personal"


def test_a_session_stamped_over_a_minute_ago_takes_the_full_path(family_booking):
    family, _booking = family_booking
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = _signed_in(family)
        _warm(client, MINE)
        assert client.get(MINE)[HIT] == "personal"
        clock.shift(dt.timedelta(seconds=caching.SESSION_TOUCH_SECONDS + 1))
        session = client.session
        stamped = session["_last_seen"]
        assert HIT not in client.get(MINE)  # the full path stamps the session again
        assert client.session["_last_seen"] > stamped
        # The stamp is no part of the page: the copy answers again.
        assert client.get(MINE)[HIT] == "personal"


def test_an_idle_staff_session_is_signed_out_not_replayed():
    counsellor, _type = working_counsellor(display_name="周一诺")
    with_totp(counsellor.user)
    week = reverse("bookings:counsellor_week")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = _signed_in(counsellor.user)
        _warm(client, week)
        assert client.get(week)[HIT] == "personal"
        clock.shift(dt.timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS + 1))
        response = client.get(week)
    assert HIT not in response
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_anonymous_visitors_and_other_urls_are_not_personal(family_booking):
    family, booking = family_booking
    anonymous = Client()
    anonymous.get(MINE)
    assert HIT not in anonymous.get(MINE)
    client = _signed_in(family)
    url = reverse("bookings:calendar_ics", args=[booking.pk])
    for _ in range(3):
        assert HIT not in client.get(url)
