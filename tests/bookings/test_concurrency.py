"""Double booking is impossible under real concurrency (PostgreSQL).

Real threads, each with its own database connection, are released together by
a Barrier at one slot (or one last workshop seat). Exactly one wins; every
other caller gets the clean "just taken" answer; no exception escapes.
"""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Mode, WaitlistEntry
from tests.bookings.engine_setup import counsellor_with_hours, make_setup
from tests.factories import FamilyFactory, GroupSessionFactory, SessionTypeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 10


def run_together(calls):
    """Run each callable in its own thread, all released at once by a Barrier.

    Returns ``("ok", value)`` / ``("refused", message)`` / ``("crashed", repr)``.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
        except services.BookingError as exc:
            results[index] = ("refused", exc.message)
        except Exception as exc:  # noqa: BLE001 - the test reports any escape
            results[index] = ("crashed", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_ten_families_one_slot_exactly_one_booking():
    setup = make_setup()
    families = [FamilyFactory() for _ in range(THREADS)]
    start = setup.at(10)

    def call_for(family):
        return lambda: services.booking_create(
            family=family, counsellor=setup.counsellor, session_type=setup.session_type,
            start=start, mode=Mode.IN_PERSON, consent=True).pk

    results = run_together([call_for(f) for f in families])
    kinds = sorted(r[0] for r in results)
    assert kinds == ["ok"] + ["refused"] * (THREADS - 1), results
    assert {r[1] for r in results if r[0] == "refused"} == {services.SLOT_TAKEN}
    assert Booking.objects.filter(counsellor=setup.counsellor,
                                  status=Booking.Status.CONFIRMED).count() == 1


def test_overlapping_sessions_of_different_lengths_one_wins():
    setup = make_setup()
    long_type = SessionTypeFactory(counsellors=[setup.counsellor], duration_minutes=90)
    families = [FamilyFactory() for _ in range(THREADS)]

    def call_for(index, family):
        # Half ask for 10:00 (50 min), half for 09:30 (90 min): all overlap.
        session_type, start = ((setup.session_type, setup.at(10)) if index % 2
                               else (long_type, setup.at(9, 30)))
        return lambda: services.booking_create(
            family=family, counsellor=setup.counsellor, session_type=session_type,
            start=start, mode=Mode.IN_PERSON, consent=True).pk

    results = run_together([call_for(i, f) for i, f in enumerate(families)])
    assert sorted(r[0] for r in results) == ["ok"] + ["refused"] * (THREADS - 1), results
    assert {r[1] for r in results if r[0] == "refused"} == {services.SLOT_TAKEN}
    assert Booking.objects.filter(counsellor=setup.counsellor).count() == 1


def test_ten_families_last_workshop_seat_one_seat_rest_waitlisted():
    workshop = GroupSessionFactory(capacity=1,
                                   start=timezone.now() + dt.timedelta(days=4),
                                   end=timezone.now() + dt.timedelta(days=4, minutes=90))
    families = [FamilyFactory() for _ in range(THREADS)]

    def call_for(family):
        return lambda: type(services.workshop_join(family=family,
                                                   group_session=workshop)).__name__

    results = run_together([call_for(f) for f in families])
    assert sorted(r[1] for r in results) == ["Booking"] + ["WaitlistEntry"] * (
        THREADS - 1), results
    assert Booking.objects.filter(group_session=workshop).count() == 1
    assert WaitlistEntry.objects.filter(group_session=workshop).count() == THREADS - 1


def test_ten_reschedules_onto_one_slot_one_wins():
    setup = make_setup()
    bookings = [
        services.booking_create(family=FamilyFactory(), counsellor=setup.counsellor,
                                session_type=setup.session_type, start=setup.at(9 + i),
                                mode=Mode.IN_PERSON, consent=True)
        for i in range(6)
    ]
    target = setup.at(16)

    def call_for(booking):
        return lambda: services.booking_reschedule(booking=booking, new_start=target,
                                                   by_user=booking.family).pk

    results = run_together([call_for(b) for b in bookings])
    assert sorted(r[0] for r in results) == ["ok"] + ["refused"] * 5, results
    assert Booking.objects.filter(start=target).count() == 1


def test_the_database_constraint_refuses_an_overlap_even_without_the_service():
    setup = make_setup()
    services.booking_create(family=setup.family, counsellor=setup.counsellor,
                            session_type=setup.session_type, start=setup.at(10),
                            mode=Mode.IN_PERSON, consent=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            family=FamilyFactory(), counsellor=setup.counsellor,
            session_type=setup.session_type, start=setup.at(10, 40), end=setup.at(11, 30),
            blocks_until=setup.at(11, 40))
    # Back to back is fine, and a cancelled booking holds nothing.
    Booking.objects.create(
        family=FamilyFactory(), counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(11), end=setup.at(11, 50), blocks_until=setup.at(12))
    Booking.objects.create(
        family=FamilyFactory(), counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(10), end=setup.at(10, 50), blocks_until=setup.at(11),
        status=Booking.Status.CANCELLED)


def test_concurrent_bookings_of_different_slots_succeed_and_the_family_limit_holds():
    setup = make_setup()
    others = [counsellor_with_hours() for _ in range(3)]
    for counsellor in others:
        setup.session_type.counsellors.add(counsellor)
    one_family = FamilyFactory()
    calls = []
    # Five families on five separate hours of one counsellor (all succeed), and
    # one family booking four counsellors at once, each at another hour (one
    # family is never in two sessions at one time): the policy default allows
    # three active bookings, and the family row lock makes that exact.
    for hour in range(5):
        family = FamilyFactory()
        calls.append(lambda family=family, hour=hour: services.booking_create(
            family=family, counsellor=setup.counsellor, session_type=setup.session_type,
            start=setup.at(10 + hour), mode=Mode.IN_PERSON, consent=True).pk)
    for counsellor, hour in zip([*others, setup.counsellor], (9, 11, 16, 15),
                                strict=True):
        calls.append(lambda counsellor=counsellor, hour=hour: services.booking_create(
            family=one_family, counsellor=counsellor, session_type=setup.session_type,
            start=setup.at(hour), mode=Mode.IN_PERSON, consent=True).pk)
    results = run_together(calls)
    assert [r[0] for r in results[:5]] == ["ok"] * 5, results
    assert sorted(r[0] for r in results[5:]) == ["ok", "ok", "ok", "refused"], results
    assert [r[1] for r in results[5:] if r[0] == "refused"] == [services.LIMIT_REACHED]
    assert Booking.objects.filter(family=one_family).count() == 3
