"""Five wrong passwords pause password sign-in, not the account (issue 10, hole 5).

Anyone can type five wrong passwords for someone else's email. The owner
still signs in with a code sent to their email (allauth's login by code),
and the sign-in page says so. Staff with TOTP still give their TOTP code.
"""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from portal.management.commands.demo_totp import current_code
from portal.settings import base as base_settings
from tests.factories import PASSWORD, CounsellorUserFactory, FamilyFactory
from tests.trust.conftest import with_totp

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the one tests.trust.conftest.with_totp sets
PAUSED = "登录尝试过多，密码登录已暂时停用。"
STILL_BY_CODE = "你仍可以通过邮箱验证码登录："
CODE_IN_MAIL = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _real_rate_limits():
    from django.core.cache import cache

    cache.clear()
    with override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS):
        yield
    cache.clear()


def _five_wrong_passwords(email):
    from django.test import Client

    stranger = Client()  # another browser, another person
    for i in range(5):
        stranger.post(reverse("account_login"), {"login": email, "password": f"wrong-{i}-pw"})


def _sign_in_by_code(client, email):
    request_url = reverse("account_request_login_code")
    assert client.get(request_url).status_code == HTTPStatus.OK
    mail.outbox.clear()
    response = client.post(request_url, {"email": email})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_confirm_login_code")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    code = CODE_IN_MAIL.findall(mail.outbox[0].body)
    assert len(code) == 1, mail.outbox[0].body
    return client.post(reverse("account_confirm_login_code"), {"code": code[0]})


def test_after_five_wrong_passwords_the_page_offers_a_code_and_the_code_signs_in(
    client, site_shell
):
    user = FamilyFactory(email="locked-out@example.cn")
    _five_wrong_passwords(user.email)

    # The right password is refused for now, and the page says what still works.
    response = client.post(reverse("account_login"),
                           {"login": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert PAUSED in html
    assert STILL_BY_CODE in html
    assert f'href="{reverse("account_request_login_code")}"' in html

    signed_in = _sign_in_by_code(client, user.email)
    assert signed_in.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_page_says_it_in_english_too(client, site_shell):
    user = FamilyFactory(email="locked-out-en@example.cn")
    _five_wrong_passwords(user.email)
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    html = response.content.decode()
    assert "Too many sign-in attempts: signing in with a password is paused for now." in html
    assert "You can still sign in with a code sent to your email:" in html


def test_staff_signing_in_by_code_still_give_their_totp_code(client, site_shell):
    user = with_totp(CounsellorUserFactory(email="locked-staff@example.cn"))
    _five_wrong_passwords(user.email)

    response = _sign_in_by_code(client, user.email)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/bookings/counsellor/week/")["Location"].startswith(
        reverse("account_login"))

    client.post(reverse("mfa_authenticate"), {"code": current_code(TOTP_SECRET)})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(("factory", "landing"), [
    ("counsellor", "/bookings/counsellor/week/"),
    ("coordinator", "/bookings/coordinator/"),
    ("editor", "/admin/"),
])
def test_staff_land_on_their_workspace_after_signing_in(client, site_shell, factory,
                                                        landing):
    from tests.factories import CoordinatorFactory, EditorFactory

    make = {"counsellor": CounsellorUserFactory, "coordinator": CoordinatorFactory,
            "editor": EditorFactory}[factory]
    user = with_totp(make(email=f"{factory}-lands@example.cn"))
    user.set_password("a-long-staff-pass-2026")
    user.save()
    client.post(reverse("account_login"),
                {"login": user.email, "password": "a-long-staff-pass-2026"})
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(TOTP_SECRET)})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == landing


def test_a_safe_next_still_wins_and_families_land_on_their_account(client, site_shell):
    from allauth.account.models import EmailAddress

    from tests.factories import FamilyFactory

    family = FamilyFactory(email="family-lands@example.cn")
    family.set_password("a-long-family-pass-2026")
    family.save()
    EmailAddress.objects.update_or_create(user=family, email=family.email,
                                          defaults={"verified": True, "primary": True})
    response = client.post(reverse("account_login"),
                           {"login": family.email, "password": "a-long-family-pass-2026"})
    assert response["Location"] == reverse("portal:account")
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login") + "?next=/bookings/mine/",
                           {"login": family.email, "password": "a-long-family-pass-2026",
                            "next": "/bookings/mine/"})
    assert response["Location"] == "/bookings/mine/"
