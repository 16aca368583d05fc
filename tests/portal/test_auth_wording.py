"""allauth's pages in the site's words, in the visitor's language (issue 12):
Django's password messages translated, one glossary (账户, 两步验证, README.md
术语表), each link and address said once."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client

from tests.factories import PASSWORD, EditorFactory, FamilyFactory
from tests.portal.test_roles_mfa import with_totp

pytestmark = pytest.mark.django_db

OTHER_WORDS = ("双因素", "帐户", "帐号")
SHORT_PASSWORD = {"email": "new@example.cn", "password1": "abc", "password2": "abc"}


def _html(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def _glossary_kept(html: str) -> None:
    for word in OTHER_WORDS:
        assert word not in html


def test_the_chinese_signup_says_why_a_password_is_refused_in_chinese(site_shell, client):
    html = _html(client.post("/accounts/signup/", SHORT_PASSWORD))
    assert "密码太短，至少需要 10 个字符。" in html
    assert "这个密码太常见了。" in html
    assert "This password is too short" not in html


def test_the_english_signup_says_it_in_english(site_shell, client):
    html = _html(client.post("/en/accounts/signup/", SHORT_PASSWORD))
    assert "This password is too short. It must contain at least 10 characters." in html
    assert "This password is too common." in html
    assert "密码太短" not in html


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/",
                                 "/accounts/password/reset/"])
def test_the_entrance_pages_keep_the_glossary(site_shell, client, url):
    _glossary_kept(_html(client.get(url)))


def test_the_mfa_code_page_says_two_step_verification(site_shell, client):
    with_totp(EditorFactory(email="ed@example.cn"))
    client.post("/accounts/login/", {"login": "ed@example.cn", "password": PASSWORD})
    html = _html(client.get("/accounts/2fa/authenticate/"))
    assert "您的账户已受到两步验证的保护。" in html
    _glossary_kept(html)


def test_the_mfa_overview_keeps_the_glossary(site_shell):
    client = Client()
    client.force_login(with_totp(FamilyFactory()))
    html = _html(client.get("/accounts/2fa/"))
    assert "使用身份验证器应用进行身份验证处于活动状态。" in html
    _glossary_kept(html)


def test_the_mfa_activation_page_keeps_the_glossary(site_shell):
    client = Client()
    client.force_login(FamilyFactory())
    html = _html(client.get("/accounts/2fa/totp/activate/", follow=True))
    _glossary_kept(html)


def test_the_login_page_offers_password_reset_once(site_shell, client):
    html = _html(client.get("/accounts/login/"))
    assert html.count("忘记密码") == 1
    assert html.count('href="/accounts/password/reset/"') == 1


def test_the_english_login_page_offers_it_once_too(site_shell, client):
    html = _html(client.get("/en/accounts/login/"))
    assert html.lower().count("forgot") == 1


def test_the_email_confirmation_page_names_the_address_once(site_shell, client):
    user = FamilyFactory(email="parent@example.cn")
    address, _created = EmailAddress.objects.update_or_create(
        user=user, email="parent@example.cn",
        defaults={"primary": True, "verified": False})
    key = EmailConfirmationHMAC(address).key
    html = _html(client.get(f"/accounts/confirm-email/{key}/"))
    assert "请确认 <strong>parent@example.cn</strong> 是您的邮箱地址。" in html
    assert html.count("parent@example.cn") == 1
    english = _html(client.get(f"/en/accounts/confirm-email/{key}/"))
    assert "Please confirm that <strong>parent@example.cn</strong> is your email" in english


def test_our_own_labels_and_templates_keep_the_glossary():
    """Every label, help text and template of the project's own apps says 账户 and
    两步验证 (README.md 术语表), the admin's forms included."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    words = (*OTHER_WORDS, "账号")
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {"portal", "courses", "bookings"}:
            continue
        for field in model._meta.get_fields():
            for text in (getattr(field, "verbose_name", ""), getattr(field, "help_text", "")):
                if any(word in str(text) for word in words):
                    found.append(f"{model.__name__}.{field.name}: {text}")
    base = Path(settings.BASE_DIR)
    for folder in ("templates", "portal", "courses", "bookings"):
        for path in (base / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(base)}: {word}" for word in words if word in text]
    assert found == []
