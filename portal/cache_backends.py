"""Django's Redis cache backend, reusing its client and riding out Redis outages.

Two changes to `django.core.cache.backends.redis.RedisCache`:

- **One client per pool.** Django's `RedisCacheClient.get_client()` builds a
  new `redis.Redis` for every cache call. The connections come from a shared
  pool either way, but each new client re-registers redis-py's ~170 response
  callbacks: on the calendar feed's hot path that was a third of a cache
  round trip. A `redis.Redis` is safe to share between threads and its pool
  reconnects after a fork.
- **A lost Redis is a cache miss, not a 500.** Everything the cache holds can
  be recomputed from the database: pages, slot lists, feed bodies, versions,
  rate-limit counters. When Redis refuses or times out, a call answers as
  Django's dummy cache would (a miss; writes dropped; `add` succeeds, so
  allauth's rate-limit lock never spins), the process stops trying for
  `RETRY_SECONDS` (no connect timeout per call), logs once, and tries again
  after that: the site recovers by itself. Meanwhile rate limits do not count
  (they fail open) and every fast path takes its full, database-backed path,
  because a version that cannot be read is never equal to a stored one.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

logger = logging.getLogger("weiai.cache")

RETRY_SECONDS = 5.0
_outage = {"until": 0.0, "logged": False}


def redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def available() -> bool:
    """False while this process is riding out an outage."""
    return time.monotonic() >= _outage["until"]


def report_failure(exc: Exception) -> None:
    _outage["until"] = time.monotonic() + RETRY_SECONDS
    if not _outage["logged"]:
        _outage["logged"] = True
        logger.warning("Redis cache unavailable (%s): serving without it, retrying "
                       "every %.0f s", exc, RETRY_SECONDS)


def _report_recovery() -> None:
    if _outage["logged"]:
        _outage["logged"] = False
        logger.warning("Redis cache is back")


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(
                connection_pool=self._pools[index])
        return client


def _riding_out(name: str, on_outage):
    """Django's method `name`, answering `on_outage(*args, **kwargs)` when Redis is away."""
    method = getattr(DjangoRedisCache, name)

    def wrapped(self, *args, **kwargs):
        if not available():
            return on_outage(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except redis_errors() as exc:
            report_failure(exc)
            return on_outage(*args, **kwargs)
        _report_recovery()
        return result

    wrapped.__name__ = name
    wrapped.__doc__ = method.__doc__
    return wrapped


def _key_not_found(*args, **kwargs):
    raise ValueError("Key not found (cache unavailable)")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    # As django.core.cache.backends.dummy.DummyCache answers.
    get = _riding_out("get", lambda key, default=None, version=None: default)
    get_many = _riding_out("get_many", lambda *a, **k: {})
    add = _riding_out("add", lambda *a, **k: True)
    set = _riding_out("set", lambda *a, **k: None)
    set_many = _riding_out("set_many", lambda *a, **k: [])
    touch = _riding_out("touch", lambda *a, **k: False)
    delete = _riding_out("delete", lambda *a, **k: False)
    delete_many = _riding_out("delete_many", lambda *a, **k: None)
    has_key = _riding_out("has_key", lambda *a, **k: False)
    incr = _riding_out("incr", _key_not_found)
    clear = _riding_out("clear", lambda *a, **k: None)
