"""Prometheus metrics at `/metrics`: requests, latency, database, cache and the
programme's own numbers.

- Requests and latency: django-prometheus's middlewares (settings.MIDDLEWARE,
  after the health probe so `/healthz` stays free).
- Database: django-prometheus's query metrics (`django_db_execute_total`,
  `django_db_query_duration_seconds`, ...), recorded by an execute wrapper on
  every connection (`install_database_metrics`) rather than by its wrapped
  ENGINEs, so DATABASE_URL, SQLite's IMMEDIATE transactions and the write
  watcher of portal.cache stay exactly as they are.
- Cache: read at scrape time (`weiai_cache_up`, Redis's own hit, miss and
  memory counters, the per-process store's bytes): no cost per cache call,
  and the Redis client (`portal.cache.OutageTolerantClient`) is unchanged.
- Counters the apps bump where things happen (`count`), only once the write
  they count is committed.
- Gauges read from the database at scrape time, a fixed number of queries
  whatever the data (`register_collector`; the task queue here, urgent
  intakes from bookings).

With several gunicorn workers or a separate task worker, set
PROMETHEUS_MULTIPROC_DIR (the same empty directory for every process) so the
counters of all processes are summed; see the README.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connections, transaction
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.cache import patch_cache_control
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# --- counters ---------------------------------------------------------------------

COUNTERS: dict[str, Counter] = {
    "bookings_made": Counter("weiai_bookings_made", "Bookings made (sessions and "
                             "workshop seats)."),
    "bookings_cancelled": Counter("weiai_bookings_cancelled", "Bookings cancelled."),
    "reminders_sent": Counter("weiai_reminders_sent", "Reminder emails sent."),
    "feed_polls": Counter("weiai_feed_polls", "Calendar feed polls answered.",
                          ["feed"]),
}


# Reads, not writes: counted when they happen, in or out of a transaction.
COUNTED_AT_ONCE = frozenset({"feed_polls"})


def count(name: str, **labels: str) -> None:
    """Add one to counter `name` (see COUNTERS). A write is counted once its
    transaction commits (a rolled-back booking is not a booking); a read
    (`COUNTED_AT_ONCE`, a feed poll that may touch no database) at once."""
    counter = COUNTERS[name]
    if labels:
        counter = counter.labels(**labels)
    if name not in COUNTED_AT_ONCE and any(
            conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        transaction.on_commit(counter.inc)
    else:
        counter.inc()


# --- gauges read at scrape time ----------------------------------------------------

GaugeSource = Callable[[], Iterable[GaugeMetricFamily]]
_sources: list[GaugeSource] = []


def register_collector(source: GaugeSource) -> None:
    """Have `source()` yield metric families at each scrape (from an app's
    `ready()`). It must run a fixed number of queries."""
    if source not in _sources:
        _sources.append(source)


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def age_seconds(oldest, now=None) -> float:
    """Seconds since `oldest` (an aware datetime), 0 when there is none."""
    if oldest is None:
        return 0.0
    return max(((now or timezone.now()) - oldest).total_seconds(), 0.0)


def task_queue() -> tuple[int, dt.datetime | None]:
    """Tasks due and waiting for the worker (not those scheduled for later),
    and when the oldest of them became due. One query."""
    from django.db.models import Case, Count, F, Min, When
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task queued without run_after is stored with the far-future maximum:
    # it became due when it was queued.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                     default=F("run_after"))
    due = DBTaskResult.objects.ready().aggregate(n=Count("pk"), oldest=Min(due_since))
    return due["n"], due["oldest"]


def task_queue_gauges() -> Iterable[GaugeMetricFamily]:
    queued, oldest = task_queue()
    yield gauge("weiai_tasks_queued", "Tasks due and waiting for the worker.", queued)
    yield gauge("weiai_tasks_oldest_queued_age_seconds",
                "Age of the oldest due task, in seconds.", age_seconds(oldest))


def cache_gauges() -> Iterable[GaugeMetricFamily]:
    """The shared cache answering, Redis's own counters when it is Redis, and
    this process's store (portal.cache). No database query."""
    from django.core.cache import cache

    from portal import cache as page_cache
    from portal.health import cache_ready

    up = cache_ready()
    yield gauge("weiai_cache_up", "1 when the shared cache answers.", 1.0 if up else 0.0)
    yield gauge("weiai_cache_local_bytes", "Bytes held by this process's store.",
                float(page_cache.local_bytes()))
    info = _redis_info(cache) if up else {}
    for field, doc in (("keyspace_hits", "Redis lookups that found their key."),
                       ("keyspace_misses", "Redis lookups that missed."),
                       ("used_memory", "Bytes of memory Redis uses."),
                       ("evicted_keys", "Keys Redis evicted for memory."),
                       ("connected_clients", "Clients connected to Redis.")):
        if field in info:
            yield gauge(f"weiai_redis_{field}", doc, float(info[field]))


