"""What the .ics files say: RFC rules, privacy, folding and escaping."""

import datetime as dt
import re
from http import HTTPStatus
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bookings import calendar as ical
from bookings.models import Booking, GroupSession, Mode, TimeOff
from tests.bookings.calendar_checks import CRISIS_NUMBERS, only, parse, unfold
from tests.bookings.itip_checks import assert_itip
from tests.factories import (
    BookingFactory,
    ChildFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

SECRET_CONCERN = "孩子最近在学校被欺负，晚上睡不着"
# A fixed instant for "when the file was made" (DTSTAMP), after the bookings'
# own times are set from the real clock.
GENERATED_AT = dt.datetime(2030, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


@pytest.fixture
def private_booking():
    child = ChildFactory(nickname="小鹿鹿")
    family = child.family.user
    counsellor = CounsellorFactory(display_name="林晓（虚构）")
    return BookingFactory(
        family=family, child=child, counsellor=counsellor,
        concern=SECRET_CONCERN, intake_answers={"risk": {"self_harm": "no"},
                                                "note": "秘密登记答案"},
    )


def _assert_no_private_data(body: bytes) -> None:
    text = "".join(unfold(body))
    for secret in ("小鹿鹿", SECRET_CONCERN, "秘密登记答案", "self_harm"):
        assert secret not in text


def test_family_ics_of_one_booking_follows_the_rules(private_booking):
    body = ical.booking_ics(booking=private_booking, viewer=private_booking.family)
    event = only(parse(body, method="PUBLISH"))
    assert event.uid == private_booking.calendar_uid
    assert event.start == private_booking.start.astimezone(dt.UTC)
    assert event.end == private_booking.end.astimezone(dt.UTC)
    assert event.sequence == 0
    assert event.status == "CONFIRMED"
    assert str(event.component["CLASS"]) == "PRIVATE"
    assert event.summary == "个体咨询 · 林晓（虚构）"
    assert f"#{private_booking.pk}" in event.description
    assert f"/bookings/{private_booking.pk}/" in event.description
    [alarm] = event.alarms
    assert alarm["TRIGGER"].dt == -dt.timedelta(hours=1)
    assert str(alarm["ACTION"]) == "DISPLAY"
    _assert_no_private_data(body)


def test_staff_see_a_neutral_title_and_a_link_behind_login(private_booking):
    body = ical.booking_ics(booking=private_booking,
                            viewer=private_booking.counsellor.user)
    event = only(parse(body, method="PUBLISH"))
    assert event.summary == f"个体咨询 · 预约 #{private_booking.pk}"
    assert "林晓" not in event.summary
    assert f"详情（需登录）：{settings.SITE_BASE_URL}/bookings/{private_booking.pk}/" in (
        event.description)
    _assert_no_private_data(body)


def test_uid_and_text_are_stable_across_renders(private_booking):
    # DTSTAMP is when the file is made: the same instant gives the same bytes.
    with time_machine.travel(GENERATED_AT, tick=False):
        first = ical.booking_ics(booking=private_booking, viewer=private_booking.family)
        again = ical.booking_ics(booking=Booking.objects.get(pk=private_booking.pk),
                                 viewer=private_booking.family)
    assert first == again
    assert only(parse(first)).uid == only(parse(again)).uid == private_booking.calendar_uid
    assert private_booking.calendar_uid.endswith("@" + settings.CALENDAR_UID_DOMAIN)


def test_cancelled_booking_is_marked_cancelled_without_alarm(private_booking):
    private_booking.status = Booking.Status.LATE_CANCELLED
    private_booking.sequence = 2
    private_booking.save()
    event = only(parse(ical.booking_ics(booking=private_booking,
                                        viewer=private_booking.family)))
    assert event.status == "CANCELLED"
    assert event.sequence == 2
    assert event.summary.startswith("已取消：")
    assert event.alarms == []


def test_english_speaking_family_gets_english_text(private_booking):
    private_booking.family.preferred_language = "en"
    private_booking.family.save()
    body = ical.family_feed_ics(user=private_booking.family, bookings=[private_booking])
    event = only(parse(body, feed=True))
    assert event.summary == "Individual consultation · 林晓（虚构）"
    assert f"Booking reference: #{private_booking.pk}" in event.description
    assert (f"View, reschedule or cancel: {settings.SITE_BASE_URL}/en/bookings/"
            f"{private_booking.pk}/") in event.description
    assert "National unified psychological assistance line: 12356" in event.description


def test_online_and_phone_sessions_say_how_to_join(private_booking):
    private_booking.mode = Mode.ONLINE
    private_booking.session_type.online_note = "提前5分钟进入等候室"
    private_booking.session_type.save()
    event = only(parse(ical.booking_ics(booking=private_booking,
                                        viewer=private_booking.family)))
    assert event.location == "线上视频（参加方式见确认邮件） 提前5分钟进入等候室"
    private_booking.mode = Mode.PHONE
    event = only(parse(ical.booking_ics(booking=private_booking,
                                        viewer=private_booking.family)))
    assert event.location == "电话（咨询师会按约定时间致电）"


def test_long_chinese_summary_folds_at_75_octets_and_unfolds_to_the_original():
    title = "家庭关系调适工作坊：当孩子不愿意上学时，我们可以怎样陪伴、倾听并一起找到下一步"
    assert len(title.encode()) > 75
    workshop = GroupSessionFactory(title=title)
    body = ical.workshops_feed_ics(workshops=[workshop])
    summary_lines = [line for line in body.split(b"\r\n")
                     if line.startswith(b"SUMMARY:")]
    assert summary_lines, "SUMMARY missing"
    start = body.split(b"\r\n").index(summary_lines[0])
    physical = body.split(b"\r\n")
    assert len(physical[start]) <= 75 and physical[start + 1].startswith(b" ")
    event = only(parse(body, feed=True))  # checks every line <= 75 octets, 3 parsers
    assert event.summary == title


@pytest.mark.parametrize("field", ["location", "description", "title"])
def test_a_newline_and_attendee_in_a_field_stays_inside_its_property(field):
    injected = "二楼活动室\r\nATTENDEE:mailto:evil@example.com\rORGANIZER:mailto:x@y.cn"
    workshop = GroupSessionFactory(**{field: injected})
    body = ical.workshops_feed_ics(workshops=[workshop])
    event = only(parse(body, feed=True))
    expected = "二楼活动室\nATTENDEE:mailto:evil@example.com\nORGANIZER:mailto:x@y.cn"
    shown = {"location": event.location, "description": event.description,
             "title": event.summary}[field]
    assert expected in shown
    assert "ATTENDEE" not in event.component
    assert "ORGANIZER" not in event.component
    for line in unfold(body):
        assert not line.startswith(("ATTENDEE", "ORGANIZER"))

    import vobject
    from ical.calendar_stream import IcsCalendarStream

    vevent = vobject.readOne(body.decode()).vevent
    assert not hasattr(vevent, "attendee") and not hasattr(vevent, "organizer")
    [ievent] = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert ievent.attendees == [] and ievent.organizer is None


def test_time_off_reason_with_newlines_cannot_inject_properties():
    counsellor = CounsellorFactory()
    start = timezone.now() + dt.timedelta(days=2)
    time_off = TimeOff.objects.create(counsellor=counsellor, start=start,
                                      end=start + dt.timedelta(days=1),
                                      reason="家事\r\nATTENDEE:mailto:evil@example.com")
    body = ical.counsellor_feed_ics(user=counsellor.user, bookings=[], workshops=[],
                                    time_off=[time_off], now=timezone.now())
    event = only(parse(body, feed=True))
    assert event.summary == "休假"
    assert "事由：家事\nATTENDEE:mailto:evil@example.com" in event.description
    assert event.uid == ical.timeoff_uid(time_off)
    assert event.uid == ical.timeoff_uid(TimeOff.objects.get(pk=time_off.pk))
    assert "家事" not in event.uid and start.strftime("%Y%m%d") not in event.uid
    assert "ATTENDEE" not in event.component


def test_workshop_event_has_title_topic_place_and_join_link():
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    workshop = GroupSessionFactory(title="和孩子一起认识情绪", topic=topic,
                                   location="未保站一楼多功能厅", description="亲子共学")
    body = ical.workshops_feed_ics(workshops=[workshop], topic=topic)
    event = only(parse(body, feed=True))
    assert event.uid == workshop.calendar_uid
    assert event.summary == "和孩子一起认识情绪"
    assert event.location == "未保站一楼多功能厅"
    assert event.component["CATEGORIES"].cats == ["情绪疏导"]
    assert str(event.component["URL"]).endswith(f"/bookings/workshops/{workshop.pk}/")
    assert "主题：情绪疏导" in event.description
    assert f"报名与详情：{settings.SITE_BASE_URL}/bookings/workshops/{workshop.pk}/" in (
        event.description)
    assert event.alarms == []  # public feed: no alarms imposed on subscribers


def test_online_workshop_gives_an_online_note_instead_of_a_place():
    workshop = GroupSessionFactory(mode=Mode.ONLINE, location="")
    event = only(parse(ical.workshops_feed_ics(workshops=[workshop]), feed=True))
    assert event.location == "线上参加（链接会在报名确认后发送）"


def test_workshop_seat_follows_the_workshop_and_its_sequence():
    workshop = GroupSessionFactory()
    family = FamilyFactory()
    seat = BookingFactory(family=family, group_session=workshop,
                          session_type=workshop.session_type,
                          start=workshop.start, end=workshop.end,
                          blocks_until=workshop.end, sequence=1)
    workshop.start += dt.timedelta(hours=2)
    workshop.end += dt.timedelta(hours=2)
    workshop.sequence = 3
    workshop.save()
    seat.refresh_from_db()
    event = only(parse(ical.family_feed_ics(user=family, bookings=[seat]), feed=True))
    assert event.uid == seat.calendar_uid
    assert event.start == workshop.start.astimezone(dt.UTC).replace(microsecond=0)
    assert event.sequence == 4
    workshop.status = GroupSession.Status.CANCELLED
    workshop.save()
    seat.refresh_from_db()
    event = only(parse(ical.family_feed_ics(user=family, bookings=[seat]), feed=True))
    assert event.status == "CANCELLED"


def test_every_event_description_carries_the_crisis_lines(private_booking):
    description = only(parse(ical.booking_ics(
        booking=private_booking, viewer=private_booking.family))).description
    assert "如果你或孩子此刻有危险或想伤害自己，请立即拨打（24小时）：" in description
    assert "青少年服务台：12355（工作日 9:00–17:00）" in description
    for number in CRISIS_NUMBERS:
        assert number in description


def test_add_to_calendar_links_point_to_ics_google_and_outlook(private_booking):
    links = ical.add_to_calendar_links(booking=private_booking,
                                       viewer=private_booking.family)
    assert links["ics"] == f"/bookings/{private_booking.pk}/calendar.ics"
    start = private_booking.start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert links["google"].startswith(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text=")
    assert f"dates={start}%2F" in links["google"]
    assert links["outlook"].startswith(
        "https://outlook.live.com/calendar/0/deeplink/compose?")
    for url in links.values():
        assert "%E5%B0%8F%E9%B9%BF%E9%B9%BF" not in url  # 小鹿鹿, url-encoded
    assert reverse("bookings:calendar_ics", kwargs={"pk": 7}) == "/bookings/7/calendar.ics"


def test_booking_ics_endpoint_serves_text_calendar(client, private_booking):
    client.force_login(private_booking.family)
    response = client.get(f"/bookings/{private_booking.pk}/calendar.ics")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="weiai-booking-{private_booking.pk}.ics"')
    assert response["Referrer-Policy"] == "no-referrer"
    assert only(parse(response.content)).uid == private_booking.calendar_uid


def test_booking_page_offers_ics_google_and_outlook(client, site_shell, private_booking):
    client.force_login(private_booking.family)
    html = client.get(f"/bookings/{private_booking.pk}/").content.decode()
    assert f'href="/bookings/{private_booking.pk}/calendar.ics"' in html
    assert 'href="https://calendar.google.com/calendar/render?action=TEMPLATE' in html
    assert 'href="https://outlook.live.com/calendar/0/deeplink/compose?' in html


def test_counsellor_add_to_calendar_links_use_the_neutral_title(rf, private_booking):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = private_booking.counsellor.user
    html = render_to_string("bookings/includes/add_to_calendar.html",
                            {"booking": private_booking}, request=request)
    google = re.search(r'href="(https://calendar\.google\.com[^"]+)"', html).group(1)
    query = parse_qs(urlparse(google.replace("&amp;", "&")).query)
    assert query["text"] == [f"个体咨询 · 预约 #{private_booking.pk}"]
    assert "林晓" not in query["text"][0]


# Any text staff or families type: CJK, emoji, ICS delimiters, every kind of
# line break and control character.
_NASTY = st.lists(
    st.one_of(
        st.sampled_from(list("家长工作坊情绪😀;,:\\\"\r\n\t\x00\x0b\x1c\x7f\x85\u2028\u2029 ")
                        + ["\r\n", "ATTENDEE:mailto:x@y.cn", "END:VEVENT", "BEGIN:VALARM"]),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
).map("".join)


@hypothesis_settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_NASTY, location=_NASTY, description=_NASTY)
@example(title="C:\\Notes \\N", location="\\\\N", description="a\\Nb")  # icalendar: \N → newline
def test_any_text_stays_inside_its_property_for_all_three_parsers(
        title, location, description, db):
    workshop = _hypothesis_workshop()
    workshop.title, workshop.location, workshop.description = title, location, description
    event = only(parse(ical.workshops_feed_ics(workshops=[workshop]), feed=True))
    assert event.summary == ical.clean_text(title)
    assert event.location == ical.clean_text(location)
    if ical.clean_text(description):
        assert event.description.startswith(
            ical.clean_text(title) + "\n" + ical.clean_text(description) + "\n")
    assert "ATTENDEE" not in event.component and "VALARM" not in str(event.alarms)


@pytest.mark.parametrize("text", ["C:\\Notes", "\\N", "a\\\\Nb"])
def test_a_backslash_before_n_is_shown_as_typed_not_as_a_line_break(text, db):
    workshop = _hypothesis_workshop()
    workshop.title = text
    event = only(parse(ical.workshops_feed_ics(workshops=[workshop]), feed=True))
    assert "\n" not in event.summary
    assert event.summary.replace("\u2060", "") == text


def _hypothesis_workshop():
    existing = GroupSession.objects.first()
    return existing or GroupSessionFactory()


# --- the download is a valid iTIP PUBLISH (issue 10) ------------------------------
# METHOD:PUBLISH needs an ORGANIZER (RFC 5546 §3.2.1), and with a METHOD the
# DTSTAMP is when the file was made (RFC 5545 §3.8.7.2), not the last change
# (LAST-MODIFIED says that).


@pytest.mark.parametrize("viewer", ["family", "counsellor"])
def test_booking_download_is_a_valid_publish_stamped_when_made(private_booking, viewer):
    private_booking.sequence = 2
    private_booking.save()
    person = (private_booking.family if viewer == "family"
              else private_booking.counsellor.user)
    with time_machine.travel(GENERATED_AT, tick=False):
        body = ical.booking_ics(booking=private_booking, viewer=person)
    event = assert_itip(body, "PUBLISH")
    assert event.organizer.value == "mailto:noreply@weiai.example.cn"
    assert event.organizer.params["CN"] == ["未愛小屋"]
    assert event.dtstamp.value == GENERATED_AT
    assert int(event.sequence.value) == 2
    assert event.last_modified.value == private_booking.updated_at.astimezone(
        dt.UTC).replace(microsecond=0)
    only(parse(body, method="PUBLISH"))  # and the project's own rules, 3 parsers


def test_booking_ics_endpoint_sends_a_publish_stamped_when_made(client, private_booking):
    with time_machine.travel(GENERATED_AT, tick=False):
        client.force_login(private_booking.family)
        response = client.get(f"/bookings/{private_booking.pk}/calendar.ics")
    assert response.status_code == HTTPStatus.OK
    event = assert_itip(response.content, "PUBLISH")
    assert event.dtstamp.value == GENERATED_AT
    assert event.uid.value == private_booking.calendar_uid
