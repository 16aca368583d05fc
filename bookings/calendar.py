"""iCalendar output, built with icalendar objects — never by string formatting.

Every event carries a stable, opaque UID (`Booking.calendar_uid`,
`GroupSession.calendar_uid`, or a hash for time off), DTSTAMP in UTC, DTSTART
and DTEND in UTC (so no VTIMEZONE is needed and no client can guess a zone
wrongly), SEQUENCE from the model and STATUS. icalendar folds long lines at 75
octets without splitting a UTF-8 character, and escapes commas, semicolons,
backslashes and newlines, so a user-entered value can never start a property of
its own.

Privacy: nothing here reads `Booking.child`, `Booking.concern` or
`Booking.intake_answers`. Staff see a neutral title ("个体咨询 · 预约 #1234")
and a link to the booking page behind login. Every description ends with the
crisis lines.

Entry points:
    booking_ics(booking=, viewer=)                 one booking, METHOD:PUBLISH + ORGANIZER
    invitation_ics(booking=, method=, attendee_email=)   iTIP REQUEST / CANCEL
    attach_invitation(message, booking=, method=, attendee_email=)
    family_feed_ics / counsellor_feed_ics / workshops_feed_ics
    add_to_calendar_links(booking=, viewer=)       .ics, Google, Outlook
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from email.utils import parseaddr
from enum import StrEnum
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration

from bookings.models import Booking, GroupSession, Mode, TimeOff, place_text
from portal import crisis, languages

PRODID = "-//Weiai Xiaowu//Booking calendar 1.0//ZH"
FEED_REFRESH = dt.timedelta(hours=1)
ALARM_BEFORE = dt.timedelta(hours=1)
# Cancelled events stay in personal feeds this long after the cancellation,
# so a subscribed calendar sees STATUS:CANCELLED instead of a silent gap.
CANCELLED_KEPT_FOR = dt.timedelta(days=30)
# Past sessions stay in personal feeds this long (history on the phone).
HISTORY_KEPT_FOR = dt.timedelta(days=90)
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
METHODS = ("REQUEST", "CANCEL")

CANCELLED_STATUSES = (Booking.Status.CANCELLED, Booking.Status.LATE_CANCELLED)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Line breaks by another name (CR, NEL, LINE/PARAGRAPH SEPARATOR): some parsers
# split lines on them, so they become plain newlines, which icalendar escapes.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")


class Audience(StrEnum):
    """Who reads the event: the family sees the counsellor, staff a reference."""

    FAMILY = "family"
    STAFF = "staff"


# --- small helpers ------------------------------------------------------------


def clean_text(value) -> str:
    """One newline convention and no control characters in a TEXT value.

    `\\r\\n`, `\\r`, NEL, U+2028 and U+2029 become `\\n`, which icalendar escapes
    as the two characters `\\n`; other control characters are not allowed in
    iCalendar TEXT at all (RFC 5545 §3.3.11) and some parsers reject them.

    A literal backslash before a capital N gets a WORD JOINER (U+2060) between
    them: icalendar's TEXT escaping first rewrites `\\N` as a newline
    (`icalendar.parser.escape_char`), which would break a title such as
    "C:\\Notes" in two; the joiner is invisible and keeps the text as typed.
    """
    text = _LINE_BREAKS.sub("\n", str(value or ""))
    return _CONTROL_CHARS.sub("", text).replace("\\N", "\\\u2060N")


def _utc(value: dt.datetime) -> dt.datetime:
    """UTC, to the second (iCalendar has no fractions of a second)."""
    return value.astimezone(dt.UTC).replace(microsecond=0)


def absolute_url(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def _reverse_or(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return fallback


def booking_url(booking: Booking) -> str:
    return absolute_url(_reverse_or("bookings:detail", booking.pk, f"/bookings/{booking.pk}/"))


def workshop_url(group_session: GroupSession) -> str:
    return absolute_url(
        _reverse_or("bookings:workshop", group_session.pk,
                    f"/bookings/workshops/{group_session.pk}/")
    )


def _session_type_name(session_type) -> str:
    return languages.text(session_type, "name")


def _workshop_title(group_session: GroupSession) -> str:
    return languages.text(group_session, "title")


def _mode_label(mode: str) -> str:
    return str(Mode(mode).label) if mode in Mode.values else mode


def _crisis_text(lines) -> str:
    return crisis.as_text(lines, language=translation.get_language() or "zh-hans")


def timeoff_uid(time_off: TimeOff) -> str:
    """Stable and opaque: a hash of the row id, never its reason or dates."""
    digest = hashlib.sha256(f"weiai-timeoff:{time_off.pk}".encode()).hexdigest()[:32]
    return f"timeoff-{digest}@{settings.CALENDAR_UID_DOMAIN}"


def booking_status(booking: Booking) -> str:
    if booking.status in CANCELLED_STATUSES:
        return "CANCELLED"
    gs = booking.group_session if booking.group_session_id else None
    if gs is not None and gs.status == GroupSession.Status.CANCELLED:
        return "CANCELLED"
    return "CONFIRMED"


def booking_sequence(booking: Booking) -> int:
    """SEQUENCE of a booking's event.

    A workshop seat moves when the workshop moves, so its sequence adds the
    workshop's: both only grow, so the sum only grows.
    """
    if booking.group_session_id:
        return booking.sequence + booking.group_session.sequence
    return booking.sequence


def _booking_times(booking: Booking) -> tuple[dt.datetime, dt.datetime]:
    if booking.group_session_id:
        return booking.group_session.start, booking.group_session.end
    return booking.start, booking.end


# --- what the events say ------------------------------------------------------


class _Context:
    """Per-render data shared by every event: fetched once, not per event."""

    def __init__(self, *, station_address: str | None = None):
        self.crisis_lines = crisis.crisis_lines()
        self._station_address = station_address

    @property
    def station_address(self) -> str:
        """The station's address in the active language."""
        if self._station_address is None:
            from portal.models import SiteSettings

            row = (SiteSettings.objects.filter(site__is_default_site=True)
                   .values("station_address", "station_address_en").first())
            self._station_address = languages.text(row or {}, "station_address")
        return self._station_address


