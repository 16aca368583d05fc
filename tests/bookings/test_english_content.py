"""Issue 12: the booking side in English on /en/, Chinese marked where English is missing."""

from http import HTTPStatus

import pytest
from django.utils import translation
from wagtail.models import Locale, Site

from bookings import calendar
from portal.models import SiteSettings
from tests.bookings.web_setup import booking_at, day_ahead, local, working_counsellor
from tests.factories import (
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def topic():
    topic = TopicFactory(name="心理危机干预", slug="crisis-intervention")
    english = topic.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.name = "Crisis intervention"
    english.save()
    return topic


@pytest.fixture
def counsellor(topic):
    counsellor, session_type = working_counsellor(
        display_name="林晓舟", display_name_en="Lin Xiaozhou", title="社工师",
        title_en="Social worker", credentials="演示资质", credentials_en="Demo credentials",
        specialties=[topic])
    session_type.name, session_type.name_en = "个体咨询", "Individual consultation"
    session_type.location = "咨询室（二楼）"
    session_type.location_en = "Counselling room (2nd floor)"
    session_type.save()
    return counsellor


@pytest.fixture
def workshop(counsellor, topic):
    workshop = GroupSessionFactory(
        title="好好说话", title_en="Talking with teenagers", location="活动室（一楼）",
        location_en="Activity room (ground floor)", description="练习倾听。",
        description_en="Practise listening.", topic=topic, counsellors=[counsellor])
    return workshop


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_counsellor_list_and_page_show_english_names_roles_and_topics(client, counsellor):
    for url in ("/en/bookings/counsellors/", f"/en/bookings/counsellors/{counsellor.slug}/"):
        html = _html(client, url)
        assert "Lin Xiaozhou" in html
        assert "Social worker" in html
        assert "Demo credentials" in html
        assert '<span class="tag">Crisis intervention</span>' in html
        assert "林晓舟" not in html
    html = _html(client, f"/en/bookings/counsellors/{counsellor.slug}/")
    assert "<title>Lin Xiaozhou ·" in html
    assert "<h2>Individual consultation" in html


def test_counsellor_without_english_shows_chinese_marked(client, topic):
    other, _type = working_counsellor(display_name="陈安", title="心理咨询师",
                                      bio="关注孤独症谱系的孩子。", specialties=[topic])
    html = _html(client, f"/en/bookings/counsellors/{other.slug}/")
    assert '<h1><span lang="zh-Hans">陈安</span></h1>' in html
    assert '<p class="lead"><span lang="zh-Hans">心理咨询师</span></p>' in html
    assert '<div lang="zh-Hans"><p>关注孤独症谱系的孩子。</p></div>' in html
    # The page title is text: no markup inside it.
    assert "<title>陈安 ·" in html


def test_workshop_list_and_detail_show_english_title_place_and_topic(client, workshop):
    html = _html(client, "/en/bookings/workshops/")
    assert "Talking with teenagers" in html
    assert "Crisis intervention" in html
    assert "心理危机干预" not in html
    html = _html(client, f"/en/bookings/workshops/{workshop.pk}/")
    assert "<h1>Talking with teenagers</h1>" in html
    assert "Activity room (ground floor)" in html
    assert "<p>Practise listening.</p>" in html
    assert "Lin Xiaozhou" in html
    assert "好好说话" not in html


def test_topic_without_english_translation_is_marked_chinese(client, counsellor):
    lonely = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    counsellor.specialties.add(lonely)
    html = _html(client, f"/en/bookings/counsellors/{counsellor.slug}/")
    assert '<span class="tag"><span lang="zh-Hans">情绪疏导</span></span>' in html


def test_booking_detail_shows_english_service_counsellor_place_and_topic(client, counsellor,
                                                                          topic):
    family = FamilyFactory()
    session_type = counsellor.session_types.get()
    booking = booking_at(local(day_ahead(5), 10), family=family, counsellor=counsellor,
                         session_type=session_type, topic=topic)
    client.force_login(family)
    html = _html(client, f"/en/bookings/{booking.pk}/")
    assert "<dd>Individual consultation</dd>" in html
    assert "<dd>Lin Xiaozhou</dd>" in html
    assert "Counselling room (2nd floor)" in html
    assert "<dd>Crisis intervention</dd>" in html


def test_calendar_texts_follow_the_language(counsellor, workshop):
    with translation.override("en"):
        assert calendar.workshop_location(workshop) == "Activity room (ground floor)"
    with translation.override("zh-hans"):
        assert calendar.workshop_location(workshop) == "活动室（一楼）"


def test_footer_address_is_english_on_english_pages(client):
    settings_obj = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_obj.station_address = "上海市某街道未保站"
    settings_obj.station_address_en = "Minor-protection station, Shanghai"
    settings_obj.opening_hours = "周一至周五 9:00–17:00"
    settings_obj.opening_hours_en = "Mon–Fri 9:00–17:00"
    settings_obj.save()
    english = _html(client, "/en/bookings/counsellors/")
    assert "Minor-protection station, Shanghai" in english
    assert "Mon–Fri 9:00–17:00" in english
    chinese = _html(client, "/bookings/counsellors/")
    assert "上海市某街道未保站" in chinese
    assert "Minor-protection station" not in chinese
    assert "周一至周五 9:00–17:00" in chinese


def test_chinese_pages_are_unchanged(client, counsellor, workshop):
    html = _html(client, f"/bookings/counsellors/{counsellor.slug}/")
    assert "<h1>林晓舟</h1>" in html
    assert '<p class="lead">社工师</p>' in html
    assert '<span class="tag">心理危机干预</span>' in html
    assert 'lang="zh-Hans"' not in html.split("<main", 1)[1]
    html = _html(client, f"/bookings/workshops/{workshop.pk}/")
    assert "<h1>好好说话</h1>" in html
    assert "活动室（一楼）" in html
    assert "Talking with teenagers" not in html


def test_chinese_fallback_is_escaped(client, topic):
    other = CounsellorFactory(display_name="<b>陈</b>")
    html = _html(client, f"/en/bookings/counsellors/{other.slug}/")
    assert '<span lang="zh-Hans">&lt;b&gt;陈&lt;/b&gt;</span>' in html
