"""Time zones, in one place: the station's zone, display zones, DST refusals.

Every stored time is aware; the station works in Shanghai time. A person may
read times in another zone (families abroad): a wall-clock time that zone
skips (clocks jump forward) or repeats (clocks turn back) names no single
instant, so it is refused with a clear message, never shifted silently.

This module imports no models, so the pure slot engine (`bookings.slots`)
may use it. `settings.TIME_ZONE` repeats `STATION_TZ_NAME` (settings import
no app code; a test holds the two equal).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext

STATION_TZ_NAME = "Asia/Shanghai"
STATION_TZ = ZoneInfo(STATION_TZ_NAME)


class LocalTimeError(ValueError):
    """A wall-clock time that does not name exactly one instant in its zone.

    ``code`` is ``nonexistent`` (skipped by a DST change), ``ambiguous``
    (happens twice) or ``invalid_timezone``.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def zone_named(name: str) -> ZoneInfo:
    """The zone called `name`; LocalTimeError ``invalid_timezone`` if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise LocalTimeError("invalid_timezone", f"Unknown time zone: {name!r}") from exc


def dst_problem(local: dt.datetime, zone: dt.tzinfo) -> str | None:
    """``nonexistent`` or ``ambiguous`` if the naive `local` names no single
    instant in `zone`, else None."""
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    round_trip = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None, fold=0)
    if round_trip != local.replace(tzinfo=None, fold=0):
        return "nonexistent"
    return "ambiguous"


def aware_from_local(local: dt.datetime, zone: str | dt.tzinfo) -> dt.datetime:
    """Attach `zone` to the naive wall-clock time `local`, refusing guesses.

    Raises LocalTimeError ``nonexistent`` for a time skipped by a
    daylight-saving change (e.g. 02:30 when clocks jump to 03:00) and
    ``ambiguous`` for a time that happens twice (clocks turned back). An
    aware `local` is returned unchanged.
    """
    if local.tzinfo is not None and local.utcoffset() is not None:
        return local
    tz = zone_named(zone) if isinstance(zone, str) else zone
    problem = dst_problem(local, tz)
    if problem == "nonexistent":
        raise LocalTimeError("nonexistent", "This local time does not exist in that zone.")
    if problem == "ambiguous":
        raise LocalTimeError("ambiguous", "This local time happens twice in that zone.")
    return local.replace(tzinfo=tz, fold=0)


def display_zone_name(user) -> str:
    """The name of the zone `user` reads times in (the station's if unset)."""
    return getattr(user, "display_timezone", "") or STATION_TZ_NAME


def user_zone(user) -> ZoneInfo:
    """The zone `user` reads times in; the station's zone if unset or unknown."""
    try:
        return ZoneInfo(display_zone_name(user))
    except (ZoneInfoNotFoundError, ValueError):
        return STATION_TZ


def zone_label(zone: ZoneInfo) -> str:
    """How a page names `zone` next to its times."""
    if zone.key == STATION_TZ_NAME:
        return gettext("北京时间")
    return zone.key


def in_zone(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The aware `value` as wall-clock time in `zone` (for display)."""
    return value.astimezone(zone)


def station_time(value: dt.datetime) -> dt.datetime:
    """The aware `value` as wall-clock time at the station."""
    return value.astimezone(STATION_TZ)


def station_date(value: dt.datetime) -> dt.date:
    """The station's calendar day of the aware `value`."""
    return value.astimezone(STATION_TZ).date()


def station_midnight(day: dt.date) -> dt.datetime:
    """The instant the station's day `day` begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=STATION_TZ)


# (first second, first second of the next day, the day) of the station's day.
_day = (0.0, 0.0, dt.date.min)


def station_today() -> dt.date:
    """Today in the station's zone, as `timezone.localdate()` gives it where no
    other zone is active, worked out once per day instead of per call: the
    fast paths key copies by the day, and the conversion measured 22 of the
    ~350 µs an anonymous replay costs in process (cProfile, 2,000 replays).
    Follows the clock both ways (a clock moved back in a test included)."""
    global _day
    now = time.time()
    since, until, day = _day
    if not since <= now < until:
        day = dt.datetime.fromtimestamp(now, STATION_TZ).date()
        start = dt.datetime.combine(day, dt.time(), STATION_TZ).timestamp()
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(),
                                  STATION_TZ).timestamp()
        _day = (start, end, day)
    return day
