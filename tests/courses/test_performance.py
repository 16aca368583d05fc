"""Fixed query counts whatever the data size, and the anonymous page cache."""

import io
import re
from http import HTTPStatus

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction

from tests.courses.conftest import publish
from tests.factories import (
    FamilyFactory,
    LessonPageFactory,
    ModulePageFactory,
    quiz_block,
)

# At most this many queries on every signed-in page (issue 11).
MAX_QUERIES = 10


def _image(n: int) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (10 * n % 255, 120, 90)).save(buffer, "PNG")
    return Image.objects.create(title=f"图{n}", width=64, height=36,
                                file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"i{n}.png"))


def _lesson_body(images: list[Image]) -> list:
    body = [("paragraph", "<p>孩子的情绪需要被看见。</p>")]
    for image in images:
        body.append(("image", {"image": image, "alt": "插图", "caption": "说明"}))
    body.append(quiz_block())
    return body


def _grow(course_index, topic, *, modules: int, lessons: int, images: int, start: int = 0):
    created = []
    for m in range(start, start + modules):
        module = publish(ModulePageFactory(parent=course_index, topic=topic, slug=f"m{m}",
                                           cover_image=_image(1000 + m), cover_alt="封面"))
        created.append(module)
        for i in range(lessons):
            publish(LessonPageFactory(parent=module, slug=f"l{i}", body=_lesson_body(
                [_image(100 * m + 10 * i + k) for k in range(images)])))
    return created


def _count(client, url) -> int:
    client.get(url)  # renditions are created on first view, as seeding does
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(ctx)


@pytest.fixture
def signed_in(client, db):
    client.force_login(FamilyFactory())
    return client


@pytest.mark.usefixtures("full_path")
def test_query_counts_do_not_grow_with_modules_lessons_and_images(
    signed_in, course_index, topic, django_assert_num_queries
):
    (module,) = _grow(course_index, topic, modules=1, lessons=1, images=1)
    lesson = module.get_children().first().specific
    urls = {"index": course_index.url, "module": module.url, "lesson": lesson.url}
    small = {name: _count(signed_in, url) for name, url in urls.items()}
    assert {name: n for name, n in small.items() if n > MAX_QUERIES} == {}

    # Bigger: more modules with covers, more lessons, more images per lesson.
    _grow(course_index, topic, modules=5, lessons=4, images=3, start=1)
    for i in range(1, 5):
        publish(LessonPageFactory(parent=module, slug=f"extra{i}",
                                  body=_lesson_body([_image(900 + i)])))
    lesson.body = _lesson_body([_image(800 + k) for k in range(4)])
    publish(lesson)
    for name, url in urls.items():
        signed_in.get(url)
        with django_assert_num_queries(small[name]):
            assert signed_in.get(url).status_code == HTTPStatus.OK


def test_anonymous_pages_come_from_the_cache_without_queries(
    client, make_module, django_assert_num_queries
):
    module = make_module(lessons=2)
    first = client.get(module.url)
    assert "X-Courses-Cache" not in first
    with django_assert_num_queries(0):
        second = client.get(module.url)
    assert second["X-Courses-Cache"] == "hit"
    assert second.content.decode().count("课时") >= 1
    assert second["Content-Security-Policy"]  # security headers still applied


def test_publishing_invalidates_the_cached_page(client, make_module):
    module = make_module(lessons=2, title="旧标题")
    client.get(module.url)
    assert client.get(module.url)["X-Courses-Cache"] == "hit"
    module.title = "新标题"
    publish(module)
    response = client.get(module.url)
    assert "X-Courses-Cache" not in response
    assert "新标题" in response.content.decode()
    index = client.get("/courses/")
    assert "新标题" in index.content.decode()


def test_unpublishing_a_lesson_invalidates_the_module_page(client, make_module):
    module = make_module(lessons=2)
    gone = module.get_children().last().specific
    assert gone.title in client.get(module.url).content.decode()
    gone.unpublish()
    assert gone.title not in client.get(module.url).content.decode()


def test_a_lesson_published_after_a_signed_in_visit_is_listed_on_the_next(
        signed_in, make_module):
    """The lesson list is read once per page generation; a publish retires it."""
    module = make_module(lessons=2)
    assert "已学完 0 / 2 课" in signed_in.get(module.url).content.decode()
    publish(LessonPageFactory(parent=module, title="新加的一课"))
    html = signed_in.get(module.url).content.decode()
    assert "新加的一课" in html
    assert "已学完 0 / 3 课" in html


def test_a_view_restriction_takes_a_lesson_off_the_lists_at_once(
        signed_in, make_module):
    module = make_module(lessons=2)
    hidden = module.get_children().last().specific
    assert hidden.title in signed_in.get(module.url).content.decode()
    restriction = PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.LOGIN)
    html = signed_in.get(module.url).content.decode()
    assert hidden.title not in html
    assert "已学完 0 / 1 课" in html
    restriction.delete()
    assert "已学完 0 / 2 课" in signed_in.get(module.url).content.decode()


def test_signed_in_family_never_gets_a_cached_page(client, make_module):
    module = make_module(lessons=2)
    client.get(module.url)
    client.get(module.url)  # now cached for anonymous visitors
    client.force_login(FamilyFactory())
    response = client.get(module.url)
    assert "X-Courses-Cache" not in response
    assert "已学完 0 / 2 课" in response.content.decode()


