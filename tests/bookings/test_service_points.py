"""Bookings at service points (issue 13): the place texts moved to points, the
point's name shown in the page's language, closures per point, refusals at a
point families cannot come to, and the point page's workshops and services."""

import datetime as dt
import importlib
import re
from html import unescape
from http import HTTPStatus

import pytest
import time_machine
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bookings import selectors, services
from bookings.intake import RISK_KEYS
from bookings.models import Booking, GroupSession, Mode, StationClosure
from bookings.slots import STATION_TZ
from network.models import ServicePoint
from portal.models import ApiToken, Consent
from tests.bookings.web_setup import local, with_totp
from tests.conftest import clear_all_caches
from tests.factories import (
    AvailabilityRuleFactory,
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
)
from tests.network.factories import (
    OpeningExceptionFactory,
    ServicePointFactory,
    open_point,
)

pytestmark = pytest.mark.django_db

# A Monday; the sessions below are on Wednesday 10 March 2027.
NOW = local(dt.date(2027, 3, 8), 9)
DAY = dt.date(2027, 3, 10)

migration = importlib.import_module("bookings.migrations.0009_service_points")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hub():
    return open_point(kind=ServicePoint.Kind.HUB, neighbourhood=None,
                      name="未保站总部（社区服务中心）",
                      name_en="Station hub (community service centre)", slug="station-hub")


@pytest.fixture
def reading_base():
    return open_point(kind=ServicePoint.Kind.SPECIAL, neighbourhood=None,
                      name="亲子阅读基地", name_en="Parent–child reading base",
                      slug="reading-base")


def _counsellor(point=None, **kwargs):
    """Working 09:00–17:00 every day, at ``point``; one individual service."""
    counsellor = CounsellorFactory(**kwargs)
    for weekday in range(7):
        AvailabilityRuleFactory(counsellor=counsellor, weekday=weekday,
                                start_time=dt.time(9), end_time=dt.time(17), point=point)
    return counsellor


def _text(response) -> str:
    assert response.status_code == HTTPStatus.OK
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(body))


# --- the data migration's mapping ---------------------------------------------------


def test_a_place_text_maps_to_the_point_of_that_name(hub, reading_base):
    assert migration.point_for_text(apps, "未保站总部（社区服务中心）") == hub
    assert migration.point_for_text(apps, "", "Parent–child reading base") == reading_base
    # Contained either way; the longest name wins.
    assert migration.point_for_text(apps, "亲子阅读基地 二楼活动室") == reading_base
    assert migration.point_for_text(apps, "") is None


def test_a_place_text_no_point_matches_keeps_its_text_and_stays_bookable(hub):
    assert migration.point_for_text(apps, "街道文化站三楼", "Culture station, 3F") is None
    assert list(ServicePoint.objects.all()) == [hub]


def test_the_migration_sets_points_and_reverses(hub):
    matched = SessionTypeFactory(location="未保站总部（社区服务中心） 二楼咨询室")
    unknown = GroupSessionFactory(location="街道文化站三楼")
    online = SessionTypeFactory(location="")
    chosen_later = SessionTypeFactory(location="街道文化站三楼")
    migration.map_locations(apps, None)
    for row in (matched, unknown, online, chosen_later):
        row.refresh_from_db()
    assert matched.point == hub
    assert (unknown.point, online.point, chosen_later.point) == (None, None, None)
    # A coordinator links a point by hand afterwards; reversing keeps it.
    chosen_later.point = hub
    chosen_later.save()

    migration.unmap_locations(apps, None)
    for row in (matched, unknown, chosen_later):
        row.refresh_from_db()
    assert (matched.point, unknown.point) == (None, None)
    assert chosen_later.point == hub
    assert list(ServicePoint.objects.all()) == [hub]
    assert unknown.location == "街道文化站三楼"


# --- display ------------------------------------------------------------------------


def test_a_workshop_shows_its_point_linked_in_the_page_language(client, reading_base):
    workshop = GroupSessionFactory(title="亲子共读", title_en="Reading together",
                                   point=reading_base, location="旧的文字")
    client.force_login(FamilyFactory())
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert '<a href="/points/reading-base/">亲子阅读基地</a>' in html
    assert "旧的文字" not in html
    html = client.get(f"/en{workshop.get_absolute_url()}").content.decode()
    assert '<a href="/en/points/reading-base/">Parent–child reading base</a>' in html


def test_a_place_without_a_point_still_shows_its_text(client):
    workshop = GroupSessionFactory(location="未保站二楼活动室")
    client.force_login(FamilyFactory())
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert '<span data-testid="place">未保站二楼活动室</span>' in html


