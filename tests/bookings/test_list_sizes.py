"""Every list costs the same at 1× and 20× data: the same queries, about the same bytes.

Each list is built with one full page of rows (1×) and then twenty times
that (20×). A list that rendered every row, or ran a query per row, would
grow twenty-fold; a paged one grows only by its page links.
"""

import datetime as dt
import re
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import AvailabilityRule, Booking, SessionType
from bookings.views.common import COORDINATOR_PAGE_SIZE
from bookings.views.coordinator import REPORT_PAGE_SIZE, URGENT_PAGE_SIZE
from bookings.views.family import COUNSELLOR_PAGE_SIZE, MINE_PAGE_SIZE
from bookings.views.workshops import WORKSHOP_PAGE_SIZE
from tests.bookings.web_setup import booking_at, with_totp
from tests.factories import (
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

STATION_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday morning: slots, "upcoming" and the report period all hang on now.
NOW = dt.datetime(2027, 3, 10, 9, 0, tzinfo=STATION_TZ)
SCALE = 20
MAX_GROWTH = 1.3  # bytes at 20× over bytes at 1×: the page links, nothing per row


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _measure(client, url) -> tuple[int, int]:
    """(queries, bytes) of a GET, after warming per-process caches."""
    for _warm in range(2):
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(ctx.captured_queries), len(response.content)


def _assert_flat(client, url, add, page_size: int) -> int:
    """Build one page of rows, measure, grow to 20 pages, measure again.

    Returns the number of queries (the same at both sizes)."""
    add(page_size)
    small_queries, small_bytes = _measure(client, url)
    add(page_size * (SCALE - 1))
    large_queries, large_bytes = _measure(client, url)
    assert large_queries == small_queries
    assert large_bytes <= small_bytes * MAX_GROWTH, (small_bytes, large_bytes)
    return large_queries


@pytest.fixture
def topic():
    return TopicFactory(name="情绪疏导", slug="emotional-guidance")


@pytest.fixture
def coordinator_client(client):
    client.force_login(with_totp(CoordinatorFactory()))
    return client


@pytest.mark.usefixtures("full_path")
def test_the_counsellor_list_is_flat_from_1x_to_20x(client, topic):
    session_type = SessionTypeFactory()

    def add(count):
        counsellors = CounsellorFactory.create_batch(count, specialties=[topic])
        session_type.counsellors.add(*counsellors)
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(counsellor=c, weekday=day, start_time=dt.time(9),
                             end_time=dt.time(12))
            for c in counsellors for day in range(7))

    client.force_login(FamilyFactory())
    _assert_flat(client, reverse("bookings:counsellors"), add, COUNSELLOR_PAGE_SIZE)
    response = client.get(reverse("bookings:counsellors"))
    assert len(response.context["counsellors"]) == COUNSELLOR_PAGE_SIZE == 12
    assert response.context["page"].paginator.count == COUNSELLOR_PAGE_SIZE * SCALE


def test_the_workshop_list_is_flat_from_1x_to_20x(client, topic):
    leader = CounsellorFactory()
    session_type = SessionTypeFactory(kind=SessionType.Kind.GROUP, capacity=12)
    made = []

    def add(count):
        for _index in range(count):
            made.append(GroupSessionFactory(
                session_type=session_type, counsellors=[leader], topic=topic,
                start=NOW + dt.timedelta(days=1 + len(made), hours=5)))

    client.force_login(FamilyFactory())
    _assert_flat(client, reverse("bookings:workshops"), add, WORKSHOP_PAGE_SIZE)


def _add_bookings(counsellor, session_type, family, *, first_hour: int = 0,
                  **fields):
    """`add(count)` that books `counsellor` every two hours from tomorrow on."""
    made = []

    def add(count):
        for _index in range(count):
            start = NOW + dt.timedelta(days=1, hours=first_hour + 2 * len(made))
            made.append(booking_at(start, counsellor=counsellor, family=family,
                                   session_type=session_type, **fields))

    return add


