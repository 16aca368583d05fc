"""The pooled booking pages ("the next available counsellor"), without JavaScript.

Plain GETs and form posts, as a phone without scripts sends them; Chinese and
English pages; bad input answered with a clear page, never a 500, nothing
half-saved. The clock is pinned to a fixed Monday morning.
"""

import datetime as dt
from http import HTTPStatus
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.intake import RISK_KEYS
from bookings.models import Booking, Mode
from portal.models import Consent
from tests.bookings.engine_setup import counsellor_with_hours, local
from tests.bookings.pool_setup import DAY, NOW
from tests.factories import (
    BookingFactory,
    CounsellorFactory,
    FamilyFactory,
    SessionTypeFactory,
    TopicFactory,
)

# Not marked `clock`: every test pins its own instant (the fixture below), so
# a moved clock (CI's `-m clock` runs) would only repeat the same run.
pytestmark = pytest.mark.django_db

TIMES = reverse("bookings:pooled")
BOOK = reverse("bookings:pooled_book")


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield




def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _form(start, *, step="review", consent=True, **extra) -> dict:
    data = {
        "topic": "emotional-guidance",
        "mode": Mode.IN_PERSON,
        "start": start.isoformat(),
        "concern": "孩子最近不愿意上学",
        "step": step,
        **{f"risk_{key}": "no" for key in RISK_KEYS},
        **extra,
    }
    if consent:
        data["consent"] = "on"
    return data


# --- choose topic and mode, see the times ----------------------------------------


def test_choice_page_offers_topics_and_the_two_modes(client, pool):
    response = client.get(TIMES)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "预约最早有空的咨询师" in html
    assert '<option value="emotional-guidance">情绪疏导</option>' in html
    assert 'value="in_person" checked' in html
    assert 'value="online"' in html
    assert 'value="phone"' not in html


def test_times_page_lists_the_pools_free_times_with_links_to_book(client, pool):
    topic, service, _busy, _idle = pool
    response = client.get(TIMES, {"topic": topic.slug, "mode": Mode.IN_PERSON})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "主题：情绪疏导 · 方式：面谈" in html
    soonest = response.context["soonest"]
    # Monday 08:00 with 12 hours' notice: Tuesday 09:00 is the first time.
    assert soonest[0].start == local(dt.date(2026, 12, 8), 9)
    first = quote(soonest[0].start.isoformat(), safe="")
    assert (
        f"{BOOK}?topic=emotional-guidance&amp;mode=in_person&amp;type={service.slug}"
        f"&amp;start={first}"
    ) in html
    # Four weeks to a page: Monday 7 to Sunday 3 January.
    assert response.context["end_date"] == dt.date(2027, 1, 3)
    assert "之后四周" in html
    assert "from=2027-01-04" in html
    # 15:00 Thursday: the busier one is booked, the other is free, so it stays.
    starts = {s.start for day in response.context["days"] for s in day["slots"]}
    assert local(DAY, 15) in starts


def test_times_page_in_english(client, pool):
    response = client.get(
        "/en" + TIMES, {"topic": "emotional-guidance", "mode": Mode.ONLINE}
    )
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Book the first available counsellor" in html
    assert "Next four weeks" in html
    assert "Online video" in html


def test_an_unknown_topic_is_a_clear_404_page_in_both_languages(client, pool):
    response = client.get(TIMES, {"topic": "no-such-topic", "mode": Mode.IN_PERSON})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "找不到这个主题，请从下面的列表中选择。" in response.content.decode()
    english = client.get("/en" + TIMES, {"topic": "no-such-topic"})
    assert english.status_code == HTTPStatus.NOT_FOUND
    assert "We could not find this topic" in english.content.decode()
    nul = client.get(TIMES, {"topic": "bad\x00slug"})
    assert nul.status_code == HTTPStatus.BAD_REQUEST  # refused before the view


