"""The /api/v1/ contract: auth (tokens, session + CSRF), status codes, shapes."""

import datetime as dt
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Mode
from portal import tokens
from portal.models import ApiToken
from tests.bookings.engine_setup import make_setup
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupSessionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def setup():
    return make_setup()


def bearer(user):
    _token, secret = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def family_api(setup):
    client = Client()
    auth = bearer(setup.family)

    class Api:
        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, **auth)

        def post(self, path, body=None):
            return client.post(f"/api/v1{path}", body or {}, content_type="application/json",
                               **auth)

    return Api()


def booking_body(setup, **overrides):
    body = {"counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
            "start": setup.at(10).isoformat(), "mode": "in_person", "consent": True}
    body.update(overrides)
    return body


def test_schema_is_published_with_every_endpoint():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == HTTPStatus.OK
    paths = response.json()["paths"]
    assert set(paths) == {
        "/api/v1/counsellors", "/api/v1/session-types", "/api/v1/slots",
        "/api/v1/bookings", "/api/v1/bookings/{booking_id}",
        "/api/v1/bookings/{booking_id}/cancel", "/api/v1/bookings/{booking_id}/reschedule",
        "/api/v1/workshops", "/api/v1/workshops/{workshop_id}/join",
    }


def test_anonymous_and_bad_tokens_are_unauthorised(setup):
    client = Client()
    assert client.get("/api/v1/counsellors").status_code == HTTPStatus.UNAUTHORIZED
    assert client.get("/api/v1/counsellors", HTTP_AUTHORIZATION="Bearer nope").status_code \
        == HTTPStatus.UNAUTHORIZED


def test_revoked_token_and_erased_account_are_refused(setup):
    token, secret = ApiToken.issue(user=setup.family, name="phone")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/counsellors").status_code == HTTPStatus.OK
    token.refresh_from_db()
    assert token.last_used_at is not None
    tokens.api_token_revoke(user=setup.family, token_id=token.pk)
    assert client.get("/api/v1/counsellors").status_code == HTTPStatus.UNAUTHORIZED
    _t2, secret2 = ApiToken.issue(user=setup.family, name="tablet")
    setup.family.erased_at = timezone.now()
    setup.family.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret2}").get(
        "/api/v1/counsellors").status_code == HTTPStatus.UNAUTHORIZED


