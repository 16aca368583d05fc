"""Anonymous page cache for course pages, keyed by language and path.

A generation number in the cache is part of every key; publishing,
unpublishing, moving or deleting a course page (or changing a topic or the
site's crisis lines) bumps it, which retires every cached page at once.
With Redis (`REDIS_URL`) all workers share the generation; with the local
memory cache each worker has its own, so entries also expire after
`COURSES_PAGE_CACHE_SECONDS`.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "courses:page-cache:generation"
DEFAULT_TIMEOUT = 300


def timeout() -> int:
    return getattr(settings, "COURSES_PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(GENERATION_KEY, value, None)
    return value


def invalidate() -> None:
    """Retire every cached course page."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def page_key(*, host: str, language: str, full_path: str, gen: int) -> str:
    digest = hashlib.sha256(f"{host}|{language}|{full_path}".encode()).hexdigest()[:32]
    return f"courses:page:{gen}:{language}:{digest}"