def test_a_point_families_cannot_open_is_named_without_a_link(client):
    hidden = ServicePointFactory(name="香樟苑社区儿童之家")  # no opening hours
    workshop = GroupSessionFactory(point=hidden)
    client.force_login(FamilyFactory())
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert '<span data-testid="place">香樟苑社区儿童之家</span>' in html


def test_a_booking_shows_the_point_of_its_service(client, hub):
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor], point=hub)
    family = FamilyFactory()
    booking = services.booking_create(
        family=family, counsellor=counsellor, session_type=session_type,
        start=local(DAY, 10), mode=Mode.IN_PERSON, consent=True)
    client.force_login(family)
    html = client.get(booking.get_absolute_url()).content.decode()
    assert '<a href="/points/station-hub/">未保站总部（社区服务中心）</a>' in html


# --- closures per point -------------------------------------------------------------


def _wednesday_slots(counsellor, session_type):
    clear_all_caches()  # the clock stands still: no generation lag runs out
    return [s.start.astimezone(STATION_TZ).time()
            for s in selectors.free_slots(counsellor=counsellor, session_type=session_type,
                                          start_date=DAY, end_date=DAY)]


def test_a_point_closure_closes_only_the_hours_kept_there(hub, reading_base):
    counsellor = CounsellorFactory()
    AvailabilityRuleFactory(counsellor=counsellor, weekday=DAY.weekday(),
                            start_time=dt.time(9), end_time=dt.time(11), point=hub)
    AvailabilityRuleFactory(counsellor=counsellor, weekday=DAY.weekday(),
                            start_time=dt.time(14), end_time=dt.time(16),
                            point=reading_base)
    session_type = SessionTypeFactory(counsellors=[counsellor])
    both = [dt.time(9), dt.time(9, 30), dt.time(10), dt.time(14), dt.time(14, 30),
            dt.time(15)]
    assert _wednesday_slots(counsellor, session_type) == both

    StationClosure.objects.create(name="消防检查", start_date=DAY, end_date=DAY,
                                  point=hub)
    assert _wednesday_slots(counsellor, session_type) == both[3:]

    StationClosure.objects.create(name="台风", start_date=DAY, end_date=DAY)
    assert _wednesday_slots(counsellor, session_type) == []


def test_hours_at_a_point_families_cannot_see_offer_no_slots(hub):
    counsellor = _counsellor(point=hub)
    session_type = SessionTypeFactory(counsellors=[counsellor])
    assert _wednesday_slots(counsellor, session_type)
    hub.is_active = False
    hub.save()
    assert _wednesday_slots(counsellor, session_type) == []


def test_the_counsellor_week_names_the_point_closed(client, hub):
    counsellor = _counsellor(point=hub)
    SessionTypeFactory(counsellors=[counsellor])
    StationClosure.objects.create(name="消防检查", start_date=DAY, end_date=DAY,
                                  point=hub)
    with_totp(counsellor.user)
    client.force_login(counsellor.user)
    html = client.get(reverse("bookings:counsellor_week"),
                      {"week": DAY.isoformat()}).content.decode()
    assert "闭馆</strong> · 消防检查 · 未保站总部（社区服务中心）" in html


def test_the_coordinator_closes_one_point_or_the_whole_station(client, hub):
    coordinator = with_totp(CoordinatorFactory())
    client.force_login(coordinator)
    url = reverse("bookings:coordinator_closures")
    html = client.get(url).content.decode()
    assert '<option value="" selected>全站</option>' in html
    assert f'<option value="{hub.pk}">未保站总部（社区服务中心）</option>' in html

    response = client.post(url, {"name": "消防检查", "start_date": DAY.isoformat(),
                                  "end_date": DAY.isoformat(), "point": hub.pk})
    assert response.status_code == HTTPStatus.FOUND
    client.post(url, {"name": "元旦", "start_date": DAY.isoformat(),
                      "end_date": DAY.isoformat(), "point": ""})
    assert {(c.name, c.point) for c in StationClosure.objects.all()} == {
        ("消防检查", hub), ("元旦", None)}
    html = client.get(url).content.decode()
    assert '<span data-testid="closure-point">未保站总部（社区服务中心）</span>' in html
    assert '<span data-testid="closure-point">全站</span>' in html


# --- bad input ----------------------------------------------------------------------


def _book(counsellor, session_type, *, mode=Mode.IN_PERSON, family=None):
    return services.booking_create(
        family=family or FamilyFactory(), counsellor=counsellor,
        session_type=session_type, start=local(DAY, 10), mode=mode, consent=True)


def _refused(call) -> services.BookingError:
    with pytest.raises(services.BookingError) as caught:
        call()
    assert Booking.objects.count() == 0
    assert Consent.objects.count() == 0
    return caught.value