def booking_location(booking: Booking, ctx: _Context) -> str:
    if booking.group_session_id:
        return workshop_location(booking.group_session)
    if booking.mode == Mode.ONLINE:
        note = booking.session_type.online_note
        base = _("线上视频（参加方式见确认邮件）")
        return f"{base} {note}".strip() if note else base
    if booking.mode == Mode.PHONE:
        return _("电话（咨询师会按约定时间致电）")
    return place_text(booking.session_type) or ctx.station_address


def workshop_location(group_session: GroupSession) -> str:
    if group_session.mode == Mode.ONLINE:
        note = group_session.session_type.online_note
        base = _("线上参加（链接会在报名确认后发送）")
        return f"{base} {note}".strip() if note else base
    return place_text(group_session) or place_text(group_session.session_type)


def booking_summary(booking: Booking, audience: Audience) -> str:
    if booking.group_session_id:
        title = _workshop_title(booking.group_session)
    elif audience == Audience.STAFF:
        title = _("%(kind)s · 预约 %(ref)s") % {
            "kind": _session_type_name(booking.session_type),
            "ref": booking.reference,
        }
    else:
        title = _("%(kind)s · %(counsellor)s") % {
            "kind": _session_type_name(booking.session_type),
            "counsellor": languages.text(booking.counsellor, "display_name"),
        }
    if booking_status(booking) == "CANCELLED":
        return _("已取消：%(title)s") % {"title": title}
    return title


def booking_description(booking: Booking, audience: Audience, ctx: _Context) -> str:
    rows = [booking_summary(booking, audience)]
    if booking.group_session_id:
        gs = booking.group_session
        if gs.topic_id:
            rows.append(_("主题：%(topic)s") % {"topic": languages.text(gs.topic, "name")})
        rows.append(_("方式：%(mode)s") % {"mode": _mode_label(gs.mode)})
        rows.append(_("地点：%(place)s") % {"place": workshop_location(gs)})
        rows.append(_("预约编号：%(ref)s") % {"ref": booking.reference})
        rows.append(_("工作坊详情：%(url)s") % {"url": workshop_url(gs)})
    else:
        rows.append(_("方式：%(mode)s") % {"mode": _mode_label(booking.mode)})
        location = booking_location(booking, ctx)
        if location:
            rows.append(_("地点：%(place)s") % {"place": location})
        rows.append(_("预约编号：%(ref)s") % {"ref": booking.reference})
        if audience == Audience.STAFF:
            rows.append(_("详情（需登录）：%(url)s") % {"url": booking_url(booking)})
        else:
            rows.append(_("查看、改期或取消：%(url)s") % {"url": booking_url(booking)})
    rows += ["", _crisis_text(ctx.crisis_lines)]
    return "\n".join(clean_text(r) for r in rows)


