"""The anonymous page cache for the home page and standard pages, and the
NUL-byte guard in front of every view (helper G, issue 6)."""

import re
from http import HTTPStatus

import pytest
from django.test import Client, override_settings

from bookings import services
from portal.models import HomePage, StandardPage
from tests.factories import FamilyFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

HIT = "X-Courses-Cache"


def _workshop_seats(html: str, title: str) -> str:
    match = re.search(re.escape(title) + r".*?还剩 (\d+) 个名额", html, re.S)
    return match.group(1) if match else ""


def test_home_page_is_replayed_to_anonymous_visitors_without_queries(
    site_shell, client, django_assert_num_queries
):
    first = client.get("/")
    assert first.status_code == HTTPStatus.OK and HIT not in first
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second[HIT] == "hit"
    assert second.content.decode().count("12356") == first.content.decode().count("12356")
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["Referrer-Policy"] == "same-origin"
    assert second["X-Content-Type-Options"] == "nosniff"


def test_english_home_and_standard_pages_are_cached_apart(site_shell, client):
    page = StandardPage.objects.live().filter(locale__language_code="zh-hans").first()
    assert page is not None
    for url in ("/", "/en/", page.url):
        client.get(url)
        assert client.get(url)[HIT] == "hit"
    assert client.get("/en/").content != client.get("/").content


@override_settings(SECURE_HSTS_SECONDS=3600)
def test_replays_over_https_carry_hsts(site_shell):
    visitor = Client()
    visitor.get("/", secure=True)
    replay = visitor.get("/", secure=True)
    assert replay[HIT] == "hit"
    assert replay["Strict-Transport-Security"] == "max-age=3600"
    plain = visitor.get("/")
    assert HIT not in plain  # the http copy is a different entry
    assert "Strict-Transport-Security" not in plain


def test_publishing_the_home_page_retires_the_cached_copy(site_shell, client):
    client.get("/")
    assert client.get("/")[HIT] == "hit"
    home = HomePage.objects.get(locale__language_code="zh-hans")
    home.intro = "新的导语：我们一直在这里。"
    home.save_revision().publish()
    fresh = client.get("/")
    assert HIT not in fresh
    assert "新的导语：我们一直在这里。" in fresh.content.decode()


