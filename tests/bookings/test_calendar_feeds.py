"""Personal subscription feeds, the public workshop feed and the .ics access rules."""

import datetime as dt
import gzip
import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from bookings import feeds, services
from bookings.models import Booking, CalendarFeed, GroupSession, TimeOff
from tests.bookings.calendar_checks import parse, unfold
from tests.bookings.web_setup import with_totp
from tests.factories import (
    BookingFactory,
    CoordinatorFactory,
    CounsellorFactory,
    EditorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _feed_path(feed: CalendarFeed) -> str:
    return f"/calendar/{feeds.feed_secret(feed)}.ics"


def _bookings(family, counsellor, n: int, *, first_day: int = 1) -> list[Booking]:
    session_type = SessionTypeFactory(counsellors=[counsellor])
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    return [
        BookingFactory(family=family, counsellor=counsellor, session_type=session_type,
                       start=base + dt.timedelta(days=first_day, hours=i))
        for i in range(n)
    ]


@pytest.fixture
def family():
    return FamilyFactory()


@pytest.fixture
def family_feed(family):
    return feeds.feed_create(user=family, kind=CalendarFeed.Kind.FAMILY)


# --- secrets ---------------------------------------------------------------------


def test_only_a_hash_of_the_secret_is_stored(family_feed):
    secret = feeds.feed_secret(family_feed)
    assert len(secret) == 32
    stored = CalendarFeed.objects.get(pk=family_feed.pk)
    assert stored.secret_hash == feeds.hash_secret(secret)
    assert secret not in stored.secret_hash


def test_creating_twice_keeps_one_live_feed(family, family_feed):
    assert feeds.feed_create(user=family, kind=CalendarFeed.Kind.FAMILY) == family_feed
    assert CalendarFeed.objects.filter(user=family, revoked_at__isnull=True).count() == 1


def test_rotation_kills_the_old_link_and_the_new_one_works(client, family, family_feed):
    old_path = _feed_path(family_feed)
    assert client.get(old_path).status_code == HTTPStatus.OK
    new_feed = feeds.feed_rotate(user=family, kind=CalendarFeed.Kind.FAMILY)
    assert new_feed.pk != family_feed.pk
    assert client.get(old_path).status_code == HTTPStatus.NOT_FOUND
    assert client.get(_feed_path(new_feed)).status_code == HTTPStatus.OK


def test_revoked_and_unknown_secrets_answer_404(client, family, family_feed):
    path = _feed_path(family_feed)
    feeds.feed_revoke(user=family, kind=CalendarFeed.Kind.FAMILY)
    response = client.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.content.decode() == "没有这个日历订阅，或它已被停用。"
    assert client.get("/calendar/" + "x" * 32 + ".ics").status_code == HTTPStatus.NOT_FOUND


def test_people_without_bookings_role_cannot_create_a_family_feed():
    editor = EditorFactory()
    with pytest.raises(Exception, match="这个账户不能创建这种日历订阅。"):
        feeds.feed_create(user=editor, kind=CalendarFeed.Kind.FAMILY)


# --- the feed response -----------------------------------------------------------------


def test_feed_needs_no_cookie_sets_none_and_says_no_referrer(client, family, family_feed):
    _bookings(family, CounsellorFactory(), 2)
    response = client.get(_feed_path(family_feed))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
    events = parse(response.content, feed=True)
    assert len(events) == 2


def test_a_signed_in_browser_fetching_the_feed_gets_no_cookie_either(client, family,
                                                                     family_feed):
    client.force_login(family)
    response = client.get(_feed_path(family_feed))
    assert response.status_code == HTTPStatus.OK
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


def test_calendar_apps_may_ask_with_head(client, family_feed):
    response = client.head(_feed_path(family_feed))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_conditional_get_answers_304(client, family_feed):
    path = _feed_path(family_feed)
    etag = client.get(path)["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == (
        HTTPStatus.NOT_MODIFIED)


def test_family_feed_has_bookings_seats_and_alarms(client, family, family_feed):
    [booking] = _bookings(family, CounsellorFactory(display_name="周老师（虚构）"), 1)
    workshop = GroupSessionFactory(title="亲子沟通工作坊")
    seat = BookingFactory(family=family, group_session=workshop,
                          session_type=workshop.session_type, start=workshop.start,
                          end=workshop.end, blocks_until=workshop.end)
    BookingFactory()  # another family's booking: not in this feed
    events = parse(client.get(_feed_path(family_feed)).content, feed=True)
    assert set(events) == {booking.calendar_uid, seat.calendar_uid}
    assert events[booking.calendar_uid].summary == "个体咨询 · 周老师（虚构）"
    assert events[seat.calendar_uid].summary == "亲子沟通工作坊"
    for event in events.values():
        [alarm] = event.alarms
        assert alarm["TRIGGER"].dt == -dt.timedelta(hours=1)


def test_cancelled_events_stay_30_days_as_cancelled(client, family, family_feed):
    recent, old = _bookings(family, CounsellorFactory(), 2)
    now = timezone.now()
    Booking.objects.filter(pk=recent.pk).update(
        status=Booking.Status.CANCELLED, cancelled_at=now - dt.timedelta(days=29))
    Booking.objects.filter(pk=old.pk).update(
        status=Booking.Status.CANCELLED, cancelled_at=now - dt.timedelta(days=31))
    events = parse(client.get(_feed_path(family_feed)).content, feed=True)
    assert list(events) == [recent.calendar_uid]
    assert events[recent.calendar_uid].status == "CANCELLED"
    assert events[recent.calendar_uid].alarms == []


def test_counsellor_feed_is_neutral_and_has_workshops_and_time_off(client):
    counsellor = CounsellorFactory(display_name="陈老师（虚构）")
    family = FamilyFactory(display_name="王家长", email="wang@example.cn")
    [booking] = _bookings(family, counsellor, 1)
    workshop = GroupSessionFactory(counsellors=[counsellor], title="情绪小课堂")
    start = timezone.now() + dt.timedelta(days=10)
    time_off = TimeOff.objects.create(counsellor=counsellor, start=start,
                                      end=start + dt.timedelta(days=2), reason="培训")
    BookingFactory()  # another counsellor's session
    GroupSessionFactory(title="别人带的工作坊")
    TimeOff.objects.create(counsellor=CounsellorFactory(), start=start,
                           end=start + dt.timedelta(days=1))
    feed = feeds.feed_create(user=counsellor.user, kind=CalendarFeed.Kind.COUNSELLOR)
    body = client.get(_feed_path(feed)).content
    events = parse(body, feed=True)
    from bookings.calendar import timeoff_uid

    assert set(events) == {booking.calendar_uid, workshop.calendar_uid,
                           timeoff_uid(time_off)}
    assert events[booking.calendar_uid].summary == f"个体咨询 · 预约 #{booking.pk}"
    assert events[workshop.calendar_uid].summary == "情绪小课堂"
    assert events[timeoff_uid(time_off)].summary == "休假"
    text = "".join(unfold(body))
    assert "王家长" not in text and "wang@example.cn" not in text


def test_feed_changes_as_soon_as_a_booking_changes(client, family, family_feed):
    [booking] = _bookings(family, CounsellorFactory(), 1)
    path = _feed_path(family_feed)
    first = parse(client.get(path).content, feed=True)[booking.calendar_uid]
    booking.start += dt.timedelta(days=1)
    booking.end += dt.timedelta(days=1)
    booking.blocks_until += dt.timedelta(days=1)
    booking.sequence += 1
    booking.save()
    second = parse(client.get(path).content, feed=True)[booking.calendar_uid]
    assert second.start == first.start + dt.timedelta(days=1)
    assert second.sequence == first.sequence + 1


def test_a_repeat_poll_touches_no_database_and_a_change_costs_two_queries(
        client, family, family_feed):
    _bookings(family, CounsellorFactory(), 5)
    path = _feed_path(family_feed)
    body = client.get(path).content
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert again.content == body
    # Answered from the feed's cached state (bookings.caching).
    assert len(queries) == 0, [q["sql"] for q in queries]
    FamilyFactory()  # a write elsewhere retires every feed's state
    with CaptureQueriesContext(connection) as queries:
        third = client.get(path)
    assert third.content == body
    # The feed row (with its user) and the version aggregate: no event queries,
    # and the body itself still comes from the cache.
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_a_revoked_link_is_404_even_right_after_a_cached_answer(client, family,
                                                                family_feed):
    path = _feed_path(family_feed)
    assert client.get(path).status_code == HTTPStatus.OK
    assert client.get(path).status_code == HTTPStatus.OK  # from the cached state
    feeds.feed_revoke(user=family, kind=CalendarFeed.Kind.FAMILY)
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("change", ["cancel", "workshop", "counsellor_name", "language",
                                    "crisis_line", "erasure"])
def test_every_kind_of_change_shows_on_the_next_poll(client, family, family_feed,
                                                     site_shell, change):
    counsellor = CounsellorFactory(display_name="林老师（虚构）")
    [booking] = _bookings(family, counsellor, 1)
    workshop = GroupSessionFactory(counsellors=[counsellor], title="情绪小课堂")
    services.workshop_join(family=family, group_session=workshop)
    path = _feed_path(family_feed)
    before = client.get(path).content
    assert client.get(path).content == before  # cached
    if change == "cancel":
        services.booking_cancel(booking=booking, by_user=family, reason="")
        assert "STATUS:CANCELLED" in "".join(unfold(client.get(path).content))
        return
    if change == "workshop":
        workshop.title = "情绪小课堂（改期）"
        workshop.save()
        expected = "情绪小课堂（改期）"
    elif change == "counsellor_name":
        counsellor.display_name = "林晓老师（虚构）"
        counsellor.save()
        expected = "林晓老师（虚构）"
    elif change == "language":
        family.preferred_language = "en"
        family.save()
        expected = "LANGUAGE=en" if b"LANGUAGE=" in before else None
    elif change == "crisis_line":
        from portal.models import CrisisLine, SiteSettings

        settings_row = SiteSettings.for_site(site_shell)
        CrisisLine.objects.create(setting=settings_row, name="测试热线（虚构）",
                                  number="400-000-0000", hours="24小时")
        expected = "400-000-0000"
    else:
        from portal.privacy import account_erase

        account_erase(user=family)
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND
        return
    after = client.get(path).content
    assert after != before
    if expected:
        assert expected in "".join(unfold(after))


@pytest.mark.parametrize("kind", ["family", "counsellor"])
def test_query_count_does_not_grow_with_the_number_of_events(client, kind):
    counts = []
    for n in (5, 50):
        counsellor = CounsellorFactory()
        family = FamilyFactory()
        _bookings(family, counsellor, n)
        for i in range(n // 5):
            GroupSessionFactory(counsellors=[counsellor],
                                start=timezone.now() + dt.timedelta(days=30, hours=i))
            start = timezone.now() + dt.timedelta(days=60 + i)
            TimeOff.objects.create(counsellor=counsellor, start=start,
                                   end=start + dt.timedelta(hours=3))
        owner = family if kind == "family" else counsellor.user
        feed = feeds.feed_create(user=owner, kind=kind)
        path = _feed_path(feed)
        client.get("/calendar/workshops.ics")  # warm the crisis-line cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == HTTPStatus.OK
        cal = Calendar.from_ical(response.content)
        expected = n if kind == "family" else n + 2 * (n // 5)
        assert len(cal.walk("VEVENT")) == expected
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- rate limits --------------------------------------------------------------------


def test_one_secret_is_rate_limited_with_retry_after(client, settings, family_feed):
    settings.CALENDAR_FEED_RATE_PER_SECRET = 3
    path = _feed_path(family_feed)
    for _ in range(3):
        assert client.get(path).status_code == HTTPStatus.OK
    response = client.get(path)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.cookies == {}


def test_one_ip_guessing_secrets_is_rate_limited(client, settings):
    settings.CALENDAR_FEED_RATE_PER_IP = 5
    for i in range(5):
        assert client.get(f"/calendar/guess{i:027d}.ics").status_code == 404
    response = client.get("/calendar/guess-another-one-000000000000.ics")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    other_ip = client.get("/calendar/guess-from-elsewhere-0000000000.ics",
                          REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == HTTPStatus.NOT_FOUND


def test_many_valid_feeds_from_one_ip_are_not_limited_per_ip(client, settings):
    """Google and Outlook fetch thousands of people's feeds from a few IPs."""
    settings.CALENDAR_FEED_RATE_PER_IP = 2
    paths = [_feed_path(feeds.feed_create(user=FamilyFactory(), kind="family"))
             for _ in range(4)]
    assert [client.get(p).status_code for p in paths] == [HTTPStatus.OK] * 4


def test_gzip_is_served_when_asked_and_has_its_own_etag(client, family, family_feed):
    _bookings(family, CounsellorFactory(), 3)
    path = _feed_path(family_feed)
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"] and "Cookie" not in packed["Vary"]
    assert packed["ETag"] != plain["ETag"]
    again = client.get(path, headers={"Accept-Encoding": "gzip",
                                      "If-None-Match": packed["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


# --- public workshop feed ----------------------------------------------------------------


def test_public_workshop_feed_lists_upcoming_workshops_by_topic(client):
    topic = TopicFactory(name="自闭症咨询与科普", slug="autism")
    upcoming = GroupSessionFactory(topic=topic, title="认识自闭症谱系")
    other = GroupSessionFactory(title="家庭沟通")
    past_start = timezone.now() - dt.timedelta(days=3)
    GroupSessionFactory(title="已结束", start=past_start,
                        end=past_start + dt.timedelta(hours=1))
    response = client.get("/calendar/workshops.ics")
    assert response.status_code == HTTPStatus.OK
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]
    assert set(parse(response.content, feed=True)) == {upcoming.calendar_uid,
                                                       other.calendar_uid}
    by_topic = parse(client.get("/calendar/workshops.ics?topic=autism").content, feed=True)
    assert set(by_topic) == {upcoming.calendar_uid}
    missing = client.get("/calendar/workshops.ics?topic=nope")
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert missing.content.decode() == "没有这个主题。"
    assert missing.cookies == {}


def test_cancelled_workshop_shows_as_cancelled_in_the_public_feed(client):
    workshop = GroupSessionFactory(status=GroupSession.Status.CANCELLED)
    events = parse(client.get("/calendar/workshops.ics").content, feed=True)
    assert events[workshop.calendar_uid].status == "CANCELLED"


# --- account page -----------------------------------------------------------------------


def test_account_page_creates_shows_rotates_and_revokes_a_feed(client, site_shell, family,
                                                               settings):
    client.force_login(family)
    page = client.get("/account/").content.decode()
    assert "创建日历订阅" in page
    response = client.post("/calendar/feeds/create/", {"kind": "family"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/account/#calendar-feeds"
    page = client.get("/account/").content.decode()
    feed = CalendarFeed.objects.get(user=family, revoked_at__isnull=True)
    secret = feeds.feed_secret(feed)
    https = f"{settings.SITE_BASE_URL}/calendar/{secret}.ics"
    assert f'value="{https}"' in page
    assert f'href="{https}"' in page
    assert 'href="webcal://{}"'.format(https.split("://", 1)[1]) in page
    assert re.search(r"<svg[^>]*class=\"calendar-qr\"", page)
    assert "还没有日历应用读取过这个链接。" in page
    client.get(https.replace(settings.SITE_BASE_URL, ""))
    assert "日历应用最近一次读取：" in client.get("/account/").content.decode()
    assert "8–24" in page and "X-PUBLISHED-TTL" in page

    client.post("/calendar/feeds/rotate/", {"kind": "family"})
    new = CalendarFeed.objects.get(user=family, revoked_at__isnull=True)
    assert new.pk != feed.pk
    page = client.get("/account/").content.decode()
    assert secret not in page and feeds.feed_secret(new) in page

    client.post("/calendar/feeds/revoke/", {"kind": "family"})
    assert not CalendarFeed.objects.filter(user=family, revoked_at__isnull=True).exists()
    assert "创建日历订阅" in client.get("/account/").content.decode()


def test_feed_buttons_need_login_and_post(client, family):
    response = client.post("/calendar/feeds/create/", {"kind": "family"})
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    client.force_login(family)
    assert client.get("/calendar/feeds/create/").status_code == (
        HTTPStatus.METHOD_NOT_ALLOWED)
    assert client.post("/calendar/feeds/create/", {"kind": "bogus"}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_revoking_a_feed_that_does_not_exist_says_so(client, site_shell, family):
    client.force_login(family)
    response = client.post("/calendar/feeds/revoke/", {"kind": "family"}, follow=True)
    assert "没有找到这个日历订阅，它可能已被撤销。" in response.content.decode()


# --- per-booking .ics access ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", HTTPStatus.OK),
        ("other_family", HTTPStatus.NOT_FOUND),
        ("own_counsellor", HTTPStatus.OK),
        ("other_counsellor", HTTPStatus.NOT_FOUND),
        ("coordinator", HTTPStatus.OK),
        ("editor", HTTPStatus.NOT_FOUND),
        ("anonymous", HTTPStatus.NOT_FOUND),
    ],
)
def test_booking_ics_access_rules(client, who, status):
    # Staff have TOTP here; without it they are sent to set it up first
    # (tests/portal/test_roles_mfa.py).
    booking = BookingFactory()
    users = {
        "owner": booking.family,
        "other_family": FamilyFactory(),
        "own_counsellor": with_totp(booking.counsellor.user),
        "other_counsellor": with_totp(CounsellorFactory().user),
        "coordinator": with_totp(CoordinatorFactory()),
        "editor": with_totp(EditorFactory()),
        "anonymous": None,
    }
    if users[who] is not None:
        client.force_login(users[who])
    response = client.get(f"/bookings/{booking.pk}/calendar.ics")
    assert response.status_code == status
    if status == HTTPStatus.OK:
        parse(response.content, method="PUBLISH")
    missing = client.get("/bookings/999999/calendar.ics")
    assert missing.status_code == HTTPStatus.NOT_FOUND


# --- bench ----------------------------------------------------------------------------------


def test_bench_seed_makes_a_500_event_feed(client):
    path = feeds.seed_bench_feed(events=500)
    assert feeds.seed_bench_feed(events=500) == path  # idempotent
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 500


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_leave_one_live_feed():
    import threading

    from django.db import connections

    family = FamilyFactory()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def create():
        try:
            barrier.wait()
            results.append(feeds.feed_create(user=family, kind="family").pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    live = CalendarFeed.objects.filter(user=family, revoked_at__isnull=True)
    assert live.count() == 1
    assert results == [live.get().pk] * 2


def test_workshop_list_offers_the_public_feed(client, site_shell, settings):
    topic = TopicFactory(name="积极生命教育", slug="positive-life-education")
    html = client.get("/bookings/workshops/").content.decode()
    host = settings.SITE_BASE_URL.split("://", 1)[1]
    assert f'href="webcal://{host}/calendar/workshops.ics"' in html
    html = client.get(f"/bookings/workshops/?topic={topic.slug}").content.decode()
    assert (f'href="{settings.SITE_BASE_URL}/calendar/workshops.ics'
            f'?topic=positive-life-education"') in html


def test_a_counsellor_feed_after_a_change_elsewhere_costs_three_queries(client):
    counsellor = CounsellorFactory()
    _bookings(FamilyFactory(), counsellor, 5)
    path = _feed_path(feeds.feed_create(user=counsellor.user, kind="counsellor"))
    body = client.get(path).content
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).content == body
    assert len(queries) == 0, [q["sql"] for q in queries]
    FamilyFactory()  # retires every feed's cached state
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert again.content == body
    # The feed row, the counsellor with its aggregates, its time off in the window.
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_counsellor_feed_follows_time_off_edits(client):
    counsellor = CounsellorFactory()
    path = _feed_path(feeds.feed_create(user=counsellor.user, kind="counsellor"))
    start = timezone.now() + dt.timedelta(days=3)
    time_off = TimeOff.objects.create(counsellor=counsellor, start=start,
                                      end=start + dt.timedelta(hours=4))
    first = parse(client.get(path).content, feed=True)
    assert parse(client.get(path).content, feed=True) == first  # cached
    time_off.end = start + dt.timedelta(hours=8)
    time_off.save()
    second = parse(client.get(path).content, feed=True)
    [uid] = first
    assert second[uid].end - first[uid].end == dt.timedelta(hours=4)


def test_counsellor_creates_a_counsellor_feed_on_the_account_page(client, site_shell):
    counsellor = CounsellorFactory()
    with_totp(counsellor.user)  # a counsellor feed is a staff power
    client.force_login(counsellor.user)
    page = client.get("/account/").content.decode()
    assert "我的咨询日程与休假" in page and "我的预约与工作坊" not in page
    client.post("/calendar/feeds/create/", {"kind": "counsellor"})
    feed = CalendarFeed.objects.get(user=counsellor.user, revoked_at__isnull=True)
    assert feed.kind == CalendarFeed.Kind.COUNSELLOR
    assert f"/calendar/{feeds.feed_secret(feed)}.ics" in client.get("/account/").content.decode()
    response = client.post("/calendar/feeds/create/", {"kind": "family"}, follow=True)
    assert "这个账户不能创建这种日历订阅。" in response.content.decode()
    assert CalendarFeed.objects.filter(user=counsellor.user).count() == 1


def test_after_a_secret_key_change_the_old_link_works_but_is_not_shown(
        client, site_shell, settings, family, family_feed):
    old_path = _feed_path(family_feed)
    settings.SECRET_KEY = "another-test-only-key-after-rotation"  # noqa: S105
    assert client.get(old_path).status_code == HTTPStatus.OK
    client.force_login(family)
    page = client.get("/account/").content.decode()
    assert "出于安全原因链接无法再次显示" in page
    assert old_path not in page


def test_feeds_skip_the_session_and_page_middleware(client, family, family_feed):
    client.force_login(family)
    response = client.get(_feed_path(family_feed))
    assert response.status_code == HTTPStatus.OK
    # Answered before CSP, clickjacking and session middleware ran...
    assert "Content-Security-Policy" not in response
    assert "X-Frame-Options" not in response
    # ...but after SecurityMiddleware.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    # Other /calendar/ paths still take the normal route (login, CSRF).
    assert client.get("/calendar/feeds/create/").status_code == (
        HTTPStatus.METHOD_NOT_ALLOWED)


def test_public_workshop_feed_speaks_the_readers_language(client):
    GroupSessionFactory(title="情绪小课堂", title_en="Feelings class")
    response = client.get("/calendar/workshops.ics", headers={"Accept-Language": "en"})
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "en"
    lines = unfold(response.content)
    assert "X-WR-CALNAME:Weiai Cottage · Group workshops" in lines
    assert [e.summary for e in parse(response.content, feed=True).values()] == [
        "Feelings class"]
    chinese = client.get("/calendar/workshops.ics", headers={"Accept-Language": "zh-CN"})
    assert [e.summary for e in parse(chinese.content, feed=True).values()] == ["情绪小课堂"]


def test_a_link_revoked_in_another_process_is_404_once_the_lag_has_passed(
        client, family, family_feed, monkeypatch):
    """Another worker's revoke: the row and the shared generation change, this
    process's lagging copy of the generation does not. Within the lag the
    poll may still be answered; after it, the link is gone."""
    from django.core.cache import cache

    from bookings import caching
    from portal import cache as portal_cache

    path = _feed_path(family_feed)
    assert client.get(path).status_code == HTTPStatus.OK
    assert client.get(path).status_code == HTTPStatus.OK  # replayed
    CalendarFeed.objects.filter(pk=family_feed.pk).update(revoked_at=timezone.now())
    cache.set(caching.FEEDS, portal_cache.fresh(), None)
    assert client.get(path).status_code == HTTPStatus.OK
    monkeypatch.setattr(portal_cache, "LAG_SECONDS", 0.0)
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND
