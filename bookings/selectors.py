"""Reads of the bookings domain. Each returns a QuerySet or plain data.

Query counts do not grow with the data: slot search runs a fixed number of
queries for any number of counsellors and days, and reads only the bookings
that overlap the dates asked for (indexed on ``(counsellor, start)``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from bookings import caching, intake
from bookings import slots as engine
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    Counsellor,
    GroupSession,
    SessionType,
    StationClosure,
    TimeOff,
    WaitlistEntry,
    Weekday,
)
from bookings.slots import Slot
from courses.models import AgeBand, Topic
from network import selectors as network_selectors
from network.models import OpeningException, ServicePoint
from portal.cache import local_get, local_set
from portal.errors import NotFound
from portal.middleware import require_staff_verification
from portal.models import Child, Role
from portal.timezones import STATION_TZ

__all__ = [
    "Slot",
    "booking_for_viewer",
    "booking_policy",
    "counsellor_week",
    "counsellors_for",
    "engine_policy",
    "family_bookings",
    "free_slots",
    "free_slots_for_counsellors",
    "slot_search_dates",
    "upcoming_workshops",
]


def booking_policy() -> BookingPolicy:
    """The default site's policy (one query), or the model defaults if unset."""
    policy = BookingPolicy.objects.filter(site__is_default_site=True).first()
    return policy or BookingPolicy()


def engine_policy(policy: BookingPolicy, session_type: SessionType) -> engine.Policy:
    """The slot engine's view of the site policy with the session type's overrides."""
    notice = session_type.min_notice_hours
    if notice is None:
        notice = policy.min_notice_hours
    return engine.Policy(
        granularity_minutes=policy.slot_granularity_minutes or 30,
        min_notice=dt.timedelta(hours=notice),
        horizon=dt.timedelta(days=policy.horizon_days),
        buffer_after=dt.timedelta(minutes=session_type.buffer_after_minutes),
    )


def cancel_cutoff(policy: BookingPolicy, session_type: SessionType) -> dt.timedelta:
    hours = session_type.cancel_cutoff_hours
    if hours is None:
        hours = policy.cancel_cutoff_hours
    return dt.timedelta(hours=hours)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=STATION_TZ)


def _site_policy(station: int) -> BookingPolicy:
    """`booking_policy`, remembered under the station version its saves replace."""
    key = f"policy:{station}"
    policy = local_get(key)
    if policy is None:
        policy = booking_policy()
        local_set(key, policy, seconds=caching.TIMEOUT_SECONDS, size=1024)
    return policy


def _search_window(now: dt.datetime, horizon: dt.timedelta) -> tuple[dt.date, dt.date]:
    today = now.astimezone(STATION_TZ).date()
    last = (now + horizon).astimezone(STATION_TZ).date()
    return today - dt.timedelta(days=1), last + dt.timedelta(days=1)


def slot_search_dates(*, now: dt.datetime | None = None,
                      station: int | None = None) -> tuple[dt.date, dt.date]:
    """The first and last dates a slot search may ask about (station dates).

    From yesterday to the day after the booking horizon ends: a day's margin
    each side for a viewer in another zone, whose "today" may be the
    station's yesterday or tomorrow. No slot lies outside. The slot searches
    below bound the dates they are given by these before any date arithmetic
    (``date(9999, 12, 31) + timedelta(days=1)`` overflows); the API refuses
    dates outside them (422). ``station``: a station version already read from
    `caching.versions`, to use the policy remembered under it.
    """
    policy = _site_policy(station) if station is not None else booking_policy()
    return _search_window(now or timezone.now(), dt.timedelta(days=policy.horizon_days))


def schedule_inputs(
    *,
    counsellor_ids: Iterable[int],
    start_date: dt.date,
    end_date: dt.date,
    exclude_booking_id: int | None = None,
    point: int | None = None,
) -> dict[int, dict]:
    """Everything the engine needs per counsellor, in five queries in all.

    Only rows that touch ``start_date``…``end_date`` (plus a day's margin for
    buffers running past midnight) are read. ``point`` (a service point's id):
    only the hours kept at that point or at none (an in-person search there).
    """
    ids = list(counsellor_ids)
    window_start = _local_midnight(start_date) - dt.timedelta(days=1)
    window_end = _local_midnight(end_date) + dt.timedelta(days=2)
    data: dict[int, dict] = {
        cid: {"rules": [], "extra_hours": [], "time_off": [], "busy": []} for cid in ids
    }
    if not ids:
        return data

    # Hours kept at a point families cannot see (inactive, or without opening
    # hours) offer nothing: nobody could be told where to come.
    rules = AvailabilityRule.objects.filter(counsellor_id__in=ids).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=end_date),
        Q(valid_to__isnull=True) | Q(valid_to__gte=start_date),
        Q(point__isnull=True) | Q(point__in=ServicePoint.objects.for_families()),
    )
    if point is not None:
        rules = rules.filter(Q(point__isnull=True) | Q(point_id=point))
    for cid, weekday, start, end, vfrom, vto, point in rules.values_list(
        "counsellor_id", "weekday", "start_time", "end_time", "valid_from", "valid_to",
        "point_id",
    ):
        data[cid]["rules"].append(
            engine.WeeklyRule(weekday, start, end, vfrom, vto, point))

    extra = AvailabilityException.objects.filter(
        counsellor_id__in=ids, date__gte=start_date, date__lte=end_date
    )
    for cid, day, start, end in extra.values_list(
        "counsellor_id", "date", "start_time", "end_time"
    ):
        data[cid]["extra_hours"].append(engine.ExtraHours(day, start, end))

    time_off = TimeOff.objects.filter(
        counsellor_id__in=ids, start__lt=window_end, end__gt=window_start
    )
    for cid, start, end in time_off.values_list("counsellor_id", "start", "end"):
        data[cid]["time_off"].append(engine.Interval(start, end))

    bookings = Booking.objects.live().filter(
        counsellor_id__in=ids,
        group_session__isnull=True,
        start__lt=window_end,
        blocks_until__gt=window_start,
    )
    if exclude_booking_id is not None:
        bookings = bookings.exclude(pk=exclude_booking_id)
    for cid, start, until in bookings.values_list("counsellor_id", "start", "blocks_until"):
        data[cid]["busy"].append(engine.Interval(start, until))

    leads = GroupSession.counsellors.through.objects.filter(
        counsellor_id__in=ids,
        groupsession__status=GroupSession.Status.SCHEDULED,
        groupsession__start__lt=window_end,
        groupsession__end__gt=window_start - dt.timedelta(days=1),
    )
    for cid, start, end, buffer in leads.values_list(
        "counsellor_id", "groupsession__start", "groupsession__end",
        "groupsession__session_type__buffer_after_minutes",
    ):
        data[cid]["busy"].append(engine.Interval(start, end + dt.timedelta(minutes=buffer)))
    return data


