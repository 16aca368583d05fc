"""Reads of the service points and the expert pool.

Families see only `points_for_families`; the pool (`experts_directory`) is
for station staff, and families meet its members only as bookable
counsellors (`bookable_counsellor_ids`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from network.models import (
    Expert,
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


# --- the expert pool ----------------------------------------------------------------

CREDENTIAL_EXPIRED_MESSAGE = _("资质已过期")
CREDENTIAL_EXPIRED_ASSIGN_MESSAGE = _(
    "%(name)s 的资质已于 %(date)s 过期，不能安排服务或接受预约。"
)


def credential_valid(expert: Expert, *, on: dt.date) -> bool:
    """Whether `expert` may be assigned or booked on `on`: the credential is
    valid through its expiry date itself; no expiry date, no expiry."""
    return expert.credential_valid_on(on)


def require_valid_credential(expert: Expert, *, on: dt.date) -> None:
    """Raise a ValidationError (code "credential_expired") unless
    `credential_valid`; for the services that assign or book."""
    if not credential_valid(expert, on=on):
        raise ValidationError(
            CREDENTIAL_EXPIRED_ASSIGN_MESSAGE,
            code="credential_expired",
            params={"name": expert.name, "date": expert.credential_expires},
        )


def _valid_on(on: dt.date) -> Q:
    """`credential_valid` as a query condition."""
    return Q(credential_expires__isnull=True) | Q(credential_expires__gte=on)


def assignable_experts(*, on: dt.date) -> QuerySet[Expert]:
    """Active experts whose credential is valid on `on`."""
    return Expert.objects.filter(_valid_on(on), is_active=True)


def bookable_counsellor_ids(*, on: dt.date) -> QuerySet:
    """Pks of the counsellors linked to an active expert whose credential is
    valid on `on` (a values query, to use as ``pk__in=``)."""
    return (
        assignable_experts(on=on)
        .filter(counsellor__isnull=False)
        .values_list("counsellor_id", flat=True)
    )


def expired_counsellor_ids(*, on: dt.date) -> QuerySet:
    """Pks of the counsellors whose linked expert's credential has expired by
    `on` (or whose expert left the pool): those may not be booked. Counsellors
    with no expert record are not in it."""
    return (
        Expert.objects.filter(counsellor__isnull=False)
        .filter(~_valid_on(on) | Q(is_active=False))
        .values_list("counsellor_id", flat=True)
    )


def experts_directory() -> QuerySet[Expert]:
    """Active experts with what the staff directory shows, in a fixed number
    of queries whatever the number of rows."""
    return (
        Expert.objects.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("topics", "points")
        .order_by("role", "name", "pk")
    )


def experts_with_credential(
    experts: QuerySet[Expert], *, valid: bool, on: dt.date
) -> QuerySet[Expert]:
    condition = _valid_on(on)
    return experts.filter(condition if valid else ~condition)


def experts_speaking(experts: QuerySet[Expert], *, language: str) -> QuerySet[Expert]:
    """Experts whose languages include `language`. A JSON list has no portable
    membership lookup (SQLite lacks `contains`): the pool is a few hundred
    rows, read as (pk, languages) pairs in one query."""
    ids = [
        pk
        for pk, codes in experts.values_list("pk", "languages")
        if language in (codes or [])
    ]
    return experts.filter(pk__in=ids)


def pool_counts() -> list[tuple[str, str, int]]:
    """(role, label, number of active experts) for every role, in the roles'
    order, zeros included: one query."""
    counted = dict(
        Expert.objects.filter(is_active=True)
        .order_by()  # the default ordering would split the groups
        .values("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    return [
        (value, str(label), counted.get(value, 0))
        for value, label in Expert.Role.choices
    ]
