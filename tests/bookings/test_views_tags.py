"""The booking sections other apps render: home workshops and a module's help box."""

import datetime as dt

import pytest
from django.template import Context
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Locale

from bookings.templatetags.booking_tags import render_home_workshops, render_topic_help
from tests.factories import CounsellorFactory, GroupSessionFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _context():
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return Context({"request": request})


def test_home_shows_the_next_three_workshops_soonest_first():
    now = timezone.now()
    titles = ["第四场", "第二场", "第一场", "第三场"]
    for days, title in zip((40, 20, 10, 30), titles, strict=True):
        GroupSessionFactory(title=title, start=now + dt.timedelta(days=days))
    GroupSessionFactory(title="已经结束", start=now - dt.timedelta(days=1))
    html = render_home_workshops(_context())
    assert html.index("第一场") < html.index("第二场") < html.index("第三场")
    assert "第四场" not in html
    assert "已经结束" not in html
    assert "/bookings/workshops/" in html


def test_home_without_workshops_says_so_calmly():
    assert "近期暂无工作坊安排" in render_home_workshops(_context())


def test_topic_help_links_matching_counsellors_into_the_flow_prefiltered():
    topic = TopicFactory(name="自闭症咨询与科普", slug="autism")
    CounsellorFactory(display_name="陈安然", slug="chen-anran", specialties=[topic])
    CounsellorFactory(display_name="不相关的咨询师", specialties=[TopicFactory()])
    GroupSessionFactory(title="星星的孩子家长小组", topic=topic)
    html = render_topic_help(_context(), topic)
    assert 'href="/bookings/counsellors/chen-anran/?topic=autism"' in html
    assert "不相关的咨询师" not in html
    assert "星星的孩子家长小组" in html


def test_topic_help_for_an_english_topic_uses_its_chinese_original():
    topic = TopicFactory(name="自闭症咨询与科普", slug="autism")
    english = topic.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.name = "Autism"
    english.save()
    CounsellorFactory(display_name="陈安然", slug="chen-anran", specialties=[topic])
    html = render_topic_help(_context(), english)
    assert "/bookings/counsellors/chen-anran/?topic=autism" in html


def test_topic_help_without_counsellors_still_offers_booking():
    html = render_topic_help(_context(), TopicFactory())
    assert 'href="/bookings/"' in html
