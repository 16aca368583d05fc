"""The availability engine: a pure function from schedules to free slots.

No models are imported here. Callers (``bookings.selectors``) load rules,
exceptions, time off, closures and busy intervals from the database, turn them
into the plain dataclasses below and call :func:`free_slots`. That keeps the
rules of "when can this counsellor be booked" in one place that property tests
can exercise without a database.

Conventions:

* Weekdays are ``date.weekday()`` numbers: Monday = 0 … Sunday = 6
  (``bookings.models.Weekday``).
* Working hours are wall-clock times in the station's zone (Asia/Shanghai);
  every datetime in and out is aware.
* A booking holds the counsellor from its start until its end plus the buffer
  after it: the half-open range ``[start, end + buffer)``. Busy intervals passed
  in already include their own buffer (``Booking.blocks_until``); a candidate
  slot is free when its own held range overlaps no busy interval and no time
  off. Back-to-back holds (one ends exactly when the next starts) are allowed,
  exactly like the ``[)`` range of the PostgreSQL exclusion constraint.
* The session itself (``[start, end)``) must lie inside one working window
  (weekly rule or extra hours of that date); its buffer may run past the end of
  the window.
* Slot starts are aligned to the granularity counted from local midnight.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The zone helpers are part of this module's interface (callers read
# `slots.STATION_TZ`, `slots.aware_from_local`); portal.timezones imports no
# models, so this module stays pure.
from portal.timezones import (  # noqa: F401
    STATION_TZ,
    LocalTimeError,
    aware_from_local,
    zone_named,
)


@dataclass(frozen=True)
class WeeklyRule:
    """Working hours on one weekday (Monday = 0), optionally bounded in dates."""

    weekday: int
    start: dt.time
    end: dt.time
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # The service point (its id) where the hours are kept; None: no place
    # (online or phone hours), closed only when the whole station is.
    point: int | None = None

    def applies_on(self, day: dt.date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


@dataclass(frozen=True)
class ExtraHours:
    """Working hours on one date, on top of the weekly rules."""

    date: dt.date
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Interval:
    """A half-open aware range ``[start, end)``: a booking's hold, or time off."""

    start: dt.datetime
    end: dt.datetime

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Closure:
    """Dates (inclusive) on which the station is closed: at one service point
    (its id), or at every point and for all hours when ``point`` is None."""

    start_date: dt.date
    end_date: dt.date
    point: int | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class Policy:
    granularity_minutes: int = 30
    min_notice: dt.timedelta = dt.timedelta(hours=12)
    horizon: dt.timedelta = dt.timedelta(days=42)
    buffer_after: dt.timedelta = dt.timedelta(minutes=10)


@dataclass(frozen=True, order=True)
class Slot:
    """A bookable session ``[start, end)``; aware, in the station's zone."""

    start: dt.datetime
    end: dt.datetime


def _windows_on(day: dt.date, rules: Iterable[WeeklyRule],
                extra: Iterable[ExtraHours]) -> list[tuple[dt.time, dt.time]]:
    """The day's working windows, sorted and merged where they touch."""
    ranges = sorted(
        [(r.start, r.end) for r in rules if r.applies_on(day) and r.end > r.start]
        + [(e.start, e.end) for e in extra if e.date == day and e.end > e.start]
    )
    merged: list[tuple[dt.time, dt.time]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute + (1 if (t.second or t.microsecond) else 0)


def free_slots(
    *,
    start_date: dt.date,
    end_date: dt.date,
    duration: dt.timedelta,
    now: dt.datetime,
    policy: Policy,
    rules: Sequence[WeeklyRule] = (),
    extra_hours: Sequence[ExtraHours] = (),
    time_off: Sequence[Interval] = (),
    busy: Sequence[Interval] = (),
    closures: Sequence[Closure] = (),
    tz: dt.tzinfo = STATION_TZ,
) -> list[Slot]:
    """Free slots of ``duration`` whose start falls on ``start_date``…``end_date``.

    A slot is offered when: its date is not closed for the whole station;
    ``[start, end)`` lies inside one working window of that date (weekly
    rules kept at a point closed that day give no window there; extra hours
    have no point); ``start`` is aligned to the granularity,
    at least ``policy.min_notice`` after ``now`` and at most ``policy.horizon``
    after ``now``; and ``[start, end + buffer)`` overlaps no busy interval and
    no time off. Sorted by start.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if duration <= dt.timedelta(0):
        raise ValueError("duration must be positive")
    step = max(1, int(policy.granularity_minutes))
    earliest = now + policy.min_notice
    latest = now + policy.horizon
    first_day = max(start_date, earliest.astimezone(tz).date())
    last_day = min(end_date, latest.astimezone(tz).date())

    blocked = sorted(
        (i for i in [*busy, *time_off] if i.end > i.start),
        key=lambda i: (i.start, i.end),
    )
    starts = [i.start for i in blocked]
    # The longest blocked interval bounds how far back an overlapping one can start.
    longest = max((i.end - i.start for i in blocked), default=dt.timedelta(0))
    duration_minutes = duration.total_seconds() / 60
    hold = duration + policy.buffer_after

    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        closed_today = [c for c in closures if c.covers(day)]
        if not any(c.point is None for c in closed_today):
            closed_points = {c.point for c in closed_today}
            open_rules = [r for r in rules if r.point is None or r.point not in closed_points]
            for win_start, win_end in _windows_on(day, open_rules, extra_hours):
                begin = _minutes(win_start)
                minute = -(-begin // step) * step  # round up to the granularity
                end_minutes = win_end.hour * 60 + win_end.minute + win_end.second / 60
                while minute + duration_minutes <= end_minutes:
                    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(
                        minutes=minute)
                    minute += step
                    if start < earliest or start > latest:
                        continue
                    hold_end = start + hold
                    lo = bisect.bisect_left(starts, start - longest)
                    hi = bisect.bisect_left(starts, hold_end)
                    if any(blocked[k].overlaps(start, hold_end) for k in range(lo, hi)):
                        continue
                    slots.append(Slot(start=start, end=start + duration))
        day += dt.timedelta(days=1)
    return slots
