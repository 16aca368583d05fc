"""Readiness: `/readyz` answers 200 only when the database and the cache answer.

`/healthz` is liveness: it does no work at all, so a load balancer (and the
benchmarks) can tell the process is up. `/readyz` does the least work that
proves this worker can serve: one trivial query and one cache round trip.
Both are answered by portal.middleware.HealthzMiddleware before sessions,
authentication or anything else that would touch the database, so a lost
database gives the probe's own 503, not the site's error page.

The cache check writes a fresh value under a key of its own and reads it back. The site's Redis
client (portal.cache) turns an outage into cache misses so pages
keep working; here such a miss counts as down, which is what an operator
needs to know, while the site itself keeps serving.
"""

from __future__ import annotations

import secrets

from django.db import DatabaseError, InterfaceError, connections
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import patch_cache_control

OK = "ok"
UNAVAILABLE = "unavailable"
RETRY_AFTER_SECONDS = 30
CACHE_PROBE_KEY = "readyz:probe"


def database_ready(alias: str = "default") -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except (DatabaseError, InterfaceError):
        return False


def cache_ready(alias: str = "default") -> bool:
    from django.core.cache import caches

    cache = caches[alias]
    value = secrets.token_hex(8)
    # A key of this probe's own: workers share the cache, and another worker's
    # probe between this write and this read must not read as "down".
    key = f"{CACHE_PROBE_KEY}:{value}"
    try:
        cache.set(key, value, timeout=30)
        ready = cache.get(key) == value
        cache.delete(key)
        return ready
    # Whatever a cache backend raises when its server is gone (redis-py's
    # errors, OSError, a client library's own), the answer is "not ready".
    except Exception:  # noqa: BLE001
        return False


def readyz(request):
    if request.method not in ("GET", "HEAD"):
        response = HttpResponseNotAllowed(["GET", "HEAD"])
        patch_cache_control(response, no_store=True)
        return response
    checks = {
        "database": OK if database_ready() else UNAVAILABLE,
        "cache": OK if cache_ready() else UNAVAILABLE,
    }
    ready = all(state == OK for state in checks.values())
    response = JsonResponse({"status": OK if ready else UNAVAILABLE, "checks": checks},
                            status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response
