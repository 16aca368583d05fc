"""Fault tolerance: a killed worker, a lost database, a stopped task worker.

These start real processes (gunicorn with production settings against the
test database) and break them. They run on PostgreSQL (CI does), marked
`fault` and `postgres`; on SQLite they are skipped by the postgres marker.
"""

import contextlib
import datetime as dt
import http.client
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import (
    AvailabilityRuleFactory,
    CounsellorFactory,
    FamilyFactory,
    SessionTypeFactory,
)

pytestmark = [
    pytest.mark.fault,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
EMAIL_TASK = "bookings.tasks.send_booking_email"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(host: str = "127.0.0.1", port: int | None = None) -> str:
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    auth = f"{user}:{s['PASSWORD']}@" if s["PASSWORD"] else f"{user}@"
    return f"postgres://{auth}{host}:{port or s['PORT'] or 5432}/{s['NAME']}"


class Gunicorn:
    """gunicorn with production settings (test secrets) on a free port."""

    def __init__(self, *, db_url: str, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.trust.fault_settings",
            "DJANGO_SECRET_KEY": "fault-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "FIELD_ENCRYPTION_SALT": "fault-" + secrets.token_urlsafe(24),
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SMS_DISABLED": "1",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DATABASE_URL": db_url,
        }
        env.pop("REDIS_URL", None)
        self.proc = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi:application",
             "-b", f"127.0.0.1:{self.port}", "-w", str(workers), "--timeout", "30",
             "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if get(self.base + "/healthz")[0] == 200:
                return
            time.sleep(0.2)
        self.stop()
        raise AssertionError("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)],  # noqa: S603, S607
                             capture_output=True, text=True, check=False).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def get(url: str, token: str = "", cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url)  # noqa: S310 - http://127.0.0.1 only
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=20) as r:  # noqa: S310
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except (OSError, http.client.HTTPException) as exc:
        return 0, str(exc)


def get_api(url: str, token: str) -> tuple[int, dict, str]:
    """Status, headers and body of an API GET with a bearer token."""
    request = urllib.request.Request(url, headers={  # noqa: S310 - 127.0.0.1 only
        "Authorization": f"Bearer {token}", "Accept-Language": "en"})
    try:
        with urllib.request.urlopen(request, timeout=20) as r:  # noqa: S310
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def post_json(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, http.client.HTTPException):
        # The worker died under us: before the reply (a dropped connection) or
        # half-way through its body (IncompleteRead, not an OSError).
        return 0


@pytest.fixture
def bookable(site_shell):
    """A counsellor open every day 08–20 and a session type they offer."""
    counsellor = CounsellorFactory()
    for weekday in range(7):
        AvailabilityRuleFactory(counsellor=counsellor, weekday=weekday,
                                start_time=dt.time(8), end_time=dt.time(20))
    session_type = SessionTypeFactory(counsellors=[counsellor])
    return counsellor, session_type


def non_overlapping_slots(counsellor, session_type, count: int) -> list[dt.datetime]:
    from bookings.selectors import free_slots

    today = timezone.localdate()
    chosen, busy_until = [], None
    for slot in free_slots(counsellor=counsellor, session_type=session_type,
                           start_date=today + dt.timedelta(days=2),
                           end_date=today + dt.timedelta(days=30)):
        if busy_until is None or slot.start >= busy_until:
            chosen.append(slot.start)
            busy_until = slot.end + dt.timedelta(minutes=session_type.buffer_after_minutes)
        if len(chosen) == count:
            break
    assert len(chosen) == count
    return chosen


# --- (a) SIGKILL a gunicorn worker in the middle of a booking load ---------------------


