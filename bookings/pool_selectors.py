"""Reads for pooled booking ("the next available counsellor for this topic").

The database side of `bookings.pool`: who covers a topic, their free slots
(through the same slot search as a named booking, `selectors`), and each one's
load for the fair rule. Query counts do not grow with the pool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from bookings import caching, pool
from bookings.models import AvailabilityRule, Booking, Counsellor, Mode, SessionType
from bookings.selectors import (
    _topic_filter,
    answer_valid_until,
    bookable_counsellors,
    free_slots_with_rules,
)
from network.models import ServicePoint

__all__ = [
    "PooledAnswer",
    "counsellor_load",
    "pool_counsellors",
    "pooled_free_slots",
    "pooled_free_slots_answer",
]


def _at_point(point: ServicePoint | None, mode: str | None) -> int | None:
    """The point's id when the search is in person there (``mode`` in person or
    not given); None otherwise: online and phone sessions need no point."""
    if point is None or mode not in (None, Mode.IN_PERSON):
        return None
    return point.pk


def pool_counsellors(
    *,
    topic,
    session_type: SessionType,
    mode: str | None = None,
    point: ServicePoint | None = None,
) -> list[Counsellor]:
    """Active counsellors who cover ``topic`` (a Topic in any locale, or a slug)
    and offer ``session_type``, in ``mode`` if one is given; pk order. One query.

    A mode the session type does not offer leaves no one, as `booking_create`
    would refuse it (``MODE_UNAVAILABLE``); so does a counsellor's own list of
    modes, an empty list meaning any.

    ``point``: in person at that service point (ignored for online and phone).
    Then ``session_type`` must be the one held there (its ``point``), and only
    counsellors with hours kept there, or hours that name no point, are in.
    """
    if mode and session_type.modes and mode not in session_type.modes:
        return []
    point_id = _at_point(point, mode)
    if point_id is not None and session_type.point_id != point_id:
        return []
    covering = Counsellor.objects.filter(_topic_filter(topic)).values("pk")
    people = bookable_counsellors().filter(pk__in=covering, session_types=session_type)
    if point_id is not None:
        people = people.filter(
            pk__in=AvailabilityRule.objects.filter(
                Q(point__isnull=True) | Q(point_id=point_id)
            ).values("counsellor_id")
        )
    people = list(
        people
        .only("pk", "modes")
        .order_by("pk")
    )
    # JSON list membership has no portable lookup (as in `selectors.counsellors_for`).
    return [c for c in people if not mode or not c.modes or mode in c.modes]


def pooled_free_slots(**search) -> list[pool.PooledSlot[int]]:
    """The pool's free slots of ``session_type`` on ``start_date``…``end_date``
    (the keywords of `pooled_free_slots_answer`): the union of the free slots
    of every counsellor `pool_counsellors` finds, each carrying the ids of
    those free at it, sorted by start.

    Each counsellor's slots are exactly what a named search for them returns
    (`selectors.free_slots_for_counsellors`, cache included): one query for
    the pool, then that search's fixed number, whatever the pool's size.

    ``point``: in person there (see `pool_counsellors`); each counsellor's
    slots then come from the hours kept at that point or at none. The same
    number of queries.
    """
    return pooled_free_slots_answer(**search).slots


@dataclass(frozen=True)
class PooledAnswer:
    """`pooled_free_slots` and what the API's fast path keeps it under: the
    pool's members and their schedule versions (read before their rows), and
    until when the answer holds while only time passes."""

    slots: list[pool.PooledSlot[int]]
    members: tuple[int, ...]
    versions: tuple[int, ...]
    valid_until: dt.datetime


def pooled_free_slots_answer(
    *,
    topic,
    session_type: SessionType,
    start_date: dt.date,
    end_date: dt.date,
    mode: str | None = None,
    now: dt.datetime | None = None,
    point: ServicePoint | None = None,
) -> PooledAnswer:
    """`pooled_free_slots`, with its members, their versions and its validity
    (as `selectors.free_slots_answer` gives them for one counsellor)."""
    now = now or timezone.now()
    people = pool_counsellors(
        topic=topic, session_type=session_type, mode=mode, point=point
    )
    ids = tuple(c.pk for c in people)
    station, versions = caching.versions(ids)
    lists, rules = free_slots_with_rules(
        counsellors=people,
        session_type=session_type,
        start_date=start_date,
        end_date=end_date,
        now=now,
        point=_at_point(point, mode),
        versions=(station, versions),
    )
    slots = pool.pooled_slots(lists) if people else []
    until = answer_valid_until(
        now=now, first_start=slots[0].start if slots else None, rules=rules
    )
    return PooledAnswer(
        slots=slots, members=ids, versions=tuple(versions[i] for i in ids),
        valid_until=until,
    )


def counsellor_load(
    counsellor_ids: Iterable[int], now: dt.datetime | None = None
) -> dict[int, pool.Load]:
    """Per counsellor id, ``(upcoming sessions, when their last booking was made
    or None)``: the fair rule's input (`pool.pick_counsellor`). One query.

    Both count individual bookings that hold the counsellor's time
    (`BookingQuerySet.live`): a cancelled booking neither weighs on the load
    nor makes the counsellor "recently booked". Upcoming: starting at ``now``
    or later. The last booking: the latest ``created_at``, when it was made.
    Every id asked for is in the answer; one with no bookings is ``(0, None)``.
    """
    ids = list(counsellor_ids)
    now = now or timezone.now()
    load: dict[int, pool.Load] = dict.fromkeys(ids, (0, None))
    if not ids:
        return load
    rows = (
        Booking.objects.live()
        .filter(counsellor_id__in=ids, group_session__isnull=True)
        .order_by()
        .values("counsellor_id")
        .annotate(
            upcoming=Count("pk", filter=Q(start__gte=now)),
            last_booked_at=Max("created_at"),
        )
        .values_list("counsellor_id", "upcoming", "last_booked_at")
    )
    for cid, upcoming, last_booked_at in rows:
        load[cid] = (upcoming, last_booked_at)
    return load
