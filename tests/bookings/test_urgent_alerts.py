"""Who is alerted about an urgent booking, and that it stays in the queue until
someone records a follow-up (issue 18, M2 and H3)."""

import datetime as dt
import io
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from bookings import intake, selectors, services
from bookings.models import Booking, Mode, UrgentFollowUp
from portal import privacy
from portal.models import ApiToken, SiteSettings
from tests.bookings.engine_setup import make_setup
from tests.bookings.web_setup import with_totp
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

CALM = dict.fromkeys(intake.RISK_KEYS, "no")
WISH_DEAD = {**CALM, "child_wish_dead": "unsure"}
HARMED = {**CALM, "child_harmed_now": "yes", "danger_now": "no"}
LEAD = "safeguarding-lead@example.cn"


@pytest.fixture
def lead():
    """Site settings naming a safeguarding lead (2-hour response time)."""
    site = Site.objects.get(is_default_site=True)
    setting = SiteSettings.for_site(site)
    setting.safeguarding_lead_name = "安全保护负责人（测试）"
    setting.safeguarding_lead_email = LEAD
    setting.urgent_response_hours = 2
    setting.save()
    return setting


@pytest.fixture
def setup():
    return make_setup()


@pytest.fixture
def coordinators():
    return [CoordinatorFactory(), CoordinatorFactory()]


def book(setup, commit, risk, **kwargs):
    kwargs.setdefault("contact_phone", "+8613912345678")  # a positive screen needs one
    with commit(execute=True):
        return services.booking_create(
            family=setup.family, counsellor=setup.counsellor,
            session_type=setup.session_type, start=setup.at(10), mode=Mode.IN_PERSON,
            consent=True, risk_answers=risk, **kwargs)


def sent(subject_part: str) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if subject_part in m.subject)


