"""Coordinator reports: exact figures, fixed query counts, charts and safe CSV."""

import csv
import datetime as dt
import io
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import reports
from bookings.models import Booking, WaitlistEntry
from tests.bookings.web_setup import booking_at, local, with_totp
from tests.factories import (
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

TODAY = timezone.localdate()
PERIOD = reports.Period(TODAY - dt.timedelta(days=90), TODAY + dt.timedelta(days=30))


def _ago(days: int, hour: int = 10) -> dt.datetime:
    return local(TODAY - dt.timedelta(days=days), hour)


@pytest.fixture
def data():
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    lin = CounsellorFactory(display_name="林晓舟")
    zhou = CounsellorFactory(display_name="周一诺")
    session_type = SessionTypeFactory(counsellors=[lin, zhou])
    common = {"session_type": session_type, "topic": topic}
    booking_at(_ago(10), counsellor=lin, status=Booking.Status.ATTENDED, **common)
    booking_at(_ago(11), counsellor=lin, status=Booking.Status.ATTENDED, **common)
    booking_at(_ago(12), counsellor=lin, status=Booking.Status.ATTENDED, **common)
    booking_at(_ago(13), counsellor=lin, status=Booking.Status.NO_SHOW, **common)
    booking_at(_ago(14), counsellor=zhou, status=Booking.Status.LATE_CANCELLED, **common)
    booking_at(_ago(15), counsellor=zhou, status=Booking.Status.NO_SHOW,
               session_type=session_type)
    return {"topic": topic, "lin": lin, "zhou": zhou, "session_type": session_type}


def test_attendance_and_no_show_rates_per_counsellor(data):
    rows = reports.attendance_by_counsellor(period=PERIOD)
    assert rows == [
        {"counsellor": "周一诺", "counsellor_en": "", "attended": 0, "no_show": 1,
         "late_cancelled": 1, "unmarked": 0, "attendance_rate": 0.0,
         "no_show_rate": 100.0},
        {"counsellor": "林晓舟", "counsellor_en": "", "attended": 3, "no_show": 1,
         "late_cancelled": 0, "unmarked": 0, "attendance_rate": 75.0,
         "no_show_rate": 25.0},
    ]
    totals = reports.attendance_totals(rows)
    assert (totals["attendance_rate"], totals["no_show_rate"]) == (60.0, 40.0)


def test_bookings_per_topic_and_month(data):
    rows = reports.bookings_per_topic_month(period=PERIOD)
    by_key = {(r["month"], r["topic"]): (r["booked"], r["cancelled"]) for r in rows}
    assert sum(b for b, _c in by_key.values()) == 5
    assert sum(c for _b, c in by_key.values()) == 1
    assert {topic for _month, topic in by_key} == {"情绪疏导", ""}  # "": no topic
    months = {(TODAY - dt.timedelta(days=d)).replace(day=1) for d in range(10, 16)}
    assert {month for month, _topic in by_key} == months


def test_workshop_fill_rate_counts_active_seats_and_waiting_families():
    workshop = GroupSessionFactory(title="亲子沟通工作坊", capacity=4,
                                   start=timezone.now() + dt.timedelta(days=3))
    leader = workshop.counsellors.get()
    for status in (Booking.Status.CONFIRMED, Booking.Status.CONFIRMED,
                   Booking.Status.CANCELLED):
        booking_at(workshop.start, group_session=workshop, counsellor=leader,
                   session_type=workshop.session_type, status=status)
    WaitlistEntry.objects.create(group_session=workshop, family=FamilyFactory())
    WaitlistEntry.objects.create(group_session=workshop, family=FamilyFactory(),
                                 left_at=timezone.now())
    [row] = reports.workshop_fill(period=PERIOD)
    assert (row["title"], row["capacity"], row["taken"], row["waiting"], row["fill_rate"]) \
        == ("亲子沟通工作坊", 4, 2, 1, 50.0)


def test_lead_time_buckets_median_and_mean(data):
    Booking.objects.all().delete()
    counsellor = data["lin"]
    for hour, days_ahead in enumerate((0.5, 2, 5, 10, 20), start=9):
        booking = booking_at(_ago(5, hour), counsellor=counsellor,
                             session_type=data["session_type"])
        Booking.objects.filter(pk=booking.pk).update(
            created_at=booking.start - dt.timedelta(days=days_ahead))
    lead = reports.lead_time(period=PERIOD)
    assert [b["count"] for b in lead["buckets"]] == [1, 1, 1, 1, 1]
    assert (lead["count"], lead["median_days"], lead["mean_days"]) == (5, 5.0, 7.5)


def test_each_report_runs_one_query_whatever_the_data_size(data):
    def count(fn):
        with CaptureQueriesContext(connection) as ctx:
            fn(period=PERIOD)
        return len(ctx.captured_queries)

    fns = (reports.bookings_per_topic_month, reports.attendance_by_counsellor,
           reports.workshop_fill, reports.lead_time)
    small = [count(fn) for fn in fns]
    for days in range(20, 60):
        booking_at(_ago(days), counsellor=CounsellorFactory(),
                   session_type=data["session_type"], status=Booking.Status.ATTENDED)
        GroupSessionFactory(start=timezone.now() - dt.timedelta(days=days))
    assert [count(fn) for fn in fns] == small == [1, 1, 1, 1]


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                   "\tcmd", "\rcmd"])
def test_formula_cells_are_neutralised(value):
    assert reports.neutralise(value) == "'" + value


def test_plain_text_and_numbers_are_left_alone():
    assert reports.neutralise("情绪疏导") == "情绪疏导"
    assert reports.neutralise(-3) == -3
    assert reports.neutralise(12.5) == 12.5


