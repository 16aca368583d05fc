"""Writes to counsellors' working hours, time off and station closures.

Each write validates with `full_clean()` and returns a `ScheduleChange`: the
object written (or removed) and the confirmed, upcoming bookings that no
longer fit the schedule. Changes are never refused because of a booking (a
counsellor who falls ill still takes the day off); the conflicts are reported
so the counsellor or a coordinator can move those sessions.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    Counsellor,
    StationClosure,
    TimeOff,
)

OVERLAPPING_RULE = _("这个时段与已有的每周时段重叠，请调整开始或结束时间。")
OVERLAPPING_EXCEPTION = _("这一天的这个时段已经添加过，请调整时间。")
OVERLAPPING_TIME_OFF = _("这段时间与已有的休假重叠。")
END_BEFORE_START = _("结束时间必须晚于开始时间。")
VALID_TO_BEFORE_FROM = _("截止日期不能早于生效日期。")


@dataclass
class ScheduleChange:
    obj: object
    conflicts: list[Booking] = field(default_factory=list)


def _upcoming_confirmed(*, counsellor: Counsellor | None = None, now=None):
    now = now or timezone.now()
    qs = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, start__gte=now, group_session__isnull=True
    ).select_related("counsellor", "session_type")
    if counsellor is not None:
        qs = qs.filter(counsellor=counsellor)
    return qs.order_by("start")


def _windows_on(date: dt.date, rules, extras) -> list[tuple[dt.time, dt.time]]:
    windows = [
        (r.start_time, r.end_time)
        for r in rules
        if r.weekday == date.weekday()
        and (r.valid_from is None or r.valid_from <= date)
        and (r.valid_to is None or r.valid_to >= date)
    ]
    windows += [(e.start_time, e.end_time) for e in extras if e.date == date]
    return windows


def bookings_outside_hours(*, counsellor: Counsellor, now=None) -> list[Booking]:
    """Confirmed upcoming individual bookings not inside any working window.

    Two queries for the schedule plus one for the bookings, whatever their number.
    """
    rules = list(AvailabilityRule.objects.filter(counsellor=counsellor))
    extras = list(AvailabilityException.objects.filter(counsellor=counsellor))
    station_tz = timezone.get_default_timezone()  # rules are in station time
    outside = []
    for booking in _upcoming_confirmed(counsellor=counsellor, now=now):
        local_start = timezone.localtime(booking.start, station_tz)
        local_end = timezone.localtime(booking.end, station_tz)
        windows = _windows_on(local_start.date(), rules, extras)
        fits = local_start.date() == local_end.date() and any(
            start <= local_start.time() and local_end.time() <= end
            for start, end in windows
        )
        if not fits:
            outside.append(booking)
    return outside


def _overlapping(*, counsellor: Counsellor | None, start, end, now=None) -> list[Booking]:
    return list(
        _upcoming_confirmed(counsellor=counsellor, now=now).filter(
            start__lt=end, end__gt=start
        )
    )


# --- Weekly rules -------------------------------------------------------------


@transaction.atomic
def rule_add(
    *,
    counsellor: Counsellor,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    point=None,
) -> ScheduleChange:
    """Weekly hours; ``point``: the service point where the counsellor
    receives then (None: online or phone hours)."""
    rule = AvailabilityRule(
        counsellor=counsellor, weekday=weekday, start_time=start_time,
        end_time=end_time, valid_from=valid_from, valid_to=valid_to, point=point,
    )
    if start_time and end_time and end_time <= start_time:
        raise ValidationError({"end_time": END_BEFORE_START})
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": VALID_TO_BEFORE_FROM})
    rule.full_clean()
    clashes = AvailabilityRule.objects.filter(
        counsellor=counsellor, weekday=weekday,
        start_time__lt=end_time, end_time__gt=start_time,
    )
    # Ranges valid in disjoint periods may overlap in time of day.
    if valid_to is not None:
        clashes = clashes.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_to))
    if valid_from is not None:
        clashes = clashes.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if clashes.exists():
        raise ValidationError({"start_time": OVERLAPPING_RULE})
    rule.save()
    return ScheduleChange(rule, bookings_outside_hours(counsellor=counsellor))


@transaction.atomic
def rule_delete(*, rule: AvailabilityRule) -> ScheduleChange:
    counsellor = rule.counsellor
    rule.delete()
    return ScheduleChange(rule, bookings_outside_hours(counsellor=counsellor))


# --- Extra hours on a date --------------------------------------------------------


@transaction.atomic
def exception_add(
    *, counsellor: Counsellor, date: dt.date, start_time: dt.time, end_time: dt.time
) -> ScheduleChange:
    if start_time and end_time and end_time <= start_time:
        raise ValidationError({"end_time": END_BEFORE_START})
    extra = AvailabilityException(
        counsellor=counsellor, date=date, start_time=start_time, end_time=end_time
    )
    extra.full_clean()
    if AvailabilityException.objects.filter(
        counsellor=counsellor, date=date, start_time__lt=end_time, end_time__gt=start_time
    ).exists():
        raise ValidationError({"start_time": OVERLAPPING_EXCEPTION})
    extra.save()
    return ScheduleChange(extra, bookings_outside_hours(counsellor=counsellor))


@transaction.atomic
def exception_delete(*, exception: AvailabilityException) -> ScheduleChange:
    counsellor = exception.counsellor
    exception.delete()
    return ScheduleChange(exception, bookings_outside_hours(counsellor=counsellor))


# --- Time off -------------------------------------------------------------------


@transaction.atomic
def time_off_add(
    *, counsellor: Counsellor, start: dt.datetime, end: dt.datetime, reason: str = ""
) -> ScheduleChange:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("time off needs aware datetimes")
    if end <= start:
        raise ValidationError({"end": END_BEFORE_START})
    time_off = TimeOff(counsellor=counsellor, start=start, end=end, reason=reason)
    time_off.full_clean()
    if TimeOff.objects.filter(counsellor=counsellor, start__lt=end, end__gt=start).exists():
        raise ValidationError({"start": OVERLAPPING_TIME_OFF})
    time_off.save()
    return ScheduleChange(
        time_off, _overlapping(counsellor=counsellor, start=start, end=end)
    )


@transaction.atomic
def time_off_delete(*, time_off: TimeOff) -> ScheduleChange:
    time_off.delete()
    return ScheduleChange(time_off, [])


# --- Station closures ---------------------------------------------------------------


def _closure_bounds(start_date: dt.date, end_date: dt.date):
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(start_date, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


@transaction.atomic
def closure_add(*, name: str, start_date: dt.date, end_date: dt.date,
                point=None) -> ScheduleChange:
    """A closure of the whole station, or of one service point (``point``):
    the affected bookings are then those held there."""
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": VALID_TO_BEFORE_FROM})
    closure = StationClosure(name=name, start_date=start_date, end_date=end_date,
                             point=point)
    closure.full_clean()
    closure.save()
    start, end = _closure_bounds(start_date, end_date)
    affected = _overlapping(counsellor=None, start=start, end=end)
    if point is not None:
        affected = [b for b in affected if b.session_type.point_id == point.pk]
    return ScheduleChange(closure, affected)


@transaction.atomic
def closure_delete(*, closure: StationClosure) -> ScheduleChange:
    closure.delete()
    return ScheduleChange(closure, [])
