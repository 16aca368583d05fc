"""The counsellor's week (time off, closures, clashes, cards) and hours pages
(the weekly grid, deleting with a confirm step)."""

import datetime as dt
from http import HTTPStatus
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bookings import selectors
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    StationClosure,
    TimeOff,
)
from tests.bookings.web_setup import booking_at, local, with_totp, working_counsellor
from tests.factories import ChildFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

# A Thursday; the week shown is the next one, Monday 14 to Sunday 20 December.
NOW = local(dt.date(2026, 12, 10), 9)
MONDAY = dt.date(2026, 12, 14)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def counsellor(client):
    counsellor, session_type = working_counsellor(display_name="林晓舟")
    session_type.name = "个体咨询"
    session_type.location = "未保站二楼咨询室"
    session_type.save()
    with_totp(counsellor.user)
    client.force_login(counsellor.user)
    return counsellor, session_type


def _week(client, day=MONDAY) -> str:
    response = client.get(reverse("bookings:counsellor_week"), {"week": day.isoformat()})
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def _day_cards(html: str) -> list[str]:
    """The seven day cards of the week, Monday first."""
    return html.split('<li class="week-day card">')[1:]


# --- the week ----------------------------------------------------------------------


def test_time_off_shows_its_reason_on_each_day_it_covers(client, counsellor):
    TimeOff.objects.create(counsellor=counsellor[0], start=local(MONDAY, 0),
                           end=local(MONDAY + dt.timedelta(days=3), 0), reason="年假")
    days = _day_cards(_week(client))
    for covered in days[:3]:
        assert "休假</strong> · 年假" in covered
        assert "全天" in covered
        assert "无安排" not in covered
    assert "年假" not in days[3]


def test_part_of_a_day_off_shows_its_hours(client, counsellor):
    TimeOff.objects.create(counsellor=counsellor[0], start=local(MONDAY, 9),
                           end=local(MONDAY, 12), reason="培训")
    monday = _day_cards(_week(client))[0]
    assert "培训<br>09:00–12:00" in monday


def test_time_off_into_the_night_ends_at_24_00_on_its_first_day(client, counsellor):
    TimeOff.objects.create(counsellor=counsellor[0], start=local(MONDAY, 18),
                           end=local(MONDAY + dt.timedelta(days=1), 10), reason="外出")
    days = _day_cards(_week(client))
    assert "外出<br>18:00–24:00" in days[0]
    assert "外出<br>00:00–10:00" in days[1]


def test_a_station_closure_shows_on_the_days_it_covers(client, counsellor):
    StationClosure.objects.create(name="元旦", start_date=MONDAY + dt.timedelta(days=5),
                                  end_date=MONDAY + dt.timedelta(days=6))
    days = _day_cards(_week(client))
    assert "闭馆</strong> · 元旦" in days[5]
    assert "闭馆</strong> · 元旦" in days[6]
    assert "元旦" not in days[4]


def test_a_booking_inside_time_off_is_flagged_in_text(client, counsellor):
    booking = booking_at(local(MONDAY, 10), counsellor=counsellor[0],
                         session_type=counsellor[1])
    TimeOff.objects.create(counsellor=counsellor[0], start=local(MONDAY, 9),
                           end=local(MONDAY, 12), reason="培训")
    booking_at(local(MONDAY + dt.timedelta(days=1), 10), counsellor=counsellor[0],
               session_type=counsellor[1])
    days = _day_cards(_week(client))
    assert booking.get_absolute_url() in days[0]
    assert "⚠</span> 与休假冲突</p>" in days[0]
    assert "与休假冲突" not in days[1]
    assert 'data-testid="clash"' not in days[1]


