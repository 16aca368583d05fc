"""A counsellor whose credential in the expert pool has expired cannot be
booked (issue 13): left out of the list and the pool, and refused by the
booking service, on the web and in the API, in both languages; nothing saved."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client

from bookings import services
from bookings.intake import RISK_KEYS
from bookings.models import Booking, Mode
from bookings.slots import STATION_TZ
from network.models import Expert
from portal.models import ApiToken
from tests.bookings.engine_setup import counsellor_with_hours, local
from tests.factories import FamilyFactory, SessionTypeFactory, TopicFactory

# Not marked `clock`: every test pins its own instant (the fixture below), so
# a moved clock (CI's `-m clock` runs) would only repeat the same run.
pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=STATION_TZ)  # a Monday
DAY = dt.date(2026, 12, 10)
CALM = dict.fromkeys(RISK_KEYS, "no")


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def pair():
    """Two counsellors of one topic; 林晓舟's credential expired yesterday."""
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    lapsed = counsellor_with_hours(display_name="林晓舟", specialties=[topic])
    valid = counsellor_with_hours(display_name="周一诺", specialties=[topic])
    service = SessionTypeFactory(counsellors=[lapsed, valid])
    Expert.objects.create(name="林晓舟", slug="expert-lin", role="counsellor",
                          counsellor=lapsed, credential="心理咨询师",
                          credential_expires=NOW.date() - dt.timedelta(days=1))
    Expert.objects.create(name="周一诺", slug="expert-zhou", role="counsellor",
                          counsellor=valid, credential="心理咨询师",
                          credential_expires=NOW.date() + dt.timedelta(days=30))
    return topic, service, lapsed, valid


def test_the_service_refuses_a_counsellor_whose_credential_expired(pair):
    _topic, service, lapsed, _valid = pair
    with pytest.raises(services.BookingError) as caught:
        services.booking_create(
            family=FamilyFactory(), counsellor=lapsed, session_type=service,
            start=local(DAY, 10), mode=Mode.IN_PERSON, risk_answers=CALM, consent=True)
    assert caught.value.code == "credential_expired"
    assert "执业资质已过期" in caught.value.message
    assert not Booking.objects.exists()


def test_a_session_after_the_credential_expires_is_refused_before_it(pair):
    """Valid today, expired by the session's day: the booking is refused now."""
    _topic, service, _lapsed, valid = pair
    Expert.objects.filter(counsellor=valid).update(credential_expires=DAY - dt.timedelta(days=1))
    with pytest.raises(services.BookingError) as caught:
        services.booking_create(
            family=FamilyFactory(), counsellor=valid, session_type=service,
            start=local(DAY, 10), mode=Mode.IN_PERSON, risk_answers=CALM, consent=True)
    assert caught.value.code == "credential_expired"
    assert not Booking.objects.exists()
    # On the last valid day it is still bookable.
    Expert.objects.filter(counsellor=valid).update(credential_expires=DAY)
    booking = services.booking_create(
        family=FamilyFactory(), counsellor=valid, session_type=service,
        start=local(DAY, 10), mode=Mode.IN_PERSON, risk_answers=CALM, consent=True)
    assert booking.counsellor == valid


def test_the_list_and_the_pool_leave_them_out(pair):
    from bookings import pool_selectors, selectors

    topic, service, lapsed, valid = pair
    assert list(selectors.counsellors_for(topic=topic)) == [valid]
    assert [c.pk for c in pool_selectors.pool_counsellors(
        topic=topic, session_type=service)] == [valid.pk]


def test_booking_by_topic_goes_to_the_one_with_a_valid_credential(pair):
    topic, service, _lapsed, valid = pair
    booking = services.booking_create_pooled(
        family=FamilyFactory(), topic=topic, session_type=service, start=local(DAY, 10),
        mode=Mode.IN_PERSON, risk_answers=CALM, consent=True)
    assert booking.counsellor == valid


def test_the_api_answers_422_in_the_callers_language(pair):
    _topic, service, lapsed, _valid = pair
    _token, secret = ApiToken.issue(user=FamilyFactory(), name="test")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/bookings",
        {"counsellor": lapsed.pk, "session_type": service.pk,
         "start": local(DAY, 10).isoformat(), "mode": Mode.IN_PERSON,
         "risk_answers": CALM, "consent": True},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "counsellor"]
    assert error["msg"].startswith("This counsellor's professional credential has expired")
    assert not Booking.objects.exists()