def closures_between(start_date: dt.date, end_date: dt.date) -> list[engine.Closure]:
    """Closures touching the dates, each of the whole station (``point`` None)
    or of one service point (its id)."""
    return [
        engine.Closure(s, e, point)
        for s, e, point in StationClosure.objects.filter(
            start_date__lte=end_date, end_date__gte=start_date
        ).values_list("start_date", "end_date", "point_id")
    ]


def free_slots_for_counsellors(
    *,
    counsellors: Iterable[Counsellor],
    session_type: SessionType,
    start_date: dt.date,
    end_date: dt.date,
    now: dt.datetime | None = None,
    exclude_booking_id: int | None = None,
    policy: BookingPolicy | None = None,
    point: int | None = None,
) -> dict[int, list[Slot]]:
    """Free slots per counsellor id, in a fixed number of queries (seven).

    ``point`` (an id): in person there, so only the hours kept at that point
    or at none (`schedule_inputs`); cached apart from the search without one.

    Answers come from `bookings.caching` when every counsellor's list for
    the day is cached under the current schedule versions (one query: the
    policy); a rescheduling search (``exclude_booking_id``) or a caller's own
    ``policy`` always computes afresh.
    """
    return _free_slots(counsellors=counsellors, session_type=session_type,
                       start_date=start_date, end_date=end_date, now=now,
                       exclude_booking_id=exclude_booking_id, policy=policy,
                       point=point)[0]


def _free_slots(*, counsellors, session_type, start_date, end_date, now,
                exclude_booking_id, policy, versions=None, point=None,
                ) -> tuple[dict[int, list[Slot]], engine.Policy | None]:
    """`free_slots_for_counsellors` and the booking rules it applied.

    ``versions``: the (station, {counsellor id: version}) the caller already
    read from `caching.versions`, so they are not read twice."""
    now = now or timezone.now()
    counsellors = list(counsellors)
    if end_date < start_date or not counsellors:
        return {c.pk: [] for c in counsellors}, None
    cacheable = exclude_booking_id is None and policy is None
    ids = [c.pk for c in counsellors]
    if cacheable:
        station, versions = versions or caching.versions(ids)
        policy = _site_policy(station)
    policy = policy or booking_policy()
    rules = engine_policy(policy, session_type)
    # Bound the dates before any arithmetic on them (see slot_search_dates).
    first, last = _search_window(now, rules.horizon)
    start_date, end_date = max(start_date, first), min(end_date, last)
    if end_date < start_date:
        return {cid: [] for cid in ids}, rules
    if not cacheable:
        return _compute_free_slots(
            counsellor_ids=ids, session_type=session_type, start_date=start_date,
            end_date=end_date, now=now, rules=rules,
            exclude_booking_id=exclude_booking_id, point=point,
        ), rules
    # Computed as of local midnight with no notice and a day's extra horizon:
    # a superset of the answer at any moment of the day, narrowed below.
    day = now.astimezone(STATION_TZ).date()
    wide = dataclasses.replace(rules, min_notice=dt.timedelta(0),
                               horizon=rules.horizon + dt.timedelta(days=1))
    shape = f"{session_type.duration_minutes}|{wide!r}"
    if point is not None:
        shape += f"|point={point}"
    keys = {
        cid: caching.entry_key(
            counsellor_id=cid, version=versions[cid], station=station,
            session_type_id=session_type.pk, start_date=start_date, end_date=end_date,
            day=day, shape=shape)
        for cid in ids
    }
    lists = {cid: hit for cid, key in keys.items()
             if (hit := local_get(key)) is not None}
    wanted = [key for cid, key in keys.items() if cid not in lists]
    if wanted:
        found = cache.get_many(wanted)
        for cid, key in keys.items():
            if key in found:
                lists[cid] = found[key]
                local_set(key, found[key], seconds=caching.TIMEOUT_SECONDS)
    missing = [cid for cid in ids if cid not in lists]
    if missing:
        computed = _compute_free_slots(
            counsellor_ids=missing, session_type=session_type, start_date=start_date,
            end_date=end_date, now=_local_midnight(day), rules=wide, point=point,
        )
        cache.set_many({keys[cid]: slots for cid, slots in computed.items()},
                       caching.TIMEOUT_SECONDS)
        for cid, slots in computed.items():
            local_set(keys[cid], slots, seconds=caching.TIMEOUT_SECONDS)
        lists.update(computed)
    earliest, latest = now + rules.min_notice, now + rules.horizon
    return {
        cid: [s for s in lists[cid] if earliest <= s.start <= latest] for cid in ids
    }, rules