def test_an_urgent_booking_alerts_the_counsellor_and_every_coordinator(
        setup, coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    run_worker()
    assert booking.is_urgent is True and booking.is_safeguarding is False
    assert sent("紧急登记") == sorted(
        [c.email for c in coordinators] + [setup.counsellor.user.email])
    assert sent("儿童安全保护") == []
    alert = next(m for m in mail.outbox if "紧急登记" in m.subject)
    assert "开放时间内 2 小时内给家庭打电话" in alert.body
    assert "直接询问孩子本人 ASQ" in alert.body
    assert "尽快" not in alert.body and "尽快" not in alert.subject


def test_a_calm_screen_alerts_no_one(setup, coordinators, run_worker,
                                     django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, CALM)
    run_worker()
    assert booking.is_urgent is False
    assert [m.subject for m in mail.outbox if "紧急" in m.subject] == []


def test_unsafe_now_alerts_the_safeguarding_lead_and_tells_staff_not_to_call_the_parent(
        setup, coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, HARMED)
    run_worker()
    assert booking.is_safeguarding is True
    assert sent("儿童安全保护") == [LEAD]
    guard = next(m for m in mail.outbox if "儿童安全保护" in m.subject)
    assert "请不要先联系家长或填表人" in guard.body
    assert "110" in guard.body
    staff = next(m for m in mail.outbox if "紧急登记" in m.subject)
    assert "不要先联系家长或填表人" in staff.body
    assert "给家庭打电话" not in staff.body
    # The family's confirmation promises nothing about calling them, and says 110.
    family = next(m for m in mail.outbox if m.to == [setup.family.email])
    assert "如果孩子正在受到伤害，请立即拨打 110。" in family.body
    assert "协调员会给你打电话" not in family.body


def test_unsafe_now_without_a_named_lead_goes_to_every_coordinator(
        setup, coordinators, run_worker, django_capture_on_commit_callbacks):
    book(setup, django_capture_on_commit_callbacks, HARMED)
    run_worker()
    assert sent("儿童安全保护") == sorted(c.email for c in coordinators)


def test_the_family_confirmation_states_response_times_in_and_out_of_hours(
        setup, lead, run_worker, django_capture_on_commit_callbacks):
    lead.opening_hours = "周一至周五 9:00–17:00"
    lead.save()
    book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    run_worker()
    [confirmation] = [m for m in mail.outbox if m.to == [setup.family.email]]
    assert ("协调员会给你打电话：开放时间（周一至周五 9:00–17:00）内提交的，在 2 小时内；"
            "非开放时间提交的，下一个开放日上午 11:00 前。") in confirmation.body
    assert "24 小时热线" in confirmation.body
    assert "尽快" not in confirmation.body
    # Every number with its hours; "call now" lists only the 24-hour lines.
    text = confirmation.body
    call_now = text[text.index("请立即拨打（24小时）："):text.index("其他求助渠道（非24小时）：")]
    assert "急救：120（24小时）" in call_now and "12355" not in call_now
    assert "青少年服务台：12355（工作日 9:00–17:00）" in text
    html = confirmation.alternatives[0][0]
    assert '急救 120</a>（24小时）' in html
    assert '青少年服务台 12355</a>（工作日 9:00–17:00）' in html


def test_staff_alerts_in_english_show_hours_beside_every_number(
        setup, lead, run_worker, django_capture_on_commit_callbacks):
    counsellor = setup.counsellor.user
    counsellor.preferred_language = "en"
    counsellor.save()
    book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    run_worker()
    [alert] = [m for m in mail.outbox if m.to == [counsellor.email]]
    reference = Booking.objects.get().reference
    assert alert.subject.endswith(
        f"Urgent intake: please follow up booking {reference} within the response time")
    assert "Ambulance: 120 (24 hours)" in alert.body
    assert "Youth helpline: 12355 (Weekdays 9:00–17:00)" in alert.body
    assert ("Response time: call the family within 2 hours during opening hours; for "
            "intakes made out of hours, by 11:00 on the next opening day.") in alert.body


def test_cancelling_an_urgent_booking_alerts_the_coordinators(
        setup, coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    urgent = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=urgent, by_user=setup.family)
    run_worker()
    assert sent("已被取消，请主动联系") == sorted(c.email for c in coordinators)
    body = next(m for m in mail.outbox if "已被取消" in m.subject).body
    assert "这次预约还没有跟进记录" in body


def test_cancelling_a_calm_booking_alerts_no_one(setup, coordinators, run_worker,
                                                 django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, CALM)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by_user=setup.family)
    run_worker()
    assert sent("已被取消，请主动联系") == []


def test_erasing_the_account_of_an_urgent_booking_alerts_the_coordinators(
        setup, coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, HARMED)
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_erase(user=setup.family)
    run_worker()
    expected = sorted([c.email for c in coordinators] + [LEAD])
    assert sent("家庭已注销账户") == expected
    # One alert per person, not a second one for the erasure's own cancellation.
    assert sent("已被取消，请主动联系") == []
    notice = next(m for m in mail.outbox if m.to == [setup.counsellor.user.email])
    assert "这次预约不再需要准备" not in notice.body
    assert "已标记为紧急" in notice.body
    booking.refresh_from_db()
    assert (booking.family, booking.is_urgent) == (None, True)