def test_an_inactive_point_is_refused_in_both_languages(hub):
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor], point=hub)
    hub.is_active = False
    hub.save()
    error = _refused(lambda: _book(counsellor, session_type))
    assert error.code == "point_unavailable"
    assert error.message == "这个服务点目前不开放预约，请选择其他服务点或线上方式。"
    with translation.override("en"):
        error = _refused(lambda: _book(counsellor, session_type))
    assert error.message == (
        "This service point is not taking bookings at the moment. Please choose "
        "another point or an online session.")


def test_a_point_without_opening_hours_is_refused():
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor],
                                      point=ServicePointFactory())
    assert _refused(lambda: _book(counsellor, session_type)).code == "point_unavailable"


def test_an_online_session_needs_no_point():
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor],
                                      point=ServicePointFactory(is_active=False))
    booking = _book(counsellor, session_type, mode=Mode.ONLINE)
    assert booking.mode == Mode.ONLINE


@pytest.mark.parametrize("closed_by", ["closure", "opening_exception"])
def test_a_point_closed_that_day_is_refused(hub, closed_by):
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor], point=hub)
    if closed_by == "closure":
        StationClosure.objects.create(name="消防检查", start_date=DAY, end_date=DAY,
                                      point=hub)
    else:
        OpeningExceptionFactory(point=hub, date=DAY, closed=True)
    error = _refused(lambda: _book(counsellor, session_type))
    assert error.code == "point_closed"
    assert error.message == "这个服务点这一天不开放，请选择其他日期。"
    with translation.override("en"):
        error = _refused(lambda: _book(counsellor, session_type))
    assert error.message == ("This service point is closed on that day. Please "
                             "choose another date.")
    # Another day is fine.
    services.booking_create(family=FamilyFactory(), counsellor=counsellor,
                            session_type=session_type, start=local(DAY, 10) +
                            dt.timedelta(days=1), mode=Mode.IN_PERSON, consent=True)


def test_a_workshop_at_a_point_closed_that_day_takes_no_seat(hub):
    workshop = GroupSessionFactory(point=hub, start=local(DAY, 14),
                                   end=local(DAY, 15, 30))
    OpeningExceptionFactory(point=hub, date=DAY, closed=True)
    with pytest.raises(services.BookingError) as caught:
        services.workshop_join(family=FamilyFactory(), group_session=workshop)
    assert caught.value.code == "point_closed"
    assert not workshop.seats.exists()


def test_the_api_answers_422_with_the_code_and_message(hub):
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor], point=hub)
    hub.is_active = False
    hub.save()
    family = FamilyFactory()
    _token, secret = ApiToken.issue(user=family, name="phone")
    response = Client().post(
        "/api/v1/bookings",
        {"counsellor": counsellor.pk, "session_type": session_type.pk,
         "start": local(DAY, 10).isoformat(), "mode": "in_person", "consent": True},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == {"detail": [{
        "loc": ["body", "session_type"], "type": "point_unavailable",
        "msg": "这个服务点目前不开放预约，请选择其他服务点或线上方式。"}]}
    assert Booking.objects.count() == 0


def test_the_booking_page_shows_the_refusal(client, hub):
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor], point=hub)
    StationClosure.objects.create(name="消防检查", start_date=DAY, end_date=DAY,
                                  point=hub)
    client.force_login(FamilyFactory())
    url = reverse("bookings:book", kwargs={"slug": counsellor.slug,
                                           "type_slug": session_type.slug})
    data = {"start": local(DAY, 10).isoformat(), "concern": "", "mode": Mode.IN_PERSON,
            "consent": "on", "step": "confirm", **{f"risk_{k}": "no" for k in RISK_KEYS}}
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "这个服务点这一天不开放，请选择其他日期。"]
    assert Booking.objects.count() == 0


# --- the point page -----------------------------------------------------------------


def _workshops_at(point, count, *, first=0):
    return [GroupSessionFactory(point=point, title=f"亲子共读{n}",
                                title_en=f"Reading together {n}",
                                start=local(DAY, 9) + dt.timedelta(days=n),
                                end=local(DAY, 10) + dt.timedelta(days=n))
            for n in range(first, first + count)]


def test_the_point_page_lists_coming_workshops_and_services(client, site_shell,
                                                            reading_base, hub):
    workshops = _workshops_at(reading_base, 10)
    GroupSessionFactory(point=hub, title="别处的工作坊")
    GroupSessionFactory(point=reading_base, title="已取消的工作坊",
                        status=GroupSession.Status.CANCELLED)
    counsellor = _counsellor(display_name="林晓舟", display_name_en="Lin Xiaozhou")
    SessionTypeFactory(counsellors=[counsellor], point=reading_base, name="亲子咨询",
                       name_en="Family consultation", slug="family-consultation")
    SessionTypeFactory(counsellors=[counsellor], point=reading_base, name="停用的服务",
                       is_active=False)

    response = client.get("/points/reading-base/")
    html = response.content.decode()
    text = _text(response)
    listed = re.findall(r'<a href="/bookings/workshops/(\d+)/">([^<]+)</a>', html)
    assert listed == [(str(w.pk), w.title) for w in workshops[:8]]
    assert "别处的工作坊" not in text and "已取消的工作坊" not in text
    assert "亲子咨询： 预约林晓舟" in text
    assert (f'href="/bookings/book/{counsellor.slug}/family-consultation/"') in html
    assert "停用的服务" not in text

    english = _text(client.get("/en/points/reading-base/"))
    assert "Reading together 0" in english
    assert "Family consultation: Book with Lin Xiaozhou" in english


