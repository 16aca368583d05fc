"""Pooled booking at a service point (issue 13): in person at a point means
the session types held there and the hours kept there (or at no point); the
family pages offer the points families may come to, without JavaScript, and
the API takes ``point=``. Bad points and empty pools are clear refusals in
both languages, never a 500, nothing saved. The clock is pinned to a Monday.
"""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import pool_selectors, services
from bookings.intake import RISK_KEYS
from bookings.models import Booking, Mode
from bookings.slots import STATION_TZ
from portal.models import ApiToken
from tests.bookings.engine_setup import local
from tests.conftest import clear_all_caches
from tests.factories import (
    AvailabilityRuleFactory,
    BookingFactory,
    CounsellorFactory,
    FamilyFactory,
    SessionTypeFactory,
    TopicFactory,
)
from tests.network.factories import ServicePointFactory, open_point

# Not marked `clock`: every test pins its own instant (the fixture below), so
# a moved clock (CI's `-m clock` runs) would only repeat the same run.
pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=STATION_TZ)  # a Monday
DAY = dt.date(2026, 12, 10)  # that Thursday
TIMES = reverse("bookings:pooled")
BOOK = reverse("bookings:pooled_book")
CALM = dict.fromkeys(RISK_KEYS, "no")


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield


def _hours(counsellor, point, start=9, end=17):
    for weekday in range(7):
        AvailabilityRuleFactory(
            counsellor=counsellor,
            weekday=weekday,
            start_time=dt.time(start),
            end_time=dt.time(end),
            point=point,
        )


@pytest.fixture
def places():
    """Two points; 林晓舟 (busier) and 周一诺 keep hours at 澄樾, 09:00–17:00;
    王一帆 offers 澄樾's service too but keeps hours only at 香樟苑,
    18:00–20:00."""
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    chengyue = open_point(
        name="澄樾社区儿童之家", name_en="Chengyue Children's Home", slug="chengyue"
    )
    xiangzhang = open_point(
        name="香樟苑社区儿童之家",
        name_en="Xiangzhang Children's Home",
        slug="xiangzhang",
    )
    busy = CounsellorFactory(display_name="林晓舟", specialties=[topic])
    idle = CounsellorFactory(display_name="周一诺", specialties=[topic])
    elsewhere = CounsellorFactory(display_name="王一帆", specialties=[topic])
    _hours(busy, chengyue)
    _hours(idle, chengyue)
    _hours(elsewhere, xiangzhang, 18, 20)
    service = SessionTypeFactory(
        name="个别咨询（澄樾）", point=chengyue, counsellors=[busy, idle, elsewhere]
    )
    BookingFactory(counsellor=busy, session_type=service, start=local(DAY, 15))
    return {
        "topic": topic,
        "chengyue": chengyue,
        "xiangzhang": xiangzhang,
        "service": service,
        "busy": busy,
        "idle": idle,
        "elsewhere": elsewhere,
    }


def _starts(slots) -> set[dt.datetime]:
    return {s.start for s in slots}


# --- selectors and the service ------------------------------------------------------


def test_in_person_at_a_point_only_the_hours_kept_there_count(places):
    common = {
        "topic": places["topic"],
        "session_type": places["service"],
        "start_date": DAY,
        "end_date": DAY,
        "mode": Mode.IN_PERSON,
    }
    anywhere = pool_selectors.pooled_free_slots(**common)
    there = pool_selectors.pooled_free_slots(**common, point=places["chengyue"])
    assert local(DAY, 18) in _starts(anywhere)
    assert local(DAY, 18) not in _starts(there)
    assert min(_starts(there)) == local(DAY, 9)
    ids = {places["busy"].pk, places["idle"].pk}
    assert all(set(s.counsellors) <= ids for s in there)
    assert pool_selectors.pool_counsellors(
        topic=places["topic"],
        session_type=places["service"],
        mode=Mode.IN_PERSON,
        point=places["chengyue"],
    ) == [places["busy"], places["idle"]]


def test_hours_that_name_no_point_count_at_any_point(places):
    free = CounsellorFactory(display_name="陈可", specialties=[places["topic"]])
    _hours(free, None, 18, 20)
    places["service"].counsellors.add(free)
    there = pool_selectors.pooled_free_slots(
        topic=places["topic"],
        session_type=places["service"],
        start_date=DAY,
        end_date=DAY,
        mode=Mode.IN_PERSON,
        point=places["chengyue"],
    )
    at_six = next(s for s in there if s.start == local(DAY, 18))
    assert at_six.counsellors == (free.pk,)


