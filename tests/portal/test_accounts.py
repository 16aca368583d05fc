"""Signup with consent, mandatory verification, logout by POST, reset, email change."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.models import Consent, FamilyProfile, Role, User
from tests.factories import PASSWORD, FamilyFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-river-morning-42"


def _signup(client, **overrides):
    data = {
        "email": "newcomer@example.cn",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "guardian_name": "赵女士",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_page_is_in_chinese_in_the_site_shell_with_consent_fields(client, site_shell):
    html = client.get(reverse("account_signup")).content.decode()
    assert "<h1>注册家庭账户</h1>" in html
    assert 'name="guardian_name"' in html
    assert 'name="accept_privacy"' in html
    assert 'href="/privacy/"' in html
    assert 'href="tel:12356"' in html  # the crisis banner: it is the site's shell
    assert 'lang="zh-Hans"' in html


def test_signup_without_privacy_consent_is_refused_with_a_clear_message(client, site_shell):
    response = _signup(client, accept_privacy="")
    assert response.status_code == HTTPStatus.OK
    assert "注册前请阅读并同意隐私政策。" in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.cn").exists()
    assert mail.outbox == []


def test_signup_makes_a_family_records_consent_and_needs_email_verification(
    client, site_shell
):
    response = _signup(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="newcomer@example.cn")
    assert user.has_role(Role.FAMILY)
    assert not user.is_station_staff
    assert FamilyProfile.objects.get(user=user).guardian_name == "赵女士"
    consent = Consent.objects.get(user=user)
    assert consent.kind == Consent.Kind.PRIVACY_NOTICE
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION
    assert consent.child is None and consent.withdrawn_at is None
    assert not EmailAddress.objects.get(user=user).verified

    # Not logged in until the address is verified.
    assert client.get(reverse("portal:account"))["Location"].startswith(
        reverse("account_login")
    )
    login = client.post(
        reverse("account_login"), {"login": "newcomer@example.cn", "password": NEW_PASSWORD}
    )
    assert login["Location"] == reverse("account_email_verification_sent")

    # The email carries the confirmation link and the crisis lines.
    assert len(mail.outbox) == 2
    body = mail.outbox[-1].body
    assert mail.outbox[-1].subject.startswith("【未愛小屋】")
    assert "12356" in body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_signup_in_english_stores_the_preferred_language(client, site_shell):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "en@example.cn", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
         "accept_privacy": "on"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(email="en@example.cn").preferred_language == "en"
    body = mail.outbox[0].body
    assert "To confirm this is correct, go to http://testserver/en/accounts/confirm-email/" in body
    assert "National unified psychological assistance line: 12356 (24 hours)" in body


def test_logout_needs_a_post(client, site_shell):
    user = FamilyFactory()
    client.force_login(user)
    response = client.get(reverse("account_logout"))
    assert response.status_code == HTTPStatus.OK
    assert "确定要退出登录吗？" in response.content.decode()
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK

    client.post(reverse("account_logout"))
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.FOUND


def test_password_reset_sends_a_link_that_sets_a_new_password(client, site_shell):
    user = FamilyFactory(email="forgot@example.cn")
    client.post(reverse("account_reset_password"), {"email": "forgot@example.cn"})
    assert len(mail.outbox) == 1
    assert "全国统一心理援助热线：12356（24小时）" in mail.outbox[0].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+)",
                     mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_reveals_nothing(client, site_shell):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.cn"},
                           follow=True)
    assert response.status_code == HTTPStatus.OK
    # Same page as for a known address (no enumeration).
    assert response.redirect_chain[-1][0] == reverse("account_reset_password_done")


def test_adding_an_email_address_needs_recent_reauthentication(client, site_shell):
    user = FamilyFactory(email="change@example.cn")
    client.force_login(user)  # no fresh authentication recorded in the session
    response = client.post(reverse("account_email"),
                           {"action_add": "", "email": "changed@example.cn"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="changed@example.cn").exists()

    client.post(response["Location"], {"password": PASSWORD})
    response = client.post(reverse("account_email"),
                           {"action_add": "", "email": "changed@example.cn"})
    assert EmailAddress.objects.filter(user=user, email="changed@example.cn",
                                       verified=False).exists()
    assert mail.outbox[-1].to == ["changed@example.cn"]


def test_login_page_in_both_languages(client, site_shell):
    zh = client.get(reverse("account_login")).content.decode()
    assert "<h1>登录</h1>" in zh and "忘记密码？" in zh
    en = client.get("/en/accounts/login/").content.decode()
    assert 'lang="en"' in en
