"""CMS pages are found by URL path from a per-process hint, checked every time.

`HomePage.route` remembers which page answered a path; a renamed, moved,
unpublished or deleted page must never be served from that memory.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.courses.conftest import publish
from tests.factories import (
    CourseIndexPageFactory,
    FamilyFactory,
    LessonPageFactory,
    ModulePageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(site_shell):
    index = publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))
    module = publish(ModulePageFactory(parent=index, slug="calm", title="平静下来"))
    return publish(LessonPageFactory(parent=module, slug="breathe", title="一起深呼吸"))


def test_a_lesson_is_served_from_the_hint_without_walking_its_ancestors(client, lesson):
    client.force_login(FamilyFactory())
    url = lesson.url
    client.get(url)
    with CaptureQueriesContext(connection) as walked_once:
        assert client.get(url).status_code == HTTPStatus.OK
    parent_walks = [q for q in walked_once.captured_queries
                    if '"wagtailcore_page"."slug" = ' in q["sql"]]
    assert parent_walks == []
    assert "一起深呼吸" in client.get(url).content.decode()


def test_a_renamed_lesson_answers_at_its_new_address_only(client, lesson):
    client.force_login(FamilyFactory())
    old = lesson.url
    assert client.get(old).status_code == HTTPStatus.OK
    lesson.slug = "breathe-slowly"
    publish(lesson)
    assert client.get(old).status_code == HTTPStatus.NOT_FOUND
    assert client.get(lesson.url).status_code == HTTPStatus.OK


def test_an_unpublished_or_deleted_lesson_is_gone_at_once(client, lesson):
    client.force_login(FamilyFactory())
    url = lesson.url
    assert client.get(url).status_code == HTTPStatus.OK
    lesson.unpublish()
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    publish(lesson)
    assert client.get(url).status_code == HTTPStatus.OK
    lesson.delete()
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_moved_lesson_is_not_served_at_its_old_address(client, lesson, site_shell):
    """Wagtail's redirects send the old address on (a 301), as after any move."""
    client.force_login(FamilyFactory())
    old = lesson.url
    assert client.get(old).status_code == HTTPStatus.OK
    other = publish(ModulePageFactory(parent=lesson.get_parent().get_parent(),
                                      slug="other", title="另一个模块"))
    lesson.move(other, pos="last-child")
    lesson.refresh_from_db()
    moved = client.get(old)
    assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert moved["Location"] == lesson.url
    assert client.get(lesson.url).status_code == HTTPStatus.OK