def test_an_urgent_booking_left_unfollowed_alerts_the_coordinators_once(
        coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    came_in = dt.datetime(2026, 3, 6, 10, 0, tzinfo=dt.UTC)  # a Friday, 18:00 in Shanghai
    with time_machine.travel(came_in, tick=False):
        setup = make_setup()
        booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    run_worker()
    mail.outbox.clear()
    out = io.StringIO()
    with time_machine.travel(came_in + dt.timedelta(hours=1, minutes=59), tick=False):
        call_command("alert_unfollowed_urgent", stdout=out)
    run_worker()
    assert sent("超过回电时限") == []
    with time_machine.travel(came_in + dt.timedelta(hours=2, minutes=1), tick=False):
        call_command("alert_unfollowed_urgent", stdout=out)
        call_command("alert_unfollowed_urgent", stdout=out)
    run_worker()
    assert sent("超过回电时限") == sorted(c.email for c in coordinators)
    assert "Unfollowed urgent alerts queued: 1" in out.getvalue()
    booking.refresh_from_db()
    assert booking.unfollowed_alert_sent_at == came_in + dt.timedelta(hours=2, minutes=1)


def test_a_followed_up_urgent_booking_is_not_chased(
        coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    came_in = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(came_in, tick=False):
        setup = make_setup()
        booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
        services.urgent_follow_up_record(
            booking=booking, by_user=setup.counsellor.user,
            outcome=UrgentFollowUp.Outcome.REACHED, asq=UrgentFollowUp.Asq.NEGATIVE)
    with time_machine.travel(came_in + dt.timedelta(hours=5), tick=False):
        assert services.urgent_unfollowed_alert() == 0


def test_urgent_stays_in_the_queue_until_a_closing_follow_up_is_recorded(
        setup, coordinators, django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    assert list(selectors.urgent_queue()) == [booking]
    services.urgent_follow_up_record(
        booking=booking, by_user=coordinators[0],
        outcome=UrgentFollowUp.Outcome.NO_ANSWER, asq=UrgentFollowUp.Asq.NOT_ASKED)
    assert list(selectors.urgent_queue()) == [booking]
    follow_up = services.urgent_follow_up_record(
        booking=booking, by_user=setup.counsellor.user,
        outcome=UrgentFollowUp.Outcome.REACHED, asq=UrgentFollowUp.Asq.POSITIVE,
        note="已和孩子单独谈过，约好明天去医院")
    assert list(selectors.urgent_queue()) == []
    booking.refresh_from_db()
    assert booking.followed_up_at == follow_up.created_at
    assert (follow_up.author, follow_up.outcome, follow_up.asq) == (
        setup.counsellor.user, "reached", "positive")
    assert booking.notes.get().body == "已和孩子单独谈过，约好明天去医院"


def test_an_old_urgent_booking_stays_in_the_coordinator_queue_page(
        setup, coordinators, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        old_setup = make_setup(days_ahead=3)
        old = book(old_setup, django_capture_on_commit_callbacks, WISH_DEAD)
    client = Client()
    client.force_login(with_totp(coordinators[0]))
    with time_machine.travel(dt.datetime(2026, 2, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        response = client.get(reverse("bookings:coordinator_urgent"))
    assert [card["booking"] for card in response.context["cards"]] == [old]


def test_only_staff_of_the_booking_record_a_follow_up(
        setup, django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    with pytest.raises(services.BookingError) as refused:
        services.urgent_follow_up_record(
            booking=booking, by_user=setup.family, outcome="reached", asq="negative")
    assert refused.value.msgid == services.NOT_ALLOWED
    with pytest.raises(services.BookingError) as bad:
        services.urgent_follow_up_record(
            booking=booking, by_user=setup.counsellor.user, outcome="fine",
            asq="negative")
    assert bad.value.msgid == services.FOLLOW_UP_INVALID


def test_staff_page_sends_unsafe_now_to_the_safeguarding_lead_and_police(
        client, setup, lead, django_capture_on_commit_callbacks):
    booking = book(setup, django_capture_on_commit_callbacks, HARMED)
    client.force_login(with_totp(setup.counsellor.user))
    html = client.get(booking.get_absolute_url()).content.decode()
    block = html[html.index('data-testid="safeguarding-instructions"'):]
    assert "请不要先联系家长或填表人" in block
    assert "安全保护负责人：安全保护负责人（测试）" in block
    assert "公安机关" in block and "110" in block
    assert "直接询问孩子本人 ASQ" in html
    response = client.post(reverse("bookings:follow_up_add", kwargs={"pk": booking.pk}),
                           {"outcome": "safeguarding", "asq": "not_asked"})
    assert response.status_code == HTTPStatus.FOUND
    booking.refresh_from_db()
    assert booking.followed_up_at is not None


# --- the API --------------------------------------------------------------------------


@pytest.fixture
def api(setup):
    _token, secret = ApiToken.issue(user=setup.family, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def post(risk, **headers):
        return client.post("/api/v1/bookings", {
            "counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
            "start": setup.at(10).isoformat(), "mode": "in_person", "consent": True,
            "risk_answers": risk, "contact_phone": "+8613912345678"},
            content_type="application/json", **headers)

    return post


def test_api_takes_the_new_screen(api):
    response = api({**CALM, "child_self_harm": "yes_earlier"})
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["is_urgent"] is True
    booking = Booking.objects.get()
    assert booking.intake_answers == {"screen": 2, "risk": {
        **CALM, "child_self_harm": "yes_earlier"}}


@pytest.mark.parametrize(("risk", "msgid"), [
    ({"child_wish_dead": "maybe"}, services.RISK_INVALID_ANSWER),
    ({"child_self_harm": "yes"}, services.RISK_INVALID_ANSWER),
    ({"child_wish_dead": "no", "favourite_colour": "blue"},
     services.RISK_UNKNOWN_QUESTION),
    ({"unsafe_now": True, "child_wish_dead": "no"}, services.RISK_MIXED_SCREENS),
])
def test_api_refuses_unknown_answers_with_a_message(api, risk, msgid):
    response = api(risk)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == {"detail": [{
        "loc": ["body", "risk_answers"], "msg": msgid,
        "type": services._code_for(msgid)}]}
    assert Booking.objects.count() == 0


def test_api_refusal_is_in_english_for_an_english_caller(api):
    response = api({"child_wish_dead": "maybe"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["detail"][0]["msg"].startswith("An answer in the risk screen")


def test_api_still_takes_the_earlier_three_keys(api):
    response = api({"self_harm_thoughts": False, "recent_self_harm": False,
                    "unsafe_now": True})
    assert response.status_code == HTTPStatus.CREATED
    booking = Booking.objects.get()
    assert (booking.is_urgent, booking.is_safeguarding) == (True, True)
    assert intake.stored_rows(booking.intake_answers)["legacy"] is True


# --- child-safety bookings: staff are never told to contact the family first ------


def test_cancelling_a_child_safety_booking_routes_to_the_lead_not_to_the_family(
        setup, coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    urgent = book(setup, django_capture_on_commit_callbacks, HARMED)
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=urgent, by_user=setup.family)
    run_worker()
    alerts = [m for m in mail.outbox if "已被取消" in m.subject]
    assert sorted(m.to[0] for m in alerts) == sorted(
        [c.email for c in coordinators] + [LEAD])
    for alert in alerts:
        assert "请主动联系" not in alert.subject
        assert "请主动联系" not in alert.body
        assert "安全保护负责人" in alert.subject
        assert "不要先联系家长或填表人" in alert.body


def test_an_unfollowed_child_safety_booking_is_not_chased_as_a_call_to_the_family(
        coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    came_in = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(came_in, tick=False):
        setup = make_setup()
        book(setup, django_capture_on_commit_callbacks, HARMED)
    run_worker()
    mail.outbox.clear()
    with time_machine.travel(came_in + dt.timedelta(hours=3), tick=False):
        assert services.urgent_unfollowed_alert() == 1
    run_worker()
    [*alerts] = [m for m in mail.outbox if "没有跟进记录" in m.subject]
    assert sorted(m.to[0] for m in alerts) == sorted(
        [c.email for c in coordinators] + [LEAD])
    for alert in alerts:
        assert "回电" not in alert.subject
        assert "联系这个家庭" not in alert.body
        assert "安全保护负责人" in alert.body


def test_the_first_staff_alert_of_a_child_safety_booking_does_not_ask_for_a_call_back(
        setup, coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    book(setup, django_capture_on_commit_callbacks, HARMED)
    run_worker()
    staff = [m for m in mail.outbox if m.subject.startswith(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "紧急登记")]
    assert len(staff) == len(coordinators) + 1
    for alert in staff:
        assert "回电" not in alert.subject
        assert "安全保护负责人" in alert.subject


def test_an_erased_familys_urgent_booking_is_alerted_once_not_chased_again(
        coordinators, lead, run_worker, django_capture_on_commit_callbacks):
    came_in = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(came_in, tick=False):
        setup = make_setup()
        book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    with (time_machine.travel(came_in + dt.timedelta(hours=1), tick=False),
          django_capture_on_commit_callbacks(execute=True)):
        privacy.account_erase(user=setup.family)
    run_worker()
    assert sent("家庭已注销账户") == sorted(c.email for c in coordinators)
    mail.outbox.clear()
    with time_machine.travel(came_in + dt.timedelta(hours=3), tick=False):
        queued = services.urgent_unfollowed_alert()
    run_worker()
    # The erasure alert was this booking's chase; "contact the family now"
    # cannot be done any more (their details are gone).
    assert (queued, sent("没有跟进记录")) == (0, [])


def test_staff_cannot_close_or_read_the_staff_side_of_their_own_familys_urgent_booking(
        lead, django_capture_on_commit_callbacks):
    """A coordinator is a parent too: their own urgent booking is followed up by
    a colleague, and the staff notes about it are not theirs to read."""
    setup = make_setup()
    coordinator = with_totp(CoordinatorFactory())
    setup.family = coordinator
    booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    with pytest.raises(services.BookingError) as refused:
        services.urgent_follow_up_record(
            booking=booking, by_user=coordinator,
            outcome=UrgentFollowUp.Outcome.REACHED, asq=UrgentFollowUp.Asq.NEGATIVE)
    assert refused.value.msgid == services.NOT_ALLOWED
    assert list(selectors.urgent_queue()) == [booking]
    services.note_add(booking=booking, author=setup.counsellor.user,
                      body="同事的内部记录")
    client = Client()
    client.force_login(coordinator)
    html = client.get(booking.get_absolute_url()).content.decode()
    assert "同事的内部记录" not in html
    assert 'data-testid="follow-up"' not in html


def test_a_failed_unfollowed_sweep_still_queues_the_next_one(monkeypatch, run_worker):
    """The chase of unfollowed urgent bookings is a self-rescheduling chain: one
    failed sweep (a lock timeout, a lost connection) must not end it for good."""
    from django.db import OperationalError
    from django_tasks_db.models import DBTaskResult

    from bookings import jobs

    call_command("alert_unfollowed_urgent", "--schedule", stdout=io.StringIO())

    def lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "urgent_unfollowed_alert", lost)
    run_worker()
    sweeps = DBTaskResult.objects.filter(task_path=jobs.alert_unfollowed_urgent.module_path)
    assert sorted(sweeps.values_list("status", flat=True)) == ["FAILED", "READY"]


def test_staff_cannot_write_notes_or_attendance_on_their_own_familys_booking(
        lead, django_capture_on_commit_callbacks):
    """The staff doors (notes, attendance) are 404 on one's own family's
    booking, as the follow-up is: a colleague writes about it, not the parent."""
    from bookings.models import SessionNote

    setup = make_setup()
    coordinator = with_totp(CoordinatorFactory())
    setup.family = coordinator
    booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)
    client = Client()
    client.force_login(coordinator)
    note = client.post(reverse("bookings:note_add", kwargs={"pk": booking.pk}),
                       {"body": "我自己写的记录"})
    attended = client.post(reverse("bookings:attendance", kwargs={"pk": booking.pk}),
                           {"attended": "1"})
    assert (note.status_code, attended.status_code) == (404, 404)
    booking.refresh_from_db()
    assert booking.status == booking.Status.CONFIRMED
    assert not SessionNote.objects.filter(booking=booking).exists()


def test_an_alert_costs_the_same_queries_for_two_coordinators_or_seven(
        setup, lead, django_capture_on_commit_callbacks):
    """Building an urgent alert reads the policy and the response texts once,
    not once per recipient."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings import emails

    CoordinatorFactory.create_batch(2)
    booking = book(setup, django_capture_on_commit_callbacks, WISH_DEAD)

    def queries() -> tuple[int, int]:
        fresh = type(booking).objects.get(pk=booking.pk)
        with CaptureQueriesContext(connection) as captured:
            messages = emails.build_messages(fresh, "urgent_alert")
        return len(messages), len(captured)

    queries()  # site settings and crisis lines come from the cache after this
    few_messages, few = queries()
    CoordinatorFactory.create_batch(5)
    many_messages, many = queries()
    assert many_messages == few_messages + 5
    assert many == few