def test_a_workshop_on_a_closure_day_is_flagged(client, counsellor):
    GroupSessionFactory(counsellors=[counsellor[0]], title="亲子沟通工作坊",
                        start=local(MONDAY + dt.timedelta(days=2), 14),
                        end=local(MONDAY + dt.timedelta(days=2), 15, 30))
    StationClosure.objects.create(name="临时闭馆", start_date=MONDAY + dt.timedelta(days=2),
                                  end_date=MONDAY + dt.timedelta(days=2))
    wednesday = _day_cards(_week(client))[2]
    assert "亲子沟通工作坊" in wednesday
    assert "与闭馆日冲突" in wednesday


def test_a_booking_and_a_workshop_at_the_same_time_are_both_flagged(client, counsellor):
    booking_at(local(MONDAY, 14), counsellor=counsellor[0], session_type=counsellor[1])
    GroupSessionFactory(counsellors=[counsellor[0]], title="家长课堂",
                        start=local(MONDAY, 14, 30), end=local(MONDAY, 16))
    booking_at(local(MONDAY, 10), counsellor=counsellor[0], session_type=counsellor[1])
    monday = _day_cards(_week(client))[0]
    assert monday.count("时间重叠") == 2
    week = selectors.counsellor_week(counsellor=counsellor[0], week_start=MONDAY)
    flagged = {timezone.localtime(b.start).hour: [str(c) for c in b.clashes]
               for b in week["days"][0]["bookings"]}
    assert flagged == {10: [], 14: ["时间重叠"]}


def test_a_booking_card_shows_the_session_type_and_age_band_not_the_birth_year(
        client, counsellor):
    child = ChildFactory(nickname="小雨", birth_year=2018)  # 8 in 2026
    booking = booking_at(local(MONDAY, 10), counsellor=counsellor[0],
                         session_type=counsellor[1], child=child,
                         family=child.family.user)
    monday = _day_cards(_week(client))[0]
    card = monday[monday.index(booking.get_absolute_url()):]
    assert "个体咨询" in card
    assert '<span data-testid="age-band">6–12岁</span>' in card
    assert "2018" not in card
    assert 'data-testid="clash"' not in card


@pytest.mark.parametrize(("birth_year", "band"), [
    (2022, "0–5岁"), (2014, "6–12岁"), (2013, "13–17岁"), (2008, "18岁及以上"),
])
def test_age_bands_follow_the_course_bands(birth_year, band):
    assert str(selectors.age_band(birth_year=birth_year, on=MONDAY)) == band


def test_day_headers_do_not_break_inside_the_weekday(client, counsellor):
    html = _week(client)
    assert '<h2 class="week-day-title">12月14日 周一</h2>' in html
    sheet = (Path(__file__).resolve().parents[2] / "static/css/bookings.css").read_text()
    assert ".week-day-title { white-space: nowrap; }" in sheet


def _fill_the_week(counsellor, session_type, days: int, *, first: int = 0) -> None:
    for offset in range(first, days):
        day = MONDAY + dt.timedelta(days=offset)
        for hour in (10, 14):
            booking_at(local(day, hour), counsellor=counsellor,
                       session_type=session_type, child=ChildFactory())
        GroupSessionFactory(counsellors=[counsellor], start=local(day, 16),
                            end=local(day, 17))
        TimeOff.objects.create(counsellor=counsellor, start=local(day, 12),
                               end=local(day, 13), reason="午休")
        StationClosure.objects.create(name="冬至", start_date=day, end_date=day)