def test_cache_is_keyed_by_language(client, make_module):
    module = make_module(lessons=1)
    client.get("/courses/")
    assert client.get("/courses/")["X-Courses-Cache"] == "hit"
    english = client.get("/en/courses/")
    assert "X-Courses-Cache" not in english or english.content != client.get("/courses/").content
    assert module.title in client.get("/courses/").content.decode()


def test_a_cached_page_carries_a_working_csrf_token_for_each_visitor(make_module):
    module = make_module(lessons=0)
    lesson = publish(LessonPageFactory(parent=module, slug="quiz",
                                       body=[quiz_block()]))
    Client().get(lesson.url)  # primes the cache with someone else's token
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(lesson.url)
    assert page["X-Courses-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      page.content.decode()).group(1)
    block_id = lesson.quiz_blocks()[0].id
    response = visitor.post(f"/courses/lessons/{lesson.pk}/quiz/",
                            {"csrfmiddlewaretoken": token, "quiz": block_id, "q-0": "1"})
    assert response.status_code == HTTPStatus.OK
    assert "答对 1 / 1 题。" in response.content.decode()


def _quiz_lesson(make_module):
    module = make_module(lessons=0)
    return publish(LessonPageFactory(parent=module, slug="quiz", body=[quiz_block()]))


def test_first_visit_to_a_cached_page_gets_its_own_csrf_cookie(make_module):
    lesson = _quiz_lesson(make_module)
    Client().get(lesson.url)
    newcomer = Client()
    response = newcomer.get(lesson.url)
    assert response["X-Courses-Cache"] == "hit"
    assert "csrftoken" in response.cookies
    assert "sessionid" not in response.cookies
    assert response["X-Frame-Options"] == "DENY"


def test_a_cached_page_without_a_form_sets_no_csrf_cookie(make_module):
    """The language switcher is a link for visitors who are not signed in, so
    a page without a form carries no token and its replay sets no cookie."""
    module = make_module(lessons=1)
    Client().get(module.url)
    response = Client().get(module.url)
    assert response["X-Courses-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


def test_replayed_csrf_tokens_are_djangos_masked_form(make_module):
    from django.middleware.csrf import _does_token_match, _unmask_cipher_token

    lesson = _quiz_lesson(make_module)
    Client().get(lesson.url)
    visitor = Client()
    page = visitor.get(lesson.url)
    assert page["X-Courses-Cache"] == "hit"
    secret = page.cookies["csrftoken"].value
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert tokens and all(len(t) == 64 for t in tokens)
    assert all(_unmask_cipher_token(t) == secret for t in tokens)
    assert all(_does_token_match(t, secret) for t in tokens)
    # The same secret, renewed as Django's full path renews it; a fresh mask.
    again = visitor.get(lesson.url)
    assert again["X-Courses-Cache"] == "hit"
    assert again.cookies["csrftoken"].value == secret
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      again.content.decode()).group(1)
    assert token not in tokens and _unmask_cipher_token(token) == secret
    # A second visitor's token is not the first one's.
    other = Client().get(lesson.url).content.decode()
    assert token not in other and not set(tokens) & set(
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', other))


def test_anonymous_search_results_are_cached_and_retired_on_publish(client, make_module):
    module = make_module(lessons=1, summary="关于情绪疏导的模块。")
    client.get("/search/", {"q": "情绪疏导"})
    hit = client.get("/search/", {"q": "情绪疏导"})
    assert hit["X-Courses-Cache"] == "hit" and module.title in hit.content.decode()
    module.title = "改过名字的模块"
    publish(module)
    fresh = client.get("/search/", {"q": "情绪疏导"})
    assert "X-Courses-Cache" not in fresh and "改过名字的模块" in fresh.content.decode()


def test_junk_query_strings_and_empty_searches_are_not_cached(client, make_module):
    module = make_module(lessons=1)
    for _ in range(2):
        junk = client.get(module.url, {"utm": "x"})
        bad_filter = client.get("/courses/", {"topic": "no-such-topic"})
        nothing = client.get("/search/", {"q": "量子力学"})
    assert "X-Courses-Cache" not in junk
    assert "X-Courses-Cache" not in bad_filter
    assert "X-Courses-Cache" not in nothing
    client.get("/courses/", {"topic": "crisis-intervention"})
    assert client.get("/courses/", {"topic": "crisis-intervention"})["X-Courses-Cache"] == "hit"


@pytest.mark.parametrize("signed", [False, True])
def test_the_course_index_shows_a_renamed_topic_and_a_new_module_at_once(
        client, make_module, course_index, topic, signed):
    """The index's shared listing is kept per page generation: a topic's new
    name and a newly published module show on the next visit, signed in or not."""
    if signed:
        client.force_login(FamilyFactory())
    make_module(lessons=1, title="第一个模块")
    for _ in range(3):
        client.get(course_index.url)
    topic.name = "危机中的陪伴"
    topic.save()
    assert "危机中的陪伴" in client.get(course_index.url).content.decode()
    make_module(lessons=1, title="新发布的模块", slug="new-module")
    assert "新发布的模块" in client.get(course_index.url).content.decode()
