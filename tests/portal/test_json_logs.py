"""Logs: one JSON object a line in production, a request id on every line,
no email or phone number in any of them."""

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings

from portal.ops.logs import RequestIdFilter, RequestIdMiddleware
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """The production formatter on a handler of its own, on the `portal` logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    from portal.ops.logs import JsonFormatter

    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    logger = logging.getLogger("portal.test_json_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_event_is_one_json_line_with_the_request_id(rf, json_lines):
    logger, stream = json_lines

    def view(request):
        logger.info("first")
        try:
            raise ValueError("a\nmulti-line\nfailure")
        except ValueError:
            logger.exception("second")
        from django.http import HttpResponse

        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="proxy-id-12345"))
    assert response["X-Request-ID"] == "proxy-id-12345"
    first, second = lines(stream)
    assert first["message"] == "first" and first["request_id"] == "proxy-id-12345"
    assert first["level"] == "INFO" and first["logger"] == "portal.test_json_logs"
    assert second["request_id"] == "proxy-id-12345"
    assert "ValueError" in second["exc_info"]


def test_a_missing_or_odd_request_id_is_replaced_by_a_fresh_one(rf):
    from django.http import HttpResponse

    middleware = RequestIdMiddleware(lambda request: HttpResponse("ok"))
    fresh = middleware(rf.get("/"))["X-Request-ID"]
    odd = middleware(rf.get("/", HTTP_X_REQUEST_ID="bad id\r\nX-Evil: 1"))["X-Request-ID"]
    assert len(fresh) == 32 and fresh != odd
    assert len(odd) == 32 and "Evil" not in odd


def test_outside_a_request_the_id_is_a_dash(json_lines):
    logger, stream = json_lines
    logger.warning("from a command")
    assert lines(stream)[0]["request_id"] == "-"


def test_no_email_or_phone_reaches_a_log_line_when_code_logs_a_user(json_lines):
    logger, stream = json_lines
    user = FamilyFactory(email="parent.li@example.cn")
    logger.info("signed in %s", user.email, extra={"phone": "13900001111"})
    logger.info("call back +86 139 0000 1111 for %s", user)
    text = stream.getvalue()
    assert "parent.li@example.cn" not in text
    assert "13900001111" not in text and "139 0000 1111" not in text
    first, second = lines(stream)
    assert first["message"] == "signed in [email]"
    assert first["phone"] == "[Filtered]"


def test_a_user_repr_carries_no_email():
    """`%s` of a user (what code logs when it logs a user) shows no address."""
    assert "@" not in str(FamilyFactory(email="someone@example.cn"))


def test_every_response_carries_a_request_id(client):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert len(response["X-Request-ID"]) == 32


def test_healthz_is_answered_before_the_request_id_middleware(client):
    assert "X-Request-ID" not in client.get("/healthz")


def test_production_settings_log_json_and_development_plain():
    code = ("import django, logging, json;django.setup();"
            "logging.getLogger('portal').warning('hello %s', 'a@b.cn');")
    base_env = {**os.environ, "DJANGO_SECRET_KEY": "x" * 60,
                "DJANGO_ALLOWED_HOSTS": "weiai.example.cn", "DJANGO_SMS_DISABLED": "1",
                "FIELD_ENCRYPTION_SALT": "json-logs-test-salt-0123456789"}
    production = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=settings.BASE_DIR,
        env={**base_env, "DJANGO_SETTINGS_MODULE": "portal.settings.production"})
    [line] = production.stderr.splitlines()
    record = json.loads(line)
    assert record["message"] == "hello [email]"
    assert record["request_id"] == "-"
    development = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=settings.BASE_DIR, env={**base_env, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"})
    assert development.stderr.strip() == "hello a@b.cn"
