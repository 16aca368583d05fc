"""Urgent intakes that can be acted on (issue 12): the guardian's phone asked
when the screen is positive, a queue card that says who to call and why, an
owner, new → contacted → resolved with who and when, contact attempts, and the
escalation of an unclaimed intake after 30 minutes of opening hours."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from bookings import intake, services
from bookings.models import Booking, BookingPolicy, UrgentFollowUp
from portal.models import AccessLog, FamilyProfile
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import (
    booking_at,
    day_ahead,
    local,
    with_totp,
    working_counsellor,
)
from tests.factories import CoordinatorFactory, FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

CALM = dict.fromkeys(intake.RISK_KEYS, "no")
# A Monday, 09:00 in Shanghai: the station opens (Mon–Sat 09:00–17:00 by default).
MONDAY_9 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def counsellor():
    counsellor, session_type = working_counsellor(display_name="林晓舟")
    with_totp(counsellor.user)
    return counsellor, session_type


@pytest.fixture
def coordinator():
    return with_totp(CoordinatorFactory(display_name="王协调"))


@pytest.fixture
def colleague():
    return with_totp(CoordinatorFactory(display_name="陈协调"))


def _urgent(counsellor, **kwargs):
    family = kwargs.pop("family", None) or FamilyFactory()
    FamilyProfile.objects.update_or_create(user=family,
                                           defaults={"guardian_name": "李女士（虚构）"})
    answers = {**CALM, "child_wish_dead": "unsure"}
    # One hour apart: PostgreSQL's exclusion constraint refuses overlaps.
    hour = 9 + Booking.objects.filter(counsellor=counsellor[0]).count()
    return booking_at(local(day_ahead(3), hour), counsellor=counsellor[0],
                      session_type=counsellor[1], family=family, is_urgent=True,
                      intake_answers={"screen": intake.SCREEN_VERSION, "risk": answers},
                      **kwargs)


# --- the intake asks for a phone when the screen is positive -------------------------


def _details(counsellor, *, answers, **extra):
    start = local(day_ahead(5), 10)
    data = {"start": start.isoformat(), "mode": "in_person", "consent": "on",
            "step": "confirm", **{f"risk_{k}": v for k, v in answers.items()}, **extra}
    url = reverse("bookings:book", kwargs={"slug": counsellor[0].slug,
                                           "type_slug": counsellor[1].slug})
    return url, data


def test_a_positive_screen_without_a_phone_asks_for_one_and_books_nothing(client,
                                                                          counsellor):
    client.force_login(FamilyFactory())
    url, data = _details(counsellor, answers={**CALM, "child_wish_dead": "yes"})
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "请留下能马上联系到你的手机号" in html
    assert 'href="tel:12356"' in html  # the crisis lines are on the page meanwhile
    assert Booking.objects.count() == 0


def test_a_positive_screen_keeps_the_phone_in_e164(client, counsellor):
    client.force_login(FamilyFactory())
    url, data = _details(counsellor, answers={**CALM, "child_wish_dead": "yes"},
                         contact_phone="139 1234 5678")
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    booking = Booking.objects.get()
    assert booking.is_urgent and str(booking.contact_phone) == "+8613912345678"


def test_a_wrong_number_gets_a_clear_message(client, counsellor):
    client.force_login(FamilyFactory())
    url, data = _details(counsellor, answers={**CALM, "child_wish_dead": "yes"},
                         contact_phone="12345")
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请填写正确的手机号" in response.content.decode()
    assert Booking.objects.count() == 0


def test_a_calm_screen_needs_no_phone(client, counsellor):
    client.force_login(FamilyFactory())
    url, data = _details(counsellor, answers=CALM)
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    assert Booking.objects.get().contact_phone == ""


def test_the_service_refuses_an_invalid_number(counsellor):
    with pytest.raises(services.BookingError) as refused:
        services.booking_create(
            family=FamilyFactory(), counsellor=counsellor[0],
            session_type=counsellor[1], start=local(day_ahead(5), 10),
            mode="in_person", consent=True, contact_phone="not a phone",
            risk_answers={**CALM, "child_wish_dead": "yes"})
    assert refused.value.code == "phone_invalid"
    assert Booking.objects.count() == 0


# --- the queue card ----------------------------------------------------------------------


def test_the_queue_says_who_to_call_on_which_number_and_why(client, coordinator,
                                                            counsellor):
    booking = _urgent(counsellor, contact_phone="+8613912345678")
    client.force_login(coordinator)
    html = client.get(reverse("bookings:coordinator_urgent")).content.decode()
    card = html[html.index('data-testid="urgent-card"'):]
    assert "李女士（虚构）" in card
    assert 'href="tel:+8613912345678"' in card
    assert "不确定" in card  # the answer that made it urgent
    assert "尚无人认领" in card and "待联系" in card
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW_INTAKE, object_id=str(booking.pk),
        actor=coordinator).count() == 1


def test_a_cancelled_urgent_intake_stays_and_says_the_risk_remains(client, coordinator,
                                                                   counsellor):
    _urgent(counsellor, status=Booking.Status.CANCELLED)
    client.force_login(coordinator)
    html = client.get(reverse("bookings:coordinator_urgent")).content.decode()
    assert "风险不会因此消失" in html


# --- owner and state ----------------------------------------------------------------------


def test_claiming_makes_an_owner_and_a_second_claim_is_refused(client, coordinator,
                                                               colleague, counsellor):
    booking = _urgent(counsellor)
    client.force_login(coordinator)
    url = reverse("bookings:coordinator_urgent_claim", kwargs={"pk": booking.pk})
    client.post(url)
    booking.refresh_from_db()
    assert booking.urgent_owner == coordinator and booking.urgent_claimed_at
    other = Client()
    other.force_login(colleague)
    refused = other.post(url)
    assert _messages(refused) == [str(services.URGENT_CLAIMED)]
    booking.refresh_from_db()
    assert booking.urgent_owner == coordinator
    html = other.get(reverse("bookings:coordinator_urgent")).content.decode()
    assert "负责人：王协调" in html


def test_a_coordinator_assigns_an_intake_to_a_colleague(client, coordinator, colleague,
                                                        counsellor):
    booking = _urgent(counsellor)
    client.force_login(coordinator)
    client.post(reverse("bookings:coordinator_urgent_claim", kwargs={"pk": booking.pk}),
                {"assignee": colleague.pk})
    booking.refresh_from_db()
    assert booking.urgent_owner == colleague


def test_an_assignment_to_a_family_is_refused(client, coordinator, counsellor):
    booking = _urgent(counsellor)
    client.force_login(coordinator)
    response = client.post(
        reverse("bookings:coordinator_urgent_claim", kwargs={"pk": booking.pk}),
        {"assignee": booking.family_id})
    assert _messages(response) == [str(services.URGENT_ASSIGNEE_INVALID)]
    booking.refresh_from_db()
    assert booking.urgent_owner is None


def test_new_contacted_resolved_with_who_and_when(coordinator, colleague, counsellor):
    booking = _urgent(counsellor)
    with time_machine.travel(MONDAY_9, tick=False):
        services.urgent_follow_up_record(
            booking=booking, by_user=coordinator, outcome=UrgentFollowUp.Outcome.NO_ANSWER,
            asq=UrgentFollowUp.Asq.NOT_ASKED, channel=UrgentFollowUp.Channel.PHONE)
    booking.refresh_from_db()
    assert booking.urgent_state == Booking.UrgentState.NEW
    # An unanswered call claims nothing: the escalation still comes.
    assert booking.urgent_owner is None
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=20), tick=False):
        services.urgent_follow_up_record(
            booking=booking, by_user=coordinator, outcome=UrgentFollowUp.Outcome.SPOKE,
            asq=UrgentFollowUp.Asq.NOT_ASKED, channel=UrgentFollowUp.Channel.WECHAT)
    booking.refresh_from_db()
    assert booking.urgent_state == Booking.UrgentState.CONTACTED
    assert booking.urgent_owner == coordinator  # whoever reaches the family owns it
    assert booking.urgent_contacted_by == coordinator
    assert booking.urgent_contacted_at == MONDAY_9 + dt.timedelta(minutes=20)
    assert booking.followed_up_at is None
    with time_machine.travel(MONDAY_9 + dt.timedelta(hours=1), tick=False):
        services.urgent_follow_up_record(
            booking=booking, by_user=colleague, outcome=UrgentFollowUp.Outcome.REACHED,
            asq=UrgentFollowUp.Asq.NEGATIVE, channel=UrgentFollowUp.Channel.PHONE)
    booking.refresh_from_db()
    assert booking.urgent_state == Booking.UrgentState.RESOLVED
    assert booking.urgent_resolved_by == colleague
    assert booking.followed_up_at == MONDAY_9 + dt.timedelta(hours=1)
    attempts = list(booking.follow_ups.values_list("channel", "outcome"))
    assert attempts == [("phone", "no_answer"), ("wechat", "spoke"), ("phone", "reached")]
    with pytest.raises(services.BookingError) as refused:
        services.urgent_claim(booking=booking, by_user=colleague)
    assert refused.value.code == "urgent_resolved"


def test_the_booking_page_shows_state_owner_and_the_phone(client, coordinator,
                                                          counsellor):
    booking = _urgent(counsellor, contact_phone="+8613912345678")
    services.urgent_claim(booking=booking, by_user=coordinator)
    client.force_login(coordinator)
    html = client.get(booking.get_absolute_url()).content.decode()
    state = html[html.index('data-testid="urgent-state"'):][:600]
    assert "待联系" in state and "负责人：王协调" in state
    assert 'href="tel:+8613912345678"' in state
    assert 'name="channel"' in html


# --- escalation ---------------------------------------------------------------------------


def _created(booking, when):
    Booking.objects.filter(pk=booking.pk).update(created_at=when)


def test_open_minutes_count_only_opening_hours():
    policy = BookingPolicy()  # Mon–Sat 09:00–17:00
    friday_1650 = dt.datetime(2027, 3, 5, 16, 50, tzinfo=STATION_TZ)
    saturday_920 = dt.datetime(2027, 3, 6, 9, 20, tzinfo=STATION_TZ)
    assert services.open_minutes_between(friday_1650, saturday_920, policy) == 30
    saturday_night = dt.datetime(2027, 3, 6, 18, 0, tzinfo=STATION_TZ)
    monday_930 = dt.datetime(2027, 3, 8, 9, 30, tzinfo=STATION_TZ)
    assert services.open_minutes_between(saturday_night, monday_930, policy) == 30
    # 29 Feb 2028 is a Tuesday; the count crosses into March.
    leap = dt.datetime(2028, 2, 29, 16, 45, tzinfo=STATION_TZ)
    assert services.open_minutes_between(
        leap, dt.datetime(2028, 3, 1, 9, 15, tzinfo=STATION_TZ), policy) == 30


def test_an_unclaimed_intake_is_escalated_once_after_30_open_minutes(
        coordinator, colleague, counsellor, run_worker):
    booking = _urgent(counsellor)
    _created(booking, MONDAY_9)
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=29), tick=False):
        assert services.urgent_escalate() == 0
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=31), tick=False):
        assert services.urgent_escalate() == 1
        assert services.urgent_escalate() == 0  # once
    run_worker()
    escalated = sorted(m.to[0] for m in mail.outbox if "仍无人认领" in m.subject)
    assert escalated == sorted([coordinator.email, colleague.email])
    body = next(m.body for m in mail.outbox if "仍无人认领" in m.subject)
    assert "30 分钟无人认领" in body and "12356" in body


def test_a_claimed_or_night_intake_is_not_escalated(coordinator, counsellor):
    claimed = _urgent(counsellor)
    _created(claimed, MONDAY_9)
    services.urgent_claim(booking=claimed, by_user=coordinator)
    night = _urgent(counsellor)
    saturday_night = dt.datetime(2027, 3, 6, 18, 0, tzinfo=STATION_TZ)
    _created(night, saturday_night)
    with time_machine.travel(dt.datetime(2027, 3, 7, 23, 0, tzinfo=STATION_TZ), tick=False):
        assert services.urgent_escalate() == 0  # Sunday: closed
    with time_machine.travel(dt.datetime(2027, 3, 8, 9, 31, tzinfo=STATION_TZ), tick=False):
        assert services.urgent_escalate() == 1
    night.refresh_from_db()
    claimed.refresh_from_db()
    assert night.urgent_escalated_at is not None and claimed.urgent_escalated_at is None


def test_the_escalation_time_is_a_site_setting(coordinator, counsellor):
    from wagtail.models import Site

    policy = BookingPolicy.for_site(Site.objects.get(is_default_site=True))
    policy.urgent_escalation_minutes = 60
    policy.save()
    booking = _urgent(counsellor)
    _created(booking, MONDAY_9)
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=45), tick=False):
        assert services.urgent_escalate() == 0
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=61), tick=False):
        assert services.urgent_escalate() == 1


# --- privacy ------------------------------------------------------------------------------


def test_the_phone_is_in_the_export_and_gone_after_erasure(counsellor):
    from portal import privacy
    from portal.privacy_export import export_payload

    family = FamilyFactory()
    booking = _urgent(counsellor, family=family, contact_phone="+8613912345678")
    assert "+8613912345678" in str(export_payload(user=family))
    privacy.account_erase(user=family)
    booking.refresh_from_db()
    assert booking.contact_phone == "" and booking.family is None


def test_every_read_of_the_queue_is_logged_replayed_or_not(client, coordinator, counsellor):
    booking = _urgent(counsellor)
    client.force_login(coordinator)
    url = reverse("bookings:coordinator_urgent")
    responses = [client.get(url) for _ in range(3)]
    assert responses[2]["X-Replay"] == "personal"  # the repeat skipped the full path
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW_INTAKE, object_id=str(booking.pk),
        actor=coordinator).count() == 3


def test_an_unanswered_call_does_not_stop_the_escalation(coordinator, counsellor):
    booking = _urgent(counsellor)
    _created(booking, MONDAY_9)
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=10), tick=False):
        services.urgent_follow_up_record(
            booking=booking, by_user=coordinator, outcome=UrgentFollowUp.Outcome.NO_ANSWER,
            asq=UrgentFollowUp.Asq.NOT_ASKED)
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=31), tick=False):
        assert services.urgent_escalate() == 1


def test_an_intake_older_than_a_fortnight_is_due_whatever_the_hours(coordinator,
                                                                   counsellor):
    from wagtail.models import Site

    policy = BookingPolicy.for_site(Site.objects.get(is_default_site=True))
    policy.open_weekdays, policy.urgent_escalation_minutes = "6", 24 * 60  # Sundays only
    policy.save()
    booking = _urgent(counsellor)
    _created(booking, MONDAY_9)
    with time_machine.travel(MONDAY_9 + dt.timedelta(days=15), tick=False):
        assert services.urgent_escalate() == 1


def test_a_failing_escalation_does_not_skip_the_unfollowed_alert(monkeypatch):
    from bookings import jobs

    calls = []

    def broken():
        raise RuntimeError("lock timeout")

    monkeypatch.setattr(services, "urgent_escalate", broken)
    monkeypatch.setattr(services, "urgent_unfollowed_alert", lambda: calls.append(1) or 2)
    monkeypatch.setattr(jobs, "schedule_urgent_sweep", lambda **kwargs: True)
    with pytest.raises(RuntimeError):  # the task still ends FAILED
        jobs.alert_unfollowed_urgent.func()
    assert calls == [1]  # the unfollowed alert ran all the same
