"""Tests against a real Redis: where it answers (TEST_REDIS_URL, default
redis://127.0.0.1:6379/15), with the project's cache backend; skipped elsewhere."""

import os
import socket
from urllib.parse import urlparse

import pytest

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up(url: str = REDIS) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_up(), reason="no Redis server to test against")


def redis_caches(prefix: str, *, location: str = REDIS, **options) -> dict:
    """A CACHES setting: the project's Redis backend at `location`, keys under
    `prefix`; `options` as django-redis names them, in lower case
    (socket_connect_timeout=0.5)."""
    default = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location,
               "KEY_PREFIX": prefix,
               "OPTIONS": {"CLIENT_CLASS": "portal.cache.OutageTolerantClient",
                           **{name.upper(): value for name, value in options.items()}}}
    return {"default": default}