def test_killed_worker_leaves_no_booking_without_its_email_task(bookable):
    from bookings.intake import RISK_KEYS
    from bookings.models import Booking
    from portal.models import ApiToken

    counsellor, session_type = bookable
    families = [FamilyFactory() for _ in range(10)]
    tokens = [ApiToken.issue(user=f, name="fault")[1] for f in families]
    slots = non_overlapping_slots(counsellor, session_type, 3 * len(families))
    risk = dict.fromkeys(RISK_KEYS, "no")
    server = Gunicorn(db_url=database_url(), workers=2)
    statuses: list[int] = []
    lock = threading.Lock()
    started = threading.Barrier(len(families) + 1)

    def client(i: int) -> None:
        started.wait()
        for j in range(3):
            start = slots[i * 3 + j]
            code = post_json(server.base + "/api/v1/bookings", tokens[i], {
                "counsellor": counsellor.pk, "session_type": session_type.pk,
                "start": start.isoformat(), "mode": "in_person", "consent": True,
                "concern": f"fault-{i}-{j} 孩子最近总是失眠", "risk_answers": risk,
            })
            with lock:
                statuses.append(code)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(families))]
    try:
        for t in threads:
            t.start()
        started.wait()
        while True:  # kill once a few bookings are through and others in flight
            with lock:
                if len(statuses) >= 4:
                    break
            time.sleep(0.01)
        victims = server.workers()
        assert len(victims) == 2
        os.kill(victims[0], signal.SIGKILL)
        for t in threads:
            t.join(timeout=120)
        # The master replaces the dead worker and the site keeps answering.
        deadline = time.time() + 30
        while time.time() < deadline and (
            victims[0] in server.workers() or len(server.workers()) < 2
        ):
            time.sleep(0.2)
        assert victims[0] not in server.workers()
        assert len(server.workers()) == 2
        assert get(server.base + "/healthz")[0] == 200
    finally:
        server.stop()

    assert len(statuses) == 30
    assert set(statuses) <= {201, 0}, statuses
    bookings = list(Booking.objects.filter(family__in=families))
    # Every 201 is a row; rows may exceed 201s (a reply lost with the worker).
    assert len(bookings) >= statuses.count(201) >= 1
    tasks = DBTaskResult.objects.filter(task_path=EMAIL_TASK)
    confirmations = sorted(
        t.args_kwargs["args"][0] for t in tasks
        if t.args_kwargs["args"][1] == "confirmation"
    )
    assert confirmations == sorted(b.pk for b in bookings)
    for b in bookings:  # no half-saved intake
        assert b.concern.startswith("fault-") and b.concern.endswith("孩子最近总是失眠")
        assert b.intake_answers.get("risk") == risk, b.intake_answers


def test_a_crash_right_after_commit_cannot_leave_a_booking_without_its_email(
        bookable, monkeypatch):
    """The narrowest window of the SIGKILL test, made deterministic: the process
    'dies' (BaseException) when the email task is queued. Either both rows
    exist or neither does."""
    from django_tasks_db.backend import DatabaseBackend

    from bookings import services
    from bookings.models import Booking

    class ProcessDied(BaseException):
        pass

    def die(self, task, args, kwargs):
        raise ProcessDied

    counsellor, session_type = bookable
    family = FamilyFactory()
    start = non_overlapping_slots(counsellor, session_type, 1)[0]
    monkeypatch.setattr(DatabaseBackend, "enqueue", die)
    with pytest.raises(ProcessDied):
        services.booking_create(family=family, counsellor=counsellor,
                                session_type=session_type, start=start,
                                mode="in_person", consent=True, concern="x")
    booked = Booking.objects.filter(family=family).count()
    queued = DBTaskResult.objects.filter(task_path=EMAIL_TASK).count()
    assert (booked, queued) in {(0, 0), (1, 1)}, (booked, queued)


# --- (b) the database goes away, and comes back ------------------------------------


