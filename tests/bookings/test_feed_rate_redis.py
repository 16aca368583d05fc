"""The feed rate limit's one-round-trip counter on Redis (helper G, issue 6).

Runs where a Redis server answers (tests.redis_support); elsewhere the counter falls back to Django's add/incr, covered by the feed tests.
"""

import pytest
from django.core.cache import caches
from django.test import override_settings

from bookings import feeds
from tests.redis_support import needs_redis, redis_caches


@needs_redis
@override_settings(CACHES=redis_caches("weiai-test-rate"))
def test_redis_counter_counts_limits_and_expires():
    cache = caches["default"]
    cache.clear()
    try:
        assert [feeds.check_rate(scope="t", ident="1.2.3.4", limit=2)
                for _ in range(3)][:2] == [None, None]
        wait = feeds.check_rate(scope="t", ident="1.2.3.4", limit=2)
        assert wait is not None and 1 <= wait <= feeds.RATE_WINDOW_SECONDS
        assert feeds.check_rate(scope="t", ident="5.6.7.8", limit=2) is None
        key, _ = feeds.bucket_key("t", "1.2.3.4", feeds.RATE_WINDOW_SECONDS)
        assert cache.get(key) == 4  # readable through Django's cache API
        ttl = cache.ttl(key)
        assert feeds.RATE_WINDOW_SECONDS < ttl <= feeds.RATE_WINDOW_SECONDS + 60
        assert feeds.peek_rate(scope="t", ident="1.2.3.4", limit=2) is not None
    finally:
        cache.clear()


def test_per_process_feed_copy_is_keyed_by_version():
    """A repeat skips the shared cache; a new version (any change) is a
    different key."""
    from django.core.cache import cache

    calls = []

    def render():
        calls.append(1)
        return b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

    first = feeds._render_cached("calendar:test:v1", render, gzipped=True)
    cache.clear()
    again = feeds._render_cached("calendar:test:v1", render, gzipped=True)
    assert again.gzipped == first.gzipped and again.etag == first.etag
    assert len(calls) == 1
    feeds._render_cached("calendar:test:v2", render, gzipped=True)
    assert len(calls) == 2


@needs_redis
@pytest.mark.django_db
def test_on_redis_a_repeat_poll_is_one_round_trip_and_no_query(client):
    """The fast path's pipeline (INCR, EXPIRE, MGET) against a real Redis: the
    counters, the cached state and the generation come back decoded.

    Settings change through override_settings only: pytest-django's `settings`
    fixture, undone after this block, would restore the Redis CACHES for every
    later test."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.models import CalendarFeed
    from tests.factories import FamilyFactory

    with override_settings(CACHES=redis_caches("weiai-test-feedpoll"),
                           CALENDAR_FEED_RATE_PER_SECRET=3):
        cache = caches["default"]
        cache.clear()
        try:
            family = FamilyFactory()
            feed = feeds.feed_create(user=family, kind=CalendarFeed.Kind.FAMILY)
            path = f"/calendar/{feeds.feed_secret(feed)}.ics"
            first = client.get(path)
            assert first.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                again = client.get(path)
            assert again.status_code == 200 and again.content == first.content
            assert len(queries) == 0, [q["sql"] for q in queries]
            assert client.get(path).status_code == 200
            limited = client.get(path)  # the fourth in the hour
            assert limited.status_code == 429
            assert int(limited["Retry-After"]) >= 1
            feeds.feed_revoke(user=family, kind=CalendarFeed.Kind.FAMILY)
            with override_settings(CALENDAR_FEED_RATE_PER_SECRET=100):
                assert client.get(path).status_code == 404
        finally:
            cache.clear()


@needs_redis
@override_settings(CACHES=redis_caches("weiai-test-client"))
def test_the_cache_backend_reuses_one_client_and_works_from_threads():
    import threading

    from django_redis.cache import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)  # django-redis's own backend and client
    cache.clear()
    try:
        assert cache.client.get_client(write=False) is cache.client.get_client(write=True)
        errors = []

        def work(n):
            try:
                for i in range(50):
                    cache.set(f"k{n}:{i}", {"n": n, "i": i}, 30)
                    assert cache.get(f"k{n}:{i}") == {"n": n, "i": i}
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert cache.get_many([f"k{n}:49" for n in range(8)]) == {
            f"k{n}:49": {"n": n, "i": 49} for n in range(8)}
    finally:
        cache.clear()
