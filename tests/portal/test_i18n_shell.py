"""Languages, the switcher, hreflang, error pages, sitemap and robots, crisis banner."""

from http import HTTPStatus

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from portal.models import StandardPage, User
from portal.views import server_error
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

CRISIS_NUMBERS = ("12356", "962525", "12355", "110", "120")


def _switcher_next(html: str) -> str:
    """Where the language switcher leads: a signed-in user's form posts it as
    `next`; a visitor who is not signed in follows a link."""
    import re

    found = (re.search(r'name="next" value="([^"]*)"', html)
             or re.search(r'<a class="lang-link" href="([^"]*)"', html))
    return found.group(1).replace("&amp;", "&")


@pytest.mark.parametrize(
    ("path", "zh", "en"),
    [("/", "/", "/en/"), ("/about/", "/about/", "/en/about/"),
     ("/en/about/", "/about/", "/en/about/"),
     ("/accounts/login/", "/accounts/login/", "/en/accounts/login/")],
)
def test_hreflang_links_point_at_the_same_page_in_each_language(client, site_shell,
                                                                 path, zh, en):
    html = client.get(path).content.decode()
    assert f'<link rel="alternate" hreflang="zh-Hans" href="http://testserver{zh}">' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{en}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{zh}">' in html


def test_html_lang_follows_the_language(client, site_shell):
    assert '<html lang="zh-Hans">' in client.get("/").content.decode()
    assert '<html lang="en">' in client.get("/en/").content.decode()


def test_switcher_keeps_the_page_and_the_query(client, site_shell):
    """Not signed in: a link to the same page in the other language, no form
    (so the page carries no per-visitor token)."""
    html = client.get("/about/?from=home").content.decode()
    assert ('<a class="lang-link" href="/en/about/?from=home" hreflang="en" lang="en">'
            'English</a>') in html
    assert "/i18n/setlang/" not in html
    assert "csrfmiddlewaretoken" not in html
    english = client.get(_switcher_next(html)).content.decode()
    assert "<h1>About us</h1>" in english
    assert _switcher_next(english) == "/about/?from=home"
    assert "关于我们" in client.get(_switcher_next(english)).content.decode()


def test_signed_in_switcher_posts_and_keeps_the_page_and_the_query(client, site_shell):
    client.force_login(FamilyFactory())
    html = client.get("/about/?from=home").content.decode()
    assert _switcher_next(html) == "/en/about/?from=home"
    assert 'value="en" lang="en">English</button>' in html

    response = client.post(reverse("set_language"),
                           {"language": "en", "next": _switcher_next(html)})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/about/?from=home"
    english = client.get(response["Location"]).content.decode()
    assert "<h1>About us</h1>" in english
    assert _switcher_next(english) == "/about/?from=home"

    back = client.post(reverse("set_language"),
                       {"language": "zh-hans", "next": _switcher_next(english)})
    assert back["Location"] == "/about/?from=home"
    assert "关于我们" in client.get(back["Location"]).content.decode()


def test_switcher_uses_the_translated_page_even_with_another_slug(client, site_shell):
    page = StandardPage.objects.get(slug="about", locale__language_code="en")
    page.slug = "who-we-are"
    page.save_revision().publish()
    html = client.get("/about/").content.decode()
    assert _switcher_next(html) == "/en/who-we-are/"
    assert 'hreflang="en" href="http://testserver/en/who-we-are/"' in html


def test_a_translation_renamed_after_a_visit_shows_on_the_next(client, site_shell):
    """The translations' addresses are read once per page-shell generation;
    publishing the renamed translation retires it."""
    client.force_login(FamilyFactory())
    assert _switcher_next(client.get("/about/").content.decode()) == "/en/about/"
    page = StandardPage.objects.get(slug="about", locale__language_code="en")
    page.slug = "who-we-are"
    page.save_revision().publish()
    html = client.get("/about/").content.decode()
    assert _switcher_next(html) == "/en/who-we-are/"
    assert 'hreflang="en" href="http://testserver/en/who-we-are/"' in html


def test_switcher_on_an_app_page_keeps_the_page(client, site_shell):
    html = client.get("/accounts/signup/").content.decode()
    assert _switcher_next(html) == "/en/accounts/signup/"
    english = client.get("/en/accounts/signup/").content.decode()
    assert "Sign up for a family account" in english
    assert "注册家庭账户" not in english


