"""Redis going away is a slower site, never a broken one (portal.cache).

With the shared cache unreachable, pages (with their crisis lines), sign-in,
feeds and slot search still answer, and answer correctly: a slot booked
during the outage is not offered again, a revoked feed is 404. When Redis
comes back the cache is used again without a restart.
"""

import time
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from bookings import feeds, services
from bookings.models import CalendarFeed, Mode
from portal import cache as portal_cache
from portal.models import ApiToken
from tests.bookings.engine_setup import make_setup
from tests.factories import PASSWORD, FamilyFactory
from tests.redis_support import needs_redis, redis_caches

pytestmark = pytest.mark.django_db

GONE = redis_caches("weiai-gone", location="redis://127.0.0.1:1/0",
                    socket_connect_timeout=0.5, socket_timeout=1.0)


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    portal_cache.clear()
    yield
    portal_cache.clear()


@override_settings(CACHES=GONE)
def test_pages_and_sign_in_work_without_redis_and_show_the_crisis_lines(site_shell):
    client = Client()
    home = client.get("/")
    assert home.status_code == HTTPStatus.OK
    assert "12356" in home.content.decode()  # the national psychological assistance line
    login_page = client.get(reverse("account_login"))
    assert login_page.status_code == HTTPStatus.OK
    assert "12356" in login_page.content.decode()
    user = FamilyFactory(email="outage@example.cn")
    response = client.post(reverse("account_login"),
                           {"login": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(user.pk)
    # It noticed, and stopped trying for now.
    assert not portal_cache.shared_cache_available()


@override_settings(CACHES=GONE)
def test_sign_in_rate_limits_still_hold_during_the_outage(site_shell):
    from portal.settings import base as base_settings

    client = Client()
    user = FamilyFactory(email="limited-outage@example.cn")
    url = reverse("account_login")
    with override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS):
        for _ in range(5):
            client.post(url, {"login": user.email, "password": "wrong-1234"})
        response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # refused although right this time
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS)


# Not pytest-django's `settings` fixture under the CACHES override: undone after
# it, the fixture would restore the unreachable cache for every later test.
@override_settings(CACHES=GONE, CALENDAR_FEED_RATE_PER_SECRET=2)
def test_feed_rate_limits_still_hold_during_the_outage():
    family = FamilyFactory()
    feed = feeds.feed_create(user=family, kind=CalendarFeed.Kind.FAMILY)
    path = f"/calendar/{feeds.feed_secret(feed)}.ics"
    client = Client()
    assert [client.get(path).status_code for _ in range(3)] == [
        HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]


@override_settings(CACHES=GONE)
def test_a_slot_booked_during_the_outage_is_not_offered_again():
    setup = make_setup()
    _token, secret = ApiToken.issue(user=setup.family, name="phone")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    params = {"counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
              "start": setup.day.isoformat(), "end": setup.day.isoformat()}
    client = Client()
    first = client.get("/api/v1/slots", params, **auth)
    assert first.status_code == HTTPStatus.OK
    assert setup.at(10).isoformat() in {s["start"] for s in first.json()}
    assert client.get("/api/v1/slots", params, **auth).json() == first.json()
    services.booking_create(family=FamilyFactory(), counsellor=setup.counsellor,
                            session_type=setup.session_type, start=setup.at(10),
                            mode=Mode.IN_PERSON, consent=True)
    after = client.get("/api/v1/slots", params, **auth).json()
    assert setup.at(10).isoformat() not in {s["start"] for s in after}


@override_settings(CACHES=GONE)
def test_feeds_answer_and_a_revoked_feed_is_404_during_the_outage():
    family = FamilyFactory()
    feed = feeds.feed_create(user=family, kind=CalendarFeed.Kind.FAMILY)
    path = f"/calendar/{feeds.feed_secret(feed)}.ics"
    client = Client()
    assert client.get(path).status_code == HTTPStatus.OK
    assert client.get(path).status_code == HTTPStatus.OK
    assert client.get("/calendar/workshops.ics").status_code == HTTPStatus.OK
    feeds.feed_revoke(user=family, kind=CalendarFeed.Kind.FAMILY)
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


@needs_redis
def test_the_cache_is_used_again_once_redis_is_back(monkeypatch):
    import redis

    with override_settings(CACHES=redis_caches("weiai-test-outage")):
        cache = caches["default"]
        cache.clear()
        try:
            monkeypatch.setattr(portal_cache, "RETRY_SECONDS", 0.3)
            cache.set("answer", 42, 60)
            cache.set("untouched", 1, 60)
            client_calls = []
            real_get_client = cache.client.get_client

            def gone(*args, **kwargs):
                client_calls.append(1)
                raise redis.exceptions.ConnectionError("Redis went away")

            monkeypatch.setattr(cache.client, "get_client", gone)
            assert cache.get("answer") is None  # a miss, not an exception
            assert cache.add("lock", 1, 5) is True  # allauth's lock does not spin
            cache.set("answer", 7, 60)  # dropped
            with pytest.raises(ValueError):
                cache.incr("answer")
            assert len(client_calls) == 1  # one failed try, then no more for a while
            monkeypatch.setattr(cache.client, "get_client", real_get_client)
            assert cache.get("answer") is None  # still riding out the outage
            time.sleep(0.35)
            assert cache.get("untouched") == 1  # back, by itself
            assert portal_cache.shared_cache_available()
            # Its write of 7 was dropped: the 42 Redis kept is stale, and gone.
            assert cache.get("answer") is None
        finally:
            cache.clear()


def test_an_outage_is_logged_once(caplog, monkeypatch):
    monkeypatch.setattr(portal_cache, "RETRY_SECONDS", 0.0)
    with override_settings(CACHES=GONE):
        cache = caches["default"]
        with caplog.at_level("WARNING", logger="weiai.cache"):
            for _ in range(3):
                assert cache.get("x", "default") == "default"
    messages = [r.getMessage() for r in caplog.records if r.name == "weiai.cache"]
    assert len(messages) == 1 and "unavailable" in messages[0]
