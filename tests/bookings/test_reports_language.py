"""The coordinator reports in the page's language: tables, charts and CSV.

Stored names show in English on /en/ pages where they have English (a topic's
English is its "en" translation), Chinese marked ``lang="zh-Hans"`` where not;
months read as each language writes them; the CSV follows the request's language.
"""

import csv
import datetime as dt
import io
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from bookings import reports
from bookings.models import Booking
from tests.bookings.web_setup import booking_at, with_totp
from tests.factories import (
    CoordinatorFactory,
    CounsellorFactory,
    GroupSessionFactory,
    SessionTypeFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

STATION_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 20, 9, 0, tzinfo=STATION_TZ)
PERIOD = {"start": "2027-02-01", "end": "2027-03-31"}
REPORTS_URL = reverse("bookings:coordinator_reports")


def _csv_url(name: str) -> str:
    """The unprefixed (Chinese) path, whatever a previous request left active."""
    with translation.override("zh-hans"):
        return reverse("bookings:coordinator_report_csv", kwargs={"name": name})


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator_client(client):
    client.force_login(with_totp(CoordinatorFactory()))
    return client


@pytest.fixture
def data():
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    english = topic.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0]
    )
    english.name = "Emotional guidance"
    english.save()
    lin = CounsellorFactory(display_name="林晓舟", display_name_en="Lin Xiaozhou")
    zhou = CounsellorFactory(display_name="周一诺")  # no English name
    session_type = SessionTypeFactory(counsellors=[lin, zhou])
    for day in (3, 4):
        booking_at(
            dt.datetime(2027, 3, day, 10, tzinfo=STATION_TZ),
            counsellor=lin,
            session_type=session_type,
            topic=topic,
            status=Booking.Status.ATTENDED,
        )
    booking_at(
        dt.datetime(2027, 2, 10, 10, tzinfo=STATION_TZ),
        counsellor=zhou,
        session_type=session_type,
        status=Booking.Status.NO_SHOW,
    )
    GroupSessionFactory(
        title="亲子沟通工作坊",
        title_en="Parent–child talk workshop",
        start=dt.datetime(2027, 3, 25, 14, tzinfo=STATION_TZ),
    )
    return {"topic": topic, "lin": lin, "zhou": zhou}


def _page(client, prefix: str = "") -> str:
    response = client.get(prefix + REPORTS_URL, PERIOD)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode().split("<main", 1)[1].split("</main>")[0]


def _table(html: str, name: str) -> str:
    return html.split(f'data-testid="report-{name}"')[1].split("</table>")[0]


def _csv(client, name: str, prefix: str = "") -> list[list[str]]:
    response = client.get(prefix + _csv_url(name), PERIOD)
    assert response.status_code == HTTPStatus.OK
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_chinese_page_labels_rows_in_chinese(coordinator_client, data):
    html = _page(coordinator_client)
    topics = _table(html, "topics")
    assert "<td>2027年2月</td><td>未选主题</td>" in topics
    assert "<td>2027年3月</td><td>情绪疏导</td>" in topics
    assert '<th scope="col">取消</th>' in topics
    assert "<td>林晓舟</td>" in _table(html, "attendance")
    assert "<td>亲子沟通工作坊</td>" in _table(html, "workshops")
    assert 'lang="zh-Hans"' not in html


def test_the_english_page_labels_rows_in_english(coordinator_client, data):
    html = _page(coordinator_client, "/en")
    topics = _table(html, "topics")
    assert "<td>February 2027</td><td>No topic chosen</td>" in topics
    assert "<td>March 2027</td><td>Emotional guidance</td>" in topics
    assert '<th scope="col">Cancelled</th>' in topics
    attendance = _table(html, "attendance")
    assert "<td>Lin Xiaozhou</td>" in attendance
    # No English name: the Chinese, marked for screen readers and fonts.
    assert '<td><span lang="zh-Hans">周一诺</span></td>' in attendance
    assert "<td>Parent–child talk workshop</td>" in _table(html, "workshops")


def test_the_charts_text_alternatives_read_in_the_page_language(
    coordinator_client, data
):
    html = _page(coordinator_client, "/en")
    assert (
        'aria-label="Active bookings per month: February 2027 1; March 2027 2"' in html
    )
    assert (
        'aria-label="Active bookings per topic (whole period): '
        'Emotional guidance 2; No topic chosen 1"'
    ) in html
    assert "<figcaption>Active bookings per topic (whole period)</figcaption>" in html
    # The bar of a name with no English carries its language.
    assert '<text x="0" y="6.5" font-size="3.8" lang="zh-Hans">周一诺</text>' in html
    chinese = _page(coordinator_client)
    assert 'aria-label="各月有效预约：2027年2月 1；2027年3月 2"' in chinese
    assert (
        'aria-label="各主题有效预约（整个统计范围）：情绪疏导 2；未选主题 1"' in chinese
    )


def test_the_csv_follows_the_language_of_the_request(coordinator_client, data):
    rows = _csv(coordinator_client, "topics", "/en")
    assert rows[0] == ["Month", "Topic", "Active bookings", "Cancelled"]
    assert rows[1:] == [
        ["2027-02", "No topic chosen", "1", "0"],
        ["2027-03", "Emotional guidance", "2", "0"],
    ]
    attendance = _csv(coordinator_client, "attendance", "/en")
    assert attendance[0][:3] == ["Counsellor", "Attended", "No-show"]
    assert attendance[2] == ["Lin Xiaozhou", "2", "0", "0", "0", "100.0", "0.0"]
    chinese = _csv(coordinator_client, "topics")
    assert chinese[0] == ["月份", "主题", "有效预约", "取消"]
    assert chinese[2] == ["2027-03", "情绪疏导", "2", "0"]


def test_an_english_name_starting_a_formula_is_neutralised_in_the_csv(
    coordinator_client, data
):
    data["lin"].display_name_en = '=HYPERLINK("http://x")'
    data["lin"].save()
    rows = _csv(coordinator_client, "attendance", "/en")
    assert rows[2][0] == '\'=HYPERLINK("http://x")'


def test_english_labels_cost_no_extra_query(data):
    period = reports.Period(dt.date(2027, 2, 1), dt.date(2027, 3, 31))

    def count(fn):
        with CaptureQueriesContext(connection) as ctx:
            rows = fn(period=period)
            if isinstance(rows, list):
                for row in rows:  # the labels the page and the CSV show
                    if "topic" in row:
                        reports.topic_label(row)
        return len(ctx.captured_queries)

    fns = (
        reports.bookings_per_topic_month,
        reports.attendance_by_counsellor,
        reports.workshop_fill,
        reports.lead_time,
        reports.booked_per_topic,
        reports.booked_per_month,
    )
    with translation.override("en"):
        english = [count(fn) for fn in fns]
    with translation.override("zh-hans"):
        chinese = [count(fn) for fn in fns]
    # As tests/bookings/test_reports.py: one query per report, in either language.
    assert english == chinese == [1, 1, 1, 1, 1, 1]


def test_the_english_page_runs_as_many_queries_as_the_chinese_one(
    coordinator_client, data
):
    def count(prefix: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            _page(coordinator_client, prefix)
        return len(ctx.captured_queries)

    count("")  # warm the per-process caches (site settings, sessions)
    # 11 on both before the labels were translated, too.
    assert count("/en") == count("") == 11
