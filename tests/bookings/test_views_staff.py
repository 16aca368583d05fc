"""Counsellor and coordinator pages: week, hours, attendance, notes, lists, closures."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.models import (
    AvailabilityRule,
    Booking,
    SessionNote,
    StationClosure,
    TimeOff,
)
from portal.models import AccessLog
from tests.bookings.web_setup import (
    booking_at,
    day_ahead,
    local,
    with_totp,
    working_counsellor,
)
from tests.factories import (
    ChildFactory,
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    SessionTypeFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def counsellor_x():
    counsellor, session_type = working_counsellor(display_name="林晓舟")
    with_totp(counsellor.user)
    return counsellor, session_type


@pytest.fixture
def counsellor_y():
    counsellor, session_type = working_counsellor(display_name="周一诺")
    with_totp(counsellor.user)
    return counsellor, session_type


@pytest.fixture
def coordinator():
    return with_totp(CoordinatorFactory())


# --- the MFA gate --------------------------------------------------------------------------


def test_staff_without_two_step_verification_are_sent_to_set_it_up(client):
    counsellor, _type = working_counsellor()
    client.force_login(counsellor.user)
    response = client.get(reverse("bookings:counsellor_week"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_intake_on_the_shared_detail_page_also_needs_two_step_verification(client):
    counsellor, session_type = working_counsellor()
    booking = booking_at(local(day_ahead(3), 10), counsellor=counsellor,
                         session_type=session_type, concern="私密内容")
    client.force_login(counsellor.user)
    response = client.get(booking.get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert AccessLog.objects.count() == 0


# --- My week ---------------------------------------------------------------------------------


def test_my_week_shows_bookings_with_intake_links_and_free_time(client, counsellor_x):
    counsellor, session_type = counsellor_x
    day = day_ahead(7)
    booking = booking_at(local(day, 10), counsellor=counsellor, session_type=session_type,
                         is_urgent=True)
    client.force_login(counsellor.user)
    response = client.get(reverse("bookings:counsellor_week"), {"week": day.isoformat()})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f'href="{booking.get_absolute_url()}#intake-title"' in html
    assert "10:00–10:50" in html
    # Free before it (09:00–09:50 plus its buffer ends at 10:00: back to back),
    # and after its buffer up to the last start that ends by 17:00.
    days = {d["date"]: d for d in response.context["week"]["days"]}
    ranges = [(r["start"].strftime("%H:%M"), r["end"].strftime("%H:%M"))
              for r in days[day]["free_ranges"]]
    assert ranges == [("09:00", "09:50"), ("11:00", "16:50")]
    assert "11:00–16:50 可预约" in html
    monday = day - dt.timedelta(days=day.weekday())
    assert f'?week={(monday + dt.timedelta(days=7)).isoformat()}' in html
    assert f'?week={(monday - dt.timedelta(days=7)).isoformat()}' in html


@pytest.mark.parametrize(("now", "monday", "today"), [
    # Sunday night in Shanghai (still Sunday afternoon in UTC): the week that ends today.
    (local(dt.date(2027, 1, 31), 23, 50), dt.date(2027, 1, 25), dt.date(2027, 1, 31)),
    # Ten minutes into Monday (still Sunday in UTC): the new week.
    (local(dt.date(2027, 2, 1), 0, 10), dt.date(2027, 2, 1), dt.date(2027, 2, 1)),
])
def test_my_week_without_a_date_is_the_station_week_of_today(client, counsellor_x, now,
                                                             monday, today):
    counsellor, _session_type = counsellor_x
    with time_machine.travel(now, tick=False):
        client.force_login(counsellor.user)  # a session of that day, not of today
        response = client.get(reverse("bookings:counsellor_week"))
    assert response.status_code == HTTPStatus.OK
    week = response.context["week"]
    assert week["week_start"] == monday
    assert [d["date"] for d in week["days"] if d["is_today"]] == [today]
    html = response.content.decode()
    assert html.count("· 今天") == 1
    assert f'href="?week={today.isoformat()}">本周' in html


def test_attendance_can_be_marked_from_the_week(client, counsellor_x):
    counsellor, session_type = counsellor_x
    past = booking_at(timezone.now() - dt.timedelta(hours=3), counsellor=counsellor,
                      session_type=session_type)
    client.force_login(counsellor.user)
    week_url = reverse("bookings:counsellor_week") + "?week=" + \
        timezone.localtime(past.start).date().isoformat()
    html = client.get(week_url).content.decode()
    assert f'action="{reverse("bookings:attendance", kwargs={"pk": past.pk})}"' in html
    response = client.post(reverse("bookings:attendance", kwargs={"pk": past.pk}),
                           {"attended": "1", "next": week_url})
    assert response["Location"] == week_url
    past.refresh_from_db()
    assert past.status == Booking.Status.ATTENDED


def test_my_week_shows_only_my_bookings(client, counsellor_x, counsellor_y):
    day = day_ahead(7)
    mine = booking_at(local(day, 10), counsellor=counsellor_x[0],
                      session_type=counsellor_x[1])
    theirs = booking_at(local(day, 13), counsellor=counsellor_y[0],
                        session_type=counsellor_y[1])
    client.force_login(counsellor_x[0].user)
    html = client.get(reverse("bookings:counsellor_week"),
                      {"week": day.isoformat()}).content.decode()
    assert mine.get_absolute_url() in html
    assert theirs.get_absolute_url() not in html


def test_families_may_not_open_the_counsellor_area(client):
    client.force_login(FamilyFactory())
    assert client.get(reverse("bookings:counsellor_week")).status_code == \
        HTTPStatus.FORBIDDEN


def test_counsellor_role_without_a_profile_is_refused_with_the_reason(client):
    user = CounsellorFactory().user
    with_totp(user)
    other = CounsellorFactory()
    other.user = None
    other.save()
    user.counsellor.delete()
    client.force_login(user)
    for name in ("bookings:counsellor_week", "bookings:counsellor_hours"):
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "还没有关联咨询师资料" in response.content.decode()


# --- hours, exceptions, time off -------------------------------------------------------------


def test_adding_weekly_hours_shows_the_new_free_slots_at_once(client):
    counsellor = CounsellorFactory()
    with_totp(counsellor.user)
    SessionTypeFactory(counsellors=[counsellor])
    client.force_login(counsellor.user)
    html = client.get(reverse("bookings:counsellor_hours")).content.decode()
    assert "未来7天没有可预约的时间。" in html
    day = day_ahead(3)
    response = client.post(reverse("bookings:counsellor_rule_add"), {
        "weekday": day.weekday(), "start_time": "14:00", "end_time": "16:00",
    }, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#free-slots")
    assert "已保存。下面是更新后的可预约时间。" in html
    assert "14:00–16:00" in html
    assert AvailabilityRule.objects.get(counsellor=counsellor).start_time == dt.time(14)


def test_overlapping_weekly_hours_are_refused_with_a_message(client, counsellor_x):
    counsellor, _type = counsellor_x
    client.force_login(counsellor.user)
    response = client.post(reverse("bookings:counsellor_rule_add"), {
        "weekday": 0, "start_time": "16:00", "end_time": "18:00",
    })
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "这个时段与已有的每周时段重叠" in response.content.decode()
    assert AvailabilityRule.objects.filter(counsellor=counsellor, weekday=0).count() == 1


def test_end_before_start_is_refused(client, counsellor_x):
    counsellor, _type = counsellor_x
    client.force_login(counsellor.user)
    response = client.post(reverse("bookings:counsellor_extra_add"), {
        "date": day_ahead(3).isoformat(), "start_time": "18:00", "end_time": "17:00",
    })
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "结束时间必须晚于开始时间。" in response.content.decode()


def test_time_off_over_a_booking_is_saved_and_the_booking_reported(client, counsellor_x):
    counsellor, session_type = counsellor_x
    day = day_ahead(4)
    booking = booking_at(local(day, 10), counsellor=counsellor, session_type=session_type)
    client.force_login(counsellor.user)
    response = client.post(reverse("bookings:counsellor_time_off_add"), {
        "start": f"{day.isoformat()}T09:00", "end": f"{day.isoformat()}T12:00",
        "reason": "培训",
    })
    assert response.status_code == HTTPStatus.FOUND
    time_off = TimeOff.objects.get()
    assert time_off.start == local(day, 9)
    warning = _messages(response)[-1]
    assert f"#{booking.pk} {day.isoformat()} 10:00" in warning


def test_time_off_is_read_in_the_counsellors_zone_and_dst_gaps_are_refused(client):
    counsellor, _type = working_counsellor()
    counsellor.user.display_timezone = "Europe/London"
    counsellor.user.save()
    with_totp(counsellor.user)
    client.force_login(counsellor.user)
    # 2027-03-28 01:30 does not exist in London (clocks go 01:00 -> 02:00).
    response = client.post(reverse("bookings:counsellor_time_off_add"), {
        "start": "2027-03-28T01:30", "end": "2027-03-28T05:00",
    })
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "这个时间在所选时区不存在" in response.content.decode()
    # 2027-10-31 01:30 happens twice in London.
    response = client.post(reverse("bookings:counsellor_time_off_add"), {
        "start": "2027-10-31T01:30", "end": "2027-10-31T05:00",
    })
    assert "这个时间在所选时区出现两次" in response.content.decode()
    response = client.post(reverse("bookings:counsellor_time_off_add"), {
        "start": "2027-06-01T09:00", "end": "2027-06-01T12:00",
    })
    assert response.status_code == HTTPStatus.FOUND
    assert TimeOff.objects.get().start == dt.datetime(2027, 6, 1, 8, 0, tzinfo=dt.UTC)


def test_counsellor_y_cannot_delete_counsellor_xs_hours(client, counsellor_x, counsellor_y):
    rule = AvailabilityRule.objects.filter(counsellor=counsellor_x[0]).first()
    client.force_login(counsellor_y[0].user)
    url = reverse("bookings:counsellor_schedule_delete", kwargs={"kind": "rule",
                                                                 "pk": rule.pk})
    assert client.post(url, {"confirm": "1"}).status_code == HTTPStatus.NOT_FOUND
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()
    client.force_login(counsellor_x[0].user)
    assert client.post(url, {"confirm": "1"}).status_code == HTTPStatus.FOUND
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()


def test_schedule_changes_need_the_csrf_token(counsellor_x):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(counsellor_x[0].user)
    response = csrf_client.post(reverse("bookings:counsellor_rule_add"), {
        "weekday": 0, "start_time": "18:00", "end_time": "19:00"})
    assert response.status_code == HTTPStatus.FORBIDDEN


# --- detail, intake, attendance, notes -------------------------------------------------------


def test_its_counsellor_sees_the_intake_and_the_read_is_logged(client, counsellor_x):
    counsellor, session_type = counsellor_x
    booking = booking_at(local(day_ahead(3), 10), counsellor=counsellor,
                         session_type=session_type, concern="孩子最近睡不好",
                         intake_answers={"risk": {"self_harm_thoughts": True}})
    client.force_login(counsellor.user)
    html = client.get(booking.get_absolute_url()).content.decode()
    assert "孩子最近睡不好" in html
    assert 'data-testid="intake"' in html
    logs = AccessLog.objects.filter(actor=counsellor.user)
    assert sorted(logs.values_list("action", flat=True)) == [
        AccessLog.Action.VIEW_INTAKE, AccessLog.Action.VIEW_NOTES]
    assert {log.object_id for log in logs} == {str(booking.pk)}
    assert {log.subject_user_id for log in logs} == {booking.family_id}


def test_counsellor_y_gets_404_for_counsellor_xs_booking(client, counsellor_x, counsellor_y):
    booking = booking_at(timezone.now() - dt.timedelta(hours=2), counsellor=counsellor_x[0],
                         session_type=counsellor_x[1])
    client.force_login(counsellor_y[0].user)
    assert client.get(booking.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    for name in ("attendance", "note_add"):
        url = reverse(f"bookings:{name}", kwargs={"pk": booking.pk})
        response = client.post(url, {"attended": "1", "body": "越权"})
        assert response.status_code == HTTPStatus.NOT_FOUND
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert SessionNote.objects.count() == 0
    assert AccessLog.objects.count() == 0


def test_the_family_cannot_mark_attendance_or_write_notes(client, counsellor_x):
    booking = booking_at(timezone.now() - dt.timedelta(hours=2), counsellor=counsellor_x[0],
                         session_type=counsellor_x[1])
    client.force_login(booking.family)
    for name in ("attendance", "note_add"):
        url = reverse(f"bookings:{name}", kwargs={"pk": booking.pk})
        response = client.post(url, {"attended": "0", "body": "x"})
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_marking_attended_and_no_show(client, counsellor_x):
    counsellor, session_type = counsellor_x
    past = booking_at(timezone.now() - dt.timedelta(hours=2), counsellor=counsellor,
                      session_type=session_type)
    client.force_login(counsellor.user)
    html = client.get(past.get_absolute_url()).content.decode()
    assert 'name="attended" value="0"' in html
    client.post(reverse("bookings:attendance", kwargs={"pk": past.pk}), {"attended": "0"})
    past.refresh_from_db()
    assert past.status == Booking.Status.NO_SHOW
    client.post(reverse("bookings:attendance", kwargs={"pk": past.pk}), {"attended": "1"})
    past.refresh_from_db()
    assert past.status == Booking.Status.ATTENDED


def _pressed(html: str) -> dict[str, str]:
    """{button value: aria-pressed} of the attendance buttons."""
    return dict(re.findall(
        r'name="attended" value="(\d)" aria-pressed="(true|false)"', html))


def test_the_attendance_buttons_show_the_recorded_choice(client, counsellor_x):
    counsellor, session_type = counsellor_x
    past = booking_at(timezone.now() - dt.timedelta(hours=2), counsellor=counsellor,
                      session_type=session_type)
    client.force_login(counsellor.user)
    url = past.get_absolute_url()
    assert _pressed(client.get(url).content.decode()) == {"1": "false", "0": "false"}
    client.post(reverse("bookings:attendance", kwargs={"pk": past.pk}), {"attended": "1"})
    assert _pressed(client.get(url).content.decode()) == {"1": "true", "0": "false"}
    client.post(reverse("bookings:attendance", kwargs={"pk": past.pk}), {"attended": "0"})
    html = client.get(url).content.decode()
    assert _pressed(html) == {"1": "false", "0": "true"}
    assert 'value="0" aria-pressed="true">' in html  # the pressed one is the primary


def test_attendance_for_a_future_session_is_refused_with_a_message(client, counsellor_x):
    counsellor, session_type = counsellor_x
    future = booking_at(local(day_ahead(3), 10), counsellor=counsellor,
                        session_type=session_type)
    client.force_login(counsellor.user)
    response = client.post(reverse("bookings:attendance", kwargs={"pk": future.pk}),
                           {"attended": "1"})
    assert _messages(response) == ["这个预约还没有开始，不能记录到场情况。"]
    future.refresh_from_db()
    assert future.status == Booking.Status.CONFIRMED


def test_private_notes_are_seen_by_counsellor_and_coordinator_only(client, counsellor_x,
                                                                   coordinator):
    counsellor, session_type = counsellor_x
    booking = booking_at(local(day_ahead(3), 10), counsellor=counsellor,
                         session_type=session_type)
    client.force_login(counsellor.user)
    client.post(reverse("bookings:note_add", kwargs={"pk": booking.pk}),
                {"body": "第一次会谈：建立关系"})
    assert SessionNote.objects.get().author == counsellor.user

    client.force_login(coordinator)
    assert "第一次会谈：建立关系" in client.get(booking.get_absolute_url()).content.decode()
    assert AccessLog.objects.filter(actor=coordinator,
                                    action=AccessLog.Action.VIEW_NOTES).count() == 1

    client.force_login(booking.family)
    assert "第一次会谈" not in client.get(booking.get_absolute_url()).content.decode()


def test_empty_note_is_refused(client, counsellor_x):
    counsellor, session_type = counsellor_x
    booking = booking_at(local(day_ahead(3), 10), counsellor=counsellor,
                         session_type=session_type)
    client.force_login(counsellor.user)
    response = client.post(reverse("bookings:note_add", kwargs={"pk": booking.pk}),
                           {"body": "   "})
    assert _messages(response) == ["记录不能为空，最长一万字。"]
    assert SessionNote.objects.count() == 0


# --- coordinator lists ---------------------------------------------------------------------------


def test_families_and_counsellors_may_not_open_the_coordinator_area(client, counsellor_x):
    for user in (FamilyFactory(), counsellor_x[0].user):
        client.force_login(user)
        for name in ("coordinator_bookings", "coordinator_urgent", "coordinator_closures",
                     "coordinator_reports"):
            assert client.get(reverse(f"bookings:{name}")).status_code == \
                HTTPStatus.FORBIDDEN


def test_coordinator_list_filters_and_puts_urgent_first(client, coordinator, counsellor_x,
                                                        counsellor_y):
    topic = TopicFactory(name="家庭关系调适", slug="family-relationships")
    day = day_ahead(5)
    calm = booking_at(local(day, 9), counsellor=counsellor_x[0],
                      session_type=counsellor_x[1], topic=topic)
    urgent = booking_at(local(day, 15), counsellor=counsellor_x[0],
                        session_type=counsellor_x[1], is_urgent=True)
    other = booking_at(local(day, 11), counsellor=counsellor_y[0],
                       session_type=counsellor_y[1], status=Booking.Status.CANCELLED)
    client.force_login(coordinator)
    url = reverse("bookings:coordinator_bookings")
    assert list(client.get(url).context["page"].object_list) == [urgent, calm, other]
    assert list(client.get(url, {"counsellor": counsellor_y[0].pk})
                .context["page"].object_list) == [other]
    assert list(client.get(url, {"topic": topic.pk}).context["page"].object_list) == [calm]
    assert list(client.get(url, {"status": "cancelled"}).context["page"].object_list) == [
        other]
    assert list(client.get(url, {"urgent": "on"}).context["page"].object_list) == [urgent]
    later = day + dt.timedelta(days=1)
    assert list(client.get(url, {"date_from": later.isoformat()})
                .context["page"].object_list) == []
    assert list(client.get(url, {"date_from": day.isoformat(), "date_to": day.isoformat()})
                .context["page"].object_list) == [urgent, calm, other]


def test_coordinator_list_with_a_bad_date_range_shows_a_message(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("bookings:coordinator_bookings"),
                          {"date_from": "2026-12-10", "date_to": "2026-12-01"})
    assert response.status_code == HTTPStatus.OK
    assert "结束日期不能早于开始日期。" in response.content.decode()


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warm in range(2):  # per-process caches (site settings, crisis lines)
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("full_path")
@pytest.mark.parametrize("name", ["coordinator_bookings", "coordinator_urgent"])
def test_coordinator_lists_take_the_same_queries_for_3_or_30_bookings(
        client, coordinator, counsellor_x, name):
    client.force_login(coordinator)
    url = reverse(f"bookings:{name}")
    for hour in range(9, 12):
        booking_at(local(day_ahead(2), hour), counsellor=counsellor_x[0],
                   session_type=counsellor_x[1], is_urgent=True)
    small = _count_queries(client, url)
    for days in range(3, 12):
        for hour in (9, 11, 13):
            booking_at(local(day_ahead(days), hour), counsellor=CounsellorFactory(),
                       session_type=counsellor_x[1], is_urgent=True)
    large = _count_queries(client, url)
    assert Booking.objects.count() == 30
    context = client.get(url).context
    # All 30 are listed: the coordinator's list 50 to a page, the urgent queue 25.
    assert context["page"].paginator.count == 30
    assert len(context["page"]) == (30 if name == "coordinator_bookings" else 25)
    assert large == small


def test_urgent_queue_lists_recent_urgent_bookings_oldest_first(client, coordinator,
                                                                counsellor_x):
    first = booking_at(local(day_ahead(4), 10), counsellor=counsellor_x[0],
                       session_type=counsellor_x[1], is_urgent=True)
    second = booking_at(local(day_ahead(2), 10), counsellor=counsellor_x[0],
                        session_type=counsellor_x[1], is_urgent=True)
    booking_at(local(day_ahead(3), 10), counsellor=counsellor_x[0],
               session_type=counsellor_x[1])
    client.force_login(coordinator)
    response = client.get(reverse("bookings:coordinator_urgent"))
    assert [card["booking"] for card in response.context["cards"]] == [first, second]


# --- station closures -------------------------------------------------------------------------------


def test_coordinator_adds_a_closure_and_sees_affected_bookings(client, coordinator,
                                                               counsellor_x):
    day = day_ahead(6)
    booking = booking_at(local(day, 10), counsellor=counsellor_x[0],
                         session_type=counsellor_x[1])
    client.force_login(coordinator)
    response = client.post(reverse("bookings:coordinator_closures"), {
        "name": "元旦", "start_date": day.isoformat(), "end_date": day.isoformat()})
    assert response.status_code == HTTPStatus.FOUND
    closure = StationClosure.objects.get()
    assert closure.name == "元旦"
    assert f"#{booking.pk}" in _messages(response)[-1]
    html = client.get(reverse("bookings:coordinator_closures")).content.decode()
    assert "元旦" in html
    client.post(reverse("bookings:coordinator_closure_delete", kwargs={"pk": closure.pk}),
                {"confirm": "1"})
    assert StationClosure.objects.count() == 0


def test_closure_ending_before_it_starts_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("bookings:coordinator_closures"), {
        "name": "错误", "start_date": "2027-01-05", "end_date": "2027-01-01"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "截止日期不能早于生效日期。" in response.content.decode()
    assert StationClosure.objects.count() == 0


# --- account section ------------------------------------------------------------------------------


def test_account_page_shows_next_bookings_for_families(client, counsellor_x, site_shell):
    booking = booking_at(local(day_ahead(3), 10), counsellor=counsellor_x[0],
                         session_type=counsellor_x[1])
    client.force_login(booking.family)
    html = client.get(reverse("portal:account")).content.decode()
    assert booking.get_absolute_url() in html
    assert reverse("bookings:mine") in html
    assert reverse("bookings:counsellor_week") not in html


def test_account_page_links_staff_to_their_areas(client, counsellor_x, coordinator,
                                                 site_shell):
    client.force_login(counsellor_x[0].user)
    html = client.get(reverse("portal:account")).content.decode()
    assert reverse("bookings:counsellor_week") in html
    assert reverse("bookings:coordinator_bookings") not in html
    client.force_login(coordinator)
    html = client.get(reverse("portal:account")).content.decode()
    assert reverse("bookings:coordinator_bookings") in html


@pytest.mark.usefixtures("full_path")
def test_my_week_takes_the_same_queries_for_2_or_20_bookings(client, counsellor_x):
    counsellor, session_type = counsellor_x
    client.force_login(counsellor.user)
    monday = day_ahead(14) - dt.timedelta(days=day_ahead(14).weekday())
    url = reverse("bookings:counsellor_week") + f"?week={monday.isoformat()}"

    def add(days, hours):
        for day in days:
            for hour in hours:
                booking_at(local(monday + dt.timedelta(days=day), hour),
                           counsellor=counsellor, session_type=session_type,
                           child=ChildFactory())

    add([0], [9, 11])
    small = _count_queries(client, url)
    add(range(1, 7), [9, 11, 13])
    large = _count_queries(client, url)
    bookings = sum(len(d["bookings"]) for d in client.get(url).context["week"]["days"])
    assert bookings == 20
    assert large == small


def test_coordinator_list_links_to_counsellor_and_session_type_management(client,
                                                                          coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("bookings:coordinator_bookings")).content.decode()
    assert 'href="/admin/snippets/bookings/counsellor/"' in html
    assert 'href="/admin/snippets/bookings/sessiontype/"' in html
    assert 'href="/admin/snippets/bookings/groupsession/"' in html


def test_a_coordinator_cancelling_for_a_family_is_not_late_and_returns_to_the_booking(
        client, coordinator, counsellor_x):
    booking = booking_at(timezone.now() + dt.timedelta(hours=3), counsellor=counsellor_x[0],
                         session_type=counsellor_x[1])
    client.force_login(coordinator)
    response = client.post(reverse("bookings:cancel", kwargs={"pk": booking.pk}),
                           {"reason": "咨询师生病"})
    assert response["Location"] == booking.get_absolute_url()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


@pytest.mark.parametrize("params", [
    {"date_from": "9999-12-31", "date_to": "9999-12-31"},
    {"date_from": "0001-01-01"},
])
def test_coordinator_list_refuses_dates_out_of_range_without_a_500(client, coordinator,
                                                                    params):
    client.force_login(coordinator)
    response = client.get(reverse("bookings:coordinator_bookings"), params)
    assert response.status_code == HTTPStatus.OK
    assert "请填写2000年至2100年之间的日期。" in response.content.decode()


def test_far_away_weeks_and_dates_fall_back_instead_of_overflowing(client, counsellor_x,
                                                                   coordinator):
    counsellor, _type = counsellor_x
    client.force_login(counsellor.user)
    for week in ("9999-12-31", "0001-01-01"):
        response = client.get(reverse("bookings:counsellor_week"), {"week": week})
        assert response.status_code == HTTPStatus.OK
    response = client.post(reverse("bookings:counsellor_time_off_add"), {
        "start": "9999-12-31T20:00", "end": "9999-12-31T23:00"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请填写2000年至2100年之间的日期。" in response.content.decode()
    response = client.get(
        reverse("bookings:counsellor", kwargs={"slug": counsellor.slug}),
        {"from": "9999-12-31"})
    assert response.status_code == HTTPStatus.OK
    client.force_login(coordinator)
    response = client.get(reverse("bookings:coordinator_reports"),
                          {"start": "9999-12-01", "end": "9999-12-31"})
    assert response.status_code == HTTPStatus.OK
    assert "请填写2000年至2100年之间的日期。" in response.content.decode()
    response = client.post(reverse("bookings:coordinator_closures"), {
        "name": "远", "start_date": "9999-12-31", "end_date": "9999-12-31"})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_staff_screens_name_and_reach_a_phone_only_family(client, coordinator, counsellor_x):
    family = FamilyFactory(email=None, phone="+8613812345678", phone_verified=True,
                           display_name="")
    booking = booking_at(local(day_ahead(2), 10), counsellor=counsellor_x[0],
                         session_type=counsellor_x[1], family=family, is_urgent=True,
                         contact_phone="")
    client.force_login(coordinator)
    queue = client.get(reverse("bookings:coordinator_urgent")).content.decode()
    assert 'href="tel:+8613812345678"' in queue
    assert "None" not in queue and "请用账户邮箱联系" not in queue
    detail = client.get(reverse("bookings:detail", kwargs={"pk": booking.pk})).content.decode()
    assert "<dd>138****5678</dd>" in detail


def test_the_urgent_card_says_when_an_account_has_no_way_to_reach_it(client, coordinator,
                                                                    counsellor_x):
    from allauth.socialaccount.models import SocialAccount

    family = FamilyFactory(email=None, phone=None, display_name="")
    SocialAccount.objects.create(user=family, provider="weixin", uid="o-union-1")
    booking_at(local(day_ahead(2), 10), counsellor=counsellor_x[0],
               session_type=counsellor_x[1], family=family, is_urgent=True, contact_phone="")
    client.force_login(coordinator)
    queue = client.get(reverse("bookings:coordinator_urgent")).content.decode()
    assert "账户没有电话或邮箱" in queue and "None" not in queue


def test_coordinators_without_an_email_get_no_alert_mail(coordinator):
    from bookings import emails

    phone_only = CoordinatorFactory(email=None, phone="+8613900001111")
    assert phone_only not in emails._coordinators() and coordinator in emails._coordinators()
