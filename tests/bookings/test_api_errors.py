"""Every /api/v1/ answer in the API's own format: JSON errors, never stored by caches.

Malformed bodies are refused (422) on every POST, unknown routes and methods
answer JSON 404/405, a crash is a JSON 500, a lost database a JSON 503 with
Retry-After, and answers carry ``Cache-Control: no-store``.
"""

import datetime as dt
from http import HTTPStatus
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from bookings import services
from bookings.api import BODY_NOT_AN_OBJECT, BODY_NOT_JSON
from bookings.models import Booking, Mode, WaitlistEntry
from portal.middleware import DATABASE_UNAVAILABLE
from portal.models import ApiToken
from tests.bookings.engine_setup import make_setup
from tests.factories import FamilyFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

JSON = "application/json; charset=utf-8"


def _directives(header: str) -> set[str]:
    """Cache-Control as a set: the API's no-store and the middleware's private
    (answers to an Authorization header) arrive together, in either order."""
    return {part.strip().lower() for part in header.split(",")}


@pytest.fixture
def setup():
    return make_setup()


@pytest.fixture
def auth(setup):
    _token, secret = ApiToken.issue(user=setup.family, name="phone")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def booking(setup):
    return services.booking_create(
        family=setup.family, counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(10), mode=Mode.IN_PERSON, consent=True)


def post(path, body: str, auth, **extra):
    return Client(**extra).post(f"/api/v1{path}", body, content_type="application/json",
                                **auth)


def assert_json(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == JSON
    assert "no-store" in _directives(response["Cache-Control"])
    return response.json()


# --- malformed bodies ------------------------------------------------------------


NOT_OBJECTS = ["[]", '"x"', "5", "null", "true", '[{"child": null}]']
NOT_JSON = ["{bad", "{'child': 1}", "\xff"]


def _endpoints(setup, booking, workshop):
    return [f"/workshops/{workshop.pk}/join", f"/bookings/{booking.pk}/cancel",
            f"/bookings/{booking.pk}/reschedule", "/bookings"]


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_a_body_that_is_not_an_object_is_422_on_every_post(setup, auth, booking, body):
    workshop = GroupSessionFactory(capacity=3)
    for path in _endpoints(setup, booking, workshop):
        data = assert_json(post(path, body, auth), HTTPStatus.UNPROCESSABLE_ENTITY)
        assert data == {"detail": [{"loc": ["body"], "msg": BODY_NOT_AN_OBJECT,
                                    "type": "body_not_an_object"}]}, path
    assert not Booking.objects.filter(group_session=workshop).exists()
    assert not WaitlistEntry.objects.exists()
    booking.refresh_from_db()
    assert (booking.status, booking.start) == (Booking.Status.CONFIRMED, setup.at(10))
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("body", NOT_JSON)
def test_a_body_that_is_not_json_is_422_on_every_post(setup, auth, booking, body):
    workshop = GroupSessionFactory(capacity=3)
    for path in _endpoints(setup, booking, workshop):
        data = assert_json(post(path, body, auth), HTTPStatus.UNPROCESSABLE_ENTITY)
        assert data == {"detail": [{"loc": ["body"], "msg": BODY_NOT_JSON,
                                    "type": "body_not_json"}]}, path
    assert Booking.objects.count() == 1


def test_malformed_body_message_in_english(setup, auth, booking):
    response = post(f"/bookings/{booking.pk}/cancel", "[]", auth,
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"][0]["msg"] == (
        "The request body must be a JSON object, for example {}.")
    response = post(f"/bookings/{booking.pk}/cancel", "{bad", auth,
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"][0]["msg"] == "The request body is not valid JSON."


def test_optional_bodies_may_still_be_left_out(setup, auth, booking):
    workshop = GroupSessionFactory(capacity=3)
    joined = post(f"/workshops/{workshop.pk}/join", "", auth)
    assert assert_json(joined, HTTPStatus.CREATED)["result"] == "seat"
    cancelled = post(f"/bookings/{booking.pk}/cancel", "", auth)
    assert assert_json(cancelled, HTTPStatus.OK)["status"] == "cancelled"


# --- errors as JSON --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/nope/", "/api/v1/",
                                  "/api/v1/bookings/1/nope", "/api/v1/bookings/"])
def test_unknown_routes_are_json_404(auth, path):
    for client in (Client(), Client(**auth)):
        assert assert_json(client.get(path), HTTPStatus.NOT_FOUND) == {
            "detail": "Not Found"}
    assert_json(Client().post(path, "{}", content_type="application/json"),
                HTTPStatus.NOT_FOUND)


def test_another_familys_booking_is_the_same_json_404_as_none(auth, setup):
    """The selector's NotFound becomes the API's own 404, as for a booking that
    does not exist."""
    theirs = services.booking_create(
        family=FamilyFactory(), counsellor=setup.counsellor,
        session_type=setup.session_type, start=setup.at(11), mode=Mode.IN_PERSON,
        consent=True)
    for path in (f"/api/v1/bookings/{theirs.pk}", f"/api/v1/bookings/{theirs.pk + 1}"):
        assert assert_json(Client(**auth).get(path), HTTPStatus.NOT_FOUND) == {
            "detail": "Not Found"}
    assert assert_json(post(f"/bookings/{theirs.pk}/cancel", "{}", auth),
                       HTTPStatus.NOT_FOUND) == {"detail": "Not Found"}
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


def test_a_method_a_route_does_not_offer_is_json_405(auth):
    response = Client().delete("/api/v1/bookings", **auth)
    assert assert_json(response, HTTPStatus.METHOD_NOT_ALLOWED) == {
        "detail": "Method not allowed"}
    assert sorted(response["Allow"].split(", ")) == ["GET", "POST"]
    assert_json(Client().put("/api/v1/counsellors"), HTTPStatus.METHOD_NOT_ALLOWED)