def _compute_free_slots(*, counsellor_ids: list[int], session_type: SessionType,
                        start_date: dt.date, end_date: dt.date, now: dt.datetime,
                        rules: engine.Policy, exclude_booking_id: int | None = None,
                        point: int | None = None,
                        ) -> dict[int, list[Slot]]:
    closures = closures_between(start_date, end_date)
    if session_type.point_id is not None:
        # The service is given at its point: a day that point is closed (its
        # own closure, or a closed day in its calendar) offers nothing, as
        # `services._check_point` would refuse it.
        closures += [engine.Closure(c.start_date, c.end_date, None) for c in closures
                     if c.point == session_type.point_id]
        closures += [engine.Closure(day, day, None) for day in OpeningException.objects.filter(
            point_id=session_type.point_id, closed=True, date__gte=start_date,
            date__lte=end_date).values_list("date", flat=True)]
    inputs = schedule_inputs(
        counsellor_ids=counsellor_ids, start_date=start_date,
        end_date=end_date, exclude_booking_id=exclude_booking_id, point=point,
    )
    duration = dt.timedelta(minutes=session_type.duration_minutes)
    return {
        cid: engine.free_slots(
            start_date=start_date, end_date=end_date, duration=duration, now=now,
            policy=rules, closures=closures, **data,
        )
        for cid, data in inputs.items()
    }


def free_slots(
    *,
    counsellor: Counsellor,
    session_type: SessionType,
    start_date: dt.date,
    end_date: dt.date,
    now: dt.datetime | None = None,
) -> list[Slot]:
    """Bookable slots of ``session_type`` with ``counsellor``, sorted by start."""
    return free_slots_for_counsellors(
        counsellors=[counsellor], session_type=session_type, start_date=start_date,
        end_date=end_date, now=now,
    )[counsellor.pk]


def free_slots_answer(*, counsellor: Counsellor, session_type: SessionType,
                      start_date: dt.date, end_date: dt.date,
                      now: dt.datetime | None = None,
                      versions: tuple[int, dict[int, int]] | None = None,
                      ) -> tuple[list[Slot], dt.datetime]:
    """`free_slots` and how long the answer holds while only time passes: until
    the first slot slips inside the minimum notice, and a minute at most (a new
    day, and slots entering the horizon at its far end). ``versions`` as for
    `_free_slots`: read once, before the caller's own queries."""
    now = now or timezone.now()
    lists, rules = _free_slots(
        counsellors=[counsellor], session_type=session_type, start_date=start_date,
        end_date=end_date, now=now, exclude_booking_id=None, policy=None,
        versions=versions)
    slots = lists[counsellor.pk]
    return slots, answer_valid_until(
        now=now, first_start=slots[0].start if slots else None, rules=rules)


def answer_valid_until(*, now: dt.datetime, first_start: dt.datetime | None,
                       rules: engine.Policy | None) -> dt.datetime:
    """Until when a slot answer holds while only time passes: until its first
    slot (starting at ``first_start``) slips inside the minimum notice, and a
    minute at most (a new day, and slots entering the horizon at its far end)."""
    # A new day moves slot_search_dates: no answer outlives the station's day.
    tomorrow = now.astimezone(STATION_TZ).date() + dt.timedelta(days=1)
    until = min(now + dt.timedelta(minutes=1), _local_midnight(tomorrow))
    if first_start is not None and rules is not None:
        until = min(until, first_start - rules.min_notice)
    return until


def free_slots_with_rules(*, counsellors, session_type: SessionType,
                          start_date: dt.date, end_date: dt.date, now: dt.datetime,
                          point: int | None = None,
                          versions: tuple[int, dict[int, int]] | None = None,
                          ) -> tuple[dict[int, list[Slot]], engine.Policy | None]:
    """`free_slots_for_counsellors` (cached) and the booking rules it applied;
    ``versions`` as for `free_slots_answer`."""
    return _free_slots(counsellors=counsellors, session_type=session_type,
                       start_date=start_date, end_date=end_date, now=now,
                       exclude_booking_id=None, policy=None, versions=versions,
                       point=point)


def _topic_filter(topic) -> Q:
    """Match a Topic instance (any locale of it) or a topic slug."""
    if isinstance(topic, str):
        return Q(specialties__slug=topic)
    return Q(specialties__translation_key=topic.translation_key)


def bookable_counsellors() -> QuerySet[Counsellor]:
    """Active counsellors whose credential has not expired (the network's
    expert pool says so; a counsellor with no expert record is bookable)."""
    return Counsellor.objects.filter(is_active=True).exclude(
        pk__in=network_selectors.expired_counsellor_ids(on=timezone.localdate()))