def test_bar_chart_geometry_scales_to_the_largest_value():
    chart = reports.bar_chart([("a", 10), ("b", 5), ("c", None)], title="t")
    assert [b["width"] for b in chart["bars"]] == [50.0, 25.0, 0]
    assert [b["value"] for b in chart["bars"]] == [10, 5, "–"]
    assert chart["height"] == 30


@pytest.mark.parametrize(("today", "start", "end"), [
    (dt.date(2027, 1, 31), dt.date(2026, 8, 1), dt.date(2027, 1, 31)),
    (dt.date(2027, 3, 1), dt.date(2026, 10, 1), dt.date(2027, 3, 31)),
    (dt.date(2027, 4, 30), dt.date(2026, 11, 1), dt.date(2027, 4, 30)),
    (dt.date(2028, 2, 29), dt.date(2027, 9, 1), dt.date(2028, 2, 29)),
    (dt.date(2027, 12, 31), dt.date(2027, 7, 1), dt.date(2027, 12, 31)),
])
def test_the_default_period_is_six_calendar_months_to_the_end_of_this_one(today, start,
                                                                          end):
    assert reports.default_period(today) == reports.Period(start, end)


# --- pages -------------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client):
    client.force_login(with_totp(CoordinatorFactory()))
    return client


def test_reports_page_shows_tables_and_svg_charts(coordinator_client, data):
    response = coordinator_client.get(reverse("bookings:coordinator_reports"), {
        "start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    # Months, topics, attendance, lead time; no workshops: no empty chart.
    assert html.count('<svg class="chart"') == 4
    assert "<script" not in html.split('<main')[1].split('</main>')[0]
    assert "75.0%" in html
    assert "60.0%" in html


def test_the_reports_page_defaults_to_the_station_months_of_today(client):
    # 00:10 on 1 March in Shanghai is still 28 February in UTC: March counts.
    with time_machine.travel(local(dt.date(2027, 3, 1), 0, 10), tick=False):
        client.force_login(with_totp(CoordinatorFactory()))
        response = client.get(reverse("bookings:coordinator_reports"))
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert (form["start"].value(), form["end"].value()) == (dt.date(2026, 10, 1),
                                                            dt.date(2027, 3, 31))


def test_reports_page_refuses_a_reversed_period_with_a_message(coordinator_client):
    response = coordinator_client.get(reverse("bookings:coordinator_reports"), {
        "start": "2026-12-01", "end": "2026-01-01"})
    assert response.status_code == HTTPStatus.OK
    assert "结束日期不能早于开始日期。" in response.content.decode()


def test_csv_export_neutralises_a_hostile_counsellor_name(coordinator_client, data):
    data["zhou"].display_name = "=cmd|' /C calc'!A0"
    data["zhou"].save()
    response = coordinator_client.get(
        reverse("bookings:coordinator_report_csv", kwargs={"name": "attendance"}),
        {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "咨询师"
    assert rows[1] == ["'=cmd|' /C calc'!A0", "0", "1", "1", "0", "0.0", "100.0"]
    assert rows[2][0] == "林晓舟"


def test_csv_of_an_unknown_report_is_404(coordinator_client):
    response = coordinator_client.get(
        reverse("bookings:coordinator_report_csv", kwargs={"name": "nope"}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_families_cannot_download_reports(client):
    client.force_login(FamilyFactory())
    response = client.get(
        reverse("bookings:coordinator_report_csv", kwargs={"name": "attendance"}))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_lead_time_median_of_an_even_count_is_the_mean_of_the_middle_two(data):
    Booking.objects.all().delete()
    # One booking entered after its session: 0 days, not a negative lead time.
    for hour, days_ahead in enumerate((1, 2, 4, 10, -3), start=9):
        booking = booking_at(_ago(5, hour), counsellor=data["lin"],
                             session_type=data["session_type"])
        Booking.objects.filter(pk=booking.pk).update(
            created_at=booking.start - dt.timedelta(days=days_ahead))
    lead = reports.lead_time(period=PERIOD)
    assert [b["count"] for b in lead["buckets"]] == [1, 2, 1, 1, 0]
    # 0, 1, 2, 4, 10: median 2, mean 3.4; without the 0 (below): 3.0 and 4.25
    # (shown to one decimal as Python rounds it: 4.2).
    assert (lead["count"], lead["median_days"], lead["mean_days"]) == (5, 2.0, 3.4)
    Booking.objects.filter(created_at__gt=F("start")).delete()
    lead = reports.lead_time(period=PERIOD)
    assert (lead["count"], lead["median_days"], lead["mean_days"]) == (4, 3.0, 4.2)


def test_lead_time_of_no_bookings_has_empty_buckets_and_no_median():
    lead = reports.lead_time(period=PERIOD)
    assert [b["count"] for b in lead["buckets"]] == [0, 0, 0, 0, 0]
    assert (lead["count"], lead["median_days"], lead["mean_days"]) == (0, None, None)


def test_the_attendance_summary_counted_in_the_database_matches_the_rows(data):
    rows = reports.attendance_by_counsellor(period=PERIOD)
    assert reports.attendance_summary(period=PERIOD) == reports.attendance_totals(rows)
    assert reports.attendance_summary(period=PERIOD)["attended"] == 3


def test_the_topic_chart_totals_each_topic_over_the_period(data):
    assert reports.booked_per_topic(period=PERIOD) == [
        {"topic": "情绪疏导", "topic_en": "", "booked": 4},
        {"topic": "", "topic_en": "", "booked": 1}]
