"""Pooled booking through the JSON API (issue 13): `GET /api/v1/slots?topic=`
gives the pool's free times, `POST /api/v1/bookings` with `topic` instead of
`counsellor` books the counsellor the fair rule assigns. The clock is pinned
to a fixed Monday morning."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client

from bookings.intake import RISK_KEYS
from bookings.models import Booking, Mode
from portal.models import ApiToken
from tests.bookings.engine_setup import local
from tests.bookings.pool_setup import DAY, NOW
from tests.factories import (
    BookingFactory,
    FamilyFactory,
    TopicFactory,
)

# Not marked `clock`: every test pins its own instant (the fixture below), so
# a moved clock (CI's `-m clock` runs) would only repeat the same run.
pytestmark = pytest.mark.django_db

CALM = dict.fromkeys(RISK_KEYS, "no")


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield




def _client(family=None) -> Client:
    _token, secret = ApiToken.issue(user=family or FamilyFactory(), name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _book(client, service, start, language="zh-hans", **extra):
    body = {"topic": "emotional-guidance", "session_type": service.pk,
            "start": start.isoformat(), "mode": Mode.IN_PERSON,
            "risk_answers": CALM, "consent": True, **extra}
    return client.post("/api/v1/bookings", body, content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE=language)


def test_pooled_slots_are_the_union_of_the_pools_free_times(pool):
    _topic, service, _busy, _idle = pool
    response = _client().get("/api/v1/slots", {
        "topic": "emotional-guidance", "session_type": service.pk,
        "start": DAY.isoformat(), "end": DAY.isoformat()})
    assert response.status_code == HTTPStatus.OK
    starts = [dt.datetime.fromisoformat(s["start"]) for s in response.json()]
    # 15:00 stays: one of the two is still free then. Each time appears once.
    assert local(DAY, 15) in starts
    assert len(starts) == len(set(starts))
    assert starts[0] == local(DAY, 9)


def test_booking_by_topic_assigns_the_less_busy_counsellor(pool):
    _topic, service, _busy, idle = pool
    response = _book(_client(), service, local(DAY, 10))
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json()["counsellor"] == idle.pk
    assert Booking.objects.get(pk=response.json()["id"]).counsellor == idle


def test_when_the_whole_pool_is_taken_the_answer_is_409_with_the_next_times(pool):
    _topic, service, busy, idle = pool
    BookingFactory(counsellor=idle, session_type=service, start=local(DAY, 15))
    response = _book(_client(), service, local(DAY, 15), language="en")
    assert response.status_code == HTTPStatus.CONFLICT
    body = response.json()
    assert body["code"] == "slot_taken"
    assert body["next_slots"]
    assert all(dt.datetime.fromisoformat(s["start"]) > local(DAY, 15)
               for s in body["next_slots"])
    assert Booking.objects.filter(start=local(DAY, 15)).count() == 2


def test_neither_counsellor_nor_topic_is_422_in_the_callers_language(pool):
    _topic, service, _busy, _idle = pool
    client = _client()
    body = {"session_type": service.pk, "start": local(DAY, 10).isoformat(),
            "risk_answers": CALM, "consent": True}
    zh = client.post("/api/v1/bookings", body, content_type="application/json")
    assert zh.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "请指定咨询师" in zh.json()["detail"][0]["msg"]
    en = client.post("/api/v1/bookings", body, content_type="application/json",
                     HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["detail"][0]["msg"].startswith("Give a counsellor, or only a topic")
    slots = client.get("/api/v1/slots", {"session_type": service.pk,
                                         "start": DAY.isoformat(), "end": DAY.isoformat()})
    assert slots.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Booking.objects.filter(start=local(DAY, 10)).exists()


def test_an_unknown_topic_is_422_and_books_nothing(pool):
    _topic, service, _busy, _idle = pool
    response = _book(_client(), service, local(DAY, 10), topic="no-such-topic")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["detail"][0]["loc"] == ["body", "topic"]
    assert response.json()["detail"][0]["msg"] == "没有这个主题。"
    slots = _client().get("/api/v1/slots", {
        "topic": "no-such-topic", "session_type": service.pk,
        "start": DAY.isoformat(), "end": DAY.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    assert slots.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert slots.json()["detail"][0]["msg"] == "There is no such theme."
    assert not Booking.objects.filter(start=local(DAY, 10)).exists()


def test_a_topic_no_one_covers_in_that_mode_says_so(pool):
    _topic, service, _busy, _idle = pool
    other = TopicFactory(name="自闭症咨询与科普", slug="autism")
    response = _book(_client(), service, local(DAY, 10), topic=other.slug)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "目前没有咨询师以这种方式提供这个主题的咨询" in response.json()["detail"][0]["msg"]


def test_pooled_search_far_outside_the_horizon_is_422(pool):
    _topic, service, _busy, _idle = pool
    response = _client().get("/api/v1/slots", {
        "topic": "emotional-guidance", "session_type": service.pk,
        "start": "9999-12-30", "end": "9999-12-31"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["detail"][0]["type"] == "out_of_range"


def test_the_schema_documents_booking_by_topic():
    schema = Client().get("/api/v1/openapi.json").json()
    booking_in = schema["components"]["schemas"]["BookingIn"]
    assert "counsellor" not in booking_in.get("required", [])
    assert "next available counsellor" in booking_in["properties"]["counsellor"]["description"]
    params = {p["name"] for p in schema["paths"]["/api/v1/slots"]["get"]["parameters"]}
    assert {"topic", "mode", "counsellor"} <= params