def test_the_point_page_without_any_says_so(client, site_shell, reading_base):
    text = _text(client.get("/points/reading-base/"))
    assert "这里近期还没有公布工作坊或可预约的服务。" in text


def _page_queries(client, url) -> int:
    clear_all_caches()
    client.get(url)
    clear_all_caches()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def test_the_point_page_queries_do_not_grow_with_the_workshops(client, site_shell,
                                                               reading_base):
    counsellor = _counsellor()
    SessionTypeFactory(counsellors=[counsellor], point=reading_base)
    _workshops_at(reading_base, 1)
    one = _page_queries(client, "/points/reading-base/")
    _workshops_at(reading_base, 9, first=1)
    SessionTypeFactory(counsellors=[_counsellor(), _counsellor()], point=reading_base)
    assert _page_queries(client, "/points/reading-base/") == one



def test_the_api_names_the_point_as_the_place(reading_base):
    GroupSessionFactory(point=reading_base, location="旧的文字")
    GroupSessionFactory(location="未保站二楼活动室", start=local(DAY, 15),
                        end=local(DAY, 16))
    _token, secret = ApiToken.issue(user=FamilyFactory(), name="phone")
    response = Client().get("/api/v1/workshops", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == HTTPStatus.OK
    assert sorted(w["location"] for w in response.json()) == ["亲子阅读基地", "未保站二楼活动室"]


# --- what is offered is what can be booked (review fixes) --------------------------


@pytest.mark.parametrize("closed_by", ["closure", "opening_exception"])
def test_no_time_is_offered_on_a_day_the_services_point_is_closed(hub, closed_by):
    counsellor = _counsellor()
    session_type = SessionTypeFactory(counsellors=[counsellor], point=hub)

    def offered(day):
        return selectors.free_slots(counsellor=counsellor, session_type=session_type,
                                    start_date=day, end_date=day)

    assert offered(DAY)  # open: times offered (and cached)
    if closed_by == "closure":
        StationClosure.objects.create(name="消防检查", start_date=DAY, end_date=DAY,
                                      point=hub)
    else:
        OpeningExceptionFactory(point=hub, date=DAY, closed=True)
    clear_all_caches()  # the generation lag of a running site, passed at once
    assert offered(DAY) == []
    assert offered(DAY + dt.timedelta(days=1))


def test_closed_days_and_credentials_retire_cached_slots_and_pages():
    from bookings import caching
    from network.models import Expert, OpeningException

    retired = {rule.sender: set(rule.generations) for rule in caching.INVALIDATION}
    assert {caching.STATION, caching.PAGES} <= retired[OpeningException]
    assert {caching.STATION, caching.PAGES} <= retired[Expert]


def test_one_family_cannot_hold_two_sessions_at_once_even_with_two_counsellors(hub):
    first, second = _counsellor(), _counsellor()
    session_type = SessionTypeFactory(counsellors=[first, second])
    family = FamilyFactory()
    _book(first, session_type, family=family)
    with pytest.raises(services.BookingError) as caught:
        _book(second, session_type, family=family)
    assert caught.value.code == "already_booked_then"
    assert "你在这个时间已经有一个预约了" in caught.value.message
    assert Booking.objects.filter(family=family).count() == 1


def test_an_expired_credential_leaves_the_point_page_and_the_counsellor_page(client, hub):
    from network.models import Expert

    counsellor = _counsellor(point=hub, display_name="陈思远")
    SessionTypeFactory(counsellors=[counsellor], point=hub, name="个体咨询")
    assert "陈思远" in _text(client.get(hub.get_absolute_url()))
    Expert.objects.create(name="陈思远", slug="expert-chen", role="counsellor",
                          counsellor=counsellor, credential="心理咨询师",
                          credential_expires=NOW.date() - dt.timedelta(days=1))
    clear_all_caches()
    assert "陈思远" not in _text(client.get(hub.get_absolute_url()))
    page = client.get(reverse("bookings:counsellor", kwargs={"slug": counsellor.slug}))
    assert page.status_code == HTTPStatus.NOT_FOUND
