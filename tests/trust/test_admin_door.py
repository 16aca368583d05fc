"""The Django admin is no second door (issue 10, hole 2).

Only active superusers (with TOTP, like all staff) reach /django-admin/; there,
bookings and waitlist entries are read-only, so every change of a booking goes
through bookings/services.py. Images and documents are managed in Wagtail,
whose upload limits apply; the Django admin offers no upload of its own.
"""

import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from bookings.models import Booking
from portal.models import AccessLog, User
from tests.factories import PASSWORD, BookingFactory, CoordinatorFactory, EditorFactory
from tests.trust.conftest import with_totp

pytestmark = pytest.mark.django_db

CANCEL_BY_ADMIN = {"topic": "", "mode": "in_person", "status": "cancelled",
                   "is_urgent": "", "is_late_change": "", "cancel_reason": "admin"}


def _change_url(booking) -> str:
    return f"/django-admin/bookings/booking/{booking.pk}/change/"


def _superuser():
    return with_totp(User.objects.create_superuser("root@example.cn", PASSWORD))


def _refused(response) -> bool:
    return response.status_code == HTTPStatus.FORBIDDEN or (
        response.status_code == HTTPStatus.FOUND
        and "/login/" in response["Location"])


def test_coordinator_with_totp_cannot_use_the_django_admin(client):
    booking = BookingFactory()
    client.force_login(with_totp(CoordinatorFactory()))
    assert _refused(client.get("/django-admin/"))
    assert _refused(client.get(_change_url(booking)))
    response = client.post(_change_url(booking), CANCEL_BY_ADMIN)
    assert _refused(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.sequence == 0
    assert booking.cancelled_at is None


def test_superuser_sees_bookings_but_cannot_change_them(client):
    booking = BookingFactory()
    client.force_login(_superuser())
    page = client.get(_change_url(booking))
    assert page.status_code == HTTPStatus.OK
    assert 'name="status"' not in page.content.decode()  # shown, not editable
    assert "no-store" in page["Cache-Control"]
    response = client.post(_change_url(booking), CANCEL_BY_ADMIN)
    assert response.status_code == HTTPStatus.FORBIDDEN
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.sequence == 0
    assert booking.cancelled_at is None
    # No bulk delete either: the action list offers nothing that writes.
    listing = client.get("/django-admin/bookings/booking/")
    assert listing.status_code == HTTPStatus.OK
    assert "delete_selected" not in listing.content.decode()
    assert client.post(f"/django-admin/bookings/booking/{booking.pk}/delete/",
                       {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert AccessLog.objects.count() == 0


def _png_48_megapixels() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("1", (8000, 6000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("make_user", [
    _superuser, lambda: with_totp(EditorFactory(is_superuser=True))])
def test_no_image_upload_past_the_limits_through_the_django_admin(client, make_user):
    from wagtail.models import Collection

    client.force_login(make_user())
    data = _png_48_megapixels()
    assert len(data) < 5 * 1024 * 1024  # small file: only the pixel limit can stop it
    response = client.post("/django-admin/wagtailimages/image/add/", {
        "title": "bomb", "collection": Collection.get_first_root_node().pk,
        "file": SimpleUploadedFile("bomb.png", data, content_type="image/png"),
        "focal_point_x": "", "focal_point_y": "", "focal_point_width": "",
        "focal_point_height": "", "tags": "",
    })
    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN,
                                    HTTPStatus.OK)
    assert get_image_model().objects.count() == 0