def counsellors_for(*, topic=None, language: str | None = None,
                    mode: str | None = None) -> QuerySet[Counsellor]:
    """Active counsellors one may book (none whose credential expired: the
    network's expert pool says so), optionally with a specialty, a language
    and a mode."""
    qs = bookable_counsellors()
    if topic:
        matching = Counsellor.objects.filter(_topic_filter(topic)).values("pk")
        qs = qs.filter(pk__in=matching)
    if language or mode:
        # JSON list membership has no portable lookup (SQLite lacks `contains`);
        # the counsellor table is small, so filter the two short lists here.
        ids = [
            pk for pk, langs, modes in qs.values_list("pk", "languages", "modes")
            if (not language or language in (langs or []))
            and (not mode or mode in (modes or []))
        ]
        qs = Counsellor.objects.filter(pk__in=ids)
    return with_photo(qs.prefetch_related("specialties")).order_by("display_name", "pk")


AVATAR_RENDITION = "fill-96x96"  # as templates/bookings/includes/counsellor_avatar.html


def with_photo(qs: QuerySet[Counsellor]) -> QuerySet[Counsellor]:
    """Counsellors with their photo and its avatar rendition, in two queries
    whatever the number of rows (a rendition found here is not looked up again)."""
    renditions = get_image_model().get_rendition_model().objects.filter(
        filter_spec=AVATAR_RENDITION)
    return qs.select_related("photo").prefetch_related(
        Prefetch("photo__renditions", queryset=renditions))


def upcoming_workshops(*, topic=None, counsellor: Counsellor | None = None,
                       limit: int | None = None,
                       now: dt.datetime | None = None) -> QuerySet[GroupSession]:
    """Scheduled workshops still to come, soonest first.

    Annotated with ``seats_taken`` (active seats) and ``waiting`` (families on
    the waitlist).
    """
    now = now or timezone.now()
    waiting = (
        WaitlistEntry.objects.filter(group_session=OuterRef("pk"), promoted_at__isnull=True,
                                     left_at__isnull=True)
        .order_by().values("group_session").annotate(n=Count("pk")).values("n")
    )
    qs = (
        GroupSession.objects.filter(status=GroupSession.Status.SCHEDULED, start__gt=now)
        .with_seats_taken()
        .annotate(waiting=Subquery(waiting, output_field=IntegerField()))
        .select_related("session_type", "topic", "point")
        .prefetch_related("counsellors")
        .order_by("start", "pk")
    )
    if topic:
        if isinstance(topic, str):
            qs = qs.filter(topic__slug=topic)
        else:
            qs = qs.filter(topic__translation_key=topic.translation_key)
    if counsellor is not None:
        qs = qs.filter(counsellors=counsellor)
    if limit is not None:
        qs = qs[:limit]
    return qs


POINT_WORKSHOPS = 8  # how many coming workshops a point's page lists


def point_offer(*, point_id: int, now: dt.datetime | None = None) -> dict:
    """What a service point's page lists (`network` shows it): the next
    `POINT_WORKSHOPS` workshops held there and the active individual services
    offered there, each with its active counsellors (a family books one of
    them). ``{"workshops": [...], "services": [...]}``, in four queries
    whatever the numbers."""
    workshops = list(upcoming_workshops(now=now).filter(point_id=point_id)
                     [:POINT_WORKSHOPS])
    services = list(
        SessionType.objects.filter(point_id=point_id, is_active=True,
                                   kind=SessionType.Kind.INDIVIDUAL)
        .prefetch_related(Prefetch(
            "counsellors",
            queryset=bookable_counsellors().order_by("display_name", "pk")))
        .order_by("name", "pk")
    )
    return {"workshops": workshops,
            "services": [s for s in services if s.counsellors.all()]}


def _still_waiting() -> QuerySet[WaitlistEntry]:
    """Waitlist entries neither promoted nor left."""
    return WaitlistEntry.objects.filter(promoted_at__isnull=True, left_at__isnull=True)


def _count_of(entries: QuerySet[WaitlistEntry]) -> Coalesce:
    """A subquery counting ``entries`` (filtered on an ``OuterRef``); 0 for none."""
    counted = entries.order_by().values("group_session").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_waitlist_position(entries: QuerySet[WaitlistEntry]) -> QuerySet[WaitlistEntry]:
    """``entries`` annotated with ``position``: 1 for the family promoted next, in
    the order `services._promote_waitlisted` promotes (``created_at``, then ``pk``).
    One subquery in the same query, whatever the number of entries."""
    ahead = _still_waiting().filter(group_session=OuterRef("group_session")).filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")))
    return entries.annotate(position=_count_of(ahead) + 1)


def family_bookings(*, user) -> QuerySet[Booking]:
    """The user's bookings (sessions and workshop seats), soonest first."""
    return (
        Booking.objects.filter(family=user)
        .select_related("counsellor", "session_type", "group_session", "child", "topic")
        .order_by("start", "pk")
    )


def family_booking(*, user, pk: int) -> Booking:
    """One of the user's own bookings (`family_bookings`); ``NotFound`` otherwise."""
    booking = family_bookings(user=user).filter(pk=pk).first()
    if booking is None:
        raise NotFound
    return booking


def family_waitlist(*, user) -> QuerySet[WaitlistEntry]:
    """Workshops the user is still waiting for, with each entry's ``position``
    (`with_waitlist_position`)."""
    return (
        with_waitlist_position(_still_waiting().filter(family=user))
        .select_related("group_session", "group_session__session_type")
        .order_by("group_session__start")
    )


