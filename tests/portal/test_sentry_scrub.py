"""Error reports leave without personal data: a real event, sent by sentry-sdk
to a fake DSN server on loopback, read back byte for byte."""

import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
import sentry_sdk

from portal.ops.sentry import init_sentry, scrub_event

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.sentry_urls")]

EMAIL = "guardian.wang@example.cn"
PHONE = "13812345678"
CONCERN = "孩子最近总说不想上学"
SESSION = "sessionkeyabcdefghijklmnopqrstuv"
TOKEN = "tok-9f8e7d6c5b4a"  # noqa: S105
QUERY_SECRET = "querysecret123"  # noqa: S105


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def dsn_server():
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _Receiver.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def reporting(dsn_server):
    """sentry-sdk reporting to the fake server for one test, then gone: the
    client closed and unbound, so no other test sends anything."""
    server, received = dsn_server
    init_sentry(dsn=f"http://publickey@127.0.0.1:{server.server_port}/1",
                environment="test")
    yield received
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)
    sentry_sdk.get_isolation_scope().clear()
    sentry_sdk.get_current_scope().clear()


def events(received) -> list[dict]:
    """The event items of every envelope received."""
    found = []
    for path, body in received:
        assert path == "/api/1/envelope/"
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def _post_failing_view(base_url: str) -> int:
    """A real HTTP request through the WSGI handler, as a browser sends it."""
    body = urlencode({"email": EMAIL, "phone": PHONE, "concern": CONCERN}).encode()
    request = Request(f"{base_url}/sentry-fail/?token={QUERY_SECRET}", data=body,  # noqa: S310
                      method="POST", headers={
                          "Content-Type": "application/x-www-form-urlencoded",
                          "Cookie": f"sessionid={SESSION}; csrftoken={TOKEN}",
                          "Authorization": f"Bearer {TOKEN}",
                          "X-Request-ID": "req-0123456789",
                      })
    try:
        with urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status
    except HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_a_failing_view_reports_the_error_and_none_of_the_personal_data(
        reporting, live_server):
    assert _post_failing_view(live_server.url) == 500
    sentry_sdk.flush(timeout=5)

    [event] = events(reporting)
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert "could not book for [email] ([phone])" in exception["value"]
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"].endswith("/sentry-fail/")
    assert event["tags"]["request_id"] == "req-0123456789"

    raw = b"".join(body for _path, body in reporting).decode()
    for personal in (EMAIL, PHONE, "138 1234 5678", CONCERN, SESSION, TOKEN, QUERY_SECRET):
        assert personal not in raw
    assert "Cookie" not in event["request"].get("headers", {})
    assert "data" not in event["request"]
    assert "cookies" not in event["request"]
    assert "query_string" not in event["request"]
    frames = exception["stacktrace"]["frames"]
    assert frames and all("vars" not in frame for frame in frames)


def test_the_scrubber_masks_emails_and_phones_anywhere_and_filters_sensitive_keys():
    event = scrub_event({
        "message": f"mail {EMAIL} or call +86 138-1234-5678",
        "user": {"id": 7, "email": EMAIL, "ip_address": "198.51.100.4"},
        "extra": {"intake_answers": {"q1": "yes"}, "note": "private", "count": 3,
                  "when": "call 12356 now"},
        "request": {"url": "https://x/b/?email=a", "cookies": {"sessionid": SESSION},
                    "headers": {"Cookie": "s", "Authorization": "Bearer x",
                                "Accept-Language": "zh"},
                    "data": {"concern": CONCERN}, "query_string": "email=a"},
    })
    assert event["message"] == "mail [email] or call [phone]"
    assert event["user"] == {"id": 7}
    assert event["extra"] == {"intake_answers": "[Filtered]", "note": "[Filtered]",
                              "count": 3, "when": "call 12356 now"}
    assert event["request"] == {"url": "https://x/b/", "headers": {"Accept-Language": "zh"}}


def test_without_a_dsn_nothing_is_initialised():
    assert not sentry_sdk.get_client().is_active()


def test_a_database_errors_row_values_are_masked():
    """PostgreSQL quotes the failing row: a case table's plain words would go
    with the error."""
    from portal.ops.scrub import scrub_text

    check = ('new row for relation "cases_goal" violates check constraint "progress"\n'
             'DETAIL:  Failing row contains (7, 母亲每天陪孩子说说心情, 9, 2027-06-01).')
    unique = ('duplicate key value violates unique constraint "portal_user_phone_key"\n'
              'DETAIL:  Key (phone)=(+8613812345678) already exists.')
    assert "母亲" not in scrub_text(check) and "Failing row contains" in scrub_text(check)
    assert "13812345678" not in scrub_text(unique)
    assert "already exists" in scrub_text(unique)