def test_a_service_held_elsewhere_has_no_pool_at_the_point(places):
    assert (
        pool_selectors.pool_counsellors(
            topic=places["topic"],
            session_type=places["service"],
            mode=Mode.IN_PERSON,
            point=places["xiangzhang"],
        )
        == []
    )


def test_online_needs_no_point_and_ignores_one(places):
    common = {
        "topic": places["topic"],
        "session_type": places["service"],
        "start_date": DAY,
        "end_date": DAY,
        "mode": Mode.ONLINE,
    }
    assert pool_selectors.pooled_free_slots(
        **common, point=places["xiangzhang"]
    ) == pool_selectors.pooled_free_slots(**common)


def test_pooled_booking_at_a_point_assigns_the_less_busy_one_there(places):
    booking = services.booking_create_pooled(
        family=FamilyFactory(),
        topic=places["topic"],
        session_type=places["service"],
        start=local(DAY, 10),
        mode=Mode.IN_PERSON,
        risk_answers=CALM,
        consent=True,
        point=places["chengyue"],
    )
    assert booking.counsellor == places["idle"]
    assert booking.session_type.point == places["chengyue"]


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("xiangzhang", services.SERVICE_NOT_AT_POINT),
        ("closed", services.POINT_UNAVAILABLE),
    ],
)
def test_pooled_booking_at_a_wrong_point_is_refused_and_saves_nothing(
    places, which, message
):
    point = places.get(which) or ServicePointFactory(is_active=False)
    with pytest.raises(services.BookingError) as refused:
        services.booking_create_pooled(
            family=FamilyFactory(),
            topic=places["topic"],
            session_type=places["service"],
            start=local(DAY, 10),
            mode=Mode.IN_PERSON,
            risk_answers=CALM,
            consent=True,
            point=point,
        )
    assert refused.value.msgid == message
    assert Booking.objects.count() == 1  # the fixture's own


def test_no_one_with_hours_at_the_point_is_pool_empty_at_point(places):
    lone = SessionTypeFactory(point=places["xiangzhang"], counsellors=[places["idle"]])
    with pytest.raises(services.BookingError) as refused:
        services.booking_create_pooled(
            family=FamilyFactory(),
            topic=places["topic"],
            session_type=lone,
            start=local(DAY, 10),
            mode=Mode.IN_PERSON,
            risk_answers=CALM,
            consent=True,
            point=places["xiangzhang"],
        )
    assert refused.value.msgid == services.POOL_EMPTY_AT_POINT


# --- family pages -------------------------------------------------------------------


def test_choice_page_lists_the_points_families_may_come_to(client, places):
    ServicePointFactory(name="停用的儿童之家", slug="retired", is_active=False)
    ServicePointFactory(name="没有开放时间的儿童之家", slug="no-hours")
    html = client.get(TIMES).content.decode()
    assert '<option value="">不限服务点</option>' in html
    assert '<option value="chengyue">澄樾社区儿童之家</option>' in html
    assert '<option value="xiangzhang">香樟苑社区儿童之家</option>' in html
    assert "retired" not in html
    assert "no-hours" not in html
    english = client.get("/en" + TIMES).content.decode()
    assert "Where to meet (for in-person sessions only)" in english
    assert '<option value="chengyue">Chengyue Children&#x27;s Home</option>' in english


def test_times_at_a_point_are_the_hours_kept_there_with_the_point_in_the_links(
    client, places
):
    params = {"topic": "emotional-guidance", "mode": Mode.IN_PERSON}
    anywhere = client.get(TIMES, params)
    there = client.get(TIMES, {**params, "point": "chengyue"})
    assert there.status_code == HTTPStatus.OK
    html = there.content.decode()
    assert "面谈地点：澄樾社区儿童之家" in html
    assert '<option value="chengyue" selected>' in html
    assert f"&amp;point=chengyue&amp;type={places['service'].slug}&amp;start=" in html

    def starts(response):
        return {s.start for d in response.context["days"] for s in d["slots"]}

    assert local(DAY, 18) in starts(anywhere)
    assert local(DAY, 18) not in starts(there)
    assert local(DAY, 15) in starts(there)  # 周一诺 is still free then
    english = client.get("/en" + TIMES, {**params, "point": "chengyue"})
    assert "Meeting at: Chengyue Children&#x27;s Home" in english.content.decode()


