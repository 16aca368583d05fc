"""`/metrics`: who may scrape it, what it holds, what a scrape costs."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.db import transaction
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from bookings.tasks import send_booking_email
from portal.ops import metrics
from tests.factories import BookingFactory, CoordinatorFactory

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.7"


def samples(body: bytes) -> dict[str, float]:
    """Sample name (with labels) -> value, from the Prometheus text format."""
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


def scrape(client, **extra):
    response = client.get("/metrics", **extra)
    assert response.status_code == HTTPStatus.OK
    return samples(response.content)


def test_a_stranger_gets_403_and_nothing_is_cached(client):
    response = client.get("/metrics", REMOTE_ADDR=STRANGER)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"weiai_" not in response.content
    assert "no-store" in response["Cache-Control"]


def test_a_listed_address_is_served_the_metrics(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"]
    found = samples(response.content)
    assert "weiai_tasks_queued" in found
    assert "weiai_urgent_unclaimed" in found
    # Requests, latency and the database, from django-prometheus's metrics.
    assert any(name.startswith("django_http_requests_latency_including_middlewares")
               for name in found)
    assert any(name.startswith("django_db_execute_total") for name in found)
    assert "weiai_cache_up" in found


def test_loopback_is_listed_by_default(client):
    assert "weiai_tasks_queued" in scrape(client, REMOTE_ADDR="127.0.0.1")


def test_the_bearer_token_lets_any_address_in_and_a_wrong_one_does_not(client, settings):
    settings.METRICS_BEARER_TOKEN = "s3cret-token-for-the-scraper"  # noqa: S105
    ok = client.get("/metrics", REMOTE_ADDR=STRANGER,
                    HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-scraper")
    wrong = client.get("/metrics", REMOTE_ADDR=STRANGER,
                       HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-scrapex")
    assert ok.status_code == HTTPStatus.OK
    assert wrong.status_code == HTTPStatus.FORBIDDEN


def test_no_token_configured_means_no_token_is_accepted(client, settings):
    settings.METRICS_BEARER_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_through_an_untrusted_proxy_loopback_is_nobody(client):
    """Behind a proxy on the same host every visitor arrives from 127.0.0.1."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                          HTTP_X_FORWARDED_FOR=STRANGER)
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_behind_a_trusted_proxy_the_forwarded_client_counts(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.METRICS_ALLOWED_IPS = ["10.0.0.5"]
    listed = client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                        HTTP_X_FORWARDED_FOR="10.0.0.5")
    stranger = client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                          HTTP_X_FORWARDED_FOR=STRANGER)
    assert listed.status_code == HTTPStatus.OK
    assert stranger.status_code == HTTPStatus.FORBIDDEN


def test_urgent_gauges_count_unclaimed_intakes_and_the_oldest_age(client):
    now = timezone.now()
    old = BookingFactory(is_urgent=True)
    type(old).objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(hours=2))
    BookingFactory(is_urgent=True)
    BookingFactory(is_urgent=True, urgent_owner=CoordinatorFactory())  # claimed
    BookingFactory(is_urgent=True, followed_up_at=now)  # resolved
    BookingFactory()  # not urgent
    found = scrape(client)
    assert found["weiai_urgent_unclaimed"] == 2
    assert 7200 <= found["weiai_urgent_unclaimed_oldest_age_seconds"] < 7300


def test_task_gauges_count_due_tasks_not_those_scheduled_for_later(client):
    from django_tasks_db.models import DBTaskResult

    send_booking_email.enqueue(1, "confirmation")
    send_booking_email.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue(
        2, "confirmation")
    DBTaskResult.objects.filter(args_kwargs__args=[1, "confirmation"]).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=30))
    found = scrape(client)
    assert found["weiai_tasks_queued"] == 1
    assert 1800 <= found["weiai_tasks_oldest_queued_age_seconds"] < 1900


def test_an_empty_queue_reads_zero(client):
    found = scrape(client)
    assert found["weiai_tasks_queued"] == 0
    assert found["weiai_tasks_oldest_queued_age_seconds"] == 0


