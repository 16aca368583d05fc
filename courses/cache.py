"""Anonymous page cache for course pages, keyed by language and path.

A generation number in the cache is part of every key; publishing,
unpublishing, moving or deleting a course page (or changing a topic or the
site's crisis lines) bumps it, which retires every cached page at once. The
local date is part of the key too, so what the review gate hides from a
given day on is never replayed from the day before.
With Redis (`REDIS_URL`) all workers share the generation; with the local
memory cache each worker has its own, so entries also expire after
`COURSES_PAGE_CACHE_SECONDS`.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "courses:page-cache:generation"
DEFAULT_TIMEOUT = 300
# Each process re-reads the shared generation at most this often, saving a
# cache round trip per hit; other workers notice a publish within a second.
LOCAL_GENERATION_SECONDS = 1.0
_local = {"value": None, "read_at": 0.0}


def timeout() -> int:
    return getattr(settings, "COURSES_PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


def _fresh_generation() -> int:
    """A starting number no earlier generation used, should the key be evicted."""
    return time.time_ns() // 1000


def generation() -> int:
    now = time.monotonic()
    if _local["value"] is not None and now - _local["read_at"] < LOCAL_GENERATION_SECONDS:
        return _local["value"]
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh_generation(), None)
        value = cache.get(GENERATION_KEY) or _fresh_generation()
    _local["value"], _local["read_at"] = value, now
    return value


def invalidate() -> None:
    """Retire every cached course page (at once here, within a second elsewhere)."""
    try:
        value = cache.incr(GENERATION_KEY)
    except ValueError:
        value = _fresh_generation()
        cache.set(GENERATION_KEY, value, None)
    _local["value"], _local["read_at"] = value, time.monotonic()


def reset_local() -> None:
    """Forget this process's copy of the generation: the next call to
    `generation()` reads the shared one. Tests call it after `cache.clear()`."""
    _local["value"], _local["read_at"] = None, 0.0


def page_key(*, host: str, language: str, full_path: str, gen: int, day: str) -> str:
    """`day` (the local date) retires every page at midnight: a crisis module
    whose review lapses that day leaves listings and search without any
    publish to bump the generation."""
    digest = hashlib.sha256(f"{host}|{language}|{full_path}".encode()).hexdigest()[:32]
    return f"courses:page:{gen}:{day}:{language}:{digest}"
