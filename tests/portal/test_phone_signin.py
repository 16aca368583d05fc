"""Sign-up and sign-in with a mainland mobile number and a one-time SMS code."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from portal.models import Consent, FamilyProfile, Role, User
from portal.settings import base as base_settings

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-river-morning-42"
NUMBER = "+8613812345678"


def _signup(client, follow=False, **overrides):
    data = {"email": "", "phone": "138 1234 5678", "password1": PASSWORD,
            "password2": PASSWORD, "guardian_name": "钱女士", "accept_privacy": "on"}
    data.update(overrides)
    return client.post(reverse("account_signup"), data, follow=follow)


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


# Production's limits, with the per-IP "sms" limit as tight as the per-number one.
SMS_LIMITS = {**base_settings.ACCOUNT_RATE_LIMITS,
              "sms": "1/m/key,5/h/key,10/d/key,1/m/ip,5/h/ip,10/d/ip"}


def _request_code(client, phone="13812345678"):
    return client.post(reverse("account_request_login_code"), {"phone": phone})


@pytest.fixture
def phone_family(db):
    from tests.factories import FamilyFactory

    user = FamilyFactory(email=None, phone=NUMBER, phone_verified=True,
                         preferred_language="zh-hans")
    return user


def test_sign_in_by_sms_code_with_the_number_as_printed(client, site_shell, sms_outbox,
                                                        phone_family):
    response = _request_code(client, "138-1234-5678")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_confirm_login_code")
    [sms] = sms_outbox
    assert sms.phone == NUMBER
    response = client.post(reverse("account_confirm_login_code"), {"code": _code(sms)})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_a_code_is_single_use(client, site_shell, sms_outbox, phone_family):
    _request_code(client)
    code = _code(sms_outbox[0])
    client.post(reverse("account_confirm_login_code"), {"code": code})
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_request_login_code")
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.FOUND


def test_three_wrong_codes_end_the_attempt(client, site_shell, sms_outbox, phone_family):
    _request_code(client)
    right = _code(sms_outbox[0])
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(3):
        page = client.post(reverse("account_confirm_login_code"), {"code": wrong})
    assert page.status_code == HTTPStatus.FOUND  # the third wrong code ends it
    response = client.post(reverse("account_confirm_login_code"), {"code": right})
    assert response["Location"] == reverse("account_request_login_code")
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.FOUND


def test_a_code_expires_after_five_minutes(client, site_shell, sms_outbox, phone_family,
                                           time_machine):
    time_machine.move_to("2027-03-02T10:00:00+08:00", tick=False)
    _request_code(client)
    time_machine.move_to("2027-03-02T10:05:01+08:00", tick=False)
    response = client.post(reverse("account_confirm_login_code"),
                           {"code": _code(sms_outbox[0])})
    assert response["Location"] == reverse("account_request_login_code")
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.FOUND


def test_an_unknown_number_gets_the_same_answer_and_a_neutral_notice(
        client, site_shell, sms_outbox, phone_family):
    known = _request_code(client)
    other = type(client)()
    unknown = _request_code(other, "13900001111")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    known_page = client.get(reverse("account_confirm_login_code")).content.decode()
    unknown_page = other.get(reverse("account_confirm_login_code")).content.decode()
    assert "+8613900001111" in unknown_page and NUMBER in known_page
    notice = sms_outbox[1]
    assert notice.phone == "+8613900001111"
    assert notice.text == "【未愛小屋】此号码还没有账户。如需使用，请在网站上注册。"


def test_signup_with_a_taken_number_makes_no_account_and_says_nothing_on_the_page(
        client, site_shell, sms_outbox, phone_family):
    response = _signup(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_verify_phone")
    assert User.objects.filter(phone=NUMBER).count() == 1
    assert [s.text for s in sms_outbox] == ["【未愛小屋】此号码已有账户，请直接登录。"]


def test_sms_are_in_the_recipients_language(client, site_shell, sms_outbox, phone_family):
    phone_family.preferred_language = "en"
    phone_family.save()
    _request_code(client)
    assert sms_outbox[0].text.startswith("[Weiai Cottage] Your code is ")
    other = type(client)()
    other.post("/en" + reverse("account_request_login_code"), {"phone": "13900001111"})
    assert sms_outbox[1].language == "en"


@pytest.mark.parametrize("typed", ["12345", "02161234567", "+1 415 555 2671"])
def test_only_mainland_mobile_numbers_are_accepted(client, site_shell, sms_outbox, typed):
    response = _signup(client, phone=typed)
    assert response.status_code == HTTPStatus.OK
    assert "请填写有效的中国大陆手机号码，例如 13812345678。" in response.content.decode()
    assert sms_outbox == [] and not User.objects.filter(phone__isnull=False).exists()


def test_signup_needs_an_email_or_a_number(client, site_shell, sms_outbox):
    response = _signup(client, phone="")
    assert "请填写电子邮箱或手机号码（至少一项）。" in response.content.decode()
    assert not FamilyProfile.objects.filter(guardian_name="钱女士").exists()


def test_codes_are_limited_per_number_one_a_minute_ten_a_day(
        client, site_shell, sms_outbox, phone_family, settings, time_machine):
    settings.ACCOUNT_RATE_LIMITS = SMS_LIMITS
    time_machine.move_to("2027-03-02T08:00:00+08:00", tick=False)
    _request_code(client)
    _request_code(type(client)(REMOTE_ADDR="10.0.0.2"))
    assert len(sms_outbox) == 1
    page = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "验证码发送过于频繁，请稍后再试。" not in page
    for hour in range(1, 24):
        time_machine.move_to(f"2027-03-02T{8 + hour // 2:02d}:{(hour % 2) * 30:02d}:00+08:00",
                             tick=False)
        response = type(client)(REMOTE_ADDR=f"10.0.1.{hour}").post(
            reverse("account_request_login_code"), {"phone": "13812345678"}, follow=True)
    assert len(sms_outbox) == 10
    assert "验证码发送过于频繁，请稍后再试。" in response.content.decode()


def test_the_limit_is_the_same_for_unknown_numbers_and_per_ip(
        client, site_shell, sms_outbox, settings):
    settings.ACCOUNT_RATE_LIMITS = SMS_LIMITS
    first = client.post(reverse("account_request_login_code"), {"phone": "13900001111"},
                        follow=True)
    second = type(client)().post(reverse("account_request_login_code"),
                                 {"phone": "13900002222"}, follow=True)
    assert "验证码发送过于频繁，请稍后再试。" not in first.content.decode()
    assert "验证码发送过于频繁，请稍后再试。" in second.content.decode()
    assert [s.phone for s in sms_outbox] == ["+8613900001111"]


class FailingSender:
    def send(self, sms):
        from portal.sms import SmsUnavailable

        raise SmsUnavailable("timeout")


def test_a_sender_failure_is_a_neutral_message_not_a_500(
        client, site_shell, sms_outbox, settings):
    settings.SMS_BACKEND = "tests.portal.test_phone_signin.FailingSender"
    response = _signup(client, follow=True)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "短信暂时无法发送，请稍后再试。" in html
    assert "A verification code has been sent" not in html and "验证码已发送" not in html


def _profile_post(client, **extra):
    return client.post(reverse("portal:profile_edit"), {
        "guardian_name": "钱女士", "relationship": "", "phone": "", **extra})


def test_sms_notices_need_a_verified_number(client, site_shell):
    from tests.factories import FamilyFactory

    client.force_login(FamilyFactory())
    response = _profile_post(client, sms_notices="on")
    assert "要接收短信，请先在“登录与安全”中添加并验证手机号码。" in response.content.decode()
    assert not FamilyProfile.objects.get(user=response.wsgi_request.user).sms_notices


def test_a_family_with_a_verified_number_can_choose_sms_notices(client, site_shell,
                                                               phone_family):
    client.force_login(phone_family)
    assert _profile_post(client, sms_notices="on").status_code == HTTPStatus.FOUND
    assert FamilyProfile.objects.get(user=phone_family).sms_notices
    page = client.get(reverse("portal:account")).content.decode()
    assert "预约提醒和回电通知也发短信" in page and "138****5678 · 已验证" in page


def test_the_code_page_is_complete_in_english(client, site_shell, sms_outbox, phone_family):
    response = client.post("/en" + reverse("account_request_login_code"),
                           {"phone": "13812345678"})
    assert response["Location"] == "/en/accounts/login/code/confirm/"
    page = client.get(response["Location"]).content.decode()
    assert "Enter your sign-in code" in page
    assert f"The code for {NUMBER} is valid for 5 minutes and can be used once." in page
    assert "验证码" not in page.split("<main")[1].split("</main>")[0]


def test_password_sign_in_with_the_number_as_printed(client, site_shell, phone_family):
    from tests.factories import PASSWORD as FACTORY_PASSWORD

    response = client.post(reverse("account_login"),
                           {"login": "138 1234 5678", "password": FACTORY_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK
