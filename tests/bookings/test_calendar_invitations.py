"""Emails as iTIP invitations: REQUEST on confirmation and change, CANCEL on
cancellation, one UID for the booking's life and a SEQUENCE that only grows."""

import datetime as dt
import email
import email.policy

import pytest
import time_machine
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from bookings import calendar as ical
from bookings import emails, services
from tests.bookings.calendar_checks import only, parse, unfold
from tests.bookings.engine_setup import make_setup
from tests.bookings.itip_checks import assert_itip
from tests.factories import BookingFactory, ChildFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def calendar_parts(message: EmailMultiAlternatives) -> list:
    """Every text/calendar or application/ics part of the message as sent."""
    parsed = email.message_from_bytes(message.message().as_bytes(),
                                      policy=email.policy.default)
    return [part for part in parsed.walk()
            if part.get_content_type() in ("text/calendar", "application/ics")]


def wire_bytes(part) -> bytes:
    """The part's content with MIME's canonical CRLF line ends (Python's email
    parser hands text parts back with bare LF)."""
    body = part.get_payload(decode=True)
    return body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def method_of(part) -> str:
    return part.get_param("method")


def assert_invitation(message, *, method: str, booking, attendee: str):
    parts = calendar_parts(message)
    assert [p.get_content_type() for p in parts] == ["text/calendar", "application/ics"]
    inline, attached = parts
    assert inline.get_content_charset() == "utf-8"
    assert attached.get_filename() == ("cancel.ics" if method == "CANCEL" else "invite.ics")
    events = []
    for part in parts:
        assert method_of(part) == method  # the MIME method= matches METHOD inside
        body = wire_bytes(part)
        event = only(parse(body, method=method))
        assert event.uid == booking.calendar_uid
        assert str(event.component["ORGANIZER"]) == "mailto:noreply@weiai.example.cn"
        assert str(event.component["ATTENDEE"]) == f"mailto:{attendee}"
        events.append(event)
    assert events[0].sequence == events[1].sequence
    return events[0]


def test_attach_invitation_adds_a_matching_request_part():
    booking = BookingFactory()
    message = EmailMultiAlternatives("s", "body", settings.DEFAULT_FROM_EMAIL,
                                     [booking.family.email])
    message.attach_alternative("<p>body</p>", "text/html")
    ical.attach_invitation(message, booking=booking, method="REQUEST",
                           attendee_email=booking.family.email)
    event = assert_invitation(message, method="REQUEST", booking=booking,
                              attendee=booking.family.email)
    assert event.status == "CONFIRMED"
    raw = message.message().as_string()
    # Python's email package quotes every parameter (RFC 2045: token or
    # quoted-string, the same value).
    assert 'Content-Type: text/calendar; method="REQUEST"; charset="utf-8"' in raw
    # The calendar comes last in multipart/alternative, after the HTML.
    parsed = email.message_from_string(raw)
    alternative = next(p for p in parsed.walk()
                       if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain", "text/html", "text/calendar"]


def test_attach_invitation_cancel_says_cancelled():
    booking = BookingFactory()
    message = EmailMultiAlternatives("s", "body", settings.DEFAULT_FROM_EMAIL,
                                     [booking.family.email])
    ical.attach_invitation(message, booking=booking, method="cancel",
                           attendee_email=booking.family.email)
    event = assert_invitation(message, method="CANCEL", booking=booking,
                              attendee=booking.family.email)
    assert event.status == "CANCELLED"
    assert event.alarms == []


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        ical.invitation_ics(booking=BookingFactory(), method="PUBLISH",
                            attendee_email="a@example.cn")


def test_invitation_to_the_counsellor_uses_the_neutral_title():
    booking = BookingFactory()
    body = ical.invitation_ics(booking=booking, method="REQUEST",
                               attendee_email=booking.counsellor.user.email)
    assert only(parse(body, method="REQUEST")).summary == (
        f"个体咨询 · 预约 #{booking.pk}")


def test_invitation_is_in_the_recipients_language():
    booking = BookingFactory()
    booking.family.preferred_language = "en"
    booking.family.save()
    body = ical.invitation_ics(booking=booking, method="REQUEST",
                               attendee_email=booking.family.email)
    event = only(parse(body, method="REQUEST"))
    assert event.summary.startswith("Individual consultation · ")
    assert "Shanghai mental-health hotline: 962525" in event.description


def test_sequence_grows_through_create_reschedule_cancel_with_one_uid():
    """Through the real services and emails: REQUEST 0, REQUEST 1, CANCEL 2."""
    setup = make_setup()
    child = ChildFactory(family=setup.family.family_profile, nickname="豆豆")
    booking = services.booking_create(
        family=setup.family, counsellor=setup.counsellor,
        session_type=setup.session_type, start=setup.at(10), mode="in_person",
        child=child, concern="不想去上学", consent=True,
    )
    seen = []
    for kind, change in (
        ("confirmation", None),
        ("change", lambda b: services.booking_reschedule(
            booking=b, new_start=setup.at(14), by_user=setup.family)),
        ("cancellation", lambda b: services.booking_cancel(
            booking=b, by_user=setup.family, reason="孩子生病")),
    ):
        if change:
            booking = change(booking)
        booking.refresh_from_db()
        [message] = emails.build_messages(booking, kind)
        method = "CANCEL" if kind == "cancellation" else "REQUEST"
        event = assert_invitation(message, method=method, booking=booking,
                                  attendee=setup.family.email)
        for part in calendar_parts(message):
            text = "".join(unfold(wire_bytes(part)))
            assert "豆豆" not in text and "不想去上学" not in text
            assert "孩子生病" not in text
        seen.append((event.uid, event.sequence, event.status, event.start))
    uids = {uid for uid, *_ in seen}
    assert uids == {booking.calendar_uid}
    assert [seq for _, seq, _, _ in seen] == [0, 1, 2]
    assert [status for *_, status, _ in seen] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert seen[1][3] != seen[0][3]  # the change moved the event


def test_reminders_carry_no_invitation():
    booking = BookingFactory()
    [message] = emails.build_messages(booking, "reminder")
    assert calendar_parts(message) == []


# --- every property iTIP requires (issue 10), checked with vobject --------------------


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
@pytest.mark.parametrize("to", ["family", "counsellor"])
def test_invitations_carry_every_property_itip_requires(method, to):
    booking = BookingFactory(sequence=3)
    attendee = booking.family.email if to == "family" else booking.counsellor.user.email
    sent_at = dt.datetime(2030, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    with time_machine.travel(sent_at, tick=False):
        body = ical.invitation_ics(booking=booking, method=method,
                                   attendee_email=attendee)
    event = assert_itip(body, method)
    assert event.uid.value == booking.calendar_uid
    assert event.organizer.value == "mailto:noreply@weiai.example.cn"
    assert [a.value for a in event.attendee_list] == [f"mailto:{attendee}"]
    assert event.dtstamp.value == sent_at
    assert int(event.sequence.value) == 3
    assert event.status.value == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
