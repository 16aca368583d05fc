"""Background tasks of the privacy features (django-tasks, database backend).

Tasks take ids and plain values, never model instances: a queued row must
stay meaningful after a restart, and must carry no personal data.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from portal import crisis
from portal.models import Heartbeat, User
from portal.ops.heartbeats import heartbeat_record
from portal.privacy_export import export_build


@task()
def build_data_export(export_id: int) -> str:
    """Build a family's export archive and email them the download link."""
    export = export_build(export_id=export_id)
    return export.status if export is not None else "missing"


@task()
def send_erasure_cancellation_notice(*, counsellor_user_id: int, booking_id: int,
                                     start: str, session_type: str,
                                     is_urgent: bool = False) -> bool:
    """Tell a counsellor that a future session was cancelled by an erasure.

    The notice names the time, the reference and the session type: no family data.
    """
    counsellor = User.objects.filter(pk=counsellor_user_id).first()
    if counsellor is None or not counsellor.email:
        return False
    language = counsellor.preferred_language or settings.LANGUAGE_CODE
    start_at = dt.datetime.fromisoformat(start)
    with translation.override(language):
        context = {
            "reference": f"#{booking_id}",
            "start": timezone.localtime(start_at),
            "session_type": session_type,
            "is_urgent": is_urgent,
            "crisis_text": crisis.as_text(language=language),
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + str(
            translation.gettext("一次预约已取消（家庭注销账户）")
        )
        body = render_to_string("portal/privacy/email/erasure_cancelled.txt", context)
    send_mail(subject, body, None, [counsellor.email])
    return True


def schedule_once(sweep, *, delay: dt.timedelta) -> bool:
    """Queue `sweep` (a self-rescheduling task) to run after `delay` unless a
    run of it is already waiting; True when queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=sweep.module_path, status="READY").exists()
    if waiting:
        return False
    sweep.using(run_after=timezone.now() + delay).enqueue()
    return True


HEARTBEAT_INTERVAL = dt.timedelta(minutes=5)


@task()
def worker_heartbeat() -> str:
    """Record that the task worker runs, then queue the next beat.

    A self-rescheduling chain like the reminder sweep (started by
    ``manage.py worker_heartbeat``; ``make run`` does it): the status page
    calls the worker alive while the last beat is recent
    (`portal.ops.status.WORKER_STALE_AFTER`). The next beat is queued even when
    this one fails, so one lost connection does not read as a dead worker.
    """
    try:
        heartbeat_record(name=Heartbeat.Name.WORKER, detail="db_worker")
    finally:
        schedule_heartbeat()
    return "ok"


def schedule_heartbeat(*, delay: dt.timedelta = HEARTBEAT_INTERVAL) -> bool:
    """Queue the next heartbeat unless one is already waiting; True when queued."""
    return schedule_once(worker_heartbeat, delay=delay)
