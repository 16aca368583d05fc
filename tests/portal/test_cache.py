"""The one caching mechanism (portal.cache): the store's byte budget, `clear()`,
generations, and a Redis outage seen as a miss, logged once."""

import contextlib
import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from portal import cache as portal_cache
from tests.redis_support import REDIS, needs_redis, redis_caches

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


class CuttableProxy:
    """A loopback TCP forwarder to the test Redis that can be cut and restored:
    a Redis outage and its end, with the real client and pool on both sides."""

    def __init__(self, target: str):
        import socket
        from urllib.parse import urlparse

        parts = urlparse(target)
        self.target = (parts.hostname, parts.port or 6379)
        self.db = parts.path.lstrip("/") or "0"
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.conns: list = []
        self.listener = None
        self.restore()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{self.db}"

    def restore(self) -> None:
        import socket
        import threading

        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        import socket
        import threading

        while True:
            try:
                inside, _ = listener.accept()
            except OSError:
                return
            outside = socket.create_connection(self.target)
            self.conns += [inside, outside]
            for a, b in ((inside, outside), (outside, inside)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        for s in (a, b):
            s.close()

    def cut(self) -> None:
        import socket

        # shutdown() wakes the thread blocked in accept(); close() alone does not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.conns = []


@needs_redis
@pytest.mark.django_db
def test_what_was_written_during_an_outage_is_deleted_in_redis_once_it_is_back(
        monkeypatch, caplog):
    """A session signed out and a generation bumped while Redis was away must
    not come back with Redis: their old values are deleted there first."""
    monkeypatch.setattr(portal_cache, "RETRY_SECONDS", 0.0)  # try every call
    proxy = CuttableProxy(REDIS)
    caches = redis_caches("weiai-test-cache-back", location=proxy.url,
                          socket_connect_timeout=0.5, socket_timeout=1.0)
    try:
        with override_settings(CACHES=caches), caplog.at_level("WARNING",
                                                               logger="weiai.cache"):
            cache.set("session:abc", {"user": 7})
            generation = portal_cache.read("test:gen:back")
            proxy.cut()
            cache.delete("session:abc")  # signed out during the outage
            portal_cache.bump("test:gen:back")  # a write retired the generation
            proxy.restore()
            assert cache.get("session:abc") is None
            assert portal_cache.read("test:gen:back") != generation
            assert portal_cache.shared_cache_available()
            cache.delete("session:abc")
        messages = [r.getMessage() for r in caplog.records if r.name == "weiai.cache"]
        assert any("unavailable" in m for m in messages)
        assert any("back" in m for m in messages)
    finally:
        proxy.cut()


@pytest.mark.parametrize("shared", [
    "local memory", pytest.param("redis", marks=needs_redis)])
def test_a_batched_counter_holds_its_limit_and_shares_counts_within_a_second(
        shared, monkeypatch):
    """Far from the limit, counts are added to the shared counter in batches;
    from 80% of it on, every count is shared, so the limit still holds; a
    second later the process's counts reach the shared counter."""
    context = (override_settings(CACHES=redis_caches("weiai-test-batch"))
               if shared == "redis" else contextlib.nullcontext())
    with context:
        portal_cache.clear()
        limit = 100
        seen = [portal_cache.count_batched("calendar:rate:t", 60, limit=limit)
                for _ in range(limit + 5)]
        assert seen == list(range(1, limit + 6))  # this process sees every count
        assert seen[limit] > limit  # the 101st is refused by its caller
        # Near the limit each count was shared at once.
        assert cache.get("calendar:rate:t") == limit + 5
        fresh = "calendar:rate:u"
        for _ in range(5):
            portal_cache.count_batched(fresh, 60, limit=limit)
        assert (cache.get(fresh) or 0) < 5  # batched: not all shared yet
        clock = time.monotonic() + portal_cache.BATCH_SECONDS + 0.1
        monkeypatch.setattr(portal_cache.time, "monotonic", lambda: clock)
        assert portal_cache.count_batched(fresh, 60, limit=limit) == 6
        assert cache.get(fresh) == 6