def test_my_coming_bookings_are_flat_from_1x_to_20x(client):
    counsellor, family = CounsellorFactory(), FamilyFactory()
    add = _add_bookings(counsellor, SessionTypeFactory(counsellors=[counsellor]), family)
    client.force_login(family)
    # Issue 11: family pages take at most 10 queries (both lists counted in one).
    assert _assert_flat(client, reverse("bookings:mine"), add, MINE_PAGE_SIZE) <= 10


def test_my_past_bookings_are_flat_from_1x_to_20x(client):
    counsellor, family = CounsellorFactory(), FamilyFactory()
    session_type = SessionTypeFactory(counsellors=[counsellor])
    made = []

    def add(count):
        for _index in range(count):
            made.append(booking_at(NOW - dt.timedelta(days=1, hours=2 * len(made)),
                                   counsellor=counsellor, family=family,
                                   session_type=session_type,
                                   status=Booking.Status.ATTENDED))

    client.force_login(family)
    assert _assert_flat(client, reverse("bookings:mine"), add, MINE_PAGE_SIZE) <= 10
    response = client.get(reverse("bookings:mine"), {"past_page": "2"})
    # Latest first: page 2 starts with the 21st most recent.
    assert response.context["past"][0] == made[MINE_PAGE_SIZE]
    assert response.context["past_page"].paginator.num_pages == SCALE
    assert response.context["upcoming_page"].paginator.count == 0
    assert f"第 2 / {SCALE} 页" in response.content.decode()


def test_the_coordinator_booking_list_is_flat_from_1x_to_20x(coordinator_client):
    counsellor = CounsellorFactory()
    add = _add_bookings(counsellor, SessionTypeFactory(counsellors=[counsellor]),
                        FamilyFactory())
    _assert_flat(coordinator_client, reverse("bookings:coordinator_bookings"), add,
                 COORDINATOR_PAGE_SIZE)


def test_the_filtered_coordinator_list_is_flat_and_keeps_its_filter(coordinator_client):
    counsellor = CounsellorFactory()
    add = _add_bookings(counsellor, SessionTypeFactory(counsellors=[counsellor]),
                        FamilyFactory(), is_urgent=True)
    url = reverse("bookings:coordinator_bookings") + f"?counsellor={counsellor.pk}&urgent=on"
    _assert_flat(coordinator_client, url, add, COORDINATOR_PAGE_SIZE)
    html = coordinator_client.get(url + "&page=2").content.decode()
    assert f'href="?counsellor={counsellor.pk}&amp;urgent=on&amp;page=3"' in html


def test_the_urgent_queue_is_flat_from_1x_to_20x(coordinator_client):
    counsellor = CounsellorFactory()
    add = _add_bookings(counsellor, SessionTypeFactory(counsellors=[counsellor]),
                        FamilyFactory(), is_urgent=True)
    _assert_flat(coordinator_client, reverse("bookings:coordinator_urgent"), add,
                 URGENT_PAGE_SIZE)


def test_the_recent_follow_ups_are_flat_from_1x_to_20x(coordinator_client):
    counsellor = CounsellorFactory()
    add = _add_bookings(counsellor, SessionTypeFactory(counsellors=[counsellor]),
                        FamilyFactory(), is_urgent=True,
                        followed_up_at=NOW - dt.timedelta(days=1))
    _assert_flat(coordinator_client, reverse("bookings:coordinator_urgent"), add,
                 URGENT_PAGE_SIZE)