def booking_for_viewer(*, user, pk) -> Booking:
    """The booking if ``user`` may see it (`BookingQuerySet.visible_to`); else
    ``NotFound``, whether it exists or not (no existence leak).

    Anyone but its family sees it through a staff role, which needs TOTP:
    raises ``portal.middleware.StaffVerificationRequired`` without it (the
    staff MFA gate answers with the way to set it up).
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound from None
    booking = (
        Booking.objects.visible_to(user).select_related(
            "counsellor", "session_type", "group_session", "child", "topic", "family"
        )
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise NotFound
    if booking.family_id != user.pk:
        require_staff_verification(user)
    return booking


# What a card on the counsellor's week warns of (text beside the colour).
CLASH_TIME_OFF = _("与休假冲突")
CLASH_CLOSURE = _("与闭馆日冲突")
CLASH_OVERLAP = _("时间重叠")
ADULT_BAND = _("18岁及以上")


def age_band(*, birth_year: int, on: dt.date):
    """The label of the age band (``courses.models.AgeBand``) a child born in
    ``birth_year`` is in on ``on``; only the birth year is kept, so the age is
    counted in calendar years."""
    age = on.year - birth_year
    if age <= 5:
        return AgeBand.EARLY.label
    if age <= 12:
        return AgeBand.CHILD.label
    if age <= 17:
        return AgeBand.TEEN.label
    return ADULT_BAND


def _clip_to_day(start: dt.datetime, end: dt.datetime, day: dt.date) -> dict | None:
    """The part of ``[start, end)`` on the station ``day``, or None."""
    day_start = _local_midnight(day)
    day_end = _local_midnight(day + dt.timedelta(days=1))
    if start >= day_end or end <= day_start:
        return None
    return {"start": max(start, day_start), "end": min(end, day_end),
            "all_day": start <= day_start and end >= day_end,
            "to_midnight": end >= day_end}


def _item_point(item) -> int | None:
    """The service point (id) of a workshop, or of a booking's session type."""
    if isinstance(item, GroupSession):
        return item.point_id
    return item.session_type.point_id


def _mark_clashes(items: list, time_off: list[TimeOff],
                  closures: list[StationClosure]) -> None:
    """Set ``clashes`` (labels, in a fixed order) on each booking or workshop in
    ``items``: inside time off, on a closure day, or overlapping another item."""
    for item in items:
        item.clashes = []
        if any(t.start < item.end and item.start < t.end for t in time_off):
            item.clashes.append(CLASH_TIME_OFF)
        first = timezone.localtime(item.start, STATION_TZ).date()
        last = timezone.localtime(item.end - dt.timedelta(microseconds=1),
                                  STATION_TZ).date()
        point = _item_point(item)
        if any(c.start_date <= last and first <= c.end_date
               and c.point_id in (None, point) for c in closures):
            item.clashes.append(CLASH_CLOSURE)
    # One sweep in start order: an item overlaps the ones still running.
    running: list = []
    for item in sorted(items, key=lambda i: (i.start, i.end)):
        running = [other for other in running if other.end > item.start]
        for other in running:
            for clashing in (other, item):
                if CLASH_OVERLAP not in clashing.clashes:
                    clashing.clashes.append(CLASH_OVERLAP)
        running.append(item)


def counsellor_week(*, counsellor: Counsellor, week_start: dt.date,
                    session_type: SessionType | None = None,
                    now: dt.datetime | None = None) -> dict:
    """The counsellor's week: per day its bookings, workshops, free slots, the
    counsellor's time off and the station's closures.

    ``week_start`` is moved back to its Monday. Free slots are those families
    can book now, for ``session_type`` (default: the counsellor's first active
    individual type). Returns ``{"week_start", "prev_week", "next_week",
    "session_type", "days": [{"date", "bookings", "workshops", "free",
    "time_off", "closures"}]}``; ``time_off`` holds ``{"reason", "start",
    "end", "all_day", "to_midnight"}`` clipped to the day. Each booking and workshop carries
    ``clashes`` (see `_mark_clashes`) and each booking ``age_band`` (a label, or
    None without a child). A fixed number of queries for any week.
    """
    # Room for the arithmetic below at the ends of the calendar.
    week_start = min(max(week_start, dt.date.min + dt.timedelta(days=14)),
                     dt.date.max - dt.timedelta(days=14))
    monday = week_start - dt.timedelta(days=week_start.weekday())
    sunday = monday + dt.timedelta(days=6)
    start, end = _local_midnight(monday), _local_midnight(sunday + dt.timedelta(days=1))
    if session_type is None:
        session_type = (
            counsellor.session_types.filter(kind=SessionType.Kind.INDIVIDUAL, is_active=True)
            .order_by("pk").first()
        )
    bookings = list(
        Booking.objects.filter(
            counsellor=counsellor, group_session__isnull=True, start__gte=start,
            start__lt=end,
        )
        .exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.LATE_CANCELLED])
        .select_related("session_type", "child", "family")
        .order_by("start")
    )
    workshops = list(
        counsellor.group_sessions.filter(start__gte=start, start__lt=end,
                                         status=GroupSession.Status.SCHEDULED)
        .with_seats_taken()
        .order_by("start")
    )
    time_off = list(TimeOff.objects.filter(counsellor=counsellor, start__lt=end,
                                           end__gt=start))
    closures = list(StationClosure.objects.filter(start_date__lte=sunday,
                                                  end_date__gte=monday)
                    .select_related("point"))
    _mark_clashes([*bookings, *workshops], time_off, closures)
    for booking in bookings:
        booking.age_band = (
            age_band(birth_year=booking.child.birth_year,
                     on=timezone.localtime(booking.start, STATION_TZ).date())
            if booking.child else None)
    free: list[Slot] = []
    if session_type is not None:
        free = free_slots(counsellor=counsellor, session_type=session_type,
                          start_date=monday, end_date=sunday, now=now)
    per_day = defaultdict(lambda: {"bookings": [], "workshops": [], "free": []})
    for booking in bookings:
        per_day[timezone.localtime(booking.start).date()]["bookings"].append(booking)
    for workshop in workshops:
        per_day[timezone.localtime(workshop.start).date()]["workshops"].append(workshop)
    for slot in free:
        per_day[slot.start.date()]["free"].append(slot)
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        away = []
        for t in time_off:
            part = _clip_to_day(t.start, t.end, day)
            if part is not None:
                away.append({"reason": t.reason, **part})
        days.append({"date": day, **per_day[day], "time_off": away,
                     "closures": [c for c in closures
                                  if c.start_date <= day <= c.end_date]})
    return {
        "week_start": monday,
        "prev_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "session_type": session_type,
        "days": days,
    }