def test_switching_language_remembers_a_signed_in_users_choice(client, site_shell):
    user = FamilyFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/en/account/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_switcher_refuses_foreign_redirects(client, site_shell):
    response = client.post(reverse("set_language"),
                           {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/en/"


def test_set_language_is_post_only(client, site_shell):
    assert client.get(reverse("set_language")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- error pages ------------------------------------------------------------------


def test_404_in_chinese_and_english(client, site_shell):
    zh = client.get("/no-such-page/")
    assert zh.status_code == HTTPStatus.NOT_FOUND
    assert "<h1>找不到这个页面</h1>" in zh.content.decode()
    en = client.get("/en/no-such-page/")
    assert en.status_code == HTTPStatus.NOT_FOUND
    html = en.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'href="/en/"' in html
    for number in CRISIS_NUMBERS:
        assert f'href="tel:{number}"' in html


@pytest.mark.parametrize(("path", "active", "heading", "not_shown"), [
    ("/", "en", "抱歉，页面出了点问题", "Sorry, something went wrong"),
    ("/en/", "zh-hans", "Sorry, something went wrong", "抱歉，页面出了点问题"),
])
def test_500_page_is_in_the_language_of_the_path_and_needs_no_database(
    django_assert_num_queries, path, active, heading, not_shown
):
    request = RequestFactory().get(path)
    with translation.override(active), django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert heading in html
    assert not_shown not in html
    for number in CRISIS_NUMBERS:
        assert f'href="tel:{number}"' in html


@pytest.mark.urls("tests.portal.crash_urls")
def test_a_crashing_view_answers_with_the_friendly_500(client, site_shell):
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    html = response.content.decode()
    assert "抱歉，页面出了点问题" in html
    assert "boom" not in html
    assert 'href="tel:12356"' in html


# --- sitemap, robots -----------------------------------------------------------------


def test_sitemap_lists_pages_in_both_languages(client, site_shell):
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    xml = response.content.decode()
    for path in ("/", "/about/", "/privacy/", "/terms/", "/en/", "/en/about/"):
        assert f"<loc>http://localhost{path}</loc>" in xml
    assert "/accounts/" not in xml


def test_robots_txt(client, site_shell):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain"
    body = response.content.decode()
    assert "User-agent: *" in body
    for path in ("/admin/", "/django-admin/", "/accounts/", "/account/", "/api/",
                 "/en/accounts/", "/en/account/", "/en/bookings/"):
        assert f"Disallow: {path}\n" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


# --- crisis banner on every page type ------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
     "/en/accounts/login/", "/no-such-page/", "/en/no-such-page/"],
)
def test_crisis_lines_on_account_and_error_pages(client, site_shell, path):
    html = client.get(path).content.decode()
    for number in CRISIS_NUMBERS:
        assert f'href="tel:{number}"' in html


@pytest.mark.parametrize(
    "path",
    ["/account/", "/account/children/add/", "/account/family/", "/accounts/email/",
     "/accounts/password/change/", "/accounts/logout/", "/accounts/2fa/"],
)
def test_crisis_lines_on_signed_in_pages(client, site_shell, path):
    client.force_login(User.objects.get(email="family@demo.weiai.cn"))
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for number in CRISIS_NUMBERS:
        assert f'href="tel:{number}"' in html


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", "电话：12356 · 约 1 分钟 · 约 5 分钟 · 3 课 · 1 课"),
    ("en", "Phone: 12356 · about 1 minute · about 5 minutes · 3 lessons · 1 lesson"),
])
def test_english_copy_has_ascii_punctuation_and_plurals(language, expected):
    from django.template import Context, Template

    template = Template(
        '{% load i18n portal_tags %}{% translate "电话" %}{% punct "colon" %}12356'
        ' · {% blocktranslate count minutes=1 %}约 {{ minutes }} 分钟{% plural %}约 {{ minutes }} 分钟{% endblocktranslate %}'
        ' · {% blocktranslate count minutes=5 %}约 {{ minutes }} 分钟{% plural %}约 {{ minutes }} 分钟{% endblocktranslate %}'
        ' · {% blocktranslate count n=3 %}{{ n }} 课{% plural %}{{ n }} 课{% endblocktranslate %}'
        ' · {% blocktranslate count n=1 %}{{ n }} 课{% plural %}{{ n }} 课{% endblocktranslate %}')
    with translation.override(language):
        assert template.render(Context()) == expected


def test_the_english_lesson_navigation_uses_ascii_colons(client, site_shell):
    from courses import demo
    from courses.models import LessonPage

    demo.seed()  # the shell has no lessons; the demo modules do, in both languages
    lesson = LessonPage.objects.live().filter(locale__language_code="en").first()
    html = client.get(lesson.url).content.decode()
    nav = html[html.index('class="lesson-nav"'):]
    nav = nav[:nav.index("</nav>")]
    assert "：" not in nav
    assert "Next lesson: " in nav or "Previous lesson: " in nav
