"""Validation of points, hours and exceptions: the messages people read, in both languages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from network.models import OpeningException, OpeningHours, ServicePoint
from tests.network.factories import NeighbourhoodFactory, ServicePointFactory

pytestmark = pytest.mark.django_db


def _messages(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_hours_closing_before_opening_are_refused_in_chinese():
    hours = OpeningHours(
        point=ServicePointFactory(),
        weekday=0,
        opens=dt.time(17, 0),
        closes=dt.time(9, 0),
    )
    assert _messages(hours) == {"closes": ["关门时间必须晚于开门时间。"]}


def test_hours_closing_before_opening_are_refused_in_english():
    hours = OpeningHours(
        point=ServicePointFactory(),
        weekday=0,
        opens=dt.time(17, 0),
        closes=dt.time(17, 0),
    )
    with translation.override("en"):
        assert _messages(hours) == {
            "closes": ["The closing time must be after the opening time."]
        }


def test_the_database_refuses_hours_closing_before_opening():
    point = ServicePointFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(
            point=point, weekday=0, opens=dt.time(17, 0), closes=dt.time(9, 0)
        )


def test_an_exception_needs_hours_or_closed():
    exception = OpeningException(point=ServicePointFactory(), date=dt.date(2027, 3, 10))
    assert _messages(exception) == {
        "opens": ["请填写特别开放时间，或勾选“当天不开放”。"]
    }
    with translation.override("en"):
        assert _messages(exception) == {
            "opens": [
                "Give the special opening hours, or tick \u201cclosed that day\u201d."
            ]
        }


def test_a_closed_day_takes_no_hours():
    exception = OpeningException(
        point=ServicePointFactory(),
        date=dt.date(2027, 3, 10),
        closed=True,
        opens=dt.time(9, 0),
        closes=dt.time(12, 0),
    )
    assert _messages(exception) == {"opens": ["当天不开放时不填写开放时间。"]}


def test_a_childrens_home_must_name_its_neighbourhood():
    point = ServicePoint(
        kind=ServicePoint.Kind.HOME,
        name="无社区之家",
        slug="no-home",
        address="上海市澄樾路 1 号",
    )
    assert _messages(point) == {"neighbourhood": ["儿童之家须注明所服务的社区。"]}
    with translation.override("en"):
        assert _messages(point) == {
            "neighbourhood": [
                "A children's home must name the neighbourhood it serves."
            ]
        }


def test_the_hub_may_serve_the_whole_subdistrict():
    point = ServicePoint(
        kind=ServicePoint.Kind.HUB,
        name="总部",
        slug="hub",
        address="上海市澄樾路 268 号",
    )
    point.full_clean()


@pytest.mark.parametrize(
    "url",
    [
        "https://map.baidu.com/search/%E6%BE%84/",
        "http://uri.amap.com/marker?position=121.47,31.23",
        "https://www.amap.com/search?query=x",
        "https://apis.map.qq.com/uri/v1/search?keyword=x",
        "https://map.qq.com/?type=poi",
    ],
)
def test_map_links_to_mainland_map_services_are_accepted(url):
    ServicePointFactory.build(
        map_url=url, neighbourhood=NeighbourhoodFactory()
    ).full_clean()


@pytest.mark.parametrize(
    "url",
    [
        "https://maps.google.com/?q=shanghai",
        "javascript:alert(1)",
        "ftp://map.baidu.com/x",
        "https://map.baidu.com.evil.example/x",
        "https://user:pw@map.baidu.com/x",
    ],
)
def test_other_map_links_are_refused(url):
    point = ServicePointFactory.build(map_url=url, neighbourhood=NeighbourhoodFactory())
    messages = _messages(point)["map_url"]
    assert "地图链接须是百度地图、高德地图或腾讯地图的 http(s) 网址。" in messages
    with translation.override("en"):
        assert (
            "The map link must be an http(s) address on Baidu Maps, Amap or "
            "Tencent Maps."
        ) in _messages(point)["map_url"]
