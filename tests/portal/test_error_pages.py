"""Every error page a visitor can meet is the site's own, with the crisis lines,
in the visitor's language (issue 12)."""

from http import HTTPStatus

import pytest
from allauth.core.internal.ratelimit import respond_429
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from tests.bookings.web_setup import working_counsellor
from tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.crash_urls")]

CRISIS_NUMBER = "12356"


def _framed(response, *, heading: str) -> str:
    html = response.content.decode()
    assert heading in html
    assert CRISIS_NUMBER in html  # the crisis banner of the site's frame
    assert "<footer" in html
    return html


def test_a_family_opening_a_staff_page_gets_the_framed_403(site_shell):
    client = Client()
    client.force_login(FamilyFactory())
    response = client.get("/bookings/counsellor/week/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    _framed(response, heading="这个页面需要相应的权限")
    assert "no-store" in response["Cache-Control"]


def test_the_403_is_in_english_on_the_english_site(site_shell):
    working_counsellor()
    client = Client()
    client.force_login(FamilyFactory())
    response = client.get("/en/bookings/counsellor/week/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = _framed(response, heading="This page needs the right permissions")
    assert 'lang="en"' in html


def test_a_counsellor_account_without_a_profile_is_told_why(site_shell):
    """The role set but no counsellor record linked (an account set up halfway):
    the workspace they land on says what is missing, in the site's frame."""
    from portal.models import Role
    from portal.roles import add_role
    from tests.bookings.web_setup import with_totp

    user = FamilyFactory()
    add_role(user, Role.COUNSELLOR)
    with_totp(user)
    client = Client()
    client.force_login(user)
    response = client.get("/bookings/counsellor/week/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = _framed(response, heading="这个页面需要相应的权限")
    assert "还没有关联咨询师资料" in html
    assert "请联系协调员" in html
    english = client.get("/en/bookings/counsellor/week/").content.decode()
    assert "is not linked to a counsellor profile yet" in english


def test_a_bad_request_gets_the_framed_400(site_shell, client):
    response = client.get("/bad/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    _framed(response, heading="这个请求无法处理")


def test_opening_a_form_address_gets_the_framed_405_keeping_allow(site_shell, client):
    response = client.get("/post-only/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "POST"
    _framed(response, heading="这个页面不能这样打开")


def test_the_api_keeps_its_own_405(site_shell, client):
    response = client.delete("/api/v1/slots")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert CRISIS_NUMBER not in response.content.decode()


@override_settings(ROOT_URLCONF="tests.portal.crash_urls")
def test_allauths_rate_limit_answers_with_the_framed_429(site_shell):
    request = RequestFactory().get("/accounts/login/")
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cached_db import SessionStore

    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    with translation.override("zh-hans"):
        response = respond_429(request)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    _framed(response, heading="请稍后再试")


def test_the_404_and_500_pages_carry_the_crisis_lines(site_shell):
    client = Client(raise_request_exception=False)
    assert CRISIS_NUMBER in client.get("/no-such-page/").content.decode()
    crashed = client.get("/crash/")
    assert crashed.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert CRISIS_NUMBER in crashed.content.decode()


# --- pages answered without the database -------------------------------------

EVERY_CRISIS_NUMBER = ("12356", "110", "120")


def _offline(response, *, status: int, heading: str, lang: str) -> str:
    """The database-free frame: the crisis lines, the heading, the language."""
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert f'<html lang="{lang}">' in html
    assert 'data-testid="crisis-banner"' in html
    for number in EVERY_CRISIS_NUMBER:
        assert f"<strong>{number}</strong>" in html
    assert "<footer" in html
    return html


def _no_database(monkeypatch):
    """Fail the test if the page asks the database for anything."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(*args, **kwargs):
        raise AssertionError("an offline page used the database")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


@pytest.mark.parametrize(("path", "heading", "lang"), [
    ("/crash/", "抱歉，页面出了点问题", "zh-Hans"),
    ("/en/crash/", "Sorry, something went wrong", "en"),
])
def test_the_500_is_in_the_language_of_the_path(site_shell, path, heading, lang):
    client = Client(raise_request_exception=False)
    html = _offline(client.get(path), status=HTTPStatus.INTERNAL_SERVER_ERROR,
                    heading=heading, lang=lang)
    other = "Sorry, something went wrong" if lang != "en" else "抱歉，页面出了点问题"
    assert other not in html


def test_the_english_500_names_the_lines_in_english(site_shell):
    html = Client(raise_request_exception=False).get("/en/crash/").content.decode()
    assert "Police" in html
    assert "报警" not in html


@pytest.mark.parametrize(("path", "heading", "lang"), [
    ("/database-gone/", "网站暂时无法访问", "zh-Hans"),
    ("/en/database-gone/", "The site is temporarily unavailable", "en"),
])
def test_the_database_503_is_in_the_language_of_the_path(site_shell, path, heading, lang):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    _offline(response, status=HTTPStatus.SERVICE_UNAVAILABLE, heading=heading, lang=lang)
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize(("path", "heading", "lang"), [
    ("/database-gone/", "网站暂时无法访问", "zh-Hans"),
    ("/en/database-gone/", "The site is temporarily unavailable", "en"),
])
def test_the_503_page_itself_needs_no_database(monkeypatch, path, heading, lang):
    from django.test import RequestFactory

    from portal.middleware import database_unavailable_response

    _no_database(monkeypatch)
    response = database_unavailable_response(RequestFactory().get(path))
    _offline(response, status=HTTPStatus.SERVICE_UNAVAILABLE, heading=heading, lang=lang)


@pytest.mark.parametrize(("path", "lang", "first", "second"), [
    ("/courses/?q=%00", "zh-Hans", "这个请求无法处理", "This request could not be handled"),
    ("/bookings/%00/", "zh-Hans", "这个请求无法处理", "This request could not be handled"),
    ("/en/courses/?q=%00", "en", "This request could not be handled", "这个请求无法处理"),
])
def test_a_nul_byte_gets_the_framed_bilingual_400_without_the_database(
    monkeypatch, client, path, lang, first, second
):
    _no_database(monkeypatch)
    response = client.get(path)
    html = _offline(response, status=HTTPStatus.BAD_REQUEST, heading=first, lang=lang)
    assert f"<h1>{first}</h1>" in html
    assert f"<h2>{second}</h2>" in html
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "\x00" not in html


def test_a_nul_byte_in_the_api_still_gets_json(client):
    response = client.get("/api/v1/slots?q=%00")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": "Bad request: NUL byte in the address."}
    assert CRISIS_NUMBER not in response.content.decode()
