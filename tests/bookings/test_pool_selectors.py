"""Pooled booking against the database: who is in the pool, the union of their
free slots, their load for the fair rule, and query counts that do not grow
with the pool."""

import datetime as dt

import pytest
import time_machine

from bookings import pool, pool_selectors
from bookings.models import Booking, Mode
from bookings.slots import STATION_TZ
from tests.bookings.engine_setup import counsellor_with_hours, future_day, local
from tests.factories import (
    AvailabilityRuleFactory,
    BookingFactory,
    CounsellorFactory,
    GroupSessionFactory,
    SessionTypeFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def working(day, start_hour, end_hour, **kwargs):
    """A counsellor working ``start_hour``–``end_hour`` on ``day``'s weekday only."""
    counsellor = CounsellorFactory(**kwargs)
    AvailabilityRuleFactory(
        counsellor=counsellor,
        weekday=day.weekday(),
        start_time=dt.time(start_hour),
        end_time=dt.time(end_hour),
    )
    return counsellor


def hhmm_and_who(pooled, names):
    return [
        (
            f"{p.start.astimezone(STATION_TZ):%H:%M}",
            sorted(names[pk] for pk in p.counsellors),
        )
        for p in pooled
    ]


def test_pool_offers_the_union_of_the_free_slots_of_those_who_cover_the_topic():
    day = future_day(5)
    crisis = TopicFactory(slug="crisis", name="心理危机干预")
    other = TopicFactory(slug="autism", name="自闭症咨询与科普")
    a = working(day, 9, 12, specialties=[crisis])
    b = working(day, 11, 15, specialties=[crisis, other])
    without_topic = working(day, 9, 17, specialties=[other])
    not_offering = working(day, 9, 17, specialties=[crisis])
    inactive = working(day, 9, 17, specialties=[crisis], is_active=False)
    service = SessionTypeFactory(counsellors=[a, b, without_topic, inactive])
    SessionTypeFactory(counsellors=[not_offering])
    # A's 09:00 session holds A until 10:00 (50 minutes and the 10-minute buffer).
    BookingFactory(counsellor=a, session_type=service, start=local(day, 9))

    pooled = pool_selectors.pooled_free_slots(
        topic=crisis, session_type=service, start_date=day, end_date=day
    )

    assert hhmm_and_who(pooled, {a.pk: "A", b.pk: "B"}) == [
        ("10:00", ["A"]),
        ("10:30", ["A"]),
        ("11:00", ["A", "B"]),
        ("11:30", ["B"]),
        ("12:00", ["B"]),
        ("12:30", ["B"]),
        ("13:00", ["B"]),
        ("13:30", ["B"]),
        ("14:00", ["B"]),
    ]
    assert all(p.end - p.start == dt.timedelta(minutes=50) for p in pooled)
    assert (
        pool_selectors.pooled_free_slots(
            topic="crisis", session_type=service, start_date=day, end_date=day
        )
        == pooled
    )


def test_a_topic_nobody_covers_offers_nothing():
    day = future_day(5)
    nobody = TopicFactory(slug="reading", name="亲子阅读")
    someone = working(day, 9, 17, specialties=[TopicFactory(slug="crisis")])
    service = SessionTypeFactory(counsellors=[someone])
    assert (
        pool_selectors.pooled_free_slots(
            topic=nobody, session_type=service, start_date=day, end_date=day
        )
        == []
    )


def test_mode_keeps_only_counsellors_who_work_that_way():
    day = future_day(5)
    crisis = TopicFactory(slug="crisis")
    online_only = working(day, 9, 10, specialties=[crisis], modes=[Mode.ONLINE])
    both = working(
        day, 9, 10, specialties=[crisis], modes=[Mode.IN_PERSON, Mode.ONLINE]
    )
    service = SessionTypeFactory(counsellors=[online_only, both])

    def who(mode):
        return [
            p.counsellors
            for p in pool_selectors.pooled_free_slots(
                topic=crisis,
                session_type=service,
                start_date=day,
                end_date=day,
                mode=mode,
            )
        ]

    assert who(None) == [tuple(sorted([online_only.pk, both.pk]))]
    assert who(Mode.ONLINE) == [tuple(sorted([online_only.pk, both.pk]))]
    assert who(Mode.IN_PERSON) == [(both.pk,)]
    phone_service = SessionTypeFactory(counsellors=[both], modes=[Mode.PHONE])
    assert (
        pool_selectors.pooled_free_slots(
            topic=crisis,
            session_type=phone_service,
            start_date=day,
            end_date=day,
            mode=Mode.ONLINE,
        )
        == []
    )


@pytest.mark.parametrize("size", [1, 5])
def test_pooled_slot_search_is_a_fixed_number_of_queries(
    size, django_assert_num_queries
):
    crisis = TopicFactory(slug="crisis")
    people = [counsellor_with_hours(specialties=[crisis]) for _ in range(size)]
    service = SessionTypeFactory(counsellors=people)
    day = future_day(3)
    # One for the pool, then the named slot search's seven.
    with django_assert_num_queries(8):
        pooled = pool_selectors.pooled_free_slots(
            topic=crisis,
            session_type=service,
            start_date=day,
            end_date=day + dt.timedelta(days=6),
        )
    assert len(pooled) == 7 * 15
    assert {p.counsellors for p in pooled} == {tuple(sorted(c.pk for c in people))}


MADE = dt.datetime(2026, 11, 2, 10, 0, tzinfo=STATION_TZ)
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=STATION_TZ)


