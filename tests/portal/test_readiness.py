"""`/readyz`: the database and the cache answer, else 503 (issue 10, hole 9).

`/healthz` stays the liveness probe that does no work (tests/portal/test_shell.py).
"""

from http import HTTPStatus

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from portal import cache as portal_cache
from tests.redis_support import redis_caches

pytestmark = pytest.mark.django_db

# A Redis nobody listens on, through the site's breaker (portal.cache).
GONE = redis_caches("weiai-readyz-gone", location="redis://127.0.0.1:1/0",
                    socket_connect_timeout=0.5, socket_timeout=1.0)


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    portal_cache.clear()
    yield
    portal_cache.clear()


def _assert_never_stored(response):
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_ok_when_database_and_cache_answer():
    response = Client().get("/readyz")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"status": "ok",
                               "checks": {"database": "ok", "cache": "ok"}}
    _assert_never_stored(response)
    assert "sessionid" not in response.cookies


def test_readyz_is_503_when_the_database_is_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = Client().get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable",
                               "checks": {"database": "unavailable", "cache": "ok"}}
    assert response["Retry-After"] == "30"
    _assert_never_stored(response)


@override_settings(CACHES=GONE)
def test_readyz_is_503_when_redis_is_down_although_the_site_rides_it_out():
    response = Client().get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable",
                               "checks": {"database": "ok", "cache": "unavailable"}}
    assert response["Retry-After"] == "30"
    _assert_never_stored(response)
    # While the breaker holds the outage open, still down (no silent miss).
    again = Client().get("/readyz")
    assert again.status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_readyz_answers_no_other_method_than_get_and_head():
    assert Client().head("/readyz").status_code == HTTPStatus.OK
    assert Client().post("/readyz").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_probe_overlapping_another_one_on_the_shared_cache_is_still_ready(monkeypatch):
    """Workers share one cache: another worker's probe landing between this
    probe's write and its read must not make this worker look down (503)."""
    from django.core.cache import caches

    from portal import health

    cache = caches["default"]
    real_get = type(cache).get
    overlapped = []

    def get_with_another_probe_in_between(self, key, *args, **kwargs):
        if not overlapped:
            overlapped.append(None)
            overlapped[0] = health.cache_ready()  # the other worker's probe
        return real_get(self, key, *args, **kwargs)

    monkeypatch.setattr(type(cache), "get", get_with_another_probe_in_between)
    response = Client().get("/readyz")
    assert overlapped == [True]
    assert response.status_code == HTTPStatus.OK, response.json()