def workshop_description(group_session: GroupSession, ctx: _Context) -> str:
    rows = [_workshop_title(group_session)]
    description = languages.text(group_session, "description")
    if description:
        rows += [description, ""]
    if group_session.topic_id:
        rows.append(_("主题：%(topic)s") % {"topic": languages.text(group_session.topic, "name")})
    rows.append(_("方式：%(mode)s") % {"mode": _mode_label(group_session.mode)})
    location = workshop_location(group_session)
    if location:
        rows.append(_("地点：%(place)s") % {"place": location})
    rows.append(_("报名与详情：%(url)s") % {"url": workshop_url(group_session)})
    rows += ["", _crisis_text(ctx.crisis_lines)]
    return "\n".join(clean_text(r) for r in rows)


# --- events -------------------------------------------------------------------


def _base_event(*, uid: str, stamp: dt.datetime, start: dt.datetime,
                end: dt.datetime, sequence: int, status: str, summary: str,
                description: str, location: str = "", url: str = "") -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(end))
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("summary", clean_text(summary))
    event.add("description", description)
    if location:
        event.add("location", clean_text(location))
    if url:
        event.add("url", url)
    event.add("transp", "OPAQUE")
    return event


def _alarm(summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", clean_text(_("一小时后：%(title)s") % {"title": summary}))
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm


def booking_event(booking: Booking, *, audience: Audience, ctx: _Context,
                  alarm: bool, stamp: dt.datetime | None = None) -> Event:
    start, end = _booking_times(booking)
    status = booking_status(booking)
    summary = booking_summary(booking, audience)
    url = workshop_url(booking.group_session) if booking.group_session_id else booking_url(
        booking)
    event = _base_event(
        uid=booking.calendar_uid,
        # Feeds have no METHOD: DTSTAMP is when the information last changed.
        # Files with a METHOD (the download, invitations) pass the time they
        # are made (RFC 5545 §3.8.7.2).
        stamp=stamp or booking.updated_at,
        start=start, end=end,
        sequence=booking_sequence(booking),
        status=status,
        summary=summary,
        description=booking_description(booking, audience, ctx),
        location=booking_location(booking, ctx),
        url=url,
    )
    event.add("created", _utc(booking.created_at))
    event.add("last-modified", _utc(booking.updated_at))
    # A personal appointment: shared calendars and free/busy views show "busy".
    event.add("class", "PRIVATE")
    if alarm and status != "CANCELLED":
        event.add_component(_alarm(summary))
    return event


def workshop_event(group_session: GroupSession, *, ctx: _Context, alarm: bool) -> Event:
    status = "CANCELLED" if group_session.status == GroupSession.Status.CANCELLED else (
        "CONFIRMED")
    summary = _workshop_title(group_session)
    if status == "CANCELLED":
        summary = _("已取消：%(title)s") % {"title": summary}
    event = _base_event(
        uid=group_session.calendar_uid,
        stamp=group_session.updated_at,
        start=group_session.start, end=group_session.end,
        sequence=group_session.sequence,
        status=status,
        summary=summary,
        description=workshop_description(group_session, ctx),
        location=workshop_location(group_session),
        url=workshop_url(group_session),
    )
    if group_session.topic_id:
        event.add("categories", [clean_text(languages.text(group_session.topic, "name"))])
    event.add("last-modified", _utc(group_session.updated_at))
    if alarm and status != "CANCELLED":
        event.add_component(_alarm(summary))
    return event


def timeoff_event(time_off: TimeOff, *, ctx: _Context, now: dt.datetime) -> Event:
    rows = [_("休假")]
    if time_off.reason:
        rows.append(_("事由：%(reason)s") % {"reason": time_off.reason})
    rows += ["", _crisis_text(ctx.crisis_lines)]
    event = _base_event(
        uid=timeoff_uid(time_off),
        stamp=now,
        start=time_off.start, end=time_off.end,
        sequence=0,
        status="CONFIRMED",
        summary=pgettext("calendar event title", "休假"),
        description="\n".join(clean_text(r) for r in rows),
    )
    event.add("class", "PRIVATE")
    return event


# --- calendars ----------------------------------------------------------------


def _calendar(*, name: str = "", method: str = "", feed: bool = False) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("name", clean_text(name))
        cal.add("x-wr-calname", clean_text(name))
    if feed:
        # RFC 7986 clients read REFRESH-INTERVAL, Outlook reads X-PUBLISHED-TTL;
        # Google polls on its own schedule (8–24 h) whatever these say.
        cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(FEED_REFRESH))
    return cal


