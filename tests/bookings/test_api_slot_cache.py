"""Repeated slot searches answered before the middleware stack (bookings.caching).

What a client sees must not change: the same bytes as the full path, and
every change (a booking, a revoked token, a deactivated counsellor, an
unlinked session type, a disabled account) shows on the very next search.
"""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import caching, selectors, services
from bookings.models import Mode
from bookings.slots import STATION_TZ
from portal import cache as portal_cache
from portal import tokens
from portal.models import ApiToken
from tests.bookings.engine_setup import make_setup
from tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def setup():
    return make_setup()


def _auth(user) -> dict:
    _token, secret = ApiToken.issue(user=user, name="phone")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _search(setup, auth, *, days: int = 0):
    return Client().get("/api/v1/slots", {
        "counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
        "start": setup.day.isoformat(),
        "end": (setup.day + dt.timedelta(days=days)).isoformat()}, **auth)


def test_a_repeat_search_is_the_same_answer_without_a_query(setup):
    auth = _auth(setup.family)
    first = _search(setup, auth, days=6)
    assert first.status_code == HTTPStatus.OK
    assert len(first.json()) == 15 * 7
    with CaptureQueriesContext(connection) as queries:
        again = _search(setup, auth, days=6)
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert again.status_code == HTTPStatus.OK
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    # The same headers as the full path (CSP, X-Frame-Options, nosniff...), except
    # the ones that describe the request rather than the answer.
    per_request = {"Content-Language", "X-Request-ID"}
    same = {k: v for k, v in first.headers.items() if k not in per_request}
    assert {k: v for k, v in again.headers.items() if k != "X-Request-ID"} == same
    assert "frame-ancestors 'none'" in again["Content-Security-Policy"]


def test_a_booked_slot_is_gone_from_the_next_search(setup):
    auth = _auth(setup.family)
    other = FamilyFactory()
    before = _search(setup, auth).json()
    assert _search(setup, auth).json() == before  # now answered from the cache
    services.booking_create(
        family=other, counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(9, 30), mode=Mode.IN_PERSON, consent=True)
    after = _search(setup, auth).json()
    starts = [s["start"] for s in after]
    assert setup.at(9, 30).isoformat() not in starts
    assert len(after) < len(before)


def test_a_revoked_token_is_refused_at_once(setup):
    token, secret = ApiToken.issue(user=setup.family, name="phone")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert _search(setup, auth).status_code == HTTPStatus.OK
    assert _search(setup, auth).status_code == HTTPStatus.OK  # answered from the cache
    tokens.api_token_revoke(user=setup.family, token_id=token.pk)
    assert _search(setup, auth).status_code == HTTPStatus.UNAUTHORIZED


def test_a_disabled_account_is_refused_at_once(setup):
    auth = _auth(setup.family)
    assert _search(setup, auth).status_code == HTTPStatus.OK
    setup.family.is_active = False
    setup.family.save(update_fields=["is_active"])
    assert _search(setup, auth).status_code == HTTPStatus.UNAUTHORIZED


def test_a_deactivated_counsellor_or_unlinked_service_is_404_at_once(setup):
    auth = _auth(setup.family)
    assert _search(setup, auth).status_code == HTTPStatus.OK
    setup.session_type.counsellors.remove(setup.counsellor)
    assert _search(setup, auth).status_code == HTTPStatus.NOT_FOUND
    setup.session_type.counsellors.add(setup.counsellor)
    assert _search(setup, auth).status_code == HTTPStatus.OK
    setup.counsellor.is_active = False
    setup.counsellor.save()
    assert _search(setup, auth).status_code == HTTPStatus.NOT_FOUND


def test_another_token_of_no_one_gets_nothing_from_the_cache(setup):
    _search(setup, _auth(setup.family))
    stranger = {"HTTP_AUTHORIZATION": "Bearer not-a-real-token"}
    assert _search(setup, stranger).status_code == HTTPStatus.UNAUTHORIZED
    assert _search(setup, {}).status_code == HTTPStatus.UNAUTHORIZED
    # "Bearer  <secret>" (two spaces) is another token to ninja: not answered either.
    auth = _auth(setup.family)
    _search(setup, auth)
    doubled = {"HTTP_AUTHORIZATION": auth["HTTP_AUTHORIZATION"].replace(" ", "  ", 1)}
    assert _search(setup, doubled).status_code == HTTPStatus.UNAUTHORIZED


