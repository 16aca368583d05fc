"""RFC 5546 (iTIP) property rules for one VEVENT, checked with vobject.

The files are built with icalendar; vobject is an independent parser, and
the rules are the restriction tables of RFC 5546 §3.2 (PUBLISH §3.2.1,
REQUEST §3.2.2, CANCEL §3.2.5) for the properties this project may send.
Parsers are lenient (PITFALLS.md), so presence and counts are asserted here.
"""

from __future__ import annotations

import datetime as dt

import vobject

# property -> (min, max) occurrences in the VEVENT; None = no upper bound.
_COMMON_OPTIONAL = {
    "categories": (0, None), "class": (0, 1), "created": (0, 1),
    "description": (0, 1), "dtend": (0, 1), "last-modified": (0, 1),
    "location": (0, 1), "status": (0, 1), "transp": (0, 1), "url": (0, 1),
}
RULES: dict[str, dict[str, tuple[int, int | None]]] = {
    "PUBLISH": {
        **_COMMON_OPTIONAL,
        "dtstamp": (1, 1), "dtstart": (1, 1), "organizer": (1, 1),
        "summary": (1, 1), "uid": (1, 1), "sequence": (0, 1),
        "attendee": (0, 0), "request-status": (0, 0),
    },
    "REQUEST": {
        **_COMMON_OPTIONAL,
        "attendee": (1, None), "dtstamp": (1, 1), "dtstart": (1, 1),
        "organizer": (1, 1), "summary": (1, 1), "uid": (1, 1), "sequence": (0, 1),
        "request-status": (0, 0),
    },
    "CANCEL": {
        **_COMMON_OPTIONAL,
        "attendee": (0, None), "dtstamp": (1, 1), "organizer": (1, 1),
        "sequence": (1, 1), "uid": (1, 1), "dtstart": (0, 1), "summary": (0, 1),
        "request-status": (0, 0),
    },
}
STATUSES = {
    "PUBLISH": {"TENTATIVE", "CONFIRMED", "CANCELLED"},
    "REQUEST": {"TENTATIVE", "CONFIRMED"},
    "CANCEL": {"CANCELLED"},
}
ALARMS_ALLOWED = {"PUBLISH": True, "REQUEST": True, "CANCEL": False}


def assert_itip(body: bytes, method: str):
    """Assert `body` is a valid iTIP `method` message with one VEVENT; return it."""
    cal = vobject.readOne(body.decode("utf-8"))
    assert cal.method.value == method
    assert cal.prodid.value and cal.version.value == "2.0"
    [event] = cal.vevent_list
    rules = RULES[method]
    properties = {name.lower(): values for name, values in event.contents.items()
                  if name.lower() != "valarm"}
    for name, (least, most) in rules.items():
        count = len(properties.get(name, []))
        assert count >= least, f"{method}: {name.upper()} is required"
        assert most is None or count <= most, f"{method}: too many {name.upper()}"
    unknown = {n for n in properties if n not in rules and not n.startswith("x-")}
    assert not unknown, f"{method}: not allowed here: {sorted(unknown)}"
    if "sequence" in properties:
        assert int(event.sequence.value) >= 0
    if "status" in properties:
        assert event.status.value in STATUSES[method], event.status.value
    assert bool(event.contents.get("valarm")) <= ALARMS_ALLOWED[method], (
        f"{method}: no VALARM allowed")
    assert event.organizer.value.lower().startswith("mailto:")
    for attendee in properties.get("attendee", []):
        assert attendee.value.lower().startswith("mailto:")
    assert event.dtstamp.value.utcoffset() == dt.timedelta(0)
    return event