def _language_of(user) -> str:
    return getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE


def viewer_audience(booking: Booking, viewer) -> Audience:
    if viewer is not None and booking.family_id == getattr(viewer, "pk", None):
        return Audience.FAMILY
    return Audience.STAFF


def booking_ics(*, booking: Booking, viewer) -> bytes:
    """The single-booking .ics download for an allowed viewer: an iTIP PUBLISH.

    RFC 5546 §3.2.1: a PUBLISH event has an ORGANIZER (the station, as on the
    invitations) and no ATTENDEE. With a METHOD, DTSTAMP is when this file was
    made (RFC 5545 §3.8.7.2); LAST-MODIFIED says when the booking last changed.
    """
    audience = viewer_audience(booking, viewer)
    ctx = _Context()
    cal = _calendar(method="PUBLISH")
    event = booking_event(booking, audience=audience, ctx=ctx, alarm=True,
                          stamp=timezone.now())
    event.add("organizer", organizer_address())
    cal.add_component(event)
    return cal.to_ical()


def _mailto(address: str) -> str:
    return f"mailto:{parseaddr(address)[1] or address}"


def organizer_address() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = clean_text(name or _("未愛小屋"))
    return organizer


def invitation_audience(booking: Booking, attendee_email: str) -> Audience:
    counsellor_user = booking.counsellor.user if booking.counsellor.user_id else None
    address = parseaddr(attendee_email)[1].lower()
    if counsellor_user is not None and (counsellor_user.email or "").lower() == address:
        return Audience.STAFF
    return Audience.FAMILY


def invitation_ics(*, booking: Booking, method: str, attendee_email: str) -> bytes:
    """An iTIP (RFC 5546) REQUEST or CANCEL for one recipient.

    REQUEST for confirmation and change (SEQUENCE tells the client which
    version is newer); CANCEL with STATUS:CANCELLED. Same UID throughout.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"Unsupported iTIP method {method!r}; use REQUEST or CANCEL.")
    audience = invitation_audience(booking, attendee_email)
    reader = booking.counsellor.user if audience == Audience.STAFF else booking.family
    with translation.override(_language_of(reader)):
        return _invitation_ics(booking=booking, method=method,
                               attendee_email=attendee_email, audience=audience)


def _invitation_ics(*, booking: Booking, method: str, attendee_email: str,
                    audience: Audience) -> bytes:
    ctx = _Context()
    cal = _calendar(method=method)
    event = booking_event(booking, audience=audience, ctx=ctx,
                          alarm=method == "REQUEST", stamp=timezone.now())
    if method == "CANCEL":
        event["status"] = "CANCELLED"
    event.add("organizer", organizer_address())
    attendee = vCalAddress(_mailto(attendee_email))
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED"
    attendee.params["RSVP"] = "FALSE"
    event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical()


def attach_invitation(message, *, booking: Booking, method: str,
                      attendee_email: str) -> None:
    """Attach the booking as an iTIP invitation (REQUEST or CANCEL) to `message`.

    Adds a `text/calendar; method=<METHOD>; charset=utf-8` alternative (mail
    clients show it as an invitation with accept/update buttons) and the same
    file as an `invite.ics` attachment for clients that only open attachments.
    Call it after the HTML alternative has been attached: the calendar part
    must come last in multipart/alternative. The text is in the recipient's
    preferred language.
    """
    method = method.upper()
    ics = invitation_ics(booking=booking, method=method, attendee_email=attendee_email)
    text = ics.decode("utf-8")
    # Django builds the part as MIMEText(text, subtype): the parameter rides on
    # the subtype, giving `Content-Type: text/calendar; method="REQUEST";
    # charset="utf-8"` (Python quotes every MIME parameter; RFC 2045 treats a
    # quoted-string and a token alike).
    mimetype = f"text/calendar; method={method}"
    if hasattr(message, "attach_alternative"):
        message.attach_alternative(text, mimetype)
    filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
    message.attach(filename, ics, f"application/ics; method={method}")


# --- feeds --------------------------------------------------------------------


def family_feed_ics(*, user, bookings: Iterable[Booking]) -> bytes:
    """A family's bookings and workshop seats (already selected by the caller)."""
    with translation.override(_language_of(user)):
        ctx = _Context()
        cal = _calendar(name=_("未愛小屋 · 我的预约"), feed=True)
        for booking in bookings:
            cal.add_component(booking_event(booking, audience=Audience.FAMILY, ctx=ctx,
                                            alarm=True))
        return cal.to_ical()