def test_unusual_queries_take_the_full_path_and_its_messages(setup):
    auth = _auth(setup.family)
    _search(setup, auth)
    params = {"counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk}
    backwards = Client().get("/api/v1/slots", {
        **params, "start": (setup.day + dt.timedelta(days=9)).isoformat(),
        "end": setup.day.isoformat()}, **auth)
    assert backwards.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert backwards.json()["detail"][0]["loc"] == ["query", "end"]
    extra = Client().get("/api/v1/slots", {**params, "start": setup.day.isoformat(),
                                           "end": setup.day.isoformat(), "x": "1"}, **auth)
    assert extra.status_code == HTTPStatus.OK


def test_an_answer_holds_until_the_first_slot_slips_inside_the_notice(setup):
    policy = selectors.engine_policy(selectors.booking_policy(), setup.session_type)
    first_start = setup.at(9)
    just_before = first_start - policy.min_notice - dt.timedelta(seconds=20)
    slots, until = selectors.free_slots_answer(
        counsellor=setup.counsellor, session_type=setup.session_type,
        start_date=setup.day, end_date=setup.day, now=just_before)
    assert slots[0].start == first_start
    assert until == first_start - policy.min_notice
    # Days before (at a fixed time of day, not the moment the test runs):
    # a minute at most, and never past the station's midnight.
    far = dt.datetime.combine(setup.day - dt.timedelta(days=3), dt.time(12), tzinfo=STATION_TZ)
    _slots, until = selectors.free_slots_answer(
        counsellor=setup.counsellor, session_type=setup.session_type,
        start_date=setup.day, end_date=setup.day, now=far)
    assert until == far + dt.timedelta(minutes=1)
    late = far.replace(hour=23, minute=59, second=30)
    _slots, until = selectors.free_slots_answer(
        counsellor=setup.counsellor, session_type=setup.session_type,
        start_date=setup.day, end_date=setup.day, now=late)
    assert until == dt.datetime.combine(late.date() + dt.timedelta(days=1), dt.time(0),
                                        tzinfo=STATION_TZ)


def test_an_expired_answer_is_not_served(setup):
    auth = _auth(setup.family)
    first = _search(setup, auth)
    # Every kept answer runs out: a search a minute later (an answer holds a
    # minute at most).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=False), \
            CaptureQueriesContext(connection) as queries:
        again = _search(setup, auth)
    assert again.content == first.content
    assert len(queries) > 0  # recomputed on the full path


def test_the_per_process_copy_keeps_to_its_byte_budget(settings):
    from django.http import HttpResponse

    settings.CACHE_LOCAL_BYTES = 8000
    portal_cache.clear()  # the store takes its budget when it is (re)made
    until = timezone.now() + dt.timedelta(minutes=1)
    for n in range(10):
        caching.remember_answer(("k", n), HttpResponse(b"x" * 900), valid_until=until)
    assert portal_cache.local_bytes() <= 8000
    kept = [n for n in range(10) if portal_cache.local_get(("k", n)) is not None]
    assert len(kept) == 8  # the oldest two went
    assert portal_cache.local_get(("k", 0)) is None
    assert portal_cache.local_get(("k", 9)) is not None
    caching.remember_answer(("big",), HttpResponse(b"x" * 1500), valid_until=until)
    # Over an eighth of the budget: not kept.
    assert portal_cache.local_get(("big",)) is None
    caching.remember_answer(("k", 9), HttpResponse(b"y" * 100), valid_until=until)
    assert portal_cache.local_bytes() == 7 * 900 + 100


def _another_process_retires(key: str) -> None:
    """What a bump in another worker process looks like from this one: the
    shared number moves, this process's lagging copy does not."""
    from django.core.cache import cache

    cache.set(key, portal_cache.fresh(), None)


def test_a_token_revoked_in_another_process_is_refused_within_the_lag(setup, monkeypatch):
    token, secret = ApiToken.issue(user=setup.family, name="phone")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert _search(setup, auth).status_code == HTTPStatus.OK
    assert _search(setup, auth).status_code == HTTPStatus.OK  # replayed
    # Revoked by another process: its row and its bump, no signal here.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    _another_process_retires(caching.TOKENS)
    # Within the lag this process may still answer from its copy...
    assert _search(setup, auth).status_code == HTTPStatus.OK
    # ...and once the lag has passed it reads the new number: refused.
    monkeypatch.setattr(portal_cache, "LAG_SECONDS", 0.0)
    assert _search(setup, auth).status_code == HTTPStatus.UNAUTHORIZED


def test_a_slot_booked_in_another_process_is_gone_once_the_lag_has_passed(
        setup, monkeypatch):
    import time

    auth = _auth(setup.family)
    before = _search(setup, auth).json()
    assert _search(setup, auth).json() == before  # replayed
    keys = [("generation", k) for k in
            (caching.TOKENS, caching.STATION, caching.counsellor_key(setup.counsellor.pk))]
    seen = [portal_cache.local_get(key) for key in keys]
    services.booking_create(
        family=FamilyFactory(), counsellor=setup.counsellor,
        session_type=setup.session_type, start=setup.at(9, 30), mode=Mode.IN_PERSON,
        consent=True)
    # As a process that did not make the booking: it still holds the number
    # it read a moment ago, and the answer it kept under it.
    for key, (number, _read_at) in zip(keys, seen, strict=True):
        portal_cache.local_set(key, (number, time.monotonic()), seconds=60)
    assert _search(setup, auth).json() == before
    monkeypatch.setattr(portal_cache, "LAG_SECONDS", 0.0)
    starts = [s["start"] for s in _search(setup, auth).json()]
    assert setup.at(9, 30).isoformat() not in starts
