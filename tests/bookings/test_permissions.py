"""Who sees and works on which bookings, and what counts as a workshop seat
(`bookings.permissions`), and the domain error services raise for "not yours"."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from bookings.models import Booking, GroupSession
from bookings.permissions import is_staff_for, seats_taken
from portal import tokens
from portal.errors import NotFound
from portal.models import ApiToken
from tests.factories import (
    BookingFactory,
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _seat(workshop, *, status=Booking.Status.CONFIRMED, family=None):
    return BookingFactory(
        family=family or FamilyFactory(), group_session=workshop,
        counsellor=workshop.counsellors.order_by("pk").first(),
        session_type=workshop.session_type, start=workshop.start, end=workshop.end,
        blocks_until=workshop.end, status=status,
    )


@pytest.fixture
def world():
    """Two counsellors' bookings, and a workshop led by both a third and the first."""
    first, second, leader = CounsellorFactory(), CounsellorFactory(), CounsellorFactory()
    own = BookingFactory(counsellor=first)
    other = BookingFactory(counsellor=second)
    workshop = GroupSessionFactory(counsellors=[leader, first])
    seat = _seat(workshop)
    return {"first": first, "second": second, "leader": leader, "own": own,
            "other": other, "seat": seat, "workshop": workshop}


def test_a_family_sees_only_its_own_bookings(world):
    family = world["own"].family
    assert list(Booking.objects.visible_to(family)) == [world["own"]]
    assert not Booking.objects.staffed_by(family).exists()
    assert not is_staff_for(family, world["own"])


def test_a_counsellor_sees_and_works_on_only_the_bookings_they_staff(world):
    first = world["first"].user
    # Their own session and the seat of a workshop they co-lead, once each.
    assert set(Booking.objects.staffed_by(first)) == {world["own"], world["seat"]}
    assert Booking.objects.staffed_by(first).count() == 2
    assert set(Booking.objects.visible_to(first)) == {world["own"], world["seat"]}
    assert set(Booking.objects.worked_on_by(first)) == {world["own"], world["seat"]}
    assert is_staff_for(first, world["seat"])
    assert not is_staff_for(first, world["other"])
    assert list(Booking.objects.staffed_by(world["leader"].user)) == [world["seat"]]


def test_a_counsellors_own_family_booking_is_visible_but_not_staffed(world):
    first = world["first"].user
    as_parent = BookingFactory(family=first, counsellor=world["second"],
                               start=world["other"].start + dt.timedelta(hours=2))
    assert as_parent in Booking.objects.visible_to(first)
    assert as_parent not in Booking.objects.staffed_by(first)
    assert not is_staff_for(first, as_parent)


def test_a_coordinator_sees_and_works_on_every_booking(world):
    coordinator = CoordinatorFactory()
    everything = {world["own"], world["other"], world["seat"]}
    assert set(Booking.objects.visible_to(coordinator)) == everything
    assert set(Booking.objects.worked_on_by(coordinator)) == everything
    assert not Booking.objects.staffed_by(coordinator).exists()
    assert is_staff_for(coordinator, world["other"])


def test_nobody_signed_out_sees_any_booking(world):
    anonymous = AnonymousUser()
    assert not Booking.objects.visible_to(anonymous).exists()
    assert not Booking.objects.staffed_by(anonymous).exists()
    assert not Booking.objects.worked_on_by(anonymous).exists()


def test_seats_taken_counts_only_live_seats():
    workshop = GroupSessionFactory(capacity=10)
    for status in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED,
                   Booking.Status.NO_SHOW, Booking.Status.CANCELLED,
                   Booking.Status.LATE_CANCELLED):
        _seat(workshop, status=status)
    empty = GroupSessionFactory()
    found = {w.pk: w.seats_taken for w in GroupSession.objects.with_seats_taken()}
    assert found == {workshop.pk: 3, empty.pk: 0}
    assert seats_taken(workshop) == 3
    assert seats_taken(empty) == 0
    assert workshop.seats.live().count() == 3


def test_revoking_someone_elses_token_raises_the_domain_error_not_http404():
    token, _secret = ApiToken.issue(user=FamilyFactory(), name="phone")
    with pytest.raises(NotFound) as raised:
        tokens.api_token_revoke(user=FamilyFactory(), token_id=token.pk)
    assert not isinstance(raised.value, Http404)
    with pytest.raises(NotFound):
        tokens.api_token_revoke(user=token.user, token_id=token.pk + 1000)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_refused_token_raises_a_token_error_with_its_message():
    with pytest.raises(tokens.TokenError) as raised:
        tokens.api_token_create(user=FamilyFactory(), name="  ")
    assert raised.value.message == tokens.TOKEN_NAME_REQUIRED
    assert raised.value.code == "token_name_required"