def test_unpublishing_a_standard_page_retires_it(site_shell, client):
    page = StandardPage.objects.live().filter(locale__language_code="zh-hans").first()
    client.get(page.url)
    assert client.get(page.url)[HIT] == "hit"
    page.unpublish()
    assert client.get(page.url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("restriction", ["login", "password"])
def test_restricting_a_standard_page_retires_its_copy(site_shell, client, restriction):
    """An editor limits a page to signed-in visitors (or a password): anonymous
    visitors get the login redirect or the password form, not the old copy."""
    from wagtail.models import PageViewRestriction

    page = StandardPage.objects.live().filter(locale__language_code="zh-hans").first()
    client.get(page.url)
    assert client.get(page.url)[HIT] == "hit"
    PageViewRestriction.objects.create(page=page, restriction_type=restriction,
                                       password="kept-apart-1")
    after = client.get(page.url)
    assert HIT not in after
    if restriction == "login":
        assert after.status_code == HTTPStatus.FOUND
    else:
        assert after.status_code == HTTPStatus.OK
        assert 'name="password"' in after.content.decode()


@pytest.mark.parametrize("change", ["delete", "move"])
def test_deleting_or_moving_a_standard_page_retires_the_cache(site_shell, client, change):
    page = StandardPage.objects.live().filter(locale__language_code="zh-hans").first()
    url = page.url
    client.get(url)
    client.get("/")
    assert client.get(url)[HIT] == "hit" and client.get("/")[HIT] == "hit"
    if change == "delete":
        page.delete()
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    else:
        home = HomePage.objects.get(locale__language_code="zh-hans")
        sibling = StandardPage(title="临时上级页（虚构）", slug="temp-parent")
        home.add_child(instance=sibling)
        page.move(sibling, pos="last-child")
        moved = client.get(url)  # not the cached copy: Wagtail's redirect to the new place
        assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert moved["Location"].endswith("/temp-parent/" + page.slug + "/")
    assert HIT not in client.get("/")  # every cached page was retired


def test_a_workshop_seat_taken_shows_on_the_cached_home_page(site_shell, client):
    workshop = GroupSessionFactory(title="虚构的亲子沟通工作坊", capacity=5)
    assert _workshop_seats(client.get("/").content.decode(), workshop.title) == "5"
    assert client.get("/")[HIT] == "hit"
    family = FamilyFactory()
    services.workshop_join(family=family, group_session=workshop)
    after = client.get("/")
    assert HIT not in after
    assert _workshop_seats(after.content.decode(), workshop.title) == "4"
    services.workshop_leave(family=family, group_session=workshop)
    assert _workshop_seats(client.get("/").content.decode(), workshop.title) == "5"


def test_a_new_workshop_shows_on_the_cached_home_page(site_shell, client):
    client.get("/")
    assert client.get("/")[HIT] == "hit"
    GroupSessionFactory(title="新开的虚构情绪工作坊")
    assert "新开的虚构情绪工作坊" in client.get("/").content.decode()


def test_signed_in_visitors_never_get_or_leave_a_cached_page(site_shell, client):
    client.get("/")
    assert client.get("/")[HIT] == "hit"
    family = FamilyFactory()
    client.force_login(family)
    signed_in = client.get("/")
    assert HIT not in signed_in
    client.logout()
    anonymous = Client().get("/")
    assert family.email not in anonymous.content.decode()


def test_page_rendered_for_a_signed_in_user_is_not_stored(site_shell):
    family = FamilyFactory()
    member = Client()
    member.force_login(family)
    member.get("/")
    member.get("/")
    assert HIT not in Client().get("/")


def test_language_link_on_a_replayed_page_leads_to_the_same_page_in_english(site_shell):
    Client().get("/")  # someone else primes the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/")
    assert page[HIT] == "hit"
    html = page.content.decode()
    # No form on the home page for a visitor, so nothing per visitor in it.
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in page.cookies
    link = re.search(r'<a class="lang-link" href="([^"]+)" hreflang="en"', html).group(1)
    assert link == "/en/"
    english = visitor.get(link)
    assert english.status_code == HTTPStatus.OK
    assert '<html lang="en">' in english.content.decode()


def test_post_to_a_page_url_is_never_answered_from_the_cache(site_shell, client):
    client.get("/")
    assert client.get("/")[HIT] == "hit"
    assert HIT not in client.post("/")


# The API answers the same 400 as JSON (tests/bookings/test_api_errors.py).
@pytest.mark.parametrize("url", ["/search/?q=%00", "/bookings/%00/", "/?x=a%00b"])
def test_nul_bytes_get_the_framed_400(client, url):
    """Answered before any query (tests/portal/test_error_pages.py has the page)."""
    response = client.get(url)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "这个请求无法处理" in response.content.decode()
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_percent_sign_without_nul_passes_the_guard(client):
    assert client.get("/healthz?x=%2500").status_code == HTTPStatus.OK


@pytest.fixture
def local_entries(monkeypatch):
    """This process keeps its copy of the page generation however slowly the
    test runs (production re-reads it every second; here a re-read after
    `cache.clear()` would retire the copies)."""
    from courses import caching as page_cache

    monkeypatch.setattr(page_cache, "GENERATION_LAG_SECONDS", 3600.0)


def test_the_per_process_copy_answers_without_the_shared_cache_and_is_retired(
    site_shell, client, local_entries
):
    from django.core.cache import cache

    client.get("/")
    cache.clear()  # only the worker's own copy is left
    assert client.get("/")[HIT] == "hit"
    home = HomePage.objects.get(locale__language_code="zh-hans")
    home.intro = "本进程的副本也要换新。"
    home.save_revision().publish()
    fresh = client.get("/")
    assert HIT not in fresh and "本进程的副本也要换新。" in fresh.content.decode()


def test_the_per_process_copy_keeps_only_the_newest_entries_within_its_byte_budget(
    site_shell, settings, local_entries
):
    """Ten copies of the home page (`?page=` is part of the key) in a budget
    that holds eight: the two oldest fall out."""
    from django.core.cache import cache

    from portal import cache as portal_cache

    Client().get("/")  # the generation's copy is made
    before = portal_cache.local_bytes()
    assert Client().get("/?page=0").status_code == HTTPStatus.OK
    size = portal_cache.local_bytes() - before
    assert size > 0
    settings.CACHE_LOCAL_BYTES = 8 * size + size // 2
    portal_cache.clear()  # the store takes its budget when it is (re)made
    for n in range(1, 11):
        assert Client().get(f"/?page={n}").status_code == HTTPStatus.OK
    assert portal_cache.local_bytes() <= settings.CACHE_LOCAL_BYTES
    cache.clear()  # only the worker's own copies are left
    assert Client().get("/?page=10")[HIT] == "hit"
    assert Client().get("/?page=3")[HIT] == "hit"
    assert HIT not in Client().get("/?page=1")  # the oldest fell out


# Form tokens on replayed pages: tests/courses/test_performance.py (a quiz lesson).


def test_a_password_protected_page_is_never_stored(site_shell, client):
    from wagtail.models import PageViewRestriction

    page = StandardPage.objects.live().filter(locale__language_code="zh-hans").first()
    PageViewRestriction.objects.create(page=page, restriction_type="password",
                                       password="虚构密码")
    for _ in range(2):
        form = client.get(page.url)
    assert form.status_code == HTTPStatus.OK
    assert HIT not in form
    assert page.body not in form.content.decode() or not page.body
