"""The family booking flow, My bookings, cancel/reschedule and workshops, as pages."""

import datetime as dt
from http import HTTPStatus
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from bookings import services
from bookings.forms import CONSENT_MISSING
from bookings.intake import RISK_KEYS
from bookings.models import Booking, Mode, WaitlistEntry
from bookings.selectors import free_slots
from portal.models import Consent
from tests.bookings.web_setup import booking_at, day_ahead, local, working_counsellor
from tests.factories import (
    ChildFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _details(start: dt.datetime, *, risk="no", consent=True, mode=Mode.IN_PERSON,
             **extra) -> dict:
    """Every item answered ``risk`` ("yes" on the past items: within the month)."""
    def value(key):
        return "yes_recent" if risk == "yes" and key in (
            "child_past_attempt", "child_self_harm") else risk

    data = {"start": start.isoformat(), "concern": "孩子最近不愿意上学", "mode": mode,
            **{f"risk_{key}": value(key) for key in RISK_KEYS}, **extra}
    if risk != "no" and "risk_danger_now" not in data:
        data["risk_danger_now"] = "no"
    if risk != "no":
        data.setdefault("contact_phone", "139 1234 5678")
    if consent:
        data["consent"] = "on"
    return data


@pytest.fixture
def setup():
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    counsellor, session_type = working_counsellor(display_name="林晓舟",
                                                  specialties=[topic])
    return counsellor, session_type, topic


def book_url(counsellor, session_type):
    return reverse("bookings:book", kwargs={"slug": counsellor.slug,
                                            "type_slug": session_type.slug})


# --- choosing topic, counsellor and time -------------------------------------------------


def test_index_lists_topics_linking_to_filtered_counsellors(client, setup):
    response = client.get(reverse("bookings:index"))
    assert response.status_code == HTTPStatus.OK
    assert (f'href="{reverse("bookings:counsellors")}?topic=emotional-guidance"'
            in response.content.decode())


def test_counsellor_list_filters_by_topic_language_and_mode(client, setup):
    counsellor, _type, topic = setup
    other_topic = TopicFactory(name="自闭症咨询与科普", slug="autism")
    working_counsellor(display_name="周一诺", specialties=[other_topic],
                       languages=["en"], modes=[Mode.PHONE])
    url = reverse("bookings:counsellors")

    html = client.get(url, {"topic": "emotional-guidance"}).content.decode()
    assert "林晓舟" in html
    assert "周一诺" not in html

    html = client.get(url, {"language": "en"}).content.decode()
    assert "周一诺" in html
    assert "林晓舟" not in html

    html = client.get(url, {"mode": Mode.PHONE}).content.decode()
    assert "周一诺" in html
    assert "林晓舟" not in html


def test_a_topic_renamed_or_added_shows_on_the_next_counsellor_list(client, setup):
    """Topics are read once per page generation; a topic's save retires it."""
    _counsellor, _type, topic = setup
    url = reverse("bookings:counsellors")
    assert "情绪疏导" in client.get(url).content.decode()
    topic.name = "情绪支持"
    topic.save()
    TopicFactory(name="自闭症咨询与科普", slug="autism")
    html = client.get(url).content.decode()
    # In the filter and on the counsellor's card alike.
    assert html.count("情绪支持") == 2
    assert "情绪疏导" not in html
    assert '<option value="autism">自闭症咨询与科普</option>' in html
    assert client.get(url, {"topic": "autism"}).status_code == HTTPStatus.OK


def test_counsellor_list_shows_each_counsellors_soonest_free_time(client, setup):
    counsellor, session_type, _topic = setup
    idle = CounsellorFactory(display_name="休假中的咨询师")
    SessionTypeFactory(counsellors=[idle])
    response = client.get(reverse("bookings:counsellors"))
    by_name = {c.display_name: c for c in response.context["counsellors"]}
    soonest = free_slots(counsellor=counsellor, session_type=session_type,
                         start_date=timezone.localdate(),
                         end_date=timezone.localdate() + dt.timedelta(days=13))[0]
    assert by_name["林晓舟"].next_free == soonest
    assert by_name["休假中的咨询师"].next_free is None
    html = response.content.decode()
    assert f"最早可约：{soonest.start.month}月{soonest.start.day}日" in html
    assert "近两周暂无空余时间" in html


def test_counsellor_page_lists_soonest_free_slots_first_in_station_time(client, setup):
    counsellor, session_type, _topic = setup
    response = client.get(reverse("bookings:counsellor", kwargs={"slug": counsellor.slug}))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "时间均按北京时间显示" in html
    soonest = response.context["soonest"]
    assert len(soonest) == 6
    assert soonest == sorted(soonest)
    first = soonest[0].start
    assert f"?start={quote(first.isoformat(), safe='')}" in html


def test_times_are_shown_in_the_viewers_own_zone_with_the_zone_named(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory(display_timezone="Europe/London")
    start = local(day_ahead(5), 16)  # 16:00 in Shanghai
    booking = booking_at(start, family=family, counsellor=counsellor,
                         session_type=session_type)
    client.force_login(family)
    html = client.get(reverse("bookings:detail", kwargs={"pk": booking.pk})).content.decode()
    london = start.astimezone(ZoneInfo("Europe/London"))
    assert f"{london:%H:%M}" in html
    assert "时间均按Europe/London显示" in html


def test_counsellor_page_answers_404_for_unknown_or_inactive(client, setup):
    counsellor, _type, _topic = setup
    counsellor.is_active = False
    counsellor.save()
    url = reverse("bookings:counsellor", kwargs={"slug": counsellor.slug})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


# --- details, review, confirm -------------------------------------------------------------


def test_details_step_needs_a_login(client, setup):
    counsellor, session_type, _topic = setup
    url = book_url(counsellor, session_type)
    response = client.get(url, {"start": local(day_ahead(), 10).isoformat()})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_details_step_refuses_a_time_that_is_not_free(client, setup):
    counsellor, session_type, _topic = setup
    client.force_login(FamilyFactory())
    response = client.get(book_url(counsellor, session_type),
                          {"start": local(day_ahead(), 20).isoformat()})
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == ["这个时间已不可预约，请重新选择。"]


def test_details_form_shows_risk_questions_children_and_consent(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory()
    ChildFactory(family=family.family_profile, nickname="小满")
    client.force_login(family)
    response = client.get(book_url(counsellor, session_type),
                          {"start": local(day_ahead(), 10).isoformat()})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "小满" in html
    assert "为我自己" in html
    for key in RISK_KEYS:
        assert f'name="risk_{key}"' in html
    assert 'name="consent"' in html


def test_details_without_consent_are_refused_with_a_message(client, setup):
    counsellor, session_type, _topic = setup
    client.force_login(FamilyFactory())
    response = client.post(book_url(counsellor, session_type),
                           _details(local(day_ahead(), 10), consent=False))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert str(CONSENT_MISSING) in response.content.decode()
    assert Booking.objects.count() == 0


def test_review_step_shows_the_cancellation_policy_and_books_nothing(client, setup):
    counsellor, session_type, _topic = setup
    client.force_login(FamilyFactory())
    start = local(day_ahead(), 10)
    response = client.post(book_url(counsellor, session_type), _details(start))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "开始前 24 小时以上可以在“我的预约”中免费取消或改期。" in html
    late_from = start - dt.timedelta(hours=24)
    assert f"{late_from.month}月{late_from.day}日" in html
    assert 'value="confirm"' in html
    assert Booking.objects.count() == 0


def test_a_risk_answer_shows_the_crisis_lines_already_on_the_review_page(client, setup,
                                                                         site_shell):
    counsellor, session_type, _topic = setup
    client.force_login(FamilyFactory())
    html = client.post(book_url(counsellor, session_type),
                       _details(local(day_ahead(), 10), risk="yes")).content.decode()
    panel = html[html.index('data-testid="crisis-panel"'):]
    assert 'href="tel:12356"' in panel[:panel.index("</section>")]
    assert "请继续完成预约，预约不会因为这些回答被拒绝。" in panel
    calm = client.post(book_url(counsellor, session_type),
                       _details(local(day_ahead(), 10))).content.decode()
    assert 'data-testid="crisis-panel"' not in calm


def test_confirming_books_the_session_and_shows_it(client, setup):
    counsellor, session_type, topic = setup
    family = FamilyFactory()
    child = ChildFactory(family=family.family_profile)
    client.force_login(family)
    start = local(day_ahead(), 10)
    response = client.post(book_url(counsellor, session_type), _details(
        start, step="confirm", child=child.pk, topic=topic.slug))
    booking = Booking.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("bookings:detail", kwargs={"pk": booking.pk}) \
        + "?new=1"
    assert (booking.family, booking.child, booking.start, booking.topic) == (
        family, child, start, topic)
    assert booking.is_urgent is False
    consent = Consent.objects.get(user=family, kind=Consent.Kind.SENSITIVE_DATA)
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION
    assert consent.withdrawn_at is None
    page = client.get(response["Location"]).content.decode()
    assert "预约成功" in page
    assert 'data-testid="crisis-panel"' not in page


def test_a_risk_answer_shows_crisis_lines_at_once_and_still_books(client, setup, site_shell):
    counsellor, session_type, _topic = setup
    client.force_login(FamilyFactory())
    response = client.post(book_url(counsellor, session_type),
                           _details(local(day_ahead(), 11), risk="yes", step="confirm"),
                           follow=True)
    booking = Booking.objects.get()
    assert booking.is_urgent is True
    assert booking.status == Booking.Status.CONFIRMED
    html = response.content.decode()
    panel = html[html.index('data-testid="crisis-panel"'):]
    panel = panel[:panel.index("</section>")]
    for number in ("12356", "962525", "12355", "110", "120"):
        assert f'href="tel:{number}"' in panel
    assert "你的预约已保留。" in panel


def test_a_slot_taken_meanwhile_sends_the_family_back_with_the_message(client, setup):
    counsellor, session_type, _topic = setup
    start = local(day_ahead(), 10)
    booking_at(start, counsellor=counsellor, session_type=session_type)
    client.force_login(FamilyFactory())
    response = client.post(book_url(counsellor, session_type),
                           _details(start, step="confirm"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(
        reverse("bookings:counsellor", kwargs={"slug": counsellor.slug}))
    assert _messages(response) == [str(services.SLOT_TAKEN)]
    assert Booking.objects.count() == 1
    assert Consent.objects.filter(kind=Consent.Kind.SENSITIVE_DATA).count() == 0


def test_another_familys_child_is_refused(client, setup):
    counsellor, session_type, _topic = setup
    other_child = ChildFactory()
    client.force_login(FamilyFactory())
    response = client.post(book_url(counsellor, session_type), _details(
        local(day_ahead(), 10), step="confirm", child=other_child.pk))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Booking.objects.count() == 0


def test_garbage_start_is_a_message_not_a_500(client, setup):
    counsellor, session_type, _topic = setup
    client.force_login(FamilyFactory())
    data = _details(local(day_ahead(), 10))
    data["start"] = "not-a-time"
    response = client.post(book_url(counsellor, session_type), data)
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == ["这个时间已不可预约，请重新选择。"]


# --- My bookings, detail, cancel, reschedule ---------------------------------------------------


def test_my_bookings_splits_upcoming_and_past_and_shows_only_mine(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory()
    upcoming = booking_at(local(day_ahead(3), 10), family=family, counsellor=counsellor,
                          session_type=session_type)
    past = booking_at(local(day_ahead(-3), 10), family=family, counsellor=counsellor,
                      session_type=session_type, status=Booking.Status.ATTENDED)
    others = booking_at(local(day_ahead(4), 10), counsellor=counsellor,
                        session_type=session_type)
    client.force_login(family)
    response = client.get(reverse("bookings:mine"))
    assert response.context["upcoming"] == [upcoming]
    assert response.context["past"] == [past]
    assert reverse("bookings:detail", kwargs={"pk": others.pk}) not in \
        response.content.decode()


def test_family_b_gets_404_for_family_as_booking_everywhere(client, setup):
    counsellor, session_type, _topic = setup
    booking = booking_at(local(day_ahead(3), 10), counsellor=counsellor,
                         session_type=session_type)
    client.force_login(FamilyFactory())
    for name in ("detail", "cancel", "reschedule"):
        url = reverse(f"bookings:{name}", kwargs={"pk": booking.pk})
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    for name in ("cancel", "reschedule"):
        url = reverse(f"bookings:{name}", kwargs={"pk": booking.pk})
        response = client.post(url, {"new_start": local(day_ahead(6), 10).isoformat()})
        assert response.status_code == HTTPStatus.NOT_FOUND
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_owner_does_not_see_the_intake_answers(client, setup):
    counsellor, session_type, _topic = setup
    booking = booking_at(local(day_ahead(3), 10), counsellor=counsellor,
                         session_type=session_type, concern="只给咨询师看的内容")
    client.force_login(booking.family)
    html = client.get(booking.get_absolute_url()).content.decode()
    assert "只给咨询师看的内容" not in html
    assert 'data-testid="intake"' not in html


def test_cancel_confirm_page_says_whether_it_would_be_late(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory()
    early = booking_at(local(day_ahead(5), 10), family=family, counsellor=counsellor,
                       session_type=session_type)
    soon = booking_at(timezone.now() + dt.timedelta(hours=3), family=family,
                      counsellor=counsellor, session_type=session_type)
    client.force_login(family)
    html = client.get(reverse("bookings:cancel", kwargs={"pk": early.pk})).content.decode()
    assert "现在取消不算迟取消。" in html
    html = client.get(reverse("bookings:cancel", kwargs={"pk": soon.pk})).content.decode()
    assert "现在已在截止时间内，这次取消会记为“迟取消”。" in html


def test_cancelling_frees_the_booking_and_late_cancels_are_recorded(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory()
    early = booking_at(local(day_ahead(5), 10), family=family, counsellor=counsellor,
                       session_type=session_type)
    soon = booking_at(timezone.now() + dt.timedelta(hours=3), family=family,
                      counsellor=counsellor, session_type=session_type)
    client.force_login(family)
    response = client.post(reverse("bookings:cancel", kwargs={"pk": early.pk}),
                           {"reason": "临时有事\x00"})
    assert response["Location"] == reverse("bookings:mine")
    assert _messages(response) == ["已取消，名额已释放。"]
    client.post(reverse("bookings:cancel", kwargs={"pk": soon.pk}))
    early.refresh_from_db()
    soon.refresh_from_db()
    assert early.status == Booking.Status.CANCELLED
    assert soon.status == Booking.Status.LATE_CANCELLED


def test_cancel_without_csrf_token_is_refused(setup):
    counsellor, session_type, _topic = setup
    booking = booking_at(local(day_ahead(5), 10), counsellor=counsellor,
                         session_type=session_type)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(booking.family)
    response = csrf_client.post(reverse("bookings:cancel", kwargs={"pk": booking.pk}))
    assert response.status_code == HTTPStatus.FORBIDDEN
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_booking_without_csrf_token_is_refused(setup):
    counsellor, session_type, _topic = setup
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(FamilyFactory())
    response = csrf_client.post(book_url(counsellor, session_type),
                                _details(local(day_ahead(), 10), step="confirm"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Booking.objects.count() == 0


def test_reschedule_lists_free_slots_and_moves_the_booking(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory()
    booking = booking_at(local(day_ahead(5), 10), family=family, counsellor=counsellor,
                         session_type=session_type)
    client.force_login(family)
    url = reverse("bookings:reschedule", kwargs={"pk": booking.pk})
    html = client.get(url).content.decode()
    new_start = local(day_ahead(6), 14)
    assert f'value="{new_start.isoformat()}"' in html
    assert f'value="{booking.start.isoformat()}"' not in html
    response = client.post(url, {"new_start": new_start.isoformat(), "confirm": "1"})
    assert response["Location"] == booking.get_absolute_url()
    booking.refresh_from_db()
    assert booking.start == new_start
    assert booking.sequence == 1


def test_reschedule_to_a_taken_time_shows_the_message(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory()
    booking = booking_at(local(day_ahead(5), 10), family=family, counsellor=counsellor,
                         session_type=session_type)
    taken = booking_at(local(day_ahead(6), 14), counsellor=counsellor,
                       session_type=session_type)
    client.force_login(family)
    response = client.post(reverse("bookings:reschedule", kwargs={"pk": booking.pk}),
                           {"new_start": taken.start.isoformat(), "confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == [str(services.SLOT_TAKEN)]
    booking.refresh_from_db()
    assert booking.start == local(day_ahead(5), 10)


# --- workshops ---------------------------------------------------------------------------------


def test_workshop_pages_show_seats_left(client):
    workshop = GroupSessionFactory(title="和青春期孩子好好说话", capacity=2)
    booking_at(workshop.start, group_session=workshop, counsellor=workshop.counsellors.get(),
               session_type=workshop.session_type)
    html = client.get(reverse("bookings:workshops")).content.decode()
    assert "和青春期孩子好好说话" in html
    assert "还剩 1 个名额" in html
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "剩余 1 / 共 2" in html


def test_joining_a_full_workshop_puts_the_family_on_the_waitlist(client):
    workshop = GroupSessionFactory(capacity=1)
    first, second = FamilyFactory(), FamilyFactory()
    client.force_login(first)
    client.post(reverse("bookings:workshop_join", kwargs={"pk": workshop.pk}))
    client.force_login(second)
    response = client.post(reverse("bookings:workshop_join", kwargs={"pk": workshop.pk}))
    assert _messages(response)[-1:] == [
        "名额已满，你已加入候补。有名额时我们会自动为你报名并通知你。"]
    assert workshop.seats.get().family == first
    entry = WaitlistEntry.objects.get()
    assert entry.family == second
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "你在候补名单中" in html

    # The first family leaves: the waiting family gets the seat.
    client.force_login(first)
    client.post(reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk}),
                {"confirm": "1"})
    assert workshop.seats.get(status=Booking.Status.CONFIRMED).family == second


@pytest.mark.parametrize("child", ["abc", "999999", "²", "9" * 30])
def test_joining_with_a_child_that_is_not_mine_is_404_not_500(client, child):
    workshop = GroupSessionFactory(capacity=3)
    client.force_login(FamilyFactory())
    response = client.post(reverse("bookings:workshop_join", kwargs={"pk": workshop.pk}),
                           {"child": child})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert workshop.seats.count() == 0


def test_bad_query_parameters_are_ignored_not_errors(client, setup):
    counsellor, _type, _topic = setup
    urls = [
        reverse("bookings:counsellor", kwargs={"slug": counsellor.slug}) + "?from=2026-13-45",
        reverse("bookings:counsellors") + "?topic=nope&mode=flying&language=xx",
        reverse("bookings:workshops") + "?topic=%01",
        reverse("bookings:counsellors") + "?topic=%E2%80%AE",
        reverse("bookings:counsellor", kwargs={"slug": counsellor.slug})
        + "?topic=%01&type=x",
    ]
    for url in urls:
        assert client.get(url).status_code == HTTPStatus.OK
    # NUL bytes never reach a view: portal.middleware.NulByteGuardMiddleware.
    nul = client.get(reverse("bookings:workshops") + "?topic=%00")
    assert nul.status_code == HTTPStatus.BAD_REQUEST


def test_leaving_the_waitlist(client):
    workshop = GroupSessionFactory(capacity=1)
    booking_at(workshop.start, group_session=workshop, counsellor=workshop.counsellors.get(),
               session_type=workshop.session_type)
    family = FamilyFactory()
    client.force_login(family)
    client.post(reverse("bookings:workshop_join", kwargs={"pk": workshop.pk}))
    entry = WaitlistEntry.objects.get(family=family)
    assert client.get(reverse("bookings:mine")).context["waitlist"] == [entry]
    leave = reverse("bookings:waitlist_leave", kwargs={"pk": entry.pk})
    # The first tap asks; the place is kept until the confirm form is sent.
    html = client.post(leave, {"next": reverse("bookings:mine")}).content.decode()
    assert "你现在是候补第 1 位。退出后这个位置不再保留。" in html
    assert '<input type="hidden" name="confirm" value="1">' in html
    assert f'<input type="hidden" name="next" value="{reverse("bookings:mine")}">' in html
    entry.refresh_from_db()
    assert entry.left_at is None
    response = client.post(leave, {"confirm": "1", "next": reverse("bookings:mine")})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("bookings:mine")
    entry.refresh_from_db()
    assert entry.left_at is not None


def test_another_family_cannot_leave_my_waitlist_place(client):
    workshop = GroupSessionFactory(capacity=1)
    entry = WaitlistEntry.objects.create(group_session=workshop, family=FamilyFactory())
    client.force_login(FamilyFactory())
    response = client.post(reverse("bookings:waitlist_leave", kwargs={"pk": entry.pk}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warm in range(2):  # per-process caches (site settings, crisis lines)
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(ctx.captured_queries)


def _add_bookings(family, counsellor, session_type, count: int, first_day: int):
    for index in range(count):
        day = day_ahead(first_day + index // 3)
        booking_at(local(day, 9 + 2 * (index % 3)), family=family, counsellor=counsellor,
                   session_type=session_type, child=ChildFactory(family=family.family_profile))
        workshop = GroupSessionFactory(start=timezone.now() + dt.timedelta(days=first_day
                                                                           + index))
        WaitlistEntry.objects.create(group_session=workshop, family=family)


@pytest.mark.usefixtures("full_path")
def test_my_bookings_takes_the_same_queries_for_2_or_20_bookings(client, setup):
    counsellor, session_type, _topic = setup
    family = FamilyFactory()
    client.force_login(family)
    _add_bookings(family, counsellor, session_type, 2, first_day=2)
    small = _count_queries(client, reverse("bookings:mine"))
    _add_bookings(family, counsellor, session_type, 18, first_day=5)
    large = _count_queries(client, reverse("bookings:mine"))
    assert len(client.get(reverse("bookings:mine")).context["upcoming"]) == 20
    assert large == small


def test_workshop_list_takes_the_same_queries_for_2_or_20_workshops(client):
    for days in range(2):
        GroupSessionFactory(start=timezone.now() + dt.timedelta(days=days + 1),
                            topic=TopicFactory())
    small = _count_queries(client, reverse("bookings:workshops"))
    for days in range(18):
        GroupSessionFactory(start=timezone.now() + dt.timedelta(days=days + 3),
                            topic=TopicFactory())
    large = _count_queries(client, reverse("bookings:workshops"))
    # All 20 are listed, 12 to a page (issue 11: every list pages).
    context = client.get(reverse("bookings:workshops")).context
    assert (context["page"].paginator.count, len(context["workshops"])) == (20, 12)
    assert large == small


def test_counsellor_list_takes_the_same_queries_for_2_or_20_counsellors(client, setup):
    counsellor, session_type, topic = setup

    def add():
        other, own_type = working_counsellor(specialties=[topic, TopicFactory()])
        own_type.delete()
        session_type.counsellors.add(other)

    add()
    small = _count_queries(client, reverse("bookings:counsellors"))
    for _index in range(18):
        add()
    large = _count_queries(client, reverse("bookings:counsellors"))
    # All 20 are listed, 12 to a page (issue 11: every list pages).
    context = client.get(reverse("bookings:counsellors")).context
    assert (context["page"].paginator.count, len(context["counsellors"])) == (20, 12)
    assert large == small


def test_english_pages_render_days_in_english(client, setup):
    counsellor, _type, _topic = setup
    response = client.get(f"/en/bookings/counsellors/{counsellor.slug}/")
    assert response.status_code == HTTPStatus.OK
    first = response.context["soonest"][0].start
    html = response.content.decode()
    assert f"{first:%a} {first.day} {first:%b} {first:%H:%M}" in html


def test_english_pages_name_specialties_in_english(client, setup):
    counsellor, _type, topic = setup
    english = topic.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.name = "Emotional guidance"
    english.save()
    for url in (f"/en/bookings/counsellors/{counsellor.slug}/", "/en/bookings/counsellors/"):
        html = client.get(url).content.decode()
        assert '<span class="tag">Emotional guidance</span>' in html
    html = client.get(f"/bookings/counsellors/{counsellor.slug}/").content.decode()
    assert '<span class="tag">情绪疏导</span>' in html
