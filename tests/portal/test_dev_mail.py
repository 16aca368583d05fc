"""Development mail and links; the headers every email carries (issue 10, hole 11)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from bookings import emails
from tests.factories import BookingFactory, FamilyFactory

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, portal.settings.dev as s; print(json.dumps({"
    "'backend': s.EMAIL_BACKEND,"
    "'delivery': getattr(s, 'EMAIL_DELIVERY_BACKEND', s.EMAIL_BACKEND),"
    "'host': s.EMAIL_HOST, 'port': s.EMAIL_PORT, 'user': s.EMAIL_HOST_USER,"
    "'tls': s.EMAIL_USE_TLS, 'base': s.SITE_BASE_URL,"
    "'wagtail_base': s.WAGTAILADMIN_BASE_URL, 'hosts': s.ALLOWED_HOSTS}))"
)


def _dev_settings(**env) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "SITE_BASE_URL"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, check=True, timeout=60,
    )
    return json.loads(result.stdout)


def test_dev_sends_by_smtp_when_an_email_host_is_set_and_links_follow_the_port():
    dev = _dev_settings(DJANGO_EMAIL_HOST="smtp.example.cn", DJANGO_EMAIL_PORT="2525",
                        DJANGO_EMAIL_HOST_USER="dev", DJANGO_EMAIL_USE_TLS="1",
                        DJANGO_DEV_HOST="127.0.0.1", DJANGO_DEV_PORT="8123")
    assert dev["delivery"] == "django.core.mail.backends.smtp.EmailBackend"
    assert dev["backend"] == "portal.mail.EmailBackend"
    assert (dev["host"], dev["port"], dev["user"], dev["tls"]) == (
        "smtp.example.cn", 2525, "dev", True)
    assert dev["base"] == dev["wagtail_base"] == "http://127.0.0.1:8123"


def test_dev_prints_mail_without_an_email_host_and_defaults_to_port_8000():
    dev = _dev_settings()
    assert dev["delivery"] == "django.core.mail.backends.console.EmailBackend"
    assert dev["base"] == "http://127.0.0.1:8000"


def test_dev_site_base_url_wins_over_host_and_port():
    dev = _dev_settings(SITE_BASE_URL="https://tunnel.example.cn", DJANGO_DEV_PORT="8123")
    assert dev["base"] == "https://tunnel.example.cn"


def test_dev_serves_and_links_the_host_it_runs_on():
    dev = _dev_settings(DJANGO_DEV_HOST="192.168.1.20", DJANGO_DEV_PORT="9000")
    assert dev["base"] == "http://192.168.1.20:9000"
    assert "192.168.1.20" in dev["hosts"]


@pytest.fixture
def stamping_backend(settings):
    # Django's test environment swaps EMAIL_BACKEND for locmem; put the site's
    # backend back in front of it, as every other environment has it.
    settings.EMAIL_BACKEND = "portal.mail.EmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_BASE_URL = "https://weiai.example.cn"
    mail.outbox = []


def _assert_stamped(message):
    sent = message.message()
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["Message-ID"].startswith("<")
    assert sent["Message-ID"].endswith("@weiai.example.cn>")


@pytest.mark.django_db
def test_booking_emails_are_marked_automatic_with_the_sites_message_id(
    stamping_backend, site_shell
):
    from django.core.mail import get_connection

    booking = BookingFactory()
    assert get_connection().send_messages(emails.build_messages(booking, "confirmation")) == 1
    assert len(mail.outbox) == 1
    _assert_stamped(mail.outbox[0])


@pytest.mark.django_db
def test_allauth_emails_are_marked_automatic_with_the_sites_message_id(
    stamping_backend, client, site_shell
):
    user = FamilyFactory(email="reset-me@example.cn")
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    _assert_stamped(mail.outbox[0])
    for _ in range(2):
        client.post(reverse("account_reset_password"), {"email": user.email})
    ids = {m.message()["Message-ID"] for m in mail.outbox}
    assert len(ids) == len(mail.outbox)  # a fresh id per email


def test_make_run_passes_its_address_to_every_dev_process():
    result = subprocess.run(  # noqa: S603
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8123"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )
    assert "export DJANGO_DEV_HOST=127.0.0.1 DJANGO_DEV_PORT=8123;" in result.stdout
    assert "runserver 127.0.0.1:8123" in result.stdout