@pytest.mark.usefixtures("full_path")
def test_the_reports_are_flat_from_1x_to_20x(coordinator_client, topic):
    """Each row of data is a counsellor with a session held, and a workshop: both
    tables (and their charts) grow with it unless they page."""
    family = FamilyFactory()
    session_type = SessionTypeFactory()
    workshop_type = SessionTypeFactory(kind=SessionType.Kind.GROUP, capacity=12)
    made = []

    def add(count):
        for _index in range(count):
            made.append(counsellor := CounsellorFactory())
            booking_at(NOW - dt.timedelta(days=3, hours=len(made) % 48),
                       counsellor=counsellor, family=family, session_type=session_type,
                       topic=topic, status=Booking.Status.ATTENDED)
            GroupSessionFactory(session_type=workshop_type, counsellors=[counsellor],
                                start=NOW - dt.timedelta(days=5, hours=len(made) % 48))

    url = reverse("bookings:coordinator_reports") + "?start=2027-01-01&end=2027-03-31"
    _assert_flat(coordinator_client, url, add, REPORT_PAGE_SIZE)
    response = coordinator_client.get(url)
    html = response.content.decode()
    total = REPORT_PAGE_SIZE * SCALE
    # The totals row still counts every session held, not just this page's.
    assert re.search(rf"<tfoot><tr><th scope=\"row\">合计</th><td>{total}</td>", html)
    assert len(response.context["attendance"]) == REPORT_PAGE_SIZE
    assert response.context["attendance"].paginator.count == total
    assert response.context["workshops"].paginator.count == total


def test_one_report_table_pages_while_the_others_keep_their_place(coordinator_client):
    family = FamilyFactory()
    session_type = SessionTypeFactory()
    for index in range(REPORT_PAGE_SIZE + 1):
        booking_at(NOW - dt.timedelta(days=3, hours=index), counsellor=CounsellorFactory(
            display_name=f"咨询师{index:03}"), family=family, session_type=session_type,
            status=Booking.Status.ATTENDED)
    url = (reverse("bookings:coordinator_reports")
           + "?start=2027-01-01&end=2027-03-31&workshops_page=1&attendance_page=2")
    response = coordinator_client.get(url)
    assert [r["counsellor"] for r in response.context["attendance"]] == [
        f"咨询师{REPORT_PAGE_SIZE:03}"]
    html = response.content.decode()
    assert ('href="?start=2027-01-01&amp;end=2027-03-31&amp;workshops_page=1'
            '&amp;attendance_page=1"') in html
    assert '<span aria-current="page">2</span>' in html


# --- page numbers that do not name a page --------------------------------------------


@pytest.fixture
def thirteen_counsellors(topic):
    return CounsellorFactory.create_batch(COUNSELLOR_PAGE_SIZE + 1, specialties=[topic])


@pytest.mark.parametrize(("page", "shown"), [
    ("2", 2), ("99", 2), ("-1", 2), ("abc", 1), ("", 1), ("1.5", 1), ("0", 2),
    ("9" * 30, 2),
])
def test_a_page_number_out_of_range_or_not_a_number_shows_the_last_or_first_page(
        client, thirteen_counsellors, page, shown):
    response = client.get(reverse("bookings:counsellors"), {"page": page})
    assert response.status_code == HTTPStatus.OK
    assert response.context["page"].number == shown
    assert f'<span aria-current="page">{shown}</span>' in response.content.decode()


def test_page_links_keep_the_filters_and_are_announced(client, thirteen_counsellors,
                                                       topic):
    response = client.get(reverse("bookings:counsellors"),
                          {"topic": topic.slug, "mode": "online"})
    html = response.content.decode()
    nav = html.split('<nav class="pagination" aria-label="咨询师列表分页">')[1]
    nav = nav.split("</nav>")[0]
    assert '<span aria-current="page">1</span>' in nav
    assert (f'<a href="?topic={topic.slug}&amp;mode=online&amp;page=2" '
            'aria-label="第 2 页">2</a>') in nav
    assert f'rel="next" href="?topic={topic.slug}&amp;mode=online&amp;page=2"' in nav
    assert "第 1 / 2 页" in nav


def test_the_page_links_read_in_english_on_english_pages(client, thirteen_counsellors):
    html = client.get("/en/bookings/counsellors/?page=2").content.decode()
    assert '<nav class="pagination" aria-label="Counsellor list pages">' in html
    assert 'aria-label="Page 1">1</a>' in html
    assert "Previous page" in html
    assert "Page 2 of 2" in html


def test_a_list_of_one_page_has_no_page_links(client, topic):
    CounsellorFactory(specialties=[topic])
    html = client.get(reverse("bookings:counsellors")).content.decode()
    assert 'class="pagination"' not in html
