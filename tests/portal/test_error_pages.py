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
