"""The public service point pages: what a family reads, in Chinese and on /en/."""

import datetime as dt
import re
import zoneinfo
from html import unescape
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import ServicePoint
from tests.conftest import clear_all_caches
from tests.network.factories import (
    NeighbourhoodFactory,
    OpeningExceptionFactory,
    OpeningHoursFactory,
    ServicePointFactory,
    open_point,
)

# Not marked `clock`: every test pins its own instant (the fixture below), so
# a moved clock (CI's `-m clock` runs) would only repeat the same run.
pytestmark = pytest.mark.django_db

STATION_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday: "this week" runs from Monday 8 to Sunday 14 March 2027.
NOW = dt.datetime(2027, 3, 10, 9, 0, tzinfo=STATION_TZ)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def shell(site_shell):
    return site_shell


def _text(response) -> str:
    assert response.status_code == HTTPStatus.OK
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(body))


def _names(response) -> list[str]:
    html = response.content.decode()
    block = html.split('data-testid="point-list"', 1)
    if len(block) == 1:
        return []
    return re.findall(r"<h2><a [^>]*>([^<]+)</a></h2>", block[1])


def test_points_without_opening_hours_are_not_shown_to_families(client, shell):
    shown = open_point(name="梧桐里社区儿童之家", slug="home-wutongli")
    hidden = ServicePointFactory(name="香樟苑社区儿童之家", slug="home-xiangzhang")
    inactive = open_point(name="玉兰坊社区儿童之家", slug="home-yulan", is_active=False)

    assert _names(client.get("/points/")) == ["梧桐里社区儿童之家"]
    assert client.get(shown.get_absolute_url()).status_code == HTTPStatus.OK
    assert client.get(hidden.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.get(inactive.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_a_point_gains_its_page_once_it_has_hours(client, shell):
    point = ServicePointFactory(name="香樟苑社区儿童之家", slug="home-xiangzhang")
    assert client.get(point.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    OpeningHoursFactory(point=point, weekday=2)
    assert client.get(point.get_absolute_url()).status_code == HTTPStatus.OK
    assert _names(client.get("/points/")) == ["香樟苑社区儿童之家"]


def test_list_is_a_plain_get_form_filtered_by_neighbourhood(client, shell):
    wutong = NeighbourhoodFactory(name="梧桐里", slug="wutongli")
    other = NeighbourhoodFactory(name="香樟苑", slug="xiangzhangyuan")
    open_point(name="梧桐里社区儿童之家", neighbourhood=wutong)
    open_point(name="香樟苑社区儿童之家", neighbourhood=other)

    html = client.get("/points/").content.decode()
    assert re.search(r'<form method="get"[^>]*>', html)
    assert '<select name="neighbourhood"' in html and '<select name="kind"' in html
    assert '<option value="wutongli">梧桐里</option>' in html

    response = client.get("/points/?neighbourhood=wutongli&kind=")
    assert _names(response) == ["梧桐里社区儿童之家"]
    assert (
        '<option value="wutongli" selected>梧桐里</option>' in response.content.decode()
    )


def test_list_filters_by_kind_the_hub_first(client, shell):
    open_point(kind=ServicePoint.Kind.HUB, name="未保站总部", neighbourhood=None)
    open_point(name="梧桐里社区儿童之家")
    open_point(kind=ServicePoint.Kind.SPECIAL, name="亲子阅读基地", neighbourhood=None)

    assert _names(client.get("/points/")) == [
        "未保站总部",
        "梧桐里社区儿童之家",
        "亲子阅读基地",
    ]
    assert _names(client.get("/points/?kind=special")) == ["亲子阅读基地"]
    assert _names(client.get("/points/?kind=home")) == ["梧桐里社区儿童之家"]


def test_an_unknown_neighbourhood_is_a_form_error_not_a_failure(client, shell):
    open_point(name="梧桐里社区儿童之家")
    text = _text(client.get("/points/?neighbourhood=nowhere"))
    assert "选择一个有效的选项" in text
    # The site refuses a NUL byte in any address before the view (never a 500).
    assert (
        client.get("/points/?neighbourhood=%00").status_code == HTTPStatus.BAD_REQUEST
    )


def test_no_match_says_so(client, shell):
    NeighbourhoodFactory(slug="empty")
    open_point(name="梧桐里社区儿童之家")
    text = _text(client.get("/points/?neighbourhood=empty"))
    assert "没有找到符合条件的服务点。可以换一个社区，或致电站点总部询问。" in text


def _detailed_point() -> ServicePoint:
    point = ServicePointFactory(
        name="梧桐里社区儿童之家",
        name_en="Wutongli Children's Home",
        slug="home-wutongli",
        neighbourhood=NeighbourhoodFactory(name="梧桐里", name_en="Wutongli"),
        address="上海市澄樾路 137 弄 梧桐里居委会 1 楼",
        address_en="1F, Wutongli Residents' Committee, Lane 137, Chengyue Road, Shanghai",
        directions="从澄樾路进137弄，居委会在右手边。",
        directions_en="Enter Lane 137 from Chengyue Road; the committee is on the right.",
        accessibility="入口无台阶。",
        accessibility_en="Step-free entrance.",
        phone="021-5555-0201",
        map_url="https://uri.amap.com/search?keyword=wutongli",
    )
    for weekday in range(5):
        OpeningHoursFactory(
            point=point, weekday=weekday, opens=dt.time(15, 0), closes=dt.time(19, 0)
        )
    OpeningHoursFactory(
        point=point, weekday=5, opens=dt.time(9, 0), closes=dt.time(12, 0)
    )
    # Wednesday closed, Friday at other hours; last week's exception is not this week's.
    OpeningExceptionFactory(
        point=point,
        date=dt.date(2027, 3, 10),
        closed=True,
        note="消防检查",
        note_en="Fire inspection",
    )
    OpeningExceptionFactory(
        point=point,
        date=dt.date(2027, 3, 12),
        closed=False,
        opens=dt.time(10, 0),
        closes=dt.time(12, 0),
    )
    OpeningExceptionFactory(point=point, date=dt.date(2027, 3, 3), closed=True)
    return point


def _hours_rows(response) -> list[str]:
    html = response.content.decode().split('data-testid="point-hours"', 1)[1]
    html = html.split("</table>", 1)[0]
    rows = re.findall(r"<tr.*?</tr>", html, re.S)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(r))).strip() for r in rows
    ]


