"""Booking emails: plain text + HTML, in the recipient's language and zone.

Every email carries the crisis lines in its footer. Confirmation, change,
waitlist promotion and a workshop's change carry an iTIP REQUEST, cancellation a CANCEL
(``bookings.calendar.attach_invitation``).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from bookings import calendar
from bookings.models import Booking, BookingPolicy, WaitlistEntry
from portal import crisis
from portal.models import Role

KINDS = ("confirmation", "change", "cancellation", "waitlist_promotion", "reminder",
         "workshop_change", "urgent_alert")
FAMILY_KINDS = KINDS[:-1]
INVITATION_METHOD = {
    "confirmation": "REQUEST",
    "change": "REQUEST",
    "waitlist_promotion": "REQUEST",
    "workshop_change": "REQUEST",
    "cancellation": "CANCEL",
}


def _subject(kind: str, booking: Booking) -> str:
    subjects = {
        "confirmation": gettext("预约已确认：%(when)s"),
        "change": gettext("预约时间已更改：%(when)s"),
        "cancellation": gettext("预约已取消：%(when)s"),
        "waitlist_promotion": gettext("候补成功，你已获得工作坊名额：%(when)s"),
        "reminder": gettext("预约提醒：%(when)s"),
        "workshop_change": gettext("工作坊安排有变动：%(when)s"),
        "urgent_alert": gettext("紧急登记：预约 %(ref)s 需要尽快跟进"),
    }
    when = timezone.localtime(booking.start).strftime("%Y-%m-%d %H:%M")
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subjects[kind] % {
        "when": when, "ref": booking.reference}


def _zone(user) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(user, "display_timezone", "") or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _absolute(name: str, **kwargs) -> str:
    base = settings.SITE_BASE_URL.rstrip("/")
    try:
        return base + reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return base + "/"


def can_receive(user) -> bool:
    return bool(user and user.is_active and user.email and not user.erased_at)


def recipients(booking: Booking, kind: str) -> list:
    """Who gets this kind of email about this booking."""
    if kind == "urgent_alert":
        return list(
            get_user_model().objects.filter(
                Q(groups__name=Role.COORDINATOR) | Q(is_superuser=True),
                is_active=True, erased_at__isnull=True,
            ).exclude(email="").distinct().order_by("pk")
        )
    family = booking.family
    return [family] if can_receive(family) else []


def build_message(booking: Booking, kind: str, recipient) -> EmailMultiAlternatives:
    """The email of ``kind`` about ``booking`` for ``recipient``."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(_zone(recipient)):
        policy = BookingPolicy.objects.filter(site__is_default_site=True).first()
        cutoff = booking.session_type.cancel_cutoff_hours
        if cutoff is None:
            cutoff = policy.cancel_cutoff_hours if policy else 24
        context = {
            "booking": booking,
            "kind": kind,
            "recipient": recipient,
            "language": language,
            "is_en": language.startswith("en"),
            "start": timezone.localtime(booking.start),
            "end": timezone.localtime(booking.end),
            "zone": timezone.get_current_timezone_name(),
            "workshop": booking.group_session,
            "workshop_location": (calendar.workshop_location(booking.group_session)
                                  if booking.group_session_id else ""),
            "cutoff_hours": cutoff,
            "detail_url": _absolute("bookings:detail", pk=booking.pk),
            "mine_url": _absolute("bookings:mine"),
            "crisis_text": crisis.as_text(language=language),
            "crisis_lines": crisis.crisis_lines(),
        }
        subject = _subject(kind, booking)
        text = render_to_string(f"bookings/email/{kind}.txt", context)
        html = render_to_string(f"bookings/email/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(html, "text/html")
    method = INVITATION_METHOD.get(kind)
    if method:
        calendar.attach_invitation(message, booking=booking, method=method,
                                   attendee_email=recipient.email)
    return message


def build_messages(booking: Booking, kind: str) -> list[EmailMultiAlternatives]:
    return [build_message(booking, kind, r) for r in recipients(booking, kind)]


def build_waitlist_cancelled_messages(entry: WaitlistEntry) -> list[EmailMultiAlternatives]:
    """Tell a family waiting for a seat that the workshop was called off.

    A waitlist place is no booking, so it has its own email: no booking
    reference, no calendar file (nothing was ever in their calendar).
    """
    recipient = entry.family
    if not can_receive(recipient):
        return []
    workshop = entry.group_session
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(_zone(recipient)):
        context = {
            "recipient": recipient,
            "language": language,
            "is_en": language.startswith("en"),
            "workshop": workshop,
            "start": timezone.localtime(workshop.start),
            "end": timezone.localtime(workshop.end),
            "zone": timezone.get_current_timezone_name(),
            "workshops_url": _absolute("bookings:workshops"),
            "crisis_text": crisis.as_text(language=language),
            "crisis_lines": crisis.crisis_lines(),
        }
        when = timezone.localtime(workshop.start).strftime("%Y-%m-%d %H:%M")
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + gettext(
            "你候补的工作坊已取消：%(when)s") % {"when": when}
        text = render_to_string("bookings/email/waitlist_cancelled.txt", context)
        html = render_to_string("bookings/email/waitlist_cancelled.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(html, "text/html")
    return [message]
