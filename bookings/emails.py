"""Booking emails: plain text + HTML, in the recipient's language and zone.

Every email carries the crisis lines in its footer. Confirmation, change,
waitlist promotion and a workshop's change carry an iTIP REQUEST, cancellation a CANCEL
(``bookings.calendar.attach_invitation``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from bookings import calendar, intake, selectors
from bookings.models import Booking, BookingPolicy, Mode, WaitlistEntry
from portal import crisis
from portal.models import Role
from portal.timezones import user_zone

FAMILY_KINDS = ("confirmation", "change", "cancellation", "waitlist_promotion",
                "reminder", "workshop_change")
# Alerts to staff about urgent bookings; they carry no intake answers.
STAFF_KINDS = ("urgent_alert", "safeguarding_alert", "urgent_cancelled",
               "urgent_erased", "urgent_unfollowed", "urgent_escalated")
KINDS = FAMILY_KINDS + STAFF_KINDS
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
        "urgent_alert": gettext("紧急登记：预约 %(ref)s 请在回电时限内跟进"),
        "safeguarding_alert": gettext(
            "儿童安全保护：预约 %(ref)s 可能涉及孩子正在受到伤害或无人照看"),
        "urgent_cancelled": gettext("紧急登记的预约 %(ref)s 已被取消，请主动联系"),
        "urgent_erased": gettext("紧急登记的预约 %(ref)s：家庭已注销账户"),
        "urgent_unfollowed": gettext("紧急登记 %(ref)s 超过回电时限仍没有跟进记录"),
        "urgent_escalated": gettext("紧急登记 %(ref)s 仍无人认领，请现在认领"),
    }
    if booking.is_safeguarding:
        # Harm may come from home: staff are sent to the safeguarding lead,
        # never asked to call the family back (mandatory reporting).
        subjects.update({
            "urgent_alert": gettext(
                "紧急登记：预约 %(ref)s 涉及孩子安全，请立即交给安全保护负责人"),
            "urgent_cancelled": gettext(
                "紧急登记的预约 %(ref)s 已被取消：涉及孩子安全，请交给安全保护负责人"),
            "urgent_unfollowed": gettext(
                "紧急登记 %(ref)s 涉及孩子安全，超过跟进时限仍没有跟进记录"),
        })
    when = timezone.localtime(booking.start).strftime("%Y-%m-%d %H:%M")
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subjects[kind] % {
        "when": when, "ref": booking.reference}


def _absolute(name: str, **kwargs) -> str:
    base = settings.SITE_BASE_URL.rstrip("/")
    try:
        return base + reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return base + "/"


def can_receive(user) -> bool:
    return bool(user and user.is_active and user.email and not user.erased_at)


@dataclass(frozen=True)
class Address:
    """A recipient who is not an account (the safeguarding lead's mailbox)."""

    email: str
    display_name: str = ""
    preferred_language: str = ""
    display_timezone: str = ""


def _coordinators() -> list:
    return list(
        get_user_model().objects.filter(
            Q(groups__name=Role.COORDINATOR) | Q(is_superuser=True),
            is_active=True, erased_at__isnull=True,
        ).exclude(email="").exclude(email__isnull=True).distinct().order_by("pk")
    )


def _safeguarding_lead() -> Address | None:
    setting = selectors.site_settings()
    if setting is None or not setting.safeguarding_lead_email:
        return None
    return Address(email=setting.safeguarding_lead_email,
                   display_name=setting.safeguarding_lead_name)


def staff_alert_recipients(*, safeguarding: bool) -> list:
    """Who is alerted about a child at risk outside a booking (casework):
    every coordinator, and the safeguarding lead too when the child may be
    unsafe now."""
    people = _coordinators()
    lead = _safeguarding_lead() if safeguarding else None
    if lead and lead.email not in {p.email for p in people}:
        people.append(lead)
    return people


def recipients(booking: Booking, kind: str) -> list:
    """Who gets this kind of email about this booking.

    - ``urgent_alert``: every coordinator and the booked counsellor;
    - ``safeguarding_alert``: the safeguarding lead (site settings), or every
      coordinator while no lead is set;
    - cancelled, erased, unfollowed: every coordinator, and the safeguarding
      lead too when the child may be unsafe.
    """
    if kind in STAFF_KINDS:
        people = _coordinators()
        if kind == "urgent_alert":
            counsellor = booking.counsellor.user
            if can_receive(counsellor) and counsellor not in people:
                people.append(counsellor)
            return people
        lead = _safeguarding_lead()
        if kind == "safeguarding_alert":
            return [lead] if lead else people
        if booking.is_safeguarding and lead and lead.email not in {
                p.email for p in people}:
            people.append(lead)
        return people
    family = booking.family
    return [family] if can_receive(family) else []


def _clean_risk(booking: Booking) -> bool:
    """True when the stored answers can be read (erased ones are ``{}``)."""
    try:
        intake.clean_answers((booking.intake_answers or {}).get("risk"))
    except intake.IntakeError:
        return False
    return True


def build_message(booking: Booking, kind: str, recipient, *,
                  memo: dict | None = None) -> EmailMultiAlternatives:
    """The email of ``kind`` about ``booking`` for ``recipient``.

    ``memo`` carries what is the same for every recipient of one alert (the
    booking policy, the urgent-response texts per language), so an alert to
    every coordinator costs the same queries for two coordinators or twenty.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    memo = {} if memo is None else memo
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(user_zone(recipient)):
        if "policy" not in memo:
            memo["policy"] = BookingPolicy.objects.filter(site__is_default_site=True).first()
        policy = memo["policy"]
        if ("urgent", language) not in memo:
            memo[("urgent", language)] = selectors.urgent_context(language)
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
            "escalation_minutes": (policy.urgent_escalation_minutes if policy
                                   else BookingPolicy().urgent_escalation_minutes),
            "urgent_url": _absolute("bookings:coordinator_urgent"),
            "detail_url": _absolute("bookings:detail", pk=booking.pk),
            "mine_url": _absolute("bookings:mine"),
            "crisis_text": crisis.as_text(language=language),
            "crisis_lines": crisis.crisis_lines(),
            "risk": intake.assess((booking.intake_answers or {}).get("risk")
                                  if _clean_risk(booking) else None),
            **memo[("urgent", language)],
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
    memo: dict = {}
    return [build_message(booking, kind, r, memo=memo) for r in recipients(booking, kind)]


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
    with translation.override(language), timezone.override(user_zone(recipient)):
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


# --- Text messages (portal.sms) for families who chose them -------------------


def sms_recipient(booking: Booking):
    """The family, when it chose SMS notices and has a verified mobile number."""
    family = booking.family
    if not can_receive_sms(family):
        return None
    profile = getattr(family, "family_profile", None)
    return family if profile is not None and profile.sms_notices else None


def can_receive_sms(user) -> bool:
    return bool(user and user.is_active and user.phone and user.phone_verified
                and not user.erased_at)


def reminder_sms_params(booking: Booking, recipient) -> dict[str, str]:
    """Time and place only, in the recipient's language and zone."""
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(user_zone(recipient)):
        return {
            "time": timezone.localtime(booking.start).strftime("%Y-%m-%d %H:%M"),
            "place": sms_place(booking),
        }


# Aliyun refuses (isv.PARAM_LENGTH_LIMIT) a template variable longer than this.
SMS_VARIABLE_MAX = 35


def sms_place(booking: Booking) -> str:
    """Where, short enough for an SMS variable; online sessions point to the
    family's bookings page (a phone-only family has no confirmation email)."""
    session_online = booking.group_session_id and booking.group_session.mode == Mode.ONLINE
    if session_online or (not booking.group_session_id and booking.mode == Mode.ONLINE):
        place = gettext("线上，链接见“我的预约”")
    else:
        place = str(calendar.booking_location(booking, calendar._Context()))
    if len(place) > SMS_VARIABLE_MAX:
        place = place[:SMS_VARIABLE_MAX - 1] + "…"
    return place
