"""Parse iCalendar output with three independent parsers and check RFC rules.

icalendar, vobject and ical (allenporter/ical) are all lenient — they accept a
VEVENT without UID or DTSTAMP — so the required properties are asserted here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import vobject
from django.conf import settings
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

CRISIS_NUMBERS = ("12356", "962525", "12355", "110", "120")


@dataclass
class ParsedEvent:
    uid: str
    summary: str
    description: str
    location: str
    start: dt.datetime
    end: dt.datetime
    sequence: int
    status: str
    alarms: list
    component: object  # the icalendar component, for extra checks


def unfold(body: bytes) -> list[str]:
    """Logical lines (RFC 5545 §3.1) from raw bytes."""
    text = body.decode("utf-8")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def assert_physical_lines(body: bytes) -> None:
    assert body.endswith(b"\r\n")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a UTF-8 character
        assert b"\n" not in line and b"\r" not in line


def _utc(value) -> bool:
    return isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0)


def parse(body: bytes, *, feed: bool = False, method: str | None = None
          ) -> dict[str, ParsedEvent]:
    """Every rule this project promises, checked with all three parsers."""
    assert_physical_lines(body)
    text = body.decode("utf-8")
    lines = unfold(body)

    # --- icalendar --------------------------------------------------------
    cal = Calendar.from_ical(body)
    assert cal["PRODID"]
    assert str(cal["VERSION"]) == "2.0"
    if method:
        assert str(cal["METHOD"]) == method
    else:
        assert "METHOD" not in cal or str(cal["METHOD"]) == "PUBLISH"
    if feed:
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
        assert "X-PUBLISHED-TTL:PT1H" in lines
        assert cal["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    events: dict[str, ParsedEvent] = {}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        assert uid.endswith("@" + settings.CALENDAR_UID_DOMAIN), uid
        assert _utc(ev["DTSTAMP"].dt), "DTSTAMP must be UTC"
        for prop in ("DTSTART", "DTEND"):
            value = ev[prop]
            tzid = value.params.get("TZID")
            assert _utc(value.dt) or (tzid in tzids), f"{prop} needs UTC or a VTIMEZONE"
        assert isinstance(ev["SEQUENCE"], int)
        assert str(ev["STATUS"]) in ("CONFIRMED", "CANCELLED", "TENTATIVE")
        description = str(ev["DESCRIPTION"])
        for number in CRISIS_NUMBERS:
            assert number in description, f"crisis line {number} missing"
        assert uid not in events, "duplicate UID"
        events[uid] = ParsedEvent(
            uid=uid, summary=str(ev["SUMMARY"]), description=description,
            location=str(ev.get("LOCATION", "")), start=ev["DTSTART"].dt,
            end=ev["DTEND"].dt, sequence=int(ev["SEQUENCE"]), status=str(ev["STATUS"]),
            alarms=list(ev.walk("VALARM")), component=ev,
        )

    # --- vobject ------------------------------------------------------------
    vcal = vobject.readOne(text)
    vevents = list(getattr(vcal, "vevent_list", []))
    assert len(vevents) == len(events)
    for vev in vevents:
        parsed = events[vev.uid.value]
        assert vev.summary.value == parsed.summary
        assert vev.description.value == parsed.description
        assert vev.dtstart.value == parsed.start
        assert vev.dtend.value == parsed.end
        assert int(vev.sequence.value) == parsed.sequence
        assert vev.status.value == parsed.status
        assert vev.dtstamp.value.utcoffset() == dt.timedelta(0)

    # --- ical -----------------------------------------------------------------
    ical_cal = IcsCalendarStream.calendar_from_ics(text)
    assert len(ical_cal.events) == len(events)
    for iev in ical_cal.events:
        parsed = events[iev.uid]
        assert iev.summary == parsed.summary
        assert iev.description == parsed.description
        assert iev.dtstart == parsed.start
        assert iev.end == parsed.end
        assert iev.sequence == parsed.sequence
        assert str(iev.status.value if iev.status else "") == parsed.status
        assert iev.dtstamp.utcoffset() == dt.timedelta(0)
    if method:
        assert ical_cal.method == method
    return events


def only(events: dict[str, ParsedEvent]) -> ParsedEvent:
    assert len(events) == 1
    return next(iter(events.values()))