def booked(counsellor, *, made, start, **kwargs):
    with time_machine.travel(made, tick=False):
        return BookingFactory(counsellor=counsellor, start=start, **kwargs)


def test_load_counts_upcoming_live_sessions_and_the_latest_booking_made():
    busy, idle, workshop_lead = (
        CounsellorFactory(),
        CounsellorFactory(),
        CounsellorFactory(),
    )
    day = dt.timedelta(days=1)
    booked(busy, made=MADE, start=NOW + 2 * day)
    booked(busy, made=MADE + day, start=NOW + 3 * day)
    # Past sessions weigh on no one's upcoming load, yet count as bookings made.
    booked(busy, made=MADE + 2 * day, start=NOW - day, status=Booking.Status.ATTENDED)
    # Cancelled: neither load nor "recently booked".
    booked(
        busy, made=MADE + 5 * day, start=NOW + 4 * day, status=Booking.Status.CANCELLED
    )
    workshop = GroupSessionFactory(counsellors=[workshop_lead], start=NOW + 2 * day)
    booked(workshop_lead, made=MADE, start=workshop.start, group_session=workshop)

    assert pool_selectors.counsellor_load(
        [busy.pk, idle.pk, workshop_lead.pk], now=NOW
    ) == {
        busy.pk: (2, MADE + 2 * day),
        idle.pk: (0, None),
        workshop_lead.pk: (0, None),
    }


def test_a_session_starting_now_is_still_upcoming():
    counsellor = CounsellorFactory()
    booked(counsellor, made=MADE, start=NOW)
    assert pool_selectors.counsellor_load([counsellor.pk], now=NOW) == {
        counsellor.pk: (1, MADE)
    }


def test_load_of_nobody_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert pool_selectors.counsellor_load([], now=NOW) == {}


@pytest.mark.parametrize("size", [1, 5])
def test_load_is_one_query_whatever_the_pool(size, django_assert_num_queries):
    people = [CounsellorFactory() for _ in range(size)]
    for counsellor in people:
        booked(counsellor, made=MADE, start=NOW + dt.timedelta(days=1))
    with django_assert_num_queries(1):
        load = pool_selectors.counsellor_load([c.pk for c in people], now=NOW)
    assert load == {c.pk: (1, MADE) for c in people}


def test_the_fair_rule_on_the_pool_picks_the_less_loaded_counsellor_free_then():
    day = future_day(5)
    crisis = TopicFactory(slug="crisis")
    a = working(day, 9, 12, specialties=[crisis])
    b = working(day, 11, 15, specialties=[crisis])
    service = SessionTypeFactory(counsellors=[a, b])
    BookingFactory(counsellor=a, session_type=service, start=local(day, 9))
    pooled = pool_selectors.pooled_free_slots(
        topic=crisis, session_type=service, start_date=day, end_date=day
    )
    load = pool_selectors.counsellor_load([a.pk, b.pk])
    by_start = {p.start: p for p in pooled}

    # Both are free at 11:00; A already has a session to come, B has none.
    assert pool.pick_counsellor(by_start[local(day, 11)].counsellors, load) == b.pk
    # At 10:00 only A is free, however loaded.
    assert pool.pick_counsellor(by_start[local(day, 10)].counsellors, load) == a.pk