# --- urgent bookings ---------------------------------------------------------------


def site_settings():
    from portal.models import SiteSettings

    return SiteSettings.objects.filter(site__is_default_site=True).first()


def urgent_context(language: str) -> dict:
    """What families and staff are told about response times and emergencies."""
    from portal import crisis

    setting = site_settings()
    english = language.startswith("en")
    lines = crisis.crisis_lines()
    context = {
        "immediate_lines": crisis.immediate_lines(lines),
        "hotlines_24h": crisis.hotlines_24h(lines),
        "other_lines": crisis.other_lines(lines),
        "response_hours": setting.urgent_response_hours if setting else 2,
        "opening_hours": "", "out_of_hours": "", "nearest_emergency": "",
        "safeguarding_name": "", "safeguarding_phone": "",
    }
    if setting is not None:
        context.update({
            "opening_hours": (setting.opening_hours_en if english else "")
            or setting.opening_hours,
            "out_of_hours": (setting.urgent_response_out_of_hours_en if english else "")
            or setting.urgent_response_out_of_hours,
            "nearest_emergency": (setting.nearest_emergency_en if english else "")
            or setting.nearest_emergency,
            "safeguarding_name": setting.safeguarding_lead_name,
            "safeguarding_phone": setting.safeguarding_lead_phone,
        })
    return context


def urgent_queue():
    """Urgent bookings with no closing follow-up yet, oldest first: they stay
    in the staff queue until someone records one, however old."""
    return Booking.objects.filter(is_urgent=True, followed_up_at__isnull=True).order_by(
        "created_at", "pk")


def recently_followed_up(*, days: int = 14):
    since = timezone.now() - dt.timedelta(days=days)
    return Booking.objects.filter(is_urgent=True, followed_up_at__gte=since).order_by(
        "-followed_up_at", "-pk")


# --- what the booking pages and the API look up ----------------------------------
# Each raises ``NotFound`` for what does not exist or is not the caller's; the
# doors answer 404.


def topic_by_slug(*, slug: str) -> Topic | None:
    """The topic with this slug, or None."""
    return Topic.objects.filter(slug=slug).first() if slug else None


def active_counsellor(*, slug: str, specialties: bool = False) -> Counsellor:
    """An active counsellor by slug (``specialties``: with them and the photo
    prefetched, as the counsellor's page shows them)."""
    qs = bookable_counsellors().filter(slug=slug)
    if specialties:
        qs = with_photo(qs)
        qs = qs.prefetch_related("specialties")
    counsellor = qs.first()
    if counsellor is None:
        raise NotFound
    return counsellor


def counsellor_of(*, user) -> Counsellor:
    """The counsellor record of a signed-in counsellor."""
    counsellor = Counsellor.objects.filter(user_id=user.pk).first()
    if counsellor is None:
        raise NotFound
    return counsellor


def individual_services(*, counsellor: Counsellor) -> list[SessionType]:
    """The counsellor's active individual session types, oldest first."""
    return list(counsellor.session_types.filter(
        is_active=True, kind=SessionType.Kind.INDIVIDUAL).order_by("pk"))


def individual_service(*, counsellor: Counsellor, slug: str) -> SessionType:
    service = counsellor.session_types.filter(
        is_active=True, kind=SessionType.Kind.INDIVIDUAL, slug=slug).first()
    if service is None:
        raise NotFound
    return service


def next_free_slots(*, counsellors: list[Counsellor], start_date: dt.date,
                    end_date: dt.date) -> dict[int, Slot | None]:
    """Per counsellor id, the soonest free slot of their first individual service
    (None without one).

    One query for the services, then one slot search per distinct service type
    (usually one), whatever the number of counsellors.
    """
    offered = SessionType.counsellors.through.objects.filter(
        counsellor_id__in=[c.pk for c in counsellors],
        sessiontype__is_active=True, sessiontype__kind=SessionType.Kind.INDIVIDUAL,
    ).select_related("sessiontype").order_by("sessiontype_id")
    first_type: dict[int, SessionType] = {}
    for row in offered:
        first_type.setdefault(row.counsellor_id, row.sessiontype)
    by_type: dict[int, list[Counsellor]] = {}
    for counsellor in counsellors:
        if counsellor.pk in first_type:
            by_type.setdefault(first_type[counsellor.pk].pk, []).append(counsellor)
    found: dict[int, Slot | None] = {c.pk: None for c in counsellors}
    for group in by_type.values():
        slots = free_slots_for_counsellors(
            counsellors=group, session_type=first_type[group[0].pk],
            start_date=start_date, end_date=end_date)
        for counsellor in group:
            found[counsellor.pk] = next(iter(slots.get(counsellor.pk) or []), None)
    return found


