"""Logs: a request id on every line, JSON in production, nothing personal.

`RequestIdMiddleware` takes the proxy's X-Request-ID when it looks like one
(else a new uuid4), keeps it in a context variable for the request and sends
it back in the response. `RequestIdFilter` puts it on every log record
(`-` outside a request); `JsonFormatter` writes one JSON object a line with
emails, phone numbers and sensitive keys scrubbed (portal.ops.scrub).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from portal.ops.scrub import scrub, scrub_text

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
NO_REQUEST = "-"
_request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record; masks emails and phone numbers in
    the message (a plain handler gets the same protection as JSON)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or NO_REQUEST
        if not getattr(record, "_scrubbed", False):
            record.msg, record.args = scrub_text(record.getMessage()), None
            record._scrubbed = True
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object a line; extras and exception text scrubbed too."""

    def process_log_record(self, log_data):
        data = dict(log_data)
        # django.request passes the request: its repr has the query string.
        request = data.pop("request", None)
        if request is not None:
            data["path"] = getattr(request, "path", "")
        return scrub({key: value if isinstance(value, str | int | float | bool | None)
                      else str(value) for key, value in data.items()})