def test_unauthorised_is_json_401():
    assert assert_json(Client().get("/api/v1/bookings"), HTTPStatus.UNAUTHORIZED) == {
        "detail": "Unauthorized"}


def test_a_crash_is_json_500(auth):
    client = Client(raise_request_exception=False, **auth)
    with mock.patch("bookings.api.selectors.family_bookings",
                    side_effect=RuntimeError("boom")):
        response = client.get("/api/v1/bookings")
    assert assert_json(response, HTTPStatus.INTERNAL_SERVER_ERROR) == {
        "detail": "Internal Server Error"}


@pytest.mark.parametrize("url", ["/api/v1/bookings?upcoming=%00",
                                 "/api/v1/slots?counsellor=%00"])
def test_a_nul_byte_in_an_api_address_is_json_400(auth, url):
    response = Client().get(url, **auth)
    assert assert_json(response, HTTPStatus.BAD_REQUEST) == {
        "detail": "Bad request: NUL byte in the address."}


def test_a_lost_database_is_json_503_with_retry_after(auth):
    lost = OperationalError("connection to server at 127.0.0.1 failed")
    with mock.patch("bookings.api.selectors.family_bookings", side_effect=lost):
        response = Client(**auth).get("/api/v1/bookings")
        english = Client(HTTP_ACCEPT_LANGUAGE="en", **auth).get("/api/v1/bookings")
    assert assert_json(response, HTTPStatus.SERVICE_UNAVAILABLE) == {
        "detail": DATABASE_UNAVAILABLE}
    assert response["Retry-After"] == "30"
    assert english.json() == {"detail": "The service is temporarily unavailable. "
                                        "Please try again in a few minutes."}
    # Web pages keep their HTML page with the crisis lines.
    with mock.patch("bookings.selectors.upcoming_workshops", side_effect=lost):
        page = Client().get("/bookings/workshops/")
    assert page.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert page["Content-Type"].startswith("text/html")
    assert 'href="tel:12356"' in page.content.decode()


# --- Cache-Control: no-store on personal answers ----------------------------------


def test_personal_answers_are_never_stored(setup, auth, booking):
    client = Client(**auth)
    workshop = GroupSessionFactory(capacity=3)
    answers = {
        "list": client.get("/api/v1/bookings"),
        "detail": client.get(f"/api/v1/bookings/{booking.pk}"),
        "create": client.post("/api/v1/bookings", {
            "counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
            "start": setup.at(14).isoformat(), "consent": True},
            content_type="application/json"),
        "reschedule": client.post(f"/api/v1/bookings/{booking.pk}/reschedule",
                                  {"start": setup.at(12).isoformat()},
                                  content_type="application/json"),
        "cancel": client.post(f"/api/v1/bookings/{booking.pk}/cancel", {},
                              content_type="application/json"),
        "join": client.post(f"/api/v1/workshops/{workshop.pk}/join", {},
                            content_type="application/json"),
        "conflict": client.post(f"/api/v1/workshops/{workshop.pk}/join", {},
                                content_type="application/json"),
        "not-found": client.get("/api/v1/bookings/999999"),
    }
    assert {name: (r.status_code, r["Cache-Control"]) for name, r in answers.items()} == {
        "list": (200, "no-store, private"), "detail": (200, "no-store, private"),
        "create": (201, "no-store, private"), "reschedule": (200, "no-store, private"),
        "cancel": (200, "no-store, private"), "join": (201, "no-store, private"),
        "conflict": (409, "no-store, private"), "not-found": (404, "no-store, private"),
    }


def test_a_replayed_slot_search_keeps_the_full_paths_headers(setup, auth):
    params = {"counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
              "start": setup.day.isoformat(),
              "end": (setup.day + dt.timedelta(days=2)).isoformat()}
    first = Client().get("/api/v1/slots", params, **auth)
    again = Client().get("/api/v1/slots", params, **auth)
    assert first["Cache-Control"] == again["Cache-Control"]
    assert "no-store" in _directives(first["Cache-Control"])
    assert again.content == first.content
    per_request = {"Content-Language", "X-Request-ID"}
    same = {k: v for k, v in first.headers.items() if k not in per_request}
    assert {k: v for k, v in again.headers.items() if k != "X-Request-ID"} == same


# --- the schema documents the errors --------------------------------------------------


def test_every_operation_documents_its_errors_as_json():
    schema = Client().get("/api/v1/openapi.json").json()
    operations = [(path, method, op) for path, item in schema["paths"].items()
                  for method, op in item.items()]
    assert len(operations) == 10
    for path, method, op in operations:
        documented = set(op["responses"])
        assert {"400", "401", "404", "409", "422", "503"} <= documented, (path, method)
        for status in ("400", "401", "404", "409", "422", "503"):
            content = op["responses"][status]["content"]
            assert list(content) == ["application/json"], (path, method, status)
            assert "schema" in content["application/json"]
        if method == "post":
            assert "403" in documented, path


def test_head_and_options_on_unknown_routes_are_json_404():
    for method in ("head", "options"):
        response = getattr(Client(), method)("/api/v1/nope")
        assert response.status_code == HTTPStatus.NOT_FOUND, method
        assert response["Content-Type"] == JSON


def test_a_session_write_without_the_csrf_token_is_json_403(setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.family)
    response = client.post("/api/v1/bookings", {}, content_type="application/json")
    assert assert_json(response, HTTPStatus.FORBIDDEN) == {"detail": "CSRF check Failed"}