def staff_records(*, booking: Booking) -> tuple[list, list]:
    """A booking's private notes (with their history, `note_history`) and urgent
    follow-ups, with their authors."""
    notes = list(booking.notes.select_related("author").prefetch_related("revisions"))
    for note in notes:
        note_history(note)
    return notes, list(booking.follow_ups.select_related("author"))


def note_history(note) -> list:
    """The note's earlier texts, oldest first, as ``note.history``: each revision
    with ``written_at``, when that text was written (the note's creation or the
    edit before)."""
    written_at = note.created_at
    history = []
    for revision in note.revisions.all():
        revision.written_at, written_at = written_at, revision.edited_at
        history.append(revision)
    note.history = history
    return history


def booking_note(*, booking: Booking, pk: int):
    """One of the booking's notes with its history; ``NotFound`` otherwise."""
    note = booking.notes.select_related("author").prefetch_related(
        "revisions").filter(pk=pk).first()
    if note is None:
        raise NotFound
    note_history(note)
    return note


def workshop_by_pk(*, pk: int) -> GroupSession:
    found = GroupSession.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def _counted_workshops() -> QuerySet[GroupSession]:
    """Workshops annotated with ``seats_taken`` and ``waiting`` (0 for none)."""
    return GroupSession.objects.with_seats_taken().annotate(
        waiting=_count_of(_still_waiting().filter(group_session=OuterRef("pk"))))


def workshop_counts(*, pk: int) -> GroupSession:
    """One workshop with ``seats_taken`` and ``waiting``: whether giving up a
    seat passes it to a waiting family."""
    found = _counted_workshops().filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


def workshop_page(*, pk: int, user) -> dict:
    """A workshop with ``seats_taken``, ``waiting`` (families on its waitlist) and
    its leaders, and the viewer's place in it: ``{"workshop", "seat", "entry",
    "children"}`` (the waitlist entry carries its ``position``; seat, entry and
    children are None / [] for someone signed out)."""
    found = (
        _counted_workshops().select_related("session_type", "topic")
        .prefetch_related("counsellors").filter(pk=pk).first()
    )
    if found is None:
        raise NotFound
    seat = entry = None
    children: list = []
    if getattr(user, "is_authenticated", False):
        seat = found.seats.live().filter(family_id=user.pk).first()
        entry = with_waitlist_position(
            _still_waiting().filter(group_session=found, family_id=user.pk)).first()
        children = list(family_children(user=user))
    return {"workshop": found, "seat": seat, "entry": entry, "children": children}


def family_children(*, user) -> QuerySet[Child]:
    return Child.objects.filter(family__user_id=user.pk)


def family_child(*, user, pk: int) -> Child | None:
    """One of the user's children, or None."""
    return family_children(user=user).filter(pk=pk).first()


def waiting_entry(*, user, pk: int) -> WaitlistEntry:
    """The user's own place on a waitlist, still waiting."""
    entry = (WaitlistEntry.objects.select_related("group_session")
             .filter(pk=pk, family_id=user.pk, promoted_at__isnull=True,
                     left_at__isnull=True).first())
    if entry is None:
        raise NotFound
    return entry


def counsellor_schedule(*, counsellor: Counsellor, today: dt.date,
                        now: dt.datetime | None = None) -> dict:
    """The counsellor's weekly rules, extra hours from ``today`` and time off not
    yet over: ``{"rules", "week_grid", "locations", "extras", "time_off"}``.

    ``week_grid`` is the rules by weekday, Monday first, a row for every day
    (``{"weekday": Weekday, "rules": [...]}``), each rule with its service
    point; ``locations`` are the counsellor's active individual services that
    name a place (a point, or the legacy text), one per place."""
    now = now or timezone.now()
    rules = list(AvailabilityRule.objects.filter(counsellor=counsellor)
                 .select_related("point"))
    services = (counsellor.session_types.filter(is_active=True,
                                                kind=SessionType.Kind.INDIVIDUAL)
                .exclude(Q(point__isnull=True) & Q(location=""))
                .select_related("point").prefetch_related("point__hours")
                .order_by("pk"))
    seen, locations = set(), []
    for service in services:
        key = ("point", service.point_id) if service.point_id else service.location
        if key not in seen:
            seen.add(key)
            locations.append(service)
    return {
        "rules": rules,
        "week_grid": [{"weekday": weekday,
                       "rules": [r for r in rules if r.weekday == weekday]}
                      for weekday in Weekday],
        "locations": locations,
        "extras": list(AvailabilityException.objects.filter(counsellor=counsellor,
                                                            date__gte=today)),
        "time_off": list(TimeOff.objects.filter(counsellor=counsellor, end__gte=now)),
    }


SCHEDULE_KINDS = {"rule": AvailabilityRule, "extra": AvailabilityException,
                  "time-off": TimeOff}


def schedule_entry(*, counsellor: Counsellor, kind: str, pk: int):
    """One of the counsellor's own rules, extra hours or time off, by kind."""
    model = SCHEDULE_KINDS.get(kind)
    entry = model.objects.filter(pk=pk, counsellor=counsellor).first() if model else None
    if entry is None:
        raise NotFound
    return entry