def counsellor_feed_ics(*, user, bookings: Iterable[Booking],
                        workshops: Iterable[GroupSession],
                        time_off: Iterable[TimeOff], now: dt.datetime) -> bytes:
    """A counsellor's sessions (neutral titles), workshops they lead, time off."""
    with translation.override(_language_of(user)):
        ctx = _Context()
        cal = _calendar(name=_("未愛小屋 · 咨询日程"), feed=True)
        for booking in bookings:
            cal.add_component(booking_event(booking, audience=Audience.STAFF, ctx=ctx,
                                            alarm=True))
        for group_session in workshops:
            cal.add_component(workshop_event(group_session, ctx=ctx, alarm=True))
        for item in time_off:
            cal.add_component(timeoff_event(item, ctx=ctx, now=now))
        return cal.to_ical()


def workshops_feed_ics(*, workshops: Iterable[GroupSession], topic=None) -> bytes:
    """The public feed of upcoming workshops, in the active language."""
    ctx = _Context()
    name = _("未愛小屋 · 团体工作坊")
    if topic is not None:
        name = f"{name} · {languages.text(topic, 'name')}"
    cal = _calendar(name=name, feed=True)
    for group_session in workshops:
        cal.add_component(workshop_event(group_session, ctx=ctx, alarm=False))
    return cal.to_ical()


# --- "add to calendar" links ----------------------------------------------------


def _compact_utc(value: dt.datetime) -> str:
    return _utc(value).strftime("%Y%m%dT%H%M%SZ")


def add_to_calendar_links(*, booking: Booking, viewer) -> dict[str, str]:
    """The .ics download and Google / Outlook web "add event" links.

    The web links carry only what the event needs (type, counsellor or
    reference, time, place, the booking link) — never the child or concern.
    """
    audience = viewer_audience(booking, viewer)
    ctx = _Context()
    start, end = _booking_times(booking)
    summary = booking_summary(booking, audience)
    details = "\n".join([
        clean_text(_("预约编号：%(ref)s") % {"ref": booking.reference}),
        booking_url(booking),
        "",
        _crisis_text(ctx.crisis_lines),
    ])
    location = booking_location(booking, ctx)
    google = "https://calendar.google.com/calendar/render?" + urlencode({
        "action": "TEMPLATE",
        "text": summary,
        "dates": f"{_compact_utc(start)}/{_compact_utc(end)}",
        "details": details,
        "location": location,
    })
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode({
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": summary,
        "startdt": _utc(start).isoformat().replace("+00:00", "Z"),
        "enddt": _utc(end).isoformat().replace("+00:00", "Z"),
        "body": details,
        "location": location,
    })
    try:
        ics = reverse("bookings:calendar_ics", kwargs={"pk": booking.pk})
    except NoReverseMatch:
        ics = f"/bookings/{booking.pk}/calendar.ics"
    return {"ics": ics, "google": google, "outlook": outlook}