class TcpProxy:
    """A TCP forwarder to PostgreSQL that the test can cut and restore."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.server: socket.socket | None = None
        self.up()

    def up(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(32)
        self.server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone
            # would leave the socket listening until that call returns.
            with contextlib.suppress(OSError):
                self.server.shutdown(socket.SHUT_RDWR)
            self.server.close()
            self.server = None
        with self.lock:
            for conn in self.conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self.conns.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream),
                             daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()


def test_database_outage_answers_503_with_crisis_lines_and_recovers(site_shell):
    from portal.models import ApiToken

    s = connection.settings_dict
    proxy = TcpProxy((s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)))
    server = Gunicorn(db_url=database_url(port=proxy.port), workers=1)
    # A signed-in visitor: the session is read from the database on every
    # request (anonymous pages may be served from caches without it).
    page = server.base + "/bookings/workshops/"
    cookie = "sessionid=" + "a" * 32
    _token, secret = ApiToken.issue(user=FamilyFactory(), name="phone")
    api = server.base + "/api/v1/bookings"
    try:
        status, html = get(page, cookie=cookie)
        assert status == 200, html[:500]
        assert get_api(api, secret)[0] == 200

        proxy.down()
        for _ in range(3):  # a broken pooled connection, then refused connects
            status, html = get(page, cookie=cookie)
            assert status == 503, html[:500]
            for number in ("12356", "962525", "12355", "110", "120"):
                assert f'href="tel:{number}"' in html
        # The API answers in its own format, with the same status and Retry-After.
        for _ in range(2):
            status, headers, body = get_api(api, secret)
            assert (status, json.loads(body)) == (503, {
                "detail": "The service is temporarily unavailable. "
                          "Please try again in a few minutes."}), body[:500]
            assert headers["Content-Type"] == "application/json; charset=utf-8"
            assert headers["Retry-After"] == "30"
            assert "no-store" in headers["Cache-Control"].replace(" ", "").split(",")
        assert get(server.base + "/healthz") == (200, "ok")

        proxy.up()
        deadline = time.time() + 15
        while time.time() < deadline:
            status, html = get(page, cookie=cookie)
            if status == 200:
                break
            time.sleep(0.3)
        assert status == 200, "the site did not recover without a restart"
        assert 'href="tel:12356"' in html
        assert get_api(api, secret)[0] == 200
    finally:
        server.stop()
        proxy.down()


# --- (c) the task worker stopped for an hour -----------------------------------


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False,
                 verbosity=0)


def test_stopped_worker_catches_up_once_and_drops_pointless_reminders(bookable):
    from bookings import services
    from bookings.models import Booking
    from bookings.tasks import enqueue_due_reminders

    counsellor, session_type = bookable
    soon_family, passed_family = FamilyFactory(), FamilyFactory()
    first, second = non_overlapping_slots(counsellor, session_type, 2)
    soon = services.booking_create(family=soon_family, counsellor=counsellor,
                                   session_type=session_type, start=first,
                                   mode="in_person", consent=True)
    passed = services.booking_create(family=passed_family, counsellor=counsellor,
                                     session_type=session_type, start=second,
                                     mode="in_person", consent=True)
    now = timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    # Time travel: `soon` starts in 10 hours; `passed` started 20 minutes ago.
    for booking, start in ((soon, now + dt.timedelta(hours=10)),
                           (passed, now - dt.timedelta(minutes=20))):
        Booking.objects.filter(pk=booking.pk).update(
            start=start, end=start + dt.timedelta(minutes=50),
            blocks_until=start + dt.timedelta(minutes=60))
    # An hour ago, when the worker stopped, both reminders were due and queued
    # (the reminder command ran twice meanwhile: a duplicate task for `soon`).
    assert enqueue_due_reminders(now=hour_ago) == 2
    assert enqueue_due_reminders(now=hour_ago) == 2
    DBTaskResult.objects.update(enqueued_at=hour_ago, run_after=hour_ago)
    mail.outbox.clear()

    run_worker()

    tasks = DBTaskResult.objects.filter(task_path=EMAIL_TASK)
    assert tasks.exclude(status="SUCCESSFUL").count() == 0
    sent = {}
    for t in tasks:
        booking_id, kind = t.args_kwargs["args"]
        sent[(booking_id, kind)] = sent.get((booking_id, kind), 0) + t.return_value
    assert sent[(soon.pk, "confirmation")] >= 1
    assert sent[(passed.pk, "confirmation")] >= 1
    assert sent[(passed.pk, "reminder")] == 0  # the session had started: dropped
    reminders_for_soon = sent[(soon.pk, "reminder")]
    assert reminders_for_soon >= 1
    soon.refresh_from_db()
    passed.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert passed.reminder_sent_at is None
    outbox_count = len(mail.outbox)
    assert outbox_count == sum(sent.values())

    # Restart again: the reminder command finds nothing, nothing is sent twice.
    assert enqueue_due_reminders() == 0
    run_worker()
    assert len(mail.outbox) == outbox_count