def _coordinator_filtered(*, counsellor: Counsellor | None = None, topic=None,
                          status: str | None = None, date_from: dt.date | None = None,
                          date_to: dt.date | None = None, urgent: bool = False,
                          ) -> QuerySet[Booking]:
    qs = Booking.objects.all()
    if counsellor:
        qs = qs.filter(counsellor=counsellor)
    if topic:
        qs = qs.filter(Q(topic__translation_key=topic.translation_key)
                       | Q(group_session__topic__translation_key=topic.translation_key))
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(start__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(start__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    if urgent:
        qs = qs.filter(is_urgent=True)
    return qs


def all_bookings(*, now: dt.datetime | None = None, **filters) -> QuerySet[Booking]:
    """Every booking (the coordinator's list): the ones not yet over first,
    urgent ones leading and then soonest first, then the past ones, latest
    first. Filtered (keyword `filters`) by counsellor, topic (any locale, the
    workshop's for a seat), status, station dates and urgency."""
    now = now or timezone.now()
    coming = Q(end__gt=now)
    return (
        _coordinator_filtered(**filters)
        .select_related("counsellor", "session_type", "topic", "group_session",
                        "family__family_profile", "child")
        .annotate(
            list_group=Case(When(coming & Q(is_urgent=True), then=Value(0)),
                            When(coming, then=Value(1)), default=Value(2),
                            output_field=IntegerField()),
            # Only the coming ones carry it: the past ones fall to "-start".
            coming_start=Case(When(coming, then=F("start")), default=None),
        )
        .order_by("list_group", F("coming_start").asc(nulls_last=True), "-start", "pk")
    )


def booking_status_totals(**filters) -> dict:
    """{"total": n, "by_status": [(value, label, n), ...]} of the coordinator's
    list under `filters` (the same as `all_bookings`), counted in one query."""
    counts = _coordinator_filtered(**filters).aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(status=value))
           for value in Booking.Status.values},
    )
    return {
        "total": counts["total"],
        "by_status": [(value, label, counts[value])
                      for value, label in Booking.Status.choices],
    }


def upcoming_closures(*, today: dt.date) -> QuerySet[StationClosure]:
    """Station closures not yet over, with the point each one closes."""
    return StationClosure.objects.filter(end_date__gte=today).select_related("point")


def closure(*, pk: int) -> StationClosure:
    found = StationClosure.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


# --- paged lists ----------------------------------------------------------------------
# Each returns the whole list as a QuerySet, ordered and with what its page
# renders joined in, so that a Paginator's page is one query whatever the size.

_BOOKING_LIST_RELATED = ("counsellor", "session_type", "topic", "group_session",
                         "family", "child")


def urgent_queue_page_rows() -> QuerySet[Booking]:
    """`urgent_queue()` with what the coordinator's queue shows of each
    booking: the guardian's name and phone (family profile), its owner."""
    return urgent_queue().select_related(*_BOOKING_LIST_RELATED, "family__family_profile",
                                         "urgent_owner")


def urgent_card(booking: Booking, *, english: bool = False) -> dict:
    """What a queue card says of an urgent intake (no query): who to call, on
    which number, and the answers that made it urgent."""
    profile = getattr(booking.family, "family_profile", None) if booking.family_id else None
    phone = booking.contact_phone or None
    rows = intake.stored_rows(booking.intake_answers, english=english)["rows"]
    return {
        "booking": booking,
        "guardian": (profile.guardian_name if profile else "")
        or (booking.family.display_name if booking.family_id else ""),
        "phone": phone,
        "profile_phone": "" if phone or profile is None else profile.phone,
        # Last resort: the account's own number (a phone- or WeChat-first family
        # may have no profile phone and no email); the card read is access-logged.
        "account_phone": (booking.family.phone if booking.family_id and not phone
                          and not (profile and profile.phone) else None) or None,
        "triggers": [row for row in rows if row["positive"]],
        "state": booking.urgent_state,
        "state_label": booking.get_urgent_state_display(),
    }


def coordinators():
    """Active coordinators, for assigning an urgent intake."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(groups__name=Role.COORDINATOR, is_active=True)
            .order_by("display_name", "pk").distinct())


def recently_followed_up_page_rows(*, days: int = 14) -> QuerySet[Booking]:
    """`recently_followed_up()` with what the coordinator's queue shows."""
    return recently_followed_up(days=days).select_related(*_BOOKING_LIST_RELATED)


def family_upcoming(*, user, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """The user's confirmed bookings still to come, soonest first."""
    now = now or timezone.now()
    return family_bookings(user=user).filter(start__gte=now,
                                             status=Booking.Status.CONFIRMED)


def family_past(*, user, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """Everything else of the user's: past, cancelled, attended; latest first."""
    now = now or timezone.now()
    return (
        family_bookings(user=user)
        .exclude(start__gte=now, status=Booking.Status.CONFIRMED)
        .order_by("-start", "-pk")
    )


def family_booking_counts(*, user, now: dt.datetime | None = None) -> dict[str, int]:
    """How many of `family_upcoming` and `family_past` there are (1 query)."""
    now = now or timezone.now()
    coming = Q(start__gte=now, status=Booking.Status.CONFIRMED)
    return Booking.objects.filter(family=user).aggregate(
        upcoming=Count("pk", filter=coming), past=Count("pk", filter=~coming))