def test_times_page_queries_are_the_same_with_a_point(client, places):
    params = {"topic": "emotional-guidance", "mode": Mode.IN_PERSON}

    def count(extra):
        clear_all_caches()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TIMES, {**params, **extra}).status_code == HTTPStatus.OK
        return len(queries)

    without = count({})
    # 18: the point list once, and the closed days of the service's point.
    assert count({"point": "chengyue"}) == without == 18
    assert count({}) == without


@pytest.mark.parametrize("slug", ["nowhere", "retired"])
def test_an_unknown_or_inactive_point_is_a_clear_404_in_both_languages(
    client, places, slug
):
    ServicePointFactory(slug="retired", is_active=False)
    params = {"topic": "emotional-guidance", "mode": Mode.IN_PERSON, "point": slug}
    response = client.get(TIMES, params)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "找不到这个服务点，请从列表中选择一个服务点，或选择线上方式。" in (
        response.content.decode()
    )
    english = client.get("/en" + TIMES, params)
    assert english.status_code == HTTPStatus.NOT_FOUND
    assert "We could not find this service point." in english.content.decode()


def test_a_point_without_opening_hours_is_refused_with_a_message(client, places):
    ServicePointFactory(slug="no-hours")
    params = {
        "topic": "emotional-guidance",
        "mode": Mode.IN_PERSON,
        "point": "no-hours",
    }
    response = client.get(TIMES, params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "这个服务点暂时没有开放时间" in response.content.decode()
    english = client.get("/en" + TIMES, params).content.decode()
    assert "This service point has no opening hours at the moment" in english


def test_a_topic_no_one_covers_at_the_point_says_so(client, places, site_shell):
    params = {
        "topic": "emotional-guidance",
        "mode": Mode.IN_PERSON,
        "point": "xiangzhang",
    }
    response = client.get(TIMES, params)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "目前没有咨询师在“香樟苑社区儿童之家”面谈“情绪疏导”。" in html
    assert 'href="tel:12356"' in html
    english = client.get("/en" + TIMES, params).content.decode()
    assert "in person at “Xiangzhang Children&#x27;s Home” at the moment." in english


def test_online_times_ignore_a_point(client, places):
    params = {"topic": "emotional-guidance", "mode": Mode.ONLINE}
    plain = client.get(TIMES, params)
    with_point = client.get(TIMES, {**params, "point": "xiangzhang"})
    assert with_point.status_code == HTTPStatus.OK
    assert with_point.context["point"] is None
    assert [s.start for s in with_point.context["soonest"]] == [
        s.start for s in plain.context["soonest"]
    ]
    assert "point=" not in with_point.content.decode().split("<main", 1)[-1]


def _form(start, *, step, **extra) -> dict:
    return {
        "topic": "emotional-guidance",
        "mode": Mode.IN_PERSON,
        "point": "chengyue",
        "start": start.isoformat(),
        "concern": "孩子最近不愿意上学",
        "step": step,
        "consent": "on",
        **{f"risk_{key}": "no" for key in RISK_KEYS},
        **extra,
    }


def test_booking_at_a_point_through_the_pages(client, places):
    family = FamilyFactory()
    client.force_login(family)
    start = local(DAY, 10)
    details = client.get(
        BOOK,
        {
            "topic": "emotional-guidance",
            "mode": Mode.IN_PERSON,
            "point": "chengyue",
            "type": places["service"].slug,
            "start": start.isoformat(),
        },
    )
    assert details.status_code == HTTPStatus.OK
    assert '<input type="hidden" name="point" value="chengyue">' in (
        details.content.decode()
    )
    review = client.post(BOOK, _form(start, step="review"))
    assert '<input type="hidden" name="point" value="chengyue">' in (
        review.content.decode()
    )
    done = client.post(BOOK, _form(start, step="confirm"))
    booking = Booking.objects.get(family=family)
    assert done.status_code == HTTPStatus.FOUND
    assert booking.counsellor == places["idle"]
    assert booking.session_type == places["service"]


def test_a_bad_point_on_the_booking_form_saves_nothing(client, places):
    family = FamilyFactory()
    client.force_login(family)
    response = client.post(
        "/en" + BOOK, _form(local(DAY, 10), step="confirm", point="nowhere")
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "We could not find this service point." in response.content.decode()
    assert not Booking.objects.filter(family=family).exists()


# --- API ----------------------------------------------------------------------------


def _api(family=None) -> Client:
    _token, secret = ApiToken.issue(user=family or FamilyFactory(), name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _slots(places, language="zh-hans", **extra):
    query = {
        "topic": "emotional-guidance",
        "session_type": places["service"].pk,
        "start": DAY.isoformat(),
        "end": DAY.isoformat(),
        **extra,
    }
    return _api().get("/api/v1/slots", query, HTTP_ACCEPT_LANGUAGE=language)


def test_api_pooled_slots_at_a_point(places):
    anywhere = _slots(places)
    there = _slots(places, point="chengyue")
    assert there.status_code == HTTPStatus.OK

    def starts(response):
        return {dt.datetime.fromisoformat(s["start"]) for s in response.json()}

    assert local(DAY, 18) in starts(anywhere)
    assert local(DAY, 18) not in starts(there)
    assert local(DAY, 9) in starts(there)


@pytest.mark.parametrize(
    ("slug", "field", "code", "english"),
    [
        ("nowhere", "point", "point_unknown", "We could not find this service point."),
        ("retired", "point", "point_unknown", "We could not find this service point."),
        ("no-hours", "point", "point_no_hours", "has no opening hours"),
        ("xiangzhang", "session_type", "service_not_at_point", "is not offered at"),
    ],
)
def test_api_pooled_slots_refuse_a_bad_point_with_422(
    places, slug, field, code, english
):
    ServicePointFactory(slug="retired", is_active=False)
    ServicePointFactory(slug="no-hours")
    response = _slots(places, language="en", point=slug)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", field]
    assert error["type"] == code
    assert english in error["msg"]
    chinese = _slots(places, point=slug).json()["detail"][0]["msg"]
    assert chinese.endswith("。")
    assert "We" not in chinese and "This" not in chinese


def test_api_pooled_slots_for_a_topic_no_one_covers_at_the_point(places):
    TopicFactory(name="自闭症咨询与科普", slug="autism")
    response = _slots(places, topic="autism", point="chengyue")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "topic"]
    assert error["type"] == "pool_empty_at_point"
    assert error["msg"] == (
        "目前没有咨询师在这个服务点面谈这个主题。你可以换一个服务点、选择线上方式，"
        "或从咨询师列表中选择，需要马上帮助时请拨打页面上的求助电话。"
    )


def _book(places, language="zh-hans", family=None, **extra):
    body = {
        "topic": "emotional-guidance",
        "session_type": places["service"].pk,
        "start": local(DAY, 10).isoformat(),
        "mode": Mode.IN_PERSON,
        "risk_answers": CALM,
        "consent": True,
        **extra,
    }
    return _api(family).post(
        "/api/v1/bookings",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_api_booking_by_topic_at_a_point(places):
    response = _book(places, point="chengyue")
    assert response.status_code == HTTPStatus.CREATED, response.content
    booking = Booking.objects.get(pk=response.json()["id"])
    assert booking.counsellor == places["idle"]
    assert booking.session_type.point == places["chengyue"]


@pytest.mark.parametrize(
    ("slug", "field", "code"),
    [
        ("nowhere", "point", "point_unknown"),
        ("no-hours", "point", "point_no_hours"),
        ("xiangzhang", "session_type", "service_not_at_point"),
    ],
)
def test_api_booking_at_a_bad_point_is_422_and_saves_nothing(places, slug, field, code):
    ServicePointFactory(slug="no-hours")
    family = FamilyFactory()
    response = _book(places, language="en", family=family, point=slug)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field]
    assert error["type"] == code
    assert not Booking.objects.filter(family=family).exists()


def test_api_booking_where_no_one_covers_the_topic_at_the_point(places):
    lone = SessionTypeFactory(point=places["xiangzhang"], counsellors=[places["idle"]])
    response = _book(places, session_type=lone.pk, point="xiangzhang")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "topic"]
    assert error["type"] == "pool_empty_at_point"


def test_openapi_documents_point_for_pooled_search_and_booking(client):
    schema = client.get("/api/v1/openapi.json").json()
    slots = schema["paths"]["/api/v1/slots"]["get"]["parameters"]
    point = next(p for p in slots if p["name"] == "point")
    assert "service point" in point["description"]
    booking_in = schema["components"]["schemas"]["BookingIn"]["properties"]["point"]
    assert "point_unknown" in booking_in["description"]
