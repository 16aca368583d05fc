"""Every read of intake answers, notes or an export leaves an access-log row;
the places that show bookings without logging show no intake at all."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import SessionNote
from portal.models import AccessLog
from tests.factories import (
    BookingFactory,
    CoordinatorFactory,
    CounsellorFactory,
    UserFactory,
)
from tests.trust.conftest import with_totp

pytestmark = pytest.mark.django_db

INTAKE_MARKER = "Intake-Log-Marker-77"
NOTE_MARKER = "Note-Log-Marker-77"


@pytest.fixture
def booking(site_shell):
    counsellor = CounsellorFactory()
    with_totp(counsellor.user)
    booking = BookingFactory(counsellor=counsellor, concern=INTAKE_MARKER,
                             intake_answers={"risk": {"unsafe_now": False}})
    SessionNote.objects.create(booking=booking, author=counsellor.user, body=NOTE_MARKER)
    return booking


def _entries():
    return sorted((a.actor_id, a.action, a.subject_user_id, a.object_id)
                  for a in AccessLog.objects.all())


@pytest.mark.parametrize("who", ["counsellor", "coordinator"])
def test_staff_reading_a_booking_is_logged_once_per_kind(booking, who):
    viewer = booking.counsellor.user if who == "counsellor" else with_totp(
        CoordinatorFactory())
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(viewer)
    response = client.get(reverse("bookings:detail", args=[booking.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert INTAKE_MARKER in html and NOTE_MARKER in html
    assert _entries() == sorted([
        (viewer.pk, "view_intake", booking.family_id, str(booking.pk)),
        (viewer.pk, "view_notes", booking.family_id, str(booking.pk)),
    ])
    assert set(AccessLog.objects.values_list("ip_address", flat=True)) == {"10.1.2.3"}


def test_a_family_reading_its_own_booking_sees_no_notes(booking, client):
    client.force_login(booking.family)
    html = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert NOTE_MARKER not in html


def test_django_admin_shows_no_intake_so_needs_no_log(booking, client):
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    for url in ("/django-admin/bookings/booking/",
                f"/django-admin/bookings/booking/{booking.pk}/change/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert INTAKE_MARKER not in html and NOTE_MARKER not in html
    assert AccessLog.objects.count() == 0


def test_coordinator_lists_and_reports_show_no_intake(booking, client):
    client.force_login(with_totp(CoordinatorFactory()))
    for name in ("bookings:coordinator_bookings", "bookings:coordinator_urgent",
                 "bookings:coordinator_reports"):
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.OK, name
        assert INTAKE_MARKER not in response.content.decode()
        assert NOTE_MARKER not in response.content.decode()
