"""The separate consent for sensitive data: the same through the API as the web form.

An individual booking takes sensitive personal information (what the family
wants help with, the risk screen's answers), so `services.booking_create`
itself refuses it without the consent and records the consent it was given.
"""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client

from bookings import services
from bookings.models import Booking, Mode
from portal import privacy
from portal.models import ApiToken, Consent
from tests.bookings.engine_setup import make_setup
from tests.factories import GroupSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def setup():
    return make_setup()


@pytest.fixture
def api(setup):
    _token, secret = ApiToken.issue(user=setup.family, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def post(path, body):
        return client.post(f"/api/v1{path}", body, content_type="application/json")

    return post


def booking_body(setup, **overrides):
    body = {"counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
            "start": setup.at(10).isoformat(), "mode": "in_person"}
    body.update(overrides)
    return body


def sensitive_consents(user):
    return list(Consent.objects.filter(user=user, kind=Consent.Kind.SENSITIVE_DATA))


def test_api_booking_with_a_concern_records_the_sensitive_data_consent(setup, api):
    response = api("/bookings", booking_body(setup, concern="孩子最近睡不好",
                                             consent=True))
    assert response.status_code == HTTPStatus.CREATED
    [consent] = sensitive_consents(setup.family)
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION
    assert consent.withdrawn_at is None
    assert consent.child is None


@pytest.mark.parametrize("sensitive", [
    {"concern": "孩子最近睡不好"},
    {"risk_answers": {"self_harm_thoughts": False, "unsafe_now": False}},
    {"risk_answers": {"recent_self_harm": True}},
], ids=["concern", "risk-answers-no", "risk-answers-yes"])
def test_api_refuses_sensitive_data_without_consent(setup, api, sensitive):
    response = api("/bookings", booking_body(setup, consent=False, **sensitive))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == {"detail": [
        {"loc": ["body", "consent"], "msg": services.CONSENT_REQUIRED,
         "type": "consent_required"}]}
    assert Booking.objects.count() == 0
    assert sensitive_consents(setup.family) == []


def test_consent_message_is_in_the_callers_language(setup):
    _token, secret = ApiToken.issue(user=setup.family, name="en")
    english = Client(HTTP_AUTHORIZATION=f"Bearer {secret}",
                     HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/bookings", booking_body(setup, concern="sleep", consent=False),
        content_type="application/json")
    assert english.json()["detail"][0]["msg"] == (
        "What you would like help with and your answers to the risk questions are "
        "sensitive personal information: to book, give your separate consent for "
        "the station to keep them (consent: true).")


def test_service_records_the_consent_in_the_bookings_transaction(setup):
    booking = services.booking_create(
        family=setup.family, counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(10), mode=Mode.IN_PERSON, concern="情绪", consent=True)
    assert booking.concern == "情绪"
    assert len(sensitive_consents(setup.family)) == 1
    # A refused booking records nothing: the slot is now taken.
    other = make_setup().family
    with pytest.raises(services.BookingError):
        services.booking_create(
            family=other, counsellor=setup.counsellor, session_type=setup.session_type,
            start=setup.at(10), mode=Mode.IN_PERSON, concern="情绪", consent=True)
    assert sensitive_consents(other) == []


def test_booking_again_keeps_one_active_consent_and_asks_again_after_withdrawal(setup):
    def book(hour):
        return services.booking_create(
            family=setup.family, counsellor=setup.counsellor,
            session_type=setup.session_type, start=setup.at(hour), mode=Mode.IN_PERSON,
            concern="情绪", consent=True)

    book(10)
    book(12)
    assert len(sensitive_consents(setup.family)) == 1
    privacy.consent_withdraw(user=setup.family, kind=Consent.Kind.SENSITIVE_DATA)
    with pytest.raises(services.BookingError) as refused:
        services.booking_create(
            family=setup.family, counsellor=setup.counsellor,
            session_type=setup.session_type, start=setup.at(14), mode=Mode.IN_PERSON,
            concern="情绪", consent=False)
    assert refused.value.code == "consent_required"
    book(14)
    consents = sensitive_consents(setup.family)
    assert sorted(c.withdrawn_at is None for c in consents) == [False, True]


def test_workshop_seat_takes_no_sensitive_data_and_needs_no_consent(setup, api):
    workshop = GroupSessionFactory(capacity=2)
    response = api(f"/workshops/{workshop.pk}/join", {})
    assert response.status_code == HTTPStatus.CREATED
    seat = Booking.objects.get(group_session=workshop)
    assert (seat.concern, seat.intake_answers) == ("", {})
    assert sensitive_consents(setup.family) == []
