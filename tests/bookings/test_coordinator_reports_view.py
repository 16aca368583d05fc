"""The coordinator's booking list and reports page, as a coordinator reads them."""

import datetime as dt
import re
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import reports, selectors
from bookings.models import Booking
from tests.bookings.web_setup import booking_at, with_totp
from tests.factories import CoordinatorFactory, CounsellorFactory, FamilyFactory

pytestmark = pytest.mark.django_db

STATION_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 1, 15, 9, 0, tzinfo=STATION_TZ)
LIST_URL = reverse("bookings:coordinator_bookings")
REPORTS_URL = reverse("bookings:coordinator_reports")


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator_client(client):
    client.force_login(with_totp(CoordinatorFactory()))
    return client


def _at(days: float, **fields) -> Booking:
    return booking_at(NOW + dt.timedelta(days=days), **fields)


def _rows(html: str) -> list[str]:
    table = html.split('data-testid="booking-table"')[1].split("</table>")[0]
    return re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S)


# --- the booking list ------------------------------------------------------------------


def test_upcoming_bookings_come_first_soonest_first_then_past_latest_first(
        coordinator_client):
    long_ago = _at(-30)
    in_a_week = _at(7)
    yesterday = _at(-1)
    tomorrow = _at(1)
    urgent_later = _at(10, is_urgent=True)
    urgent_past = _at(-2, is_urgent=True)
    page = coordinator_client.get(LIST_URL).context["page"]
    assert list(page.object_list) == [urgent_later, tomorrow, in_a_week, yesterday,
                                      urgent_past, long_ago]


def test_a_row_shows_the_guardians_name_not_the_email(coordinator_client):
    family = FamilyFactory(display_name="小雨家", email="parent@example.cn")
    family.family_profile.guardian_name = "王女士"
    family.family_profile.save()
    _at(1, family=family)
    unnamed = FamilyFactory(display_name="李家", email="li@example.cn")
    _at(2, family=unnamed)
    rows = _rows(coordinator_client.get(LIST_URL).content.decode())
    assert "王女士" in rows[0]
    assert "parent@example.cn" not in rows[0]
    assert "李家" in rows[1]  # no guardian name: the display name
    assert "li@example.cn" not in rows[1]


def test_statuses_show_as_badges_with_their_words(coordinator_client):
    _at(1)
    _at(-1, status=Booking.Status.NO_SHOW)
    rows = _rows(coordinator_client.get(LIST_URL).content.decode())
    assert '<span class="badge badge-confirmed">已确认</span>' in rows[0]
    assert '<span class="badge badge-no_show">未到场</span>' in rows[1]


def test_the_totals_count_each_status_of_the_filtered_list_in_one_query(
        coordinator_client):
    lin, zhou = CounsellorFactory(), CounsellorFactory()
    _at(1, counsellor=lin)
    _at(2, counsellor=lin)
    _at(-1, counsellor=lin, status=Booking.Status.ATTENDED)
    _at(-2, counsellor=lin, status=Booking.Status.CANCELLED)
    _at(3, counsellor=zhou)
    response = coordinator_client.get(LIST_URL, {"counsellor": lin.pk})
    totals = response.context["totals"]
    assert totals["total"] == 4
    assert {value: count for value, _label, count in totals["by_status"]} == {
        "confirmed": 2, "cancelled": 1, "late_cancelled": 0, "attended": 1,
        "no_show": 0}
    assert response.context["page"].paginator.count == 4
    html = response.content.decode()
    section = html.split('data-testid="booking-totals"')[1].split("</ul>")[0]
    assert re.search(r"合计</span> <strong>4</strong>", section)
    assert re.search(r"已确认</span> <strong>2</strong>", section)
    with CaptureQueriesContext(connection) as ctx:
        selectors.booking_status_totals(counsellor=lin)
    assert len(ctx.captured_queries) == 1


def test_the_booking_table_scrolls_by_keyboard(coordinator_client):
    html = coordinator_client.get(LIST_URL).content.decode()
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="预约列表">' \
        in html


# --- the reports page ------------------------------------------------------------------


def test_the_monthly_chart_has_one_bar_per_station_month_across_the_new_year(
        coordinator_client):
    # 23:30 on 31 December in Shanghai is 15:30 UTC the same day: still December.
    booking_at(dt.datetime(2026, 12, 31, 23, 30, tzinfo=STATION_TZ))
    booking_at(dt.datetime(2026, 12, 3, 10, tzinfo=STATION_TZ))
    # 00:30 on 1 January in Shanghai is 31 December in UTC: January's.
    booking_at(dt.datetime(2027, 1, 1, 0, 30, tzinfo=STATION_TZ))
    booking_at(dt.datetime(2027, 1, 20, 10, tzinfo=STATION_TZ),
               status=Booking.Status.CANCELLED)  # not an active booking
    period = reports.Period(dt.date(2026, 11, 1), dt.date(2027, 2, 28))
    assert reports.booked_per_month(period=period) == [
        (dt.date(2026, 11, 1), 0), (dt.date(2026, 12, 1), 2), (dt.date(2027, 1, 1), 1),
        (dt.date(2027, 2, 1), 0)]
    response = coordinator_client.get(REPORTS_URL,
                                      {"start": "2026-11-01", "end": "2027-02-28"})
    assert response.status_code == HTTPStatus.OK
    chart = response.context["charts"]["months"]
    assert [(b["label"], b["value"]) for b in chart["bars"]] == [
        ("2026年11月", 0), ("2026年12月", 2), ("2027年1月", 1), ("2027年2月", 0)]
    html = response.content.decode()
    svg = html.split('<figure class="chart-figure">')[1].split("</figure>")[0]
    assert svg.count('<rect class="bar"') == 4
    # A text alternative: the figures in the accessible name, and a caption.
    assert ('aria-label="各月有效预约：2026年11月 0；2026年12月 2；2027年1月 1；'
            '2027年2月 0"') in svg
    assert "<figcaption>各月有效预约</figcaption>" in svg


def test_the_monthly_breakdown_is_one_query(coordinator_client):
    period = reports.Period(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    for month in range(1, 13):
        booking_at(dt.datetime(2026, month, 10, 10, tzinfo=STATION_TZ))
    with CaptureQueriesContext(connection) as ctx:
        months = reports.booked_per_month(period=period)
    assert len(ctx.captured_queries) == 1
    assert len(months) == 24
    assert sum(count for _month, count in months) == 12


def test_the_report_tables_scroll_by_keyboard(coordinator_client):
    html = coordinator_client.get(REPORTS_URL).content.decode()
    wrappers = re.findall(r'<div class="table-scroll"[^>]*>', html)
    assert len(wrappers) == 4
    for wrapper in wrappers:
        assert 'tabindex="0"' in wrapper
        assert 'role="region"' in wrapper
        assert re.search(r'aria-label="[^"]+"', wrapper)



def test_the_chart_summary_reads_in_english_on_english_pages(coordinator_client):
    booking_at(dt.datetime(2026, 12, 3, 10, tzinfo=STATION_TZ))
    html = coordinator_client.get("/en" + REPORTS_URL,
                                  {"start": "2026-12-01", "end": "2027-01-31"}
                                  ).content.decode()
    assert ('aria-label="Active bookings per month: December 2026 1; January 2027 0"'
            in html)
    assert "<figcaption>Active bookings per month</figcaption>" in html
    assert 'aria-label="Attendance table"' in html
