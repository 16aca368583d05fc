"""Reads of the service points. Families see only `points_for_families`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from network.models import (
    Neighbourhood,
    OpeningException,
    OpeningHours,
    ServicePoint,
    Weekday,
)

_KIND_RANK = Case(
    When(kind=ServicePoint.Kind.HUB, then=Value(0)),
    When(kind=ServicePoint.Kind.HOME, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def points_for_families(
    *, neighbourhood: Neighbourhood | None = None, kind: str | None = None
) -> QuerySet[ServicePoint]:
    """Active points with opening hours, the hub first, then the children's
    homes, then the special sites; each by name."""
    points = ServicePoint.objects.for_families().select_related("neighbourhood")
    if neighbourhood is not None:
        points = points.filter(neighbourhood=neighbourhood)
    if kind:
        points = points.filter(kind=kind)
    return points.alias(kind_rank=_KIND_RANK).order_by("kind_rank", "name", "pk")


def neighbourhoods() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.order_by("name", "pk")


def point_for_families(*, slug: str, week_of: dt.date) -> ServicePoint | None:
    """The point a family may open at `slug`, with its weekly hours and the
    exceptions of the week (Monday to Sunday) that holds `week_of`; or None."""
    monday = week_of - dt.timedelta(days=week_of.weekday())
    exceptions = OpeningException.objects.filter(
        date__range=(monday, monday + dt.timedelta(days=6))
    )
    return (
        points_for_families()
        .filter(slug=slug)
        .select_related("photo")
        .prefetch_related(
            Prefetch(
                "hours", queryset=OpeningHours.objects.order_by("weekday", "opens")
            ),
            Prefetch("exceptions", queryset=exceptions),
        )
        .first()
    )


@dataclass(frozen=True)
class Day:
    date: dt.date
    ranges: list[tuple[dt.time, dt.time]] = field(default_factory=list)
    exception: OpeningException | None = None

    @property
    def closed(self) -> bool:
        return not self.ranges

    @property
    def weekday_label(self) -> str:
        return Weekday(self.date.weekday()).label


def week(
    *,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[OpeningException],
    week_of: dt.date,
) -> list[Day]:
    """The seven days (Monday first) of the week holding `week_of`: each its
    opening ranges, an exception of that date replacing the weekly hours.
    Pure: takes the rows, asks no query."""
    monday = week_of - dt.timedelta(days=week_of.weekday())
    weekly: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in hours:
        weekly.setdefault(row.weekday, []).append((row.opens, row.closes))
    by_date = {row.date: row for row in exceptions}
    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        exception = by_date.get(date)
        if exception is None:
            ranges = sorted(weekly.get(date.weekday(), []))
        elif exception.closed:
            ranges = []
        else:
            ranges = [(exception.opens, exception.closes)]
        days.append(Day(date=date, ranges=ranges, exception=exception))
    return days
