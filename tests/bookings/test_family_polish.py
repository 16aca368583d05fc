"""Family pages: who a booking is for, the filter's mode carried on, counsellor cards."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.forms import CHILD_MISSING
from bookings.models import Booking, Mode
from bookings.templatetags.booking_tags import avatar_tone
from tests.bookings.test_views_family import _details, book_url
from tests.bookings.web_setup import STATION_TZ, local, working_counsellor
from tests.factories import ChildFactory, CounsellorFactory, FamilyFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 10, 9, 0, tzinfo=STATION_TZ)
DAY = dt.date(2027, 3, 12)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def counsellor_and_type():
    counsellor, session_type = working_counsellor(
        display_name="林晓舟", slug="lin-xiaozhou", modes=[Mode.IN_PERSON, Mode.ONLINE],
        languages=["zh-hans", "yue", "en"], credentials="国家二级心理咨询师")
    session_type.modes = [Mode.IN_PERSON, Mode.ONLINE]
    session_type.save()
    return counsellor, session_type


def _checked(html: str, name: str) -> list[str]:
    """The values of the checked radios called `name`."""
    found = []
    for tag in html.split("<input")[1:]:
        tag = tag.split(">", 1)[0]
        if f'name="{name}"' in tag and " checked" in tag:
            found.append(tag.split('value="', 1)[1].split('"', 1)[0])
    return found


def test_with_children_who_it_is_for_is_asked_not_assumed(client, counsellor_and_type):
    counsellor, session_type = counsellor_and_type
    family = FamilyFactory()
    ChildFactory(family=family.family_profile, nickname="小满")
    client.force_login(family)
    start = local(DAY, 10)
    html = client.get(book_url(counsellor, session_type),
                      {"start": start.isoformat()}).content.decode()
    assert 'type="radio" name="child"' in html and "小满" in html and "为我自己" in html
    assert _checked(html, "child") == []
    response = client.post(book_url(counsellor, session_type),
                           _details(start, step="confirm"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert str(CHILD_MISSING) in response.content.decode()
    assert Booking.objects.count() == 0


def test_with_children_for_myself_is_an_explicit_choice(client, counsellor_and_type):
    counsellor, session_type = counsellor_and_type
    family = FamilyFactory()
    ChildFactory(family=family.family_profile)
    client.force_login(family)
    review = client.post(book_url(counsellor, session_type),
                         _details(local(DAY, 10), step="details", child="self"))
    html = review.content.decode()
    assert review.status_code == HTTPStatus.OK and "我自己" in html
    assert '<input type="hidden" name="child" value="self"' in html
    response = client.post(book_url(counsellor, session_type),
                           _details(local(DAY, 10), step="confirm", child="self"))
    assert response.status_code == HTTPStatus.FOUND
    assert Booking.objects.get().child is None


def test_without_children_the_booking_is_for_the_guardian(client, counsellor_and_type):
    counsellor, session_type = counsellor_and_type
    client.force_login(FamilyFactory())
    start = local(DAY, 10)
    html = client.get(book_url(counsellor, session_type),
                      {"start": start.isoformat()}).content.decode()
    assert "可以在“我的账户”中添加孩子。" in html
    response = client.post(book_url(counsellor, session_type),
                           _details(start, step="confirm"))
    assert response.status_code == HTTPStatus.FOUND
    assert Booking.objects.get().child is None


def test_the_filters_mode_is_carried_into_the_details_form(client, counsellor_and_type):
    counsellor, session_type = counsellor_and_type
    client.force_login(FamilyFactory())
    listing = client.get(reverse("bookings:counsellors"), {"mode": Mode.ONLINE})
    page_url = f'{reverse("bookings:counsellor", args=[counsellor.slug])}?mode=online'
    assert f'href="{page_url}"' in listing.content.decode()
    page = client.get(page_url).content.decode()
    assert "&amp;mode=online" in page
    start = local(DAY, 10)
    html = client.get(book_url(counsellor, session_type),
                      {"start": start.isoformat(), "mode": Mode.ONLINE}).content.decode()
    assert _checked(html, "mode") == [Mode.ONLINE]
    # A mode the counsellor does not offer preselects nothing.
    html = client.get(book_url(counsellor, session_type),
                      {"start": start.isoformat(), "mode": Mode.PHONE}).content.decode()
    assert _checked(html, "mode") == []


def test_a_counsellor_without_photo_shows_an_initial_credentials_and_languages(
        client, counsellor_and_type):
    counsellor, _type = counsellor_and_type
    tone = f"avatar-tone-{avatar_tone(counsellor.slug)}"
    for url in (reverse("bookings:counsellors"),
                reverse("bookings:counsellor", args=[counsellor.slug])):
        html = client.get(url).content.decode()
        assert (f'<span class="avatar avatar-initial {tone}" aria-hidden="true" '
                f'data-testid="avatar-initial">林</span>') in html
        assert "林晓舟" in html
        assert "国家二级心理咨询师" in html
        assert "中文 · 粤语 · English" in html
    assert avatar_tone(counsellor.slug) == avatar_tone("lin-xiaozhou")


def test_a_counsellors_photo_is_shown_with_alt_text(client):
    CounsellorFactory(display_name="周老师", photo=wagtail_factories.ImageFactory())
    html = client.get(reverse("bookings:counsellors")).content.decode()
    assert 'alt="咨询师周老师的照片"' in html and 'width="96"' in html
    assert 'data-testid="avatar-initial"' not in html


def _list_queries(client) -> int:
    url = reverse("bookings:counsellors")
    for _warm in range(2):  # renditions are made on the first view
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(ctx.captured_queries)


def test_counsellor_list_queries_do_not_grow_with_photos(client):
    def add(count):
        for i in range(count):
            photo = wagtail_factories.ImageFactory() if i % 2 else None
            working_counsellor(photo=photo)

    add(3)
    small = _list_queries(client)
    add(12)
    assert _list_queries(client) == small
