"""Emails are queued as task rows and sent by the worker, once, in the right language."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import services
from bookings.models import Booking, Mode
from tests.bookings.engine_setup import make_setup
from tests.factories import (
    BookingFactory,
    CoordinatorFactory,
    FamilyFactory,
    GroupSessionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

SEND_TASK = "bookings.tasks.send_booking_email"


@pytest.fixture
def setup():
    return make_setup()


def create(setup, commit, **kwargs):
    params = {"family": setup.family, "counsellor": setup.counsellor,
              "session_type": setup.session_type, "start": setup.at(10),
              "mode": Mode.IN_PERSON, "consent": True}
    params.update(kwargs)
    with commit(execute=True):
        return services.booking_create(**params)


def alternatives(message):
    return {mimetype.split(";")[0]: (content, mimetype)
            for content, mimetype in message.alternatives}


def test_confirmation_is_queued_then_sent_by_the_worker_once(
        setup, run_worker, django_capture_on_commit_callbacks):
    booking = create(setup, django_capture_on_commit_callbacks)
    row = DBTaskResult.objects.get(task_path=SEND_TASK)
    assert row.args_kwargs["args"] == [booking.pk, "confirmation"]
    assert row.status == "READY"
    assert mail.outbox == []

    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [setup.family.email]
    assert message.subject == f"【未愛小屋】预约已确认：{setup.at(10):%Y-%m-%d %H:%M}"
    assert f"{setup.at(10):%Y-%m-%d} 10:00–10:50（Asia/Shanghai）" in message.body
    assert setup.counsellor.display_name in message.body
    assert "12356" in message.body and "962525" in message.body
    assert "不提供诊断" in message.body
    parts = alternatives(message)
    assert 'href="tel:12356"' in parts["text/html"][0]
    assert "METHOD:REQUEST" in parts["text/calendar"][0]
    assert f"UID:{booking.calendar_uid}" in parts["text/calendar"][0]
    DBTaskResult.objects.get(task_path=SEND_TASK, status="SUCCESSFUL")

    run_worker()
    assert len(mail.outbox) == 1


def test_email_follows_the_recipients_language_and_zone(
        setup, run_worker, django_capture_on_commit_callbacks):
    setup.family.preferred_language = "en"
    setup.family.display_timezone = "Europe/London"
    setup.family.save()
    create(setup, django_capture_on_commit_callbacks)
    run_worker()
    body = mail.outbox[0].body
    zone_start = timezone.localtime(setup.at(10), timezone=ZoneInfo("Europe/London"))
    assert mail.outbox[0].subject == (
        f"【未愛小屋】Booking confirmed: {zone_start:%Y-%m-%d %H:%M}")
    assert body.startswith(f"Dear {setup.family.display_name},")
    assert "Your booking is confirmed." in body
    assert "at least 24 hours before it starts" in body
    assert "Mode：In person" in body
    assert f"{zone_start:%Y-%m-%d %H:%M}" in body
    assert "Europe/London" in body
    assert "If you or your child are in danger" in body
    assert "National unified psychological assistance line: 12356" in body


def test_cancellation_carries_a_calendar_cancel(setup, run_worker,
                                                django_capture_on_commit_callbacks):
    booking = create(setup, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by_user=setup.family)
    run_worker()
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2
    cancel = next(m for m in mail.outbox if "预约已取消" in m.subject)
    assert "METHOD:CANCEL" in alternatives(cancel)["text/calendar"][0]
    assert "12356" in cancel.body


def test_change_email_after_reschedule(setup, run_worker, django_capture_on_commit_callbacks):
    booking = create(setup, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(booking=booking, new_start=setup.at(15),
                                    by_user=setup.family)
    run_worker()
    change = next(m for m in mail.outbox if "预约时间已更改" in m.subject)
    assert "15:00–15:50" in change.body
    assert "SEQUENCE:1" in alternatives(change)["text/calendar"][0]


def test_urgent_intake_alerts_every_coordinator_and_the_counsellor_without_the_answers(
        setup, run_worker, django_capture_on_commit_callbacks):
    coordinators = [CoordinatorFactory(), CoordinatorFactory()]
    booking = create(setup, django_capture_on_commit_callbacks,
                     risk_answers={"unsafe_now": True}, concern="孩子说不想活了")
    run_worker()
    alerts = [m for m in mail.outbox if "紧急登记" in m.subject]
    assert sorted(m.to[0] for m in alerts) == sorted(
        [c.email for c in coordinators] + [setup.counsellor.user.email])
    assert all(booking.reference in m.subject for m in alerts)
    assert all("孩子说不想活了" not in m.body for m in alerts)
    assert all("12356" in m.body for m in alerts)
    # The family still gets the ordinary confirmation.
    assert [m.to for m in mail.outbox if "预约已确认" in m.subject] == [[setup.family.email]]


def test_waitlist_promotion_tells_the_family(run_worker, django_capture_on_commit_callbacks):
    workshop = GroupSessionFactory(capacity=1)
    first, waiting = FamilyFactory(), FamilyFactory()
    services.workshop_join(family=first, group_session=workshop)
    services.workshop_join(family=waiting, group_session=workshop)
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_leave(family=first, group_session=workshop)
    run_worker()
    promoted = [m for m in mail.outbox if "候补成功" in m.subject]
    assert [m.to for m in promoted] == [[waiting.email]]
    assert workshop.title in promoted[0].body
    assert "METHOD:REQUEST" in alternatives(promoted[0])["text/calendar"][0]


def test_reminders_are_queued_for_the_next_24_hours_and_sent_once(setup, run_worker):
    soon = BookingFactory(family=setup.family, counsellor=setup.counsellor,
                          start=timezone.now() + dt.timedelta(hours=20))
    BookingFactory(counsellor=setup.counsellor,
                   start=timezone.now() + dt.timedelta(hours=30))
    BookingFactory(counsellor=setup.counsellor, status=Booking.Status.CANCELLED,
                   start=timezone.now() + dt.timedelta(hours=10))
    call_command("send_reminders", stdout=io.StringIO())
    assert [r.args_kwargs["args"]
            for r in DBTaskResult.objects.filter(task_path=SEND_TASK)] == [
        [soon.pk, "reminder"]]
    # A second cron run before the worker: a duplicate task, not a duplicate email.
    call_command("send_reminders", stdout=io.StringIO())
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("【未愛小屋】预约提醒")
    assert mail.outbox[0].to == [setup.family.email]
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    call_command("send_reminders", stdout=io.StringIO())
    run_worker()
    assert len(mail.outbox) == 1


def test_reminder_is_dropped_for_a_session_that_already_started(setup, run_worker):
    booking = BookingFactory(family=setup.family, counsellor=setup.counsellor,
                             start=timezone.now() + dt.timedelta(hours=2))
    call_command("send_reminders", stdout=io.StringIO())
    Booking.objects.filter(pk=booking.pk).update(
        start=timezone.now() - dt.timedelta(minutes=5))
    run_worker()
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None


def test_no_email_to_an_erased_account(setup, run_worker, django_capture_on_commit_callbacks):
    create(setup, django_capture_on_commit_callbacks)
    setup.family.erased_at = timezone.now()
    setup.family.save()
    run_worker()
    assert mail.outbox == []


def test_send_reminders_now_sends_in_process_without_the_worker(setup):
    BookingFactory(family=setup.family, counsellor=setup.counsellor,
                   start=timezone.now() + dt.timedelta(hours=3))
    out = io.StringIO()
    call_command("send_reminders", "--now", stdout=out)
    assert out.getvalue().strip() == "Reminders sent: 1"
    assert len(mail.outbox) == 1
    call_command("send_reminders", "--now", stdout=out)
    assert len(mail.outbox) == 1


def test_the_reminder_sweep_task_sends_and_requeues_itself_once(setup, run_worker):
    BookingFactory(family=setup.family, counsellor=setup.counsellor,
                   start=timezone.now() + dt.timedelta(hours=5))
    out = io.StringIO()
    call_command("send_reminders", "--schedule", stdout=out)
    call_command("send_reminders", "--schedule", stdout=out)
    assert out.getvalue().splitlines() == ["Reminder sweep queued.",
                                           "Reminder sweep already queued."]
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("【未愛小屋】预约提醒：")
    sweeps = DBTaskResult.objects.filter(task_path="bookings.tasks.send_due_reminders")
    assert sorted(sweeps.values_list("status", flat=True)) == ["READY", "SUCCESSFUL"]
    upcoming = sweeps.get(status="READY")
    assert upcoming.run_after > timezone.now() + dt.timedelta(minutes=14)


def test_a_failed_reminder_sweep_still_queues_the_next_one(setup, run_worker, monkeypatch):
    """One failed sweep (a lost connection) must not end the reminder chain."""
    from django.db import OperationalError

    from bookings import tasks

    call_command("send_reminders", "--schedule", stdout=io.StringIO())

    def lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "enqueue_due_reminders", lost)
    run_worker()
    sweeps = DBTaskResult.objects.filter(task_path="bookings.tasks.send_due_reminders")
    assert sorted(sweeps.values_list("status", flat=True)) == ["FAILED", "READY"]
