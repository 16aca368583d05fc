"""Reads: results and query counts that do not grow with the data."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings import selectors
from bookings.models import Booking, Mode
from portal.errors import NotFound
from portal.middleware import StaffVerificationRequired
from tests.bookings.engine_setup import counsellor_with_hours, local, make_setup
from tests.factories import (
    BookingFactory,
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
    TopicFactory,
)
from tests.trust.conftest import with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def add_history(counsellor, session_type, count):
    """`count` past bookings (weeks ago) that slot search must not read."""
    start = local(timezone.localdate() - dt.timedelta(days=400), 9)
    Booking.objects.bulk_create([
        Booking(counsellor=counsellor, session_type=session_type, family=None,
                start=start + dt.timedelta(hours=i), end=start + dt.timedelta(hours=i,
                                                                            minutes=50),
                blocks_until=start + dt.timedelta(hours=i, minutes=60),
                calendar_uid=f"h{i}-{counsellor.pk}@test")
        for i in range(count)
    ])


@pytest.mark.parametrize("history", [0, 300])
def test_slot_search_cost_does_not_grow_with_bookings_ever_made(
        history, django_assert_num_queries):
    setup = make_setup()
    add_history(setup.counsellor, setup.session_type, history)
    BookingFactory(counsellor=setup.counsellor, session_type=setup.session_type,
                   start=setup.at(10))
    with django_assert_num_queries(7):
        slots = selectors.free_slots(counsellor=setup.counsellor,
                                     session_type=setup.session_type,
                                     start_date=setup.day, end_date=setup.day)
    assert setup.at(10) not in {s.start for s in slots}
    assert setup.at(9) in {s.start for s in slots}


@pytest.mark.parametrize("counsellors", [1, 6])
def test_slot_search_for_many_counsellors_is_a_fixed_number_of_queries(
        counsellors, django_assert_num_queries):
    session_type = SessionTypeFactory()
    people = [counsellor_with_hours() for _ in range(counsellors)]
    session_type.counsellors.set(people)
    day = timezone.localdate() + dt.timedelta(days=3)
    with django_assert_num_queries(7):
        result = selectors.free_slots_for_counsellors(
            counsellors=people, session_type=session_type, start_date=day,
            end_date=day + dt.timedelta(days=13))
    assert set(result) == {c.pk for c in people}
    assert all(len(slots) == 14 * 15 for slots in result.values())


def test_counsellors_for_filters_by_topic_language_and_mode(django_assert_num_queries):
    autism = TopicFactory(slug="autism", name="自闭症咨询与科普")
    family = TopicFactory(slug="family-relationships", name="家庭关系调适")
    a = CounsellorFactory(specialties=[autism], languages=["zh-hans", "en"],
                          modes=[Mode.ONLINE])
    b = CounsellorFactory(specialties=[autism, family], languages=["zh-hans"],
                          modes=[Mode.IN_PERSON])
    CounsellorFactory(specialties=[autism], is_active=False)
    assert list(selectors.counsellors_for(topic=autism)) == sorted(
        [a, b], key=lambda c: (c.display_name, c.pk))
    assert list(selectors.counsellors_for(topic="family-relationships")) == [b]
    assert list(selectors.counsellors_for(topic=autism, language="en")) == [a]
    assert list(selectors.counsellors_for(mode=Mode.IN_PERSON)) == [b]
    with django_assert_num_queries(3):
        found = list(selectors.counsellors_for(topic=autism, language="zh-hans"))
        assert [t.slug for t in found[0].specialties.all()]


@pytest.mark.parametrize("workshops", [1, 8])
def test_upcoming_workshops_annotates_seats_in_fixed_queries(
        workshops, django_assert_num_queries):
    sessions = [GroupSessionFactory(capacity=3) for _ in range(workshops)]
    for session in sessions:
        BookingFactory(group_session=session, counsellor=session.counsellors.first(),
                       session_type=session.session_type, start=session.start,
                       end=session.end, blocks_until=session.end)
    GroupSessionFactory(start=timezone.now() - dt.timedelta(days=1),
                        end=timezone.now() - dt.timedelta(hours=22))
    with django_assert_num_queries(2):
        found = list(selectors.upcoming_workshops())
        assert all(len(w.counsellors.all()) == 1 for w in found)
    assert len(found) == workshops
    assert {w.seats_taken for w in found} == {1}
    assert {w.waiting for w in found} == {None}
    assert len(list(selectors.upcoming_workshops(limit=1))) == 1


def test_booking_for_viewer_owner_counsellor_coordinator_else_404():
    booking = BookingFactory()
    counsellor, coordinator = booking.counsellor.user, CoordinatorFactory()
    # Staff reach a booking only past the one staff MFA gate (issue 10, hole 7).
    for staff in (counsellor, coordinator):
        with pytest.raises(StaffVerificationRequired):
            selectors.booking_for_viewer(user=staff, pk=booking.pk)
        with_totp(staff)
    assert selectors.booking_for_viewer(user=booking.family, pk=booking.pk) == booking
    assert selectors.booking_for_viewer(user=counsellor, pk=booking.pk) == booking
    assert selectors.booking_for_viewer(user=coordinator, pk=booking.pk) == booking
    for stranger in (FamilyFactory(), with_totp(CounsellorFactory().user)):
        with pytest.raises(NotFound):
            selectors.booking_for_viewer(user=stranger, pk=booking.pk)
    with pytest.raises(NotFound):
        selectors.booking_for_viewer(user=booking.family, pk="abc")


def test_counsellor_week_groups_bookings_workshops_and_free_slots():
    setup = make_setup()
    booking = BookingFactory(counsellor=setup.counsellor, session_type=setup.session_type,
                             start=setup.at(10))
    workshop = GroupSessionFactory(counsellors=[setup.counsellor], start=setup.at(14),
                                   end=setup.at(15, 30))
    week = selectors.counsellor_week(counsellor=setup.counsellor, week_start=setup.day)
    assert week["week_start"].weekday() == 0
    assert len(week["days"]) == 7
    day = next(d for d in week["days"] if d["date"] == setup.day)
    assert day["bookings"] == [booking]
    assert day["workshops"] == [workshop]
    free = {s.start for s in day["free"]}
    assert setup.at(9) in free and setup.at(10) not in free and setup.at(14) not in free
    assert week["session_type"] == setup.session_type


def test_family_bookings_only_the_users():
    mine = BookingFactory()
    BookingFactory()
    assert list(selectors.family_bookings(user=mine.family)) == [mine]
