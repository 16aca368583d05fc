"""The one caching mechanism (portal.cache): the store's byte budget, `clear()`,
generations, and a Redis outage seen as a miss, logged once."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from portal import cache as portal_cache
from tests.redis_support import redis_caches

GONE = redis_caches("weiai-test-cache-gone", location="redis://127.0.0.1:1/0",
                    socket_connect_timeout=0.5, socket_timeout=1.0)


def test_the_store_evicts_the_least_recently_used_entries_past_its_byte_budget(settings):
    settings.CACHE_LOCAL_BYTES = 8000
    portal_cache.clear()  # the store takes its budget when it is (re)made
    for n in range(10):
        portal_cache.local_set(("entry", n), b"x" * 1000, seconds=60)
    assert portal_cache.local_bytes() == 8000
    assert portal_cache.local_get(("entry", 0)) is None
    assert portal_cache.local_get(("entry", 1)) is None
    assert portal_cache.local_get(("entry", 2)) == b"x" * 1000
    # Just read, so the newest use: the next entry pushes out entry 3 instead.
    portal_cache.local_set(("entry", 10), b"y" * 1000, seconds=60)
    assert portal_cache.local_get(("entry", 2)) == b"x" * 1000
    assert portal_cache.local_get(("entry", 3)) is None


def test_an_entry_over_an_eighth_of_the_budget_is_not_kept(settings):
    settings.CACHE_LOCAL_BYTES = 8000
    portal_cache.clear()
    portal_cache.local_set("small", b"x" * 1000, seconds=60)
    portal_cache.local_set("big", b"x" * 1001, seconds=60)
    assert portal_cache.local_get("small") == b"x" * 1000
    assert portal_cache.local_get("big") is None
    assert portal_cache.local_bytes() == 1000


def test_an_entry_is_not_kept_past_its_seconds():
    portal_cache.local_set("brief", "value", seconds=0)
    assert portal_cache.local_get("brief", "gone") == "gone"


def test_clear_empties_the_shared_cache_the_store_and_lagging_generations():
    cache.set("shared", 1, 60)
    portal_cache.local_set("local", b"v", seconds=60)
    lagging = portal_cache.read("test:gen", lag=3600.0)
    assert portal_cache.read("test:gen", lag=3600.0) == lagging
    portal_cache.clear()
    assert cache.get("shared") is None
    assert portal_cache.local_get("local") is None
    assert portal_cache.local_bytes() == 0
    assert portal_cache.read("test:gen", lag=3600.0) != lagging


def test_clear_ends_the_outage_this_process_was_riding_out():
    with override_settings(CACHES=GONE):
        assert cache.get("x") is None
        assert not portal_cache.shared_cache_available()
        portal_cache.clear()
        assert portal_cache.shared_cache_available()


@pytest.mark.django_db
def test_a_bump_retires_the_generation_here_at_once_even_when_read_with_a_lag():
    first = portal_cache.read("test:gen", lag=3600.0)
    portal_cache.bump("test:gen")
    second = portal_cache.read("test:gen", lag=3600.0)
    assert second != first
    assert portal_cache.read("test:gen") == second  # the shared number too


def test_a_generation_nobody_can_read_is_a_new_one_each_time():
    with override_settings(CACHES=GONE):
        assert portal_cache.read("test:gen") != portal_cache.read("test:gen")


def test_a_redis_outage_is_a_miss_logged_once_and_counters_still_count(caplog,
                                                                     monkeypatch):
    monkeypatch.setattr(portal_cache, "RETRY_SECONDS", 0.0)  # try every call
    with override_settings(CACHES=GONE), caplog.at_level("WARNING", logger="weiai.cache"):
        assert cache.get("x", "miss") == "miss"
        assert cache.add("lock", 1, 5) is True
        assert [portal_cache.count("calendar:rate:test", 60) for _ in range(3)] == [
            1, 2, 3]
        assert cache.get_many(["x", "calendar:rate:test"]) == {"calendar:rate:test": 3}
    messages = [r.getMessage() for r in caplog.records if r.name == "weiai.cache"]
    assert len(messages) == 1 and "unavailable" in messages[0]
