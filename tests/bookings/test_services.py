"""Booking services: policy edges, cancellation, rescheduling, workshops, notes."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Site

from bookings import services
from bookings.models import (
    AvailabilityException,
    Booking,
    BookingPolicy,
    Mode,
    StationClosure,
    TimeOff,
    WaitlistEntry,
)
from bookings.services import BookingError
from tests.bookings.engine_setup import local, make_setup
from tests.factories import (
    BookingFactory,
    ChildFactory,
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def book(setup, start, **kwargs):
    params = {"family": setup.family, "counsellor": setup.counsellor,
              "session_type": setup.session_type, "start": start,
              "mode": Mode.IN_PERSON, "consent": True}
    params.update(kwargs)
    return services.booking_create(**params)


def refused(code_constant, func, **kwargs):
    with pytest.raises(BookingError) as exc:
        func(**kwargs)
    assert exc.value.message == code_constant
    return exc.value


def queued(kind):
    return [
        r.args_kwargs["args"][0]
        for r in DBTaskResult.objects.filter(task_path="bookings.tasks.send_booking_email")
        if r.args_kwargs["args"][1] == kind
    ]


@pytest.fixture
def setup():
    return make_setup()


# --- create ----------------------------------------------------------------------


def test_create_books_the_slot_with_end_buffer_and_queues_confirmation(
        setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(setup, setup.at(10), concern="睡眠不好")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start == setup.at(10)
    assert booking.end == setup.at(10, 50)
    assert booking.blocks_until == setup.at(11)
    assert booking.sequence == 0
    assert booking.calendar_uid.endswith("@weiai.example.cn")
    assert booking.is_urgent is False
    assert queued("confirmation") == [booking.pk]
    assert queued("urgent_alert") == []


def test_nothing_is_queued_when_the_booking_is_refused(setup,
                                                       django_capture_on_commit_callbacks):
    book(setup, setup.at(10))
    other = FamilyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        refused(services.SLOT_TAKEN, book, setup=setup, start=setup.at(10), family=other)
    assert Booking.objects.count() == 1


def test_consent_is_required(setup):
    refused(services.CONSENT_REQUIRED, book, setup=setup, start=setup.at(10), consent=False)


def test_naive_start_is_refused(setup):
    refused(services.NAIVE_TIME, book, setup=setup,
            start=setup.at(10).replace(tzinfo=None))


def test_start_inside_minimum_notice_is_too_soon(setup):
    soon = timezone.now() + dt.timedelta(hours=2)
    refused(services.TOO_SOON, book, setup=setup, start=soon)


def test_session_type_min_notice_override_applies(setup):
    setup.session_type.min_notice_hours = 24 * 10
    setup.session_type.save()
    refused(services.TOO_SOON, book, setup=setup, start=setup.at(10))


def test_start_past_the_horizon_is_too_far(setup):
    far = local(timezone.localdate() + dt.timedelta(days=60), 10)
    refused(services.TOO_FAR, book, setup=setup, start=far)


def test_site_policy_horizon_is_read_from_the_settings(setup):
    BookingPolicy.objects.create(site=Site.objects.get(is_default_site=True),
                                 horizon_days=3)
    refused(services.TOO_FAR, book, setup=setup, start=setup.at(10))


@pytest.mark.parametrize("hour,minute", [(7, 0), (16, 30), (10, 15)])
def test_outside_hours_or_off_the_grid_is_refused(setup, hour, minute):
    refused(services.OUTSIDE_AVAILABILITY, book, setup=setup, start=setup.at(hour, minute))


def test_extra_hours_on_a_date_can_be_booked(setup):
    AvailabilityException.objects.create(counsellor=setup.counsellor, date=setup.day,
                                         start_time=dt.time(19), end_time=dt.time(20))
    assert book(setup, setup.at(19)).start == setup.at(19)


def test_time_off_makes_the_time_unavailable(setup):
    TimeOff.objects.create(counsellor=setup.counsellor, start=setup.at(9),
                           end=setup.at(12))
    refused(services.OUTSIDE_AVAILABILITY, book, setup=setup, start=setup.at(10))


def test_station_closure_refuses_the_day(setup):
    StationClosure.objects.create(name="元旦", start_date=setup.day, end_date=setup.day)
    refused(services.STATION_CLOSED, book, setup=setup, start=setup.at(10))


def test_overlapping_session_of_another_length_is_taken_back_to_back_allowed(setup):
    book(setup, setup.at(10))  # holds 10:00–11:00 with its buffer
    longer = SessionTypeFactory(counsellors=[setup.counsellor], duration_minutes=90)
    other = FamilyFactory()
    refused(services.SLOT_TAKEN, book, setup=setup, family=other, session_type=longer,
            start=setup.at(9))  # 9:00–10:30 overlaps
    refused(services.SLOT_TAKEN, book, setup=setup, family=other, start=setup.at(10, 30))
    assert book(setup, setup.at(11), family=other).start == setup.at(11)
    assert book(setup, setup.at(8, 0) + dt.timedelta(hours=1), family=FamilyFactory(),
                session_type=SessionTypeFactory(counsellors=[setup.counsellor],
                                                duration_minutes=50,
                                                buffer_after_minutes=10)
                ).start == setup.at(9)


def test_workshop_led_by_the_counsellor_blocks_their_time(setup):
    GroupSessionFactory(counsellors=[setup.counsellor], start=setup.at(14),
                        end=setup.at(15, 30))
    refused(services.SLOT_TAKEN, book, setup=setup, start=setup.at(15))


def test_family_limit_of_active_bookings(setup):
    BookingPolicy.objects.create(site=Site.objects.get(is_default_site=True),
                                 max_active_bookings=2)
    book(setup, setup.at(9))
    book(setup, setup.at(11))
    refused(services.LIMIT_REACHED, book, setup=setup, start=setup.at(13))


def test_counsellor_must_offer_the_service_and_mode(setup):
    other_type = SessionTypeFactory()
    refused(services.SERVICE_UNAVAILABLE, book, setup=setup, session_type=other_type,
            start=setup.at(10))
    refused(services.MODE_UNAVAILABLE, book, setup=setup, mode=Mode.PHONE,
            start=setup.at(10))
    setup.counsellor.is_active = False
    setup.counsellor.save()
    refused(services.SERVICE_UNAVAILABLE, book, setup=setup, start=setup.at(10))


def test_child_must_belong_to_the_family(setup):
    stranger_child = ChildFactory()
    refused(services.CHILD_INVALID, book, setup=setup, child=stranger_child,
            start=setup.at(10))
    own = ChildFactory(family=setup.family.family_profile)
    assert book(setup, setup.at(10), child=own).child == own


def test_urgent_answers_flag_the_booking_and_alert_but_still_book(
        setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(setup, setup.at(10), risk_answers={"child_wish_dead": "unsure"},
                       contact_phone="+8613912345678")
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.is_urgent is True
    assert booking.intake_answers == {"screen": 2, "risk": {"child_wish_dead": "unsure"}}
    assert queued("urgent_alert") == [booking.pk]


def test_unknown_risk_questions_are_refused_not_dropped(setup):
    with pytest.raises(services.BookingError) as refused:
        book(setup, setup.at(10), risk_answers={"child_wish_dead": "no", "unknown": True})
    assert refused.value.msgid == services.RISK_UNKNOWN_QUESTION
    assert Booking.objects.count() == 0


# --- cancel ----------------------------------------------------------------------


def test_cancel_frees_the_slot_and_queues_the_cancellation(
        setup, django_capture_on_commit_callbacks):
    booking = book(setup, setup.at(10))
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.booking_cancel(booking=booking, by_user=setup.family,
                                            reason="孩子生病")
    assert cancelled.status == Booking.Status.CANCELLED
    assert cancelled.cancel_reason == "孩子生病"
    assert cancelled.sequence == 1
    assert cancelled.cancelled_at is not None
    assert queued("cancellation") == [booking.pk]
    assert book(setup, setup.at(10), family=FamilyFactory()).start == setup.at(10)


def test_family_cancel_inside_the_cutoff_is_late(setup):
    booking = BookingFactory(family=setup.family, counsellor=setup.counsellor,
                             session_type=setup.session_type,
                             start=timezone.now() + dt.timedelta(hours=5))
    cancelled = services.booking_cancel(booking=booking, by_user=setup.family)
    assert cancelled.status == Booking.Status.LATE_CANCELLED
    assert cancelled.is_late_change is True


def test_counsellor_cancel_inside_the_cutoff_is_not_the_familys_late_cancel(setup):
    booking = BookingFactory(family=setup.family, counsellor=setup.counsellor,
                             session_type=setup.session_type,
                             start=timezone.now() + dt.timedelta(hours=5))
    cancelled = services.booking_cancel(booking=booking, by_user=setup.counsellor.user)
    assert cancelled.status == Booking.Status.CANCELLED


def test_others_cannot_cancel_and_a_cancelled_booking_cannot_be_cancelled_again(setup):
    booking = book(setup, setup.at(10))
    refused(services.NOT_ALLOWED, services.booking_cancel, booking=booking,
            by_user=FamilyFactory())
    refused(services.NOT_ALLOWED, services.booking_cancel, booking=booking,
            by_user=CounsellorFactory().user)
    services.booking_cancel(booking=booking, by_user=CoordinatorFactory())
    refused(services.NOT_CANCELLABLE, services.booking_cancel, booking=booking,
            by_user=setup.family)


def test_past_booking_cannot_be_cancelled(setup):
    booking = BookingFactory(family=setup.family, counsellor=setup.counsellor,
                             start=timezone.now() - dt.timedelta(hours=1))
    refused(services.NOT_CANCELLABLE, services.booking_cancel, booking=booking,
            by_user=setup.family)


# --- reschedule ------------------------------------------------------------------


def test_reschedule_keeps_uid_raises_sequence_and_queues_change(
        setup, django_capture_on_commit_callbacks):
    booking = book(setup, setup.at(10))
    uid = booking.calendar_uid
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.booking_reschedule(booking=booking, new_start=setup.at(14),
                                            by_user=setup.family)
    moved.refresh_from_db()
    assert (moved.calendar_uid, moved.sequence) == (uid, 1)
    assert (moved.start, moved.end, moved.blocks_until) == (
        setup.at(14), setup.at(14, 50), setup.at(15))
    assert moved.is_late_change is False
    assert queued("change") == [booking.pk]
    # The old time is free again.
    assert book(setup, setup.at(10), family=FamilyFactory()).start == setup.at(10)


def test_reschedule_may_overlap_its_own_old_time(setup):
    booking = book(setup, setup.at(10))
    moved = services.booking_reschedule(booking=booking, new_start=setup.at(10, 30),
                                        by_user=setup.family)
    assert moved.start == setup.at(10, 30)


def test_reschedule_onto_a_taken_slot_changes_nothing(setup):
    booking = book(setup, setup.at(10))
    book(setup, setup.at(14), family=FamilyFactory())
    refused(services.SLOT_TAKEN, services.booking_reschedule, booking=booking,
            new_start=setup.at(14, 30), by_user=setup.family)
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (setup.at(10), 0)


def test_family_reschedule_inside_the_cutoff_is_a_late_change(setup):
    booking = BookingFactory(family=setup.family, counsellor=setup.counsellor,
                             session_type=setup.session_type,
                             start=timezone.now() + dt.timedelta(hours=5))
    moved = services.booking_reschedule(booking=booking, new_start=setup.at(10),
                                        by_user=setup.family)
    assert moved.is_late_change is True
    assert moved.status == Booking.Status.CONFIRMED


def test_reschedule_by_a_stranger_is_refused(setup):
    booking = book(setup, setup.at(10))
    refused(services.NOT_ALLOWED, services.booking_reschedule, booking=booking,
            new_start=setup.at(14), by_user=FamilyFactory())


# --- attendance and notes ----------------------------------------------------------


def test_attendance_only_after_start_and_only_by_staff(setup):
    future = book(setup, setup.at(10))
    refused(services.NOT_STARTED, services.booking_mark_attendance, booking=future,
            by_user=setup.counsellor.user, attended=True)
    past = BookingFactory(family=setup.family, counsellor=setup.counsellor,
                          start=timezone.now() - dt.timedelta(hours=2))
    refused(services.NOT_ALLOWED, services.booking_mark_attendance, booking=past,
            by_user=setup.family, attended=True)
    marked = services.booking_mark_attendance(booking=past, by_user=setup.counsellor.user,
                                              attended=False)
    assert marked.status == Booking.Status.NO_SHOW
    marked = services.booking_mark_attendance(booking=past, by_user=CoordinatorFactory(),
                                              attended=True)
    assert marked.status == Booking.Status.ATTENDED


def test_notes_by_the_counsellor_not_by_family_nor_empty(setup):
    booking = book(setup, setup.at(10))
    note = services.note_add(booking=booking, author=setup.counsellor.user,
                             body="  第一次见面，孩子愿意交流。 ")
    assert note.body == "第一次见面，孩子愿意交流。"
    refused(services.NOT_ALLOWED, services.note_add, booking=booking,
            author=setup.family, body="x")
    refused(services.NOTE_EMPTY, services.note_add, booking=booking,
            author=setup.counsellor.user, body="   ")


# --- workshops -------------------------------------------------------------------


@pytest.fixture
def workshop():
    return GroupSessionFactory(capacity=2,
                               start=timezone.now() + dt.timedelta(days=6),
                               end=timezone.now() + dt.timedelta(days=6, minutes=90))


def test_join_takes_a_seat_then_waitlist_when_full(workshop,
                                                   django_capture_on_commit_callbacks):
    families = [FamilyFactory() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        results = [services.workshop_join(family=f, group_session=workshop)
                   for f in families]
    assert [type(r).__name__ for r in results] == ["Booking", "Booking", "WaitlistEntry",
                                                   "WaitlistEntry"]
    seat = results[0]
    assert (seat.group_session, seat.start, seat.end, seat.session_type) == (
        workshop, workshop.start, workshop.end, workshop.session_type)
    assert sorted(queued("confirmation")) == sorted([results[0].pk, results[1].pk])
    refused(services.ALREADY_JOINED, services.workshop_join, family=families[0],
            group_session=workshop)
    refused(services.ALREADY_JOINED, services.workshop_join, family=families[2],
            group_session=workshop)


def test_a_freed_seat_goes_to_the_first_family_waiting(workshop,
                                                       django_capture_on_commit_callbacks):
    first, second, third, fourth = (FamilyFactory() for _ in range(4))
    for family in (first, second, third, fourth):
        services.workshop_join(family=family, group_session=workshop)
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_leave(family=first, group_session=workshop)
    seats = Booking.objects.filter(group_session=workshop,
                                   status__in=Booking.ACTIVE_STATUSES)
    assert sorted(seats.values_list("family_id", flat=True)) == sorted([second.pk, third.pk])
    entry = WaitlistEntry.objects.get(family=third)
    assert entry.promoted_at is not None
    promoted = seats.get(family=third)
    assert queued("waitlist_promotion") == [promoted.pk]
    assert WaitlistEntry.objects.get(family=fourth).promoted_at is None


def test_leaving_the_waitlist(workshop):
    a, b, c = (FamilyFactory() for _ in range(3))
    for family in (a, b, c):
        services.workshop_join(family=family, group_session=workshop)
    services.workshop_leave(family=c, group_session=workshop)
    assert WaitlistEntry.objects.get(family=c).left_at is not None
    refused(services.NOT_ON_WAITLIST, services.workshop_leave, family=c,
            group_session=workshop)
    # Nobody waiting: a freed seat stays free.
    services.workshop_leave(family=a, group_session=workshop)
    assert Booking.objects.filter(group_session=workshop,
                                  status=Booking.Status.CONFIRMED).count() == 1


def test_waitlist_leave_by_someone_else_is_refused(workshop):
    for _ in range(2):
        services.workshop_join(family=FamilyFactory(), group_session=workshop)
    family = FamilyFactory()
    entry = services.workshop_join(family=family, group_session=workshop)
    refused(services.NOT_ALLOWED, services.waitlist_leave, entry=entry,
            by_user=FamilyFactory())
    services.waitlist_leave(entry=entry, by_user=family)
    refused(services.NOT_ON_WAITLIST, services.waitlist_leave, entry=entry, by_user=family)


def test_a_workshop_seat_cannot_be_rescheduled(workshop):
    family = FamilyFactory()
    seat = services.workshop_join(family=family, group_session=workshop)
    refused(services.WORKSHOP_NO_RESCHEDULE, services.booking_reschedule, booking=seat,
            new_start=workshop.start + dt.timedelta(days=1), by_user=family)


def test_past_or_cancelled_workshop_cannot_be_joined(workshop):
    workshop.status = workshop.Status.CANCELLED
    workshop.save()
    refused(services.WORKSHOP_CLOSED, services.workshop_join, family=FamilyFactory(),
            group_session=workshop)


# --- local times -------------------------------------------------------------------


def test_aware_from_local_refuses_dst_gap_with_the_message():
    err = refused(services.TIME_NONEXISTENT, services.aware_from_local,
                  local=dt.datetime(2026, 3, 29, 1, 30), zone="Europe/London")
    assert err.code == "time_nonexistent"
    refused(services.TIME_AMBIGUOUS, services.aware_from_local,
            local=dt.datetime(2026, 10, 25, 1, 30), zone="Europe/London")
    refused(services.TIMEZONE_INVALID, services.aware_from_local,
            local=dt.datetime(2026, 10, 25, 1, 30), zone="Nowhere/Else")
    value = services.aware_from_local(local=dt.datetime(2026, 7, 1, 9),
                                      zone="Europe/London")
    assert value == dt.datetime(2026, 7, 1, 16, tzinfo=local(dt.date(2026, 7, 1), 0).tzinfo)


def test_booking_error_carries_a_code():
    err = BookingError(services.SLOT_TAKEN)
    assert err.code == "slot_taken"
    assert err.message == "这个时间刚刚被预约了，请选择其他时间。"


# --- property: whatever families try, active bookings never overlap ------------------

attempts = st.lists(
    st.tuples(
        st.sampled_from(["create", "create", "create", "cancel", "reschedule"]),
        st.integers(0, 1),              # which session type (50 or 90 minutes)
        st.integers(8 * 4, 18 * 4),     # quarter hour of the day (08:00–18:00)
        st.integers(0, 5),              # which earlier booking to cancel / move
    ),
    min_size=1, max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=attempts)
def test_no_sequence_of_actions_makes_active_bookings_overlap(steps):
    with transaction.atomic():
        setup = make_setup()
        types = [setup.session_type,
                 SessionTypeFactory(counsellors=[setup.counsellor], duration_minutes=90,
                                    buffer_after_minutes=15)]
        made = []
        for action, type_index, quarter, pick in steps:
            start = setup.at(quarter // 4, (quarter % 4) * 15)
            try:
                if action == "create":
                    made.append(services.booking_create(
                        family=FamilyFactory(), counsellor=setup.counsellor,
                        session_type=types[type_index], start=start, mode=Mode.IN_PERSON,
                        consent=True))
                elif made:
                    booking = made[pick % len(made)]
                    if action == "cancel":
                        services.booking_cancel(booking=booking, by_user=booking.family)
                    else:
                        services.booking_reschedule(booking=booking, new_start=start,
                                                    by_user=booking.family)
            except BookingError:
                pass
        active = list(Booking.objects.filter(counsellor=setup.counsellor,
                                             status__in=Booking.ACTIVE_STATUSES)
                      .order_by("start"))
        for earlier, later in zip(active, active[1:], strict=False):
            assert earlier.blocks_until <= later.start, (earlier, later)
        for booking in active:
            assert setup.at(9) <= booking.start and booking.end <= setup.at(17)
            assert booking.start.minute % 30 == 0
        transaction.set_rollback(True)
