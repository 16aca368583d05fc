"""Casework alerts, through the bookings' alert path: the same recipients
(every coordinator, and the safeguarding lead when a child may be unsafe),
the same mail backend, queued with the write (`enqueue_with_write`).

The email names the case by number only: no name, no narrative.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from bookings.emails import can_receive, staff_alert_recipients
from bookings.tasks import enqueue_with_write
from cases.models import Case
from portal import crisis

REASONS = ("safety_concern", "critical_risk")


@task()
def send_case_alert(case_id: int, reason: str) -> int:
    """Email the urgent-path recipients about case ``case_id``; returns emails sent."""
    if reason not in REASONS:
        raise ValueError(f"unknown alert reason {reason!r}")
    case = Case.objects.filter(pk=case_id).only("pk").first()
    if case is None:
        return 0
    messages = []
    for recipient in staff_alert_recipients(safeguarding=reason == "safety_concern"):
        if hasattr(recipient, "is_active") and not can_receive(recipient):
            continue
        language = recipient.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {"recipient": recipient, "reason": reason, "case_ref": f"#{case.pk}",
                       "crisis_text": crisis.as_text(language=language)}
            subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + gettext(
                "个案 %(ref)s 需要紧急关注") % {"ref": context["case_ref"]}
            body = render_to_string("cases/email/urgent_alert.txt", context)
        messages.append(EmailMultiAlternatives(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def alert_urgent(case: Case, reason: str) -> None:
    """Queue the alert in the caller's transaction."""
    enqueue_with_write(send_case_alert, case.pk, reason)
