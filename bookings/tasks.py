"""Background tasks (django-tasks, database backend): emails and reminders.

Tasks take ids, never objects, and are enqueued by the services inside the
write's own transaction (the task row is a database row), so a rolled-back
write sends nothing and a committed one always has its email: the task row waits in the database for the worker
(``manage.py db_worker``).

Reminders: ``enqueue_due_reminders`` (run by ``manage.py send_reminders`` from
cron, or by the self-rescheduling ``send_due_reminders`` task) queues one reminder task per
booking starting within ``BookingPolicy.reminder_hours``; the reminder task
locks the booking and sends only if ``reminder_sent_at`` is empty and the
session has not started, so a reminder is never sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bookings import emails
from bookings.models import Booking, BookingPolicy, WaitlistEntry
from portal import sms
from portal.models import Heartbeat
from portal.ops import metrics
from portal.ops.heartbeats import heartbeat_record
from portal.tasks import schedule_once

logger = logging.getLogger(__name__)

def enqueue_with_write(task_, *args) -> None:
    """Queue `task_` atomically with the write that causes it.

    With the database task backend the task row is inserted in the write's
    own transaction: both commit or neither does, so no crash between COMMIT
    and the enqueue can leave a booking without its email (the fault tests
    kill workers there). Any other backend would run or publish the task
    before the commit, so it is deferred to ``on_commit`` instead. Casework
    alerts go the same way.
    """
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_.enqueue(*args))


_RELATED = ("family", "counsellor", "session_type", "group_session", "child")


@task()
def send_booking_email(booking_id: int, kind: str) -> int:
    """Send the ``kind`` email about booking ``booking_id``; returns emails sent."""
    if kind not in emails.KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    if kind == "reminder":
        return _send_reminder(booking_id)
    booking = Booking.objects.select_related(*_RELATED).filter(pk=booking_id).first()
    if booking is None:
        return 0
    if kind == "urgent_cancelled" and booking.anonymised_at is not None:
        return 0  # cancelled by an account erasure: its "urgent_erased" alert says so
    messages = emails.build_messages(booking, kind)
    if messages:
        get_connection().send_messages(messages)
    if kind == "confirmation" and booking.is_urgent and not booking.is_safeguarding:
        # Never to a home the harm may come from (see emails._subject).
        _send_sms(booking, sms.Kind.CALLBACK)
    return len(messages)


def _send_sms(booking: Booking, kind: sms.Kind) -> int:
    """Text the family when it chose SMS notices; 1 when sent. A failure is
    logged, not retried: the email (when there is an address) went anyway."""
    recipient = emails.sms_recipient(booking)
    if recipient is None:
        return 0
    params = emails.reminder_sms_params(booking, recipient) if kind == sms.Kind.REMINDER else {}
    try:
        sms.send(phone=recipient.phone.as_e164, kind=kind,
                 language=recipient.preferred_language, params=params)
    except sms.SmsError:
        return 0
    return 1


@task()
def send_waitlist_cancelled_email(entry_id: int) -> int:
    """Tell the family of waitlist entry ``entry_id`` its workshop was called off."""
    entry = WaitlistEntry.objects.select_related("family", "group_session").filter(
        pk=entry_id).first()
    if entry is None:
        return 0
    messages = emails.build_waitlist_cancelled_messages(entry)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def _send_reminder(booking_id: int) -> int:
    now = timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",)).select_related(*_RELATED)
            .filter(pk=booking_id).first()
        )
        if (booking is None or booking.reminder_sent_at is not None
                or booking.status != Booking.Status.CONFIRMED or booking.start <= now):
            return 0
        messages = emails.build_messages(booking, "reminder")
        if messages:
            get_connection().send_messages(messages)
        texts = _send_sms(booking, sms.Kind.REMINDER)
        if messages or texts:
            metrics.count("reminders_sent")
        # Marked even with no recipient (erased account): nothing to retry.
        booking.reminder_sent_at = now
        booking.save(update_fields=["reminder_sent_at"])
        return len(messages) + texts


def due_reminders(*, now: dt.datetime | None = None):
    """Confirmed bookings starting within the reminder window, not yet reminded."""
    now = now or timezone.now()
    policy = BookingPolicy.objects.filter(site__is_default_site=True).first()
    hours = policy.reminder_hours if policy else BookingPolicy().reminder_hours
    return Booking.objects.filter(
        status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True,
        start__gt=now, start__lte=now + dt.timedelta(hours=hours),
    ).order_by("start")


def enqueue_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue a reminder task per due booking; returns how many were queued.

    Running it again before the worker has sent them queues duplicates of the
    task, never of the email: the task itself checks ``reminder_sent_at``.
    """
    ids = list(due_reminders(now=now).values_list("pk", flat=True))
    for booking_id in ids:
        send_booking_email.enqueue(booking_id, "reminder")
    heartbeat_record(name=Heartbeat.Name.REMINDER_SWEEP, detail=f"{len(ids)} queued")
    return len(ids)


SWEEP_INTERVAL = dt.timedelta(minutes=15)


@task()
def send_due_reminders() -> int:
    """The reminder sweep as a task: queue due reminders, then the next sweep.

    A self-rescheduling chain for deployments without cron (``make run``
    starts it with ``send_reminders --schedule``); at most one sweep waits at
    a time, so starting it again never doubles the chain. The next sweep is
    queued even when this one fails: one lost connection must not end the
    reminders for good.
    """
    try:
        return enqueue_due_reminders()
    finally:
        schedule_reminder_sweep()


def schedule_reminder_sweep(*, delay: dt.timedelta = SWEEP_INTERVAL) -> bool:
    """Queue the next sweep unless one is already waiting; True when queued."""
    return schedule_once(send_due_reminders, delay=delay)