def _queries_of_the_week(client) -> int:
    """Queries of the page with every cache emptied (the session read again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        _week(client)
    return len(captured)


def test_the_week_runs_the_same_queries_for_one_item_or_many(client, counsellor):
    _fill_the_week(*counsellor, days=1)
    _week(client)  # signs the session in for the day
    one = _queries_of_the_week(client)
    _fill_the_week(*counsellor, days=7, first=1)  # the other six days
    many = _queries_of_the_week(client)
    assert many == one


def test_a_full_week_page_runs_at_most_ten_queries(client, counsellor,
                                                    django_assert_max_num_queries):
    _fill_the_week(*counsellor, days=7)
    _week(client)  # signs the session in for the day and fills the slot cache
    with django_assert_max_num_queries(10):
        html = _week(client)
    assert html.count('data-testid="age-band"') == 14
    assert html.count('data-testid="time-off"') == 7
    assert html.count('data-testid="closure"') == 7


# --- the hours page --------------------------------------------------------------


def test_the_hours_page_shows_the_rules_as_a_weekly_grid(client, counsellor):
    AvailabilityRule.objects.filter(counsellor=counsellor[0], weekday=6).delete()
    AvailabilityRule.objects.create(counsellor=counsellor[0], weekday=2,
                                    start_time=dt.time(18), end_time=dt.time(20))
    html = client.get(reverse("bookings:counsellor_hours")).content.decode()
    grid = html[html.index('data-testid="hours-grid"'):html.index("</table>")]
    assert "地点：未保站二楼咨询室" in grid
    rows = grid.split('<th scope="row">')[1:]
    assert [row.split("<")[0] for row in rows] == [
        "周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert rows[2].count("09:00–17:00") == 1
    assert "18:00–20:00" in rows[2]
    assert "不接待" in rows[6]
    assert "09:00–17:00" not in rows[6]
    # The add forms stay below the grid.
    assert html.index("</table>") < html.index(reverse("bookings:counsellor_rule_add"))


@pytest.mark.parametrize("kind", ["rule", "extra", "time-off"])
def test_deleting_needs_the_confirm_post(client, counsellor, kind):
    owner = counsellor[0]
    entry, text, model = {
        "rule": lambda: (AvailabilityRule.objects.filter(counsellor=owner, weekday=0)
                         .first(), "每周时段：周一 09:00–17:00", AvailabilityRule),
        "extra": lambda: (AvailabilityException.objects.create(
            counsellor=owner, date=MONDAY, start_time=dt.time(18),
            end_time=dt.time(20)), "额外时段：12月14日 周一 18:00–20:00",
            AvailabilityException),
        "time-off": lambda: (TimeOff.objects.create(
            counsellor=owner, start=local(MONDAY, 9), end=local(MONDAY, 12),
            reason="年假"), "休假：12月14日 周一 09:00 – 12月14日 周一 12:00 · 年假",
            TimeOff),
    }[kind]()
    url = reverse("bookings:counsellor_schedule_delete", kwargs={"kind": kind,
                                                                 "pk": entry.pk})
    for first in (client.get(url), client.post(url)):
        assert first.status_code == HTTPStatus.OK
        html = first.content.decode()
        assert text in html
        assert '<input type="hidden" name="confirm" value="1">' in html
        assert model.objects.filter(pk=entry.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == HTTPStatus.OK
    assert model.objects.filter(pk=entry.pk).exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("bookings:counsellor_hours") + "#free-slots"
    assert not model.objects.filter(pk=entry.pk).exists()


def test_bookings_stay_when_a_rule_is_deleted(client, counsellor):
    booking = booking_at(local(MONDAY, 10), counsellor=counsellor[0],
                         session_type=counsellor[1])
    rule = AvailabilityRule.objects.get(counsellor=counsellor[0], weekday=0)
    client.post(reverse("bookings:counsellor_schedule_delete",
                        kwargs={"kind": "rule", "pk": rule.pk}), {"confirm": "1"})
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_the_warnings_read_in_english_on_the_english_site(client, counsellor):
    booking_at(local(MONDAY, 10), counsellor=counsellor[0], session_type=counsellor[1],
               child=ChildFactory(birth_year=2012))
    TimeOff.objects.create(counsellor=counsellor[0], start=local(MONDAY, 9),
                           end=local(MONDAY, 12), reason="培训")
    response = client.get("/en" + reverse("bookings:counsellor_week"),
                          {"week": MONDAY.isoformat()})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Clashes with time off" in html
    assert "Ages 13–17" in html
    assert '<strong>Time off</strong> · <span lang="zh-Hans">培训</span>' in html