def test_an_unknown_mode_is_refused_with_a_message(client, pool):
    response = client.get(TIMES, {"topic": "emotional-guidance", "mode": "carrier"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请选择面谈或线上视频。" in response.content.decode()


def test_a_topic_no_one_covers_says_so_and_offers_other_help(client, pool, site_shell):
    TopicFactory(name="自闭症咨询与科普", slug="autism")
    response = client.get(TIMES, {"topic": "autism", "mode": Mode.IN_PERSON})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "目前没有咨询师以“面谈”的方式提供“自闭症咨询与科普”的咨询。" in html
    panel = html[html.index('data-testid="pooled-uncovered"') :]
    panel = panel[: panel.index("</section>")]
    assert f'href="{reverse("bookings:counsellors")}"' in panel
    assert 'href="tel:120"' in panel
    assert 'href="tel:12356"' in panel
    english = client.get("/en" + TIMES, {"topic": "autism", "mode": Mode.ONLINE})
    assert "No counsellor offers" in english.content.decode()


def test_times_page_queries_do_not_grow_with_the_pool(client, pool):
    topic, service, _busy, _idle = pool
    params = {"topic": topic.slug, "mode": Mode.IN_PERSON}

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(TIMES, params).status_code == HTTPStatus.OK
        return len(queries)

    two = count()
    for n in range(6):
        person = counsellor_with_hours(specialties=[topic])
        service.counsellors.add(person)
        BookingFactory(counsellor=person, session_type=service, start=local(DAY, 9 + n))
    eight = count()
    # The topic, the points to change to (in person), the services, the pool
    # (twice), the slot search's fixed seven, and the page shell's (site,
    # crisis lines, settings, topics).
    assert two == eight == 17


# --- details, review, confirm ------------------------------------------------------


def test_details_need_a_login(client, pool):
    response = client.get(
        BOOK,
        {
            "topic": "emotional-guidance",
            "mode": "in_person",
            "start": local(DAY, 10).isoformat(),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_details_page_is_the_named_bookings_form_for_the_pool(client, pool):
    client.force_login(FamilyFactory())
    response = client.get(
        BOOK,
        {
            "topic": "emotional-guidance",
            "mode": "in_person",
            "start": local(DAY, 10).isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "最早有空的咨询师（确认后告诉你是哪一位）" in html
    for key in RISK_KEYS:
        assert f'name="risk_{key}"' in html
    assert 'name="consent"' in html
    assert f'action="{BOOK}"' in html
    # Only the mode chosen is offered.
    assert 'value="in_person"' in html
    assert 'value="online"' not in html


def test_a_time_not_free_sends_back_to_the_times_with_a_message(client, pool):
    client.force_login(FamilyFactory())
    response = client.get(
        BOOK,
        {
            "topic": "emotional-guidance",
            "mode": "in_person",
            "start": local(DAY, 20).isoformat(),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(TIMES + "?topic=emotional-guidance")
    assert _messages(response) == ["这个时间已不可预约，请重新选择。"]


def test_review_books_nothing_and_missing_consent_is_refused(client, pool):
    family = FamilyFactory()
    client.force_login(family)
    review = client.post(BOOK, _form(local(DAY, 10)))
    assert review.status_code == HTTPStatus.OK
    assert 'value="confirm"' in review.content.decode()
    refused = client.post(BOOK, _form(local(DAY, 10), consent=False))
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "请勾选同意，我们才能保存登记信息。" in refused.content.decode()
    assert not Booking.objects.filter(family=family).exists()


def test_confirming_books_the_least_loaded_and_names_them(client, pool):
    topic, _service, _busy, idle = pool
    family = FamilyFactory()
    client.force_login(family)
    response = client.post(BOOK, _form(local(DAY, 10), step="confirm"))
    booking = Booking.objects.get(family=family)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == (
        reverse("bookings:detail", kwargs={"pk": booking.pk}) + "?new=1"
    )
    assert (booking.counsellor, booking.topic, booking.start, booking.mode) == (
        idle,
        topic,
        local(DAY, 10),
        Mode.IN_PERSON,
    )
    assert Consent.objects.filter(
        user=family, kind=Consent.Kind.SENSITIVE_DATA
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "预约成功：为你安排的咨询师是周一诺。确认邮件稍后发到你的邮箱。" in page


def test_confirming_in_english_names_the_counsellor(client, pool):
    client.force_login(FamilyFactory())
    response = client.post(
        "/en" + BOOK, _form(local(DAY, 10), step="confirm"), follow=True
    )
    assert "Booked: your counsellor is 周一诺." in response.content.decode()


def test_a_time_just_taken_shows_the_message_and_the_next_free_times(client, pool):
    _topic, service, busy, idle = pool
    # Both counsellors are booked at 10:00 after the family saw the time.
    BookingFactory(counsellor=busy, session_type=service, start=local(DAY, 10))
    BookingFactory(counsellor=idle, session_type=service, start=local(DAY, 10))
    family = FamilyFactory()
    client.force_login(family)
    response = client.post(BOOK, _form(local(DAY, 10), step="confirm"))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.CONFLICT
    assert "这个时间刚刚被预约了，请选择其他时间。" in html
    assert [s.start for s in response.context["next_slots"]] == [
        local(DAY, 11),
        local(DAY, 11, 30),
        local(DAY, 12),
    ]
    assert quote(local(DAY, 11).isoformat(), safe="") in html
    assert not Booking.objects.filter(family=family).exists()
    assert not Consent.objects.filter(user=family).exists()
    english = client.post("/en" + BOOK, _form(local(DAY, 10), step="confirm"))
    assert "This time was just taken" in english.content.decode()


def test_a_booking_post_for_an_unknown_topic_or_mode_saves_nothing(client, pool):
    family = FamilyFactory()
    client.force_login(family)
    unknown = client.post(BOOK, _form(local(DAY, 10), step="confirm", topic="nope"))
    assert unknown.status_code == HTTPStatus.NOT_FOUND
    no_mode = client.post(BOOK, _form(local(DAY, 10), step="confirm", mode=""))
    assert no_mode.status_code == HTTPStatus.BAD_REQUEST
    phone = client.post(BOOK, _form(local(DAY, 10), step="confirm", mode="phone"))
    assert phone.status_code == HTTPStatus.BAD_REQUEST
    garbled = client.post(
        BOOK, {**_form(local(DAY, 10), step="confirm"), "start": "not-a-time"}
    )
    assert garbled.status_code == HTTPStatus.FOUND
    assert not Booking.objects.filter(family=family).exists()


def test_a_pool_covering_the_topic_only_by_phone_is_uncovered_for_in_person(client):
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    phone_only = CounsellorFactory(specialties=[topic], modes=[Mode.PHONE])
    SessionTypeFactory(counsellors=[phone_only])
    client.force_login(FamilyFactory())
    response = client.post(BOOK, _form(local(DAY, 10), step="confirm"))
    assert response.status_code == HTTPStatus.OK
    assert 'data-testid="pooled-uncovered"' in response.content.decode()
    assert not Booking.objects.exists()


# --- the module pages offer it first -----------------------------------------------


def test_topic_help_offers_the_pooled_booking_before_the_named_list(pool):
    from django.template.loader import render_to_string

    topic, _service, busy, _idle = pool
    html = render_to_string(
        "bookings/includes/topic_help.html", {"topic": topic, "counsellors": [busy]}
    )
    pooled = html.index(f'href="{TIMES}?topic=emotional-guidance"')
    named = html.index(
        f'href="{reverse("bookings:counsellors")}?topic=emotional-guidance"'
    )
    assert pooled < named
    assert "预约最早有空的咨询师" in html