@pytest.mark.parametrize("rows", [0, 5])
def test_the_gauges_cost_a_fixed_number_of_queries(django_assert_num_queries, rows):
    for _ in range(rows):
        BookingFactory(is_urgent=True)
        send_booking_email.enqueue(1, "confirmation")
    # The task queue and the urgent intakes: one aggregate each.
    with django_assert_num_queries(2):
        names = [family.name for family in metrics.AppCollector().collect()]
    assert {"weiai_tasks_queued", "weiai_urgent_unclaimed"} <= set(names)


def test_a_counter_counts_only_once_its_transaction_commits(
        django_capture_on_commit_callbacks):
    counter = metrics.COUNTERS["bookings_made"]
    before = counter._value.get()
    with (django_capture_on_commit_callbacks() as rolled_back,
          pytest.raises(RuntimeError), transaction.atomic()):
        metrics.count("bookings_made")
        raise RuntimeError("rolled back")
    assert rolled_back == []
    with (django_capture_on_commit_callbacks(execute=True) as committed,
          transaction.atomic()):
        metrics.count("bookings_made")
        assert counter._value.get() == before
    assert len(committed) == 1
    assert counter._value.get() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_booking_is_counted(site_shell):
    from bookings import services

    booking = BookingFactory(start=timezone.now() + dt.timedelta(days=5))
    counter = metrics.COUNTERS["bookings_cancelled"]
    before = counter._value.get()
    services.booking_cancel(booking=booking, by_user=booking.family)
    assert counter._value.get() == before + 1


def test_a_feed_poll_is_counted_by_feed(client):
    counter = metrics.COUNTERS["feed_polls"].labels(feed="workshops")
    before = counter._value.get()
    response = client.get("/calendar/workshops.ics")
    assert response.status_code == HTTPStatus.OK
    assert counter._value.get() == before + 1


def test_healthz_passes_no_metrics_middleware(client):
    from django_prometheus.middleware import Metrics

    requests_total = Metrics.get_instance().requests_total
    before = requests_total._value.get()
    assert client.get("/healthz").content == b"ok"
    assert requests_total._value.get() == before
    client.get("/robots.txt")
    assert requests_total._value.get() == before + 1


def test_where_the_token_must_travel_over_https_plain_http_is_refused(client, settings):
    settings.METRICS_BEARER_TOKEN = "s3cret-token-for-the-scraper"  # noqa: S105
    settings.METRICS_TOKEN_HTTPS_ONLY = True
    auth = {"REMOTE_ADDR": STRANGER,
            "HTTP_AUTHORIZATION": "Bearer s3cret-token-for-the-scraper"}
    assert client.get("/metrics", **auth).status_code == HTTPStatus.FORBIDDEN
    assert client.get("/metrics", secure=True, **auth).status_code == HTTPStatus.OK


def test_production_lists_no_address_unless_told():
    """Behind a proxy that sends no X-Forwarded-For every visitor is loopback:
    production's default list is empty (the token only)."""
    import os
    import subprocess  # noqa: S404
    import sys

    from django.conf import settings as live

    code = ("from django.conf import settings;"
            "print(settings.METRICS_ALLOWED_IPS, settings.METRICS_TOKEN_HTTPS_ONLY,"
            " settings.SEED_DEMO_ALLOWED, settings.BACKUP_REQUIRE_ENCRYPTION)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("METRICS_ALLOWED_IPS", "DJANGO_ALLOW_DEMO_DATA",
                        "BACKUP_ALLOW_UNENCRYPTED", "METRICS_TOKEN_HTTPS_ONLY")}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "weiai.example.cn",
                "FIELD_ENCRYPTION_SALT": "metrics-test-salt-0123456789",
                "DJANGO_SMS_DISABLED": "1"})
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup();" + code],
        capture_output=True, text=True, check=True, cwd=live.BASE_DIR, env=env)
    assert shown.stdout.split() == ["[]", "True", "False", "True"]