def _redis_info(cache) -> dict:
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return {}
    try:
        return client.get_client(write=False).info()
    # Redis went away between the probe and INFO: no numbers this scrape.
    except Exception:  # noqa: BLE001
        return {}


class AppCollector(Collector):
    def collect(self):
        for source in (task_queue_gauges, cache_gauges, *_sources):
            yield from source()


APP_COLLECTOR = AppCollector()


# --- database queries ----------------------------------------------------------------

def _timed(execute, sql, params, many, context):
    from django_prometheus.db import errors_total, execute_total, query_duration_seconds

    connection = context["connection"]
    labels = (connection.alias or "temporary", connection.vendor)
    execute_total.labels(*labels).inc(len(params) if many and params else 1)
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception as exc:
        errors_total.labels(*labels, type(exc).__name__).inc()
        raise
    finally:
        query_duration_seconds.labels(*labels).observe(time.perf_counter() - started)


def install_database_metrics() -> None:
    """Time every query of every connection (from PortalConfig.ready), as
    django-prometheus's own database backends would."""
    from django.db.backends.signals import connection_created
    from django_prometheus.db import connections_total

    def install(sender=None, connection=None, **kwargs):
        if _timed not in connection.execute_wrappers:
            connection.execute_wrappers.append(_timed)
            connections_total.labels(connection.alias or "temporary",
                                     connection.vendor).inc()

    connection_created.connect(install, weak=False, dispatch_uid="portal-ops-db-metrics")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)


# --- /metrics ------------------------------------------------------------------------

def client_address(request) -> str:
    """The client's address as the rest of the site sees it (allauth's
    ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER behind a
    proxy), else REMOTE_ADDR.

    A request that came through a proxy the settings do not name is no one's
    address: behind a proxy on the same machine REMOTE_ADDR is loopback for
    every visitor, and loopback is what the list allows by default.
    """
    from allauth.account.adapter import get_adapter

    trusted = (getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
               or getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None))
    if not trusted and ("HTTP_X_FORWARDED_FOR" in request.META
                        or "HTTP_FORWARDED" in request.META):
        return ""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return ""


def address_allowed(address: str, allowed: Iterable[str]) -> bool:
    """`address` is in one of `allowed` (addresses or networks, "10.0.0.0/8")."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def token_matches(request, expected: str) -> bool:
    """`Authorization: Bearer <expected>`, compared in constant time."""
    if not expected:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def may_scrape(request) -> bool:
    token_ok = (request.is_secure() or not settings.METRICS_TOKEN_HTTPS_ONLY) \
        and token_matches(request, settings.METRICS_BEARER_TOKEN)
    return token_ok or address_allowed(client_address(request),
                                       settings.METRICS_ALLOWED_IPS)


def scrape_registry() -> CollectorRegistry:
    """Every process's counters when PROMETHEUS_MULTIPROC_DIR is set, else this
    process's; the scrape-time gauges either way."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(APP_COLLECTOR)
        return registry
    return _single_process_registry()


def _single_process_registry() -> CollectorRegistry:
    if APP_COLLECTOR not in REGISTRY._collector_to_names:
        REGISTRY.register(APP_COLLECTOR)
    return REGISTRY


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True, private=True)
    return response


def metrics_view(request):
    """The Prometheus text format for a listed address or the bearer token;
    a plain 403 for anyone else. Never stored by a cache."""
    if request.method not in ("GET", "HEAD"):
        return _no_store(HttpResponseNotAllowed(["GET", "HEAD"]))
    if not may_scrape(request):
        return _no_store(HttpResponseForbidden("forbidden\n",
                                               content_type="text/plain; charset=utf-8"))
    body = generate_latest(scrape_registry())
    return _no_store(HttpResponse(body, content_type=CONTENT_TYPE_LATEST))

