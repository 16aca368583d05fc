"""Casework alerts, through the bookings' alert path: the same mail backend,
queued with the write (`enqueue_with_write`).

Recipients (`alert_recipients`): the case's team, who can open it — its
assigned worker, its supervisor of record, the child directors of its point
and every child supervisor — and the safeguarding lead; then every
coordinator, who cannot open the case, told whom to call: the assigned
worker's name and email or phone.

The email names the case by number only: no child's name, no narrative.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from bookings.emails import can_receive, staff_alert_recipients
from bookings.tasks import enqueue_with_write
from cases.models import Case, PointDirector
from cases.permissions import is_worker
from portal import crisis
from portal.models import Role

REASONS = ("safety_concern", "critical_risk")


def alert_recipients(case: Case) -> list[tuple[object, bool]]:
    """``(recipient, on_the_team)`` pairs, each address once, team first."""
    users = get_user_model().objects.filter(is_active=True, erased_at__isnull=True)
    team = [u for u in (case.assigned_worker, case.supervisor)
            if u is not None and case_access_role(u, case)]
    team += list(users.filter(
        Q(groups__name=Role.CHILD_SUPERVISOR)
        | Q(groups__name=Role.CHILD_DIRECTOR,
            pk__in=PointDirector.objects.filter(point_id=case.household.point_id)
            .values("user"))).distinct().order_by("pk"))
    pairs, seen = [], set()
    for recipient in team:
        if can_receive(recipient) and recipient.email not in seen:
            seen.add(recipient.email)
            pairs.append((recipient, True))
    # The lead (a mailbox, not an account) and every coordinator.
    for recipient in staff_alert_recipients(safeguarding=True):
        if hasattr(recipient, "is_active") and not can_receive(recipient):
            continue
        if recipient.email not in seen:
            seen.add(recipient.email)
            pairs.append((recipient, not hasattr(recipient, "is_active")))
    return pairs


def case_access_role(user, case: Case) -> bool:
    """Whether the worker or supervisor named on the case still holds the role."""
    if user.pk == case.assigned_worker_id:
        return is_worker(user)
    return user.has_role(Role.CHILD_SUPERVISOR)


def worker_contact(case: Case) -> tuple[str, str]:
    """The assigned worker's name and how to reach them (email, else phone)."""
    worker = case.assigned_worker
    return worker.display_name or gettext("负责社工"), (
        worker.email or (str(worker.phone) if worker.phone else ""))


@task()
def send_case_alert(case_id: int, reason: str) -> int:
    """Email the urgent-path recipients about case ``case_id``; returns emails sent."""
    if reason not in REASONS:
        raise ValueError(f"unknown alert reason {reason!r}")
    case = Case.objects.filter(pk=case_id).select_related(
        "household", "assigned_worker", "supervisor").first()
    if case is None:
        return 0
    messages = []
    for recipient, on_team in alert_recipients(case):
        language = recipient.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            name, contact = worker_contact(case)
            context = {"recipient": recipient, "reason": reason, "case_ref": f"#{case.pk}",
                       "on_team": on_team, "worker_name": name, "worker_contact": contact,
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