def test_session_auth_needs_the_csrf_header_for_writes(setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.family)
    assert client.get("/api/v1/bookings").status_code == HTTPStatus.OK
    body = booking_body(setup)
    response = client.post("/api/v1/bookings", body, content_type="application/json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Booking.objects.count() == 0
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.post("/api/v1/bookings", body, content_type="application/json",
                           HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == HTTPStatus.CREATED


def test_counsellors_and_session_types(setup, family_api):
    data = family_api.get("/counsellors").json()
    assert [c["id"] for c in data] == [setup.counsellor.pk]
    assert data[0]["modes"] == ["in_person", "online"]
    types = family_api.get("/session-types").json()
    assert types[0]["duration_minutes"] == 50
    assert types[0]["counsellors"] == [setup.counsellor.pk]


def test_slots_are_iso_with_offset(setup, family_api):
    response = family_api.get("/slots", counsellor=setup.counsellor.pk,
                              session_type=setup.session_type.pk,
                              start=setup.day.isoformat(), end=setup.day.isoformat())
    assert response.status_code == HTTPStatus.OK
    slots = response.json()
    assert slots[0] == {"start": setup.at(9).isoformat(), "end": setup.at(9, 50).isoformat()}
    assert slots[0]["start"].endswith("+08:00")
    assert len(slots) == 15  # 09:00 … 16:00 every half hour


def test_slots_bad_input(setup, family_api):
    params = {"counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk}
    day, later = setup.day.isoformat(), (setup.day + dt.timedelta(days=9)).isoformat()
    backwards = family_api.get("/slots", **params, start=later, end=day)
    assert backwards.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert backwards.json()["detail"][0]["loc"] == ["query", "end"]
    too_long = family_api.get("/slots", **params, start="2026-01-01", end="2026-12-01")
    assert too_long.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert too_long.json()["detail"][0]["msg"] == "at most 62 days at a time"
    not_a_date = family_api.get("/slots", **params, start="tomorrow", end=day)
    assert not_a_date.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    unknown = family_api.get("/slots", counsellor=999999, session_type=setup.session_type.pk,
                             start=day, end=later)
    assert unknown.status_code == HTTPStatus.NOT_FOUND


def test_create_booking_201_then_409_for_the_same_slot(setup, family_api):
    response = family_api.post("/bookings", booking_body(setup, concern="想聊聊情绪"))
    assert response.status_code == HTTPStatus.CREATED
    data = response.json()
    booking = Booking.objects.get()
    assert data["id"] == booking.pk
    assert data["status"] == "confirmed"
    assert data["start"] == setup.at(10).isoformat()
    assert data["concern"] == "想聊聊情绪"
    assert data["sequence"] == 0

    other = FamilyFactory()
    taken = Client().post("/api/v1/bookings", booking_body(setup),
                          content_type="application/json", **bearer(other))
    assert taken.status_code == HTTPStatus.CONFLICT
    assert taken.json() == {"detail": services.SLOT_TAKEN, "code": "slot_taken"}


def test_create_booking_field_errors_are_422(setup, family_api):
    missing = family_api.post("/bookings", {"counsellor": setup.counsellor.pk})
    assert missing.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    no_consent = family_api.post("/bookings", booking_body(setup, consent=False))
    assert no_consent.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert no_consent.json()["detail"] == [
        {"loc": ["body", "consent"], "msg": services.CONSENT_REQUIRED,
         "type": "consent_required"}]
    soon = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    too_soon = family_api.post("/bookings", booking_body(setup, start=soon))
    assert too_soon.json()["detail"][0]["loc"] == ["body", "start"]
    assert too_soon.json()["detail"][0]["msg"] == services.TOO_SOON
    other_child = ChildFactory()
    child = family_api.post("/bookings", booking_body(setup, child=other_child.pk))
    assert child.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert child.json()["detail"][0]["loc"] == ["body", "child"]
    unknown = family_api.post("/bookings", booking_body(setup, counsellor=999999))
    assert unknown.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert unknown.json()["detail"][0]["loc"] == ["body", "counsellor"]
    year_zero = family_api.post("/bookings", booking_body(setup, start="0001-01-01T00:00"))
    assert year_zero.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert Booking.objects.count() == 0


def test_offsetless_time_is_read_in_the_users_zone_and_dst_gaps_refused(setup, family_api):
    setup.family.display_timezone = "Europe/London"
    setup.family.save()
    # 10:00 Shanghai as London's wall clock shows it that day: 02:00 in winter,
    # 03:00 in summer (not UTC's 02:00, which is 09:00 Shanghai in summer).
    london_wall = setup.at(10).astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)
    response = family_api.post("/bookings", booking_body(setup, start=london_wall.isoformat()))
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["start"] == setup.at(10).isoformat()
    gap = family_api.post("/bookings", booking_body(setup, start="2027-03-28T01:30:00"))
    assert gap.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert gap.json()["detail"][0]["msg"] == services.TIME_NONEXISTENT


def test_others_bookings_are_404_everywhere(setup, family_api):
    theirs = BookingFactory(counsellor=setup.counsellor)
    for response in (
        family_api.get(f"/bookings/{theirs.pk}"),
        family_api.post(f"/bookings/{theirs.pk}/cancel"),
        family_api.post(f"/bookings/{theirs.pk}/reschedule",
                        {"start": setup.at(14).isoformat()}),
        family_api.get("/bookings/999999"),
    ):
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert family_api.get("/bookings").json() == []
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


def test_own_booking_get_cancel_and_reschedule(setup, family_api):
    booking_id = family_api.post("/bookings", booking_body(setup)).json()["id"]
    assert family_api.get(f"/bookings/{booking_id}").json()["id"] == booking_id
    moved = family_api.post(f"/bookings/{booking_id}/reschedule",
                            {"start": setup.at(14).isoformat()})
    assert moved.status_code == HTTPStatus.OK
    assert (moved.json()["start"], moved.json()["sequence"]) == (setup.at(14).isoformat(), 1)
    cancelled = family_api.post(f"/bookings/{booking_id}/cancel", {"reason": "时间冲突"})
    assert cancelled.status_code == HTTPStatus.OK
    assert cancelled.json()["status"] == "cancelled"
    again = family_api.post(f"/bookings/{booking_id}/cancel")
    assert again.status_code == HTTPStatus.CONFLICT
    assert again.json()["code"] == "not_cancellable"
    assert [b["id"] for b in family_api.get("/bookings").json()] == [booking_id]


def test_workshops_list_and_join_seat_then_waitlist(setup, family_api):
    workshop = GroupSessionFactory(capacity=1)
    listed = family_api.get("/workshops").json()
    assert [(w["id"], w["seats_left"], w["waiting"]) for w in listed] == [(workshop.pk, 1, 0)]
    seat = family_api.post(f"/workshops/{workshop.pk}/join")
    assert seat.status_code == HTTPStatus.CREATED
    assert seat.json()["result"] == "seat"
    assert seat.json()["booking"]["workshop"] == workshop.pk
    again = family_api.post(f"/workshops/{workshop.pk}/join")
    assert again.status_code == HTTPStatus.CONFLICT
    other = Client().post(f"/api/v1/workshops/{workshop.pk}/join", {},
                          content_type="application/json", **bearer(FamilyFactory()))
    assert other.status_code == HTTPStatus.CREATED
    assert other.json() == {"result": "waitlist", "message": services.WORKSHOP_FULL,
                            "booking": None}
    assert family_api.get("/workshops").json()[0]["waiting"] == 1
    assert family_api.post("/workshops/999999/join").status_code == HTTPStatus.NOT_FOUND


def test_huge_ids_are_422_not_500(setup, family_api):
    assert family_api.get(f"/bookings/{2**70}").status_code == \
        HTTPStatus.UNPROCESSABLE_ENTITY


# --- the account page section ------------------------------------------------------


def test_token_created_on_the_account_page_is_shown_once_and_only_hashed(setup):
    client = Client()
    client.force_login(setup.family)
    response = client.post(reverse("bookings:api_token_create"), {"name": "我的手机"})
    assert response.status_code == HTTPStatus.OK
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=setup.family)
    assert token.name == "我的手机"
    assert token.token_hash == ApiToken.hash_secret(secret)
    assert secret not in (token.token_hash, token.prefix)
    account = client.get(reverse("portal:account"))
    assert "我的手机" in account.content.decode()
    assert secret not in account.content.decode()
    api = Client().get("/api/v1/bookings", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == HTTPStatus.OK


def test_token_without_a_name_is_refused_with_a_message(setup):
    client = Client()
    client.force_login(setup.family)
    response = client.post(reverse("bookings:api_token_create"), {"name": "  "}, follow=True)
    assert tokens.TOKEN_NAME_REQUIRED in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_revoke_own_token_and_others_are_404(setup):
    token, _secret = ApiToken.issue(user=setup.family, name="phone")
    stranger = Client()
    stranger.force_login(FamilyFactory())
    response = stranger.post(reverse("bookings:api_token_revoke", args=[token.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    owner = Client()
    owner.force_login(setup.family)
    response = owner.post(reverse("bookings:api_token_revoke", args=[token.pk]))
    assert response.status_code == HTTPStatus.FOUND
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_views_need_post_and_login(setup):
    assert Client().post(reverse("bookings:api_token_create"), {"name": "x"}).status_code \
        == HTTPStatus.FOUND
    client = Client()
    client.force_login(setup.family)
    assert client.get(reverse("bookings:api_token_create")).status_code == \
        HTTPStatus.METHOD_NOT_ALLOWED


def test_mode_is_validated(setup, family_api):
    response = family_api.post("/bookings", booking_body(setup, mode="telepathy"))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert Mode.PHONE not in setup.session_type.modes
    phone = family_api.post("/bookings", booking_body(setup, mode="phone"))
    assert phone.json()["detail"][0]["loc"] == ["body", "mode"]
