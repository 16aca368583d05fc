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
  after that: the site recovers by itself. Meanwhile every fast path takes
  its full, database-backed path, because a version that cannot be read is
  never equal to a stored one. Rate-limit counters (allauth's sign-in,
  sign-up, reset and code limits; the calendar feeds') move to a per-process
  memory cache for the outage, so they still hold, per worker.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

logger = logging.getLogger("weiai.cache")

RETRY_SECONDS = 5.0
# Per Redis location: one unreachable server must not stop the use of another.
_outages: dict[str, dict] = {}


def redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _where(backend) -> str:
    return ",".join(backend._servers)


def available(backend) -> bool:
    """False while this process is riding out an outage of `backend`'s Redis."""
    outage = _outages.get(_where(backend))
    return outage is None or time.monotonic() >= outage["until"]


def report_failure(backend, exc: Exception) -> None:
    where = _where(backend)
    first = where not in _outages
    _outages[where] = {"until": time.monotonic() + RETRY_SECONDS}
    if first:
        logger.warning("Redis cache unavailable (%s): serving without it, retrying "
                       "every %.0f s", exc, RETRY_SECONDS)


def _report_recovery(backend) -> None:
    if _outages and _outages.pop(_where(backend), None) is not None:
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
        if not available(self):
            return on_outage(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except redis_errors() as exc:
            report_failure(self, exc)
            return on_outage(*args, **kwargs)
        _report_recovery(self)
        return result

    wrapped.__name__ = name
    wrapped.__doc__ = method.__doc__
    return wrapped


# Counters that must keep counting through an outage (per process meanwhile).
RATE_PREFIXES = ("allauth:rl:", "calendar:rate:")
_local: dict = {}


def _local_cache():
    if "cache" not in _local:
        from django.core.cache.backends.locmem import LocMemCache

        _local["cache"] = LocMemCache("weiai-outage-rate-limits", {"MAX_ENTRIES": 10_000})
    return _local["cache"]


def _is_rate(key) -> bool:
    return isinstance(key, str) and key.startswith(RATE_PREFIXES)


def _per_key(name: str, miss):
    """Outage answer for a one-key call: rate counters locally, else `miss`."""

    def answer(key, *args, **kwargs):
        if _is_rate(key):
            return getattr(_local_cache(), name)(key, *args, **kwargs)
        return miss(key, *args, **kwargs)

    return answer


def _key_not_found(*args, **kwargs):
    raise ValueError("Key not found (cache unavailable)")


def _get_many(keys, version=None):
    return _local_cache().get_many([k for k in keys if _is_rate(k)])


def _set_many(data, timeout=DEFAULT_TIMEOUT, version=None):
    rate = {k: v for k, v in data.items() if _is_rate(k)}
    if rate:
        _local_cache().set_many(rate, timeout)
    return []


def _delete_many(keys, version=None):
    _local_cache().delete_many([k for k in keys if _is_rate(k)])


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    # During an outage: rate counters in process memory; everything else as
    # django.core.cache.backends.dummy.DummyCache answers.
    get = _riding_out("get", _per_key(
        "get", lambda key, default=None, version=None: default))
    get_many = _riding_out("get_many", _get_many)
    add = _riding_out("add", _per_key("add", lambda *a, **k: True))
    set = _riding_out("set", _per_key("set", lambda *a, **k: None))
    set_many = _riding_out("set_many", _set_many)
    touch = _riding_out("touch", _per_key("touch", lambda *a, **k: False))
    delete = _riding_out("delete", _per_key("delete", lambda *a, **k: False))
    delete_many = _riding_out("delete_many", _delete_many)
    has_key = _riding_out("has_key", _per_key("has_key", lambda *a, **k: False))
    incr = _riding_out("incr", _per_key("incr", _key_not_found))
    clear = _riding_out("clear", lambda *a, **k: None)
