"""Sign-up and sign-in with a mainland mobile number and a one-time SMS code."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from portal.models import Consent, FamilyProfile, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-river-morning-42"
NUMBER = "+8613812345678"


def _signup(client, **overrides):
    data = {"email": "", "phone": "138 1234 5678", "password1": PASSWORD,
            "password2": PASSWORD, "guardian_name": "钱女士", "accept_privacy": "on"}
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def _code(sms):
    return re.search(r"\d{6}", sms.text).group(0)


def test_phone_signup_sends_a_code_and_the_code_verifies_and_signs_in(
        client, site_shell, sms_outbox):
    response = _signup(client)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone=NUMBER)
    assert user.email is None and not user.phone_verified
    assert user.has_role(Role.FAMILY)
    assert FamilyProfile.objects.get(user=user).guardian_name == "钱女士"
    assert Consent.objects.filter(user=user, kind=Consent.Kind.PRIVACY_NOTICE).count() == 1
    [sms] = sms_outbox
    assert sms.phone == NUMBER
    assert "验证码" in sms.text and "5分钟" in sms.text

    page = client.get(reverse("account_verify_phone"))
    assert page.status_code == HTTPStatus.OK
    response = client.post(reverse("account_verify_phone"), {"code": _code(sms)})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.phone_verified
    account = client.get(reverse("portal:account"))
    assert account.status_code == HTTPStatus.OK
    assert "138****5678" in account.content.decode()