def test_point_page_in_chinese(client, shell):
    point = _detailed_point()
    response = client.get("/points/home-wutongli/")
    rows = _hours_rows(response)
    assert [row.split(" ", 1)[0] for row in rows] == [
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
        "周日",
    ]
    assert rows[0].endswith("15:00–19:00")
    assert rows[2].endswith("不开放 消防检查")
    assert rows[4].endswith("10:00–12:00 特别安排")
    assert rows[5].endswith("09:00–12:00")
    assert rows[6].endswith("不开放")
    text = _text(response)
    assert "梧桐里社区儿童之家" in text
    assert "服务社区：梧桐里" in text
    assert "地址：上海市澄樾路 137 弄 梧桐里居委会 1 楼" in text
    assert "从澄樾路进137弄，居委会在右手边。" in text
    assert "入口无台阶。" in text
    assert "这里近期还没有公布工作坊或可预约的服务。" in text
    html = response.content.decode()
    assert 'href="tel:+862155550201"' in html
    assert f'href="{point.map_url}"' in html
    assert '<script src="https://uri.amap.com' not in html
    assert "12356" in text  # the crisis lines of the site frame


def test_point_page_in_english(client, shell):
    _detailed_point()
    response = client.get("/en/points/home-wutongli/")
    rows = _hours_rows(response)
    assert rows[0].startswith("Mon")
    assert rows[2].endswith("Closed Fire inspection")
    assert rows[4].endswith("10:00–12:00 Special arrangement")
    text = _text(response)
    assert "Wutongli Children's Home" in text
    assert "Neighbourhood served: Wutongli" in text
    assert "Address: 1F, Wutongli Residents' Committee, Lane 137, Chengyue Road" in text
    assert "Enter Lane 137 from Chengyue Road; the committee is on the right." in text
    assert "Step-free entrance." in text
    assert "Opening hours this week" in text
    assert "No workshops or bookable services have been announced here yet." in text


def test_english_list_shows_english_names_and_marks_chinese_fallback(client, shell):
    open_point(name="梧桐里社区儿童之家", name_en="Wutongli Children's Home")
    open_point(name="香樟苑社区儿童之家", name_en="")
    html = client.get("/en/points/").content.decode()
    assert "Wutongli Children&#x27;s Home" in html
    assert '<span lang="zh-Hans">香樟苑社区儿童之家</span>' in html
    assert "All neighbourhoods" in html


def test_an_edit_shows_on_the_next_anonymous_request(client, shell):
    point = open_point(name="梧桐里社区儿童之家")
    # Generations are clock readings: this test's clock runs.
    with time_machine.travel(NOW, tick=True):
        assert _names(client.get("/points/")) == ["梧桐里社区儿童之家"]
        assert client.get("/points/")["X-Courses-Cache"] == "hit"
        point.name = "梧桐里儿童之家（新址）"
        point.save()
        assert _names(client.get("/points/")) == ["梧桐里儿童之家（新址）"]
        OpeningHoursFactory(
            point=point, weekday=2, opens=dt.time(8, 0), closes=dt.time(9, 0)
        )
        assert "08:00–09:00" in _text(client.get(point.get_absolute_url()))


def _queries(client, url) -> int:
    clear_all_caches()
    client.get(url)  # warms per-process state (site, settings, URL resolution)
    clear_all_caches()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


# Site and settings, the points (neighbourhoods joined), the filter's choices;
# the detail page: the point, its hours, this week's exceptions, and (from
# bookings) the workshops and the services held there.
LIST_QUERIES = 5
DETAIL_QUERIES = 8


def test_list_queries_do_not_grow_with_the_number_of_points(client, shell):
    for _ in range(3):
        open_point()
    assert _queries(client, "/points/") == LIST_QUERIES
    for _ in range(30):
        open_point()
    assert _queries(client, "/points/") == LIST_QUERIES
    assert _queries(client, "/points/?kind=home") == LIST_QUERIES


def test_detail_queries_do_not_grow_with_the_number_of_points(client, shell):
    point = _detailed_point()
    assert _queries(client, point.get_absolute_url()) == DETAIL_QUERIES
    for _ in range(30):
        open_point()
    assert _queries(client, point.get_absolute_url()) == DETAIL_QUERIES


def test_home_page_asks_for_the_neighbourhood(client, shell):
    NeighbourhoodFactory(name="梧桐里", slug="wutongli")
    NeighbourhoodFactory(name="香樟苑", slug="xiangzhangyuan")
    html = client.get("/").content.decode()
    section = html.split('data-testid="home-near-you"', 1)[1].split("</section>", 1)[0]
    assert '<form method="get" action="/points/">' in section
    assert '<select name="neighbourhood"' in section
    assert re.findall(r'<option value="([^"]+)">', section) == [
        "wutongli",
        "xiangzhangyuan",
    ]
    assert "你住在哪个社区？" in section
    assert "geolocation" not in html
