"""Pooled booking under load: as many bookings as counsellors free, none twice.

`booking_create_pooled` tries the pool's counsellors in the fair rule's order,
each through `booking_create` (its lock, re-check and, on PostgreSQL, the
exclusion constraint). Real threads released together by a Barrier on
PostgreSQL; the same outcome, one request after another, on either database.
The clock is pinned to a fixed instant so the slot is always in the future.
"""

import datetime as dt

import pytest
import time_machine

from bookings import pool, pool_selectors, services
from bookings.models import Booking, Mode
from bookings.slots import STATION_TZ
from tests.bookings.engine_setup import counsellor_with_hours, local
from tests.bookings.test_concurrency import THREADS, run_together
from tests.factories import (
    BookingFactory,
    CounsellorFactory,
    FamilyFactory,
    SessionTypeFactory,
    TopicFactory,
)

# A Monday morning; the pooled slot is on Thursday at 10:00.
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=STATION_TZ)
DAY = dt.date(2026, 12, 10)
FREE_AT = 3


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield


def make_pool(free: int = FREE_AT):
    """``free`` counsellors of one topic, all free at DAY 10:00, and one of
    another topic (free too: never to be booked for this one)."""
    topic = TopicFactory(slug="crisis", name="心理危机干预")
    other = TopicFactory(slug="autism", name="自闭症咨询与科普")
    people = [counsellor_with_hours(specialties=[topic]) for _ in range(free)]
    outsider = counsellor_with_hours(specialties=[other])
    service = SessionTypeFactory(counsellors=[*people, outsider])
    return topic, service, people, outsider


def book_pooled(family, topic, service, start):
    return services.booking_create_pooled(
        family=family,
        topic=topic,
        session_type=service,
        start=start,
        mode=Mode.IN_PERSON,
        consent=True,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_families_one_pooled_slot_three_counsellors_three_bookings(pinned):
    topic, service, people, outsider = make_pool()
    start = local(DAY, 10)
    families = [FamilyFactory() for _ in range(THREADS)]

    def call_for(family):
        return lambda: book_pooled(family, topic, service, start).counsellor_id

    results = run_together([call_for(f) for f in families])

    assert sorted(r[0] for r in results) == (
        ["ok"] * FREE_AT + ["refused"] * (THREADS - FREE_AT)
    ), results
    assert {r[1] for r in results if r[0] == "refused"} == {services.SLOT_TAKEN}
    booked = sorted(r[1] for r in results if r[0] == "ok")
    assert booked == sorted(c.pk for c in people)
    rows = Booking.objects.filter(start=start, status=Booking.Status.CONFIRMED)
    assert sorted(rows.values_list("counsellor_id", flat=True)) == booked
    assert not rows.filter(counsellor=outsider).exists()
    assert set(rows.values_list("topic_id", flat=True)) == {topic.pk}


@pytest.mark.django_db
def test_ten_families_one_after_another_fill_the_pool_then_just_taken(pinned):
    topic, service, people, outsider = make_pool()
    start = local(DAY, 10)
    outcomes = []
    for _ in range(THREADS):
        try:
            outcomes.append(
                book_pooled(FamilyFactory(), topic, service, start).counsellor_id
            )
        except services.PooledSlotTaken as exc:
            outcomes.append(exc)

    booked, refused = outcomes[:FREE_AT], outcomes[FREE_AT:]
    # Equal loads: the fair rule goes by "never booked", then pk.
    assert booked == [c.pk for c in people]
    assert all(isinstance(r, services.PooledSlotTaken) for r in refused)
    assert {r.message for r in refused} == {"这个时间刚刚被预约了，请选择其他时间。"}
    assert refused[0].code == "slot_taken"
    # The next free pooled times: 10:30 is still blocked (50 min + 10 buffer),
    # 11:00 is free for all three.
    assert [s.start for s in refused[0].next_slots] == [
        local(DAY, 11),
        local(DAY, 11, 30),
        local(DAY, 12),
    ]
    assert not Booking.objects.filter(counsellor=outsider).exists()
    assert Booking.objects.filter(start=start).count() == FREE_AT


@pytest.mark.django_db
def test_the_fair_rule_picks_the_fewest_upcoming_sessions(pinned):
    topic, service, (busy, idle, once), _outsider = make_pool()
    for hour in (14, 15):
        BookingFactory(counsellor=busy, session_type=service, start=local(DAY, hour))
    BookingFactory(counsellor=once, session_type=service, start=local(DAY, 16))

    first = book_pooled(FamilyFactory(), topic, service, local(DAY, 10))
    second = book_pooled(FamilyFactory(), topic, service, local(DAY, 10))
    third = book_pooled(FamilyFactory(), topic, service, local(DAY, 10))

    assert [first.counsellor, second.counsellor, third.counsellor] == [idle, once, busy]


@pytest.mark.django_db
def test_a_candidate_taken_since_the_search_passes_to_the_next(pinned, monkeypatch):
    topic, service, (a, b, taken), _outsider = make_pool()
    start = local(DAY, 10)
    for person in (a, b):  # two sessions ahead each, a's booked first
        for hour in (14, 15):
            BookingFactory(
                counsellor=person, session_type=service, start=local(DAY, hour)
            )
    BookingFactory(counsellor=taken, session_type=service, start=start)
    # A stale search still lists all three at 10:00; `taken` has the fewest
    # sessions ahead, so the fair rule tries them first.
    stale = [
        pool.PooledSlot(
            start=start,
            end=start + dt.timedelta(minutes=50),
            counsellors=tuple(sorted((a.pk, b.pk, taken.pk))),
        )
    ]
    monkeypatch.setattr(pool_selectors, "pooled_free_slots", lambda **kw: stale)

    booking = book_pooled(FamilyFactory(), topic, service, start)

    assert booking.counsellor == a  # taken refused; a has waited longest of a, b
    assert Booking.objects.filter(counsellor=taken, start=start).count() == 1


@pytest.mark.django_db
def test_no_one_covering_the_topic_in_that_mode_is_refused_plainly(pinned):
    topic = TopicFactory(slug="crisis", name="心理危机干预")
    phone_only = CounsellorFactory(specialties=[topic], modes=[Mode.PHONE])
    service = SessionTypeFactory(counsellors=[phone_only])
    with pytest.raises(services.BookingError) as caught:
        book_pooled(FamilyFactory(), topic, service, local(DAY, 10))
    assert caught.value.code == "pool_empty"
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_refusal_for_the_family_stops_at_once_and_saves_nothing(pinned):
    topic, service, _people, _outsider = make_pool()
    family = FamilyFactory()
    with pytest.raises(services.BookingError) as caught:
        services.booking_create_pooled(
            family=family,
            topic=topic,
            session_type=service,
            start=local(DAY, 10),
            mode=Mode.IN_PERSON,
            consent=True,
            contact_phone="12",
        )
    assert caught.value.code == "phone_invalid"
    with pytest.raises(services.BookingError) as too_soon:
        book_pooled(family, topic, service, NOW + dt.timedelta(hours=2))
    assert too_soon.value.code == "too_soon"
    assert not Booking.objects.exists()
