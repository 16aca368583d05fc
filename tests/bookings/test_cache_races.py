"""The cached fast paths under real concurrency (PostgreSQL, real threads).

Pollers hammer a feed or a slot search from their own threads and database
connections while the main thread commits a change. Every request that
starts after the change has committed must see it: a revoked feed is 404, a
booked slot is gone. (The state or answer a poller stored from rows read
before the commit must not outlive it: the generation and the schedule
versions are replaced again once the write is visible.)
"""

import threading
import time
from http import HTTPStatus

import pytest
from django.db import connections
from django.test import Client

from bookings import feeds, services
from bookings.models import CalendarFeed, Mode
from portal import cache as portal_cache
from portal.models import ApiToken
from tests.bookings.engine_setup import make_setup
from tests.factories import FamilyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POLLERS = 4


def poll_while(change, request, *, after: float = 0.4):
    """Run `request()` in POLLERS threads until `after` seconds past `change()`;
    returns [(started_at, result)] and the moment `change()` returned."""
    stop = threading.Event()
    seen: list[tuple[float, object]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def poller():
        client = Client()
        try:
            while not stop.is_set():
                started = time.monotonic()
                result = request(client)
                with lock:
                    seen.append((started, result))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poller) for _ in range(POLLERS)]
    for thread in threads:
        thread.start()
    time.sleep(0.4)
    change()
    changed_at = time.monotonic()
    time.sleep(after)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return seen, changed_at


def test_a_revoked_feed_is_404_for_every_poll_that_starts_after_the_revoke(settings):
    settings.CALENDAR_FEED_RATE_PER_SECRET = 10**9  # a calendar app polls hourly; we do not
    family = FamilyFactory()
    feed = feeds.feed_create(user=family, kind=CalendarFeed.Kind.FAMILY)
    path = f"/calendar/{feeds.feed_secret(feed)}.ics"

    seen, revoked_at = poll_while(
        lambda: feeds.feed_revoke(user=family, kind=CalendarFeed.Kind.FAMILY),
        lambda client: client.get(path).status_code)

    before = [status for started, status in seen if started < revoked_at]
    after = [status for started, status in seen if started > revoked_at]
    assert HTTPStatus.OK in before  # it was being served (mostly from the cache)
    assert after and set(after) == {HTTPStatus.NOT_FOUND}, after


def test_a_booked_slot_is_gone_from_every_search_that_starts_after_the_booking():
    portal_cache.clear()
    setup = make_setup()
    other = FamilyFactory()
    _token, secret = ApiToken.issue(user=setup.family, name="race")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    taken = setup.at(11).isoformat()
    params = {"counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
              "start": setup.day.isoformat(), "end": setup.day.isoformat()}

    def search(client):
        response = client.get("/api/v1/slots", params, **auth)
        assert response.status_code == HTTPStatus.OK
        return taken in {s["start"] for s in response.json()}

    seen, booked_at = poll_while(
        lambda: services.booking_create(
            family=other, counsellor=setup.counsellor, session_type=setup.session_type,
            start=setup.at(11), mode=Mode.IN_PERSON, consent=True),
        search)

    before = [offered for started, offered in seen if started < booked_at]
    after = [offered for started, offered in seen if started > booked_at]
    assert True in before
    assert after and not any(after), "a search after the booking still offered the slot"
