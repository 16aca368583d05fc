"""Who a mobile number belongs to: only the account that proved it by code.

Attacks and races on phone sign-in: a number claimed at signup by someone
else, wrong passwords on one number, adding and changing a number, a resend
tapped too soon, two signups with one new number.
"""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from portal.models import User
from portal.settings import base as base_settings
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-river-morning-42"
NUMBER = "+8613812345678"
OTHER = "+8613900001111"
TOO_MANY = "验证码发送过于频繁，请稍后再试。"


def _code(sms):
    return re.search(r"\d{6}", sms.text).group(0)


def _client(client, ip):
    return type(client)(REMOTE_ADDR=ip)


def _signup(client, phone="13812345678", **extra):
    return client.post(reverse("account_signup"), {
        "email": "", "phone": phone, "password1": PASSWORD, "password2": PASSWORD,
        "guardian_name": "钱女士", "accept_privacy": "on", **extra})


def _password_login(client, login, password):
    client.post(reverse("account_login"), {"login": login, "password": password})
    return client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_a_number_claimed_by_someone_else_at_signup_gives_them_nothing(
        client, site_shell, sms_outbox):
    attacker = _client(client, "10.9.9.9")
    assert _signup(attacker).status_code == HTTPStatus.FOUND  # never verifies
    claimant = User.objects.get(phone=NUMBER)

    # The number's owner asks for a code: an unverified claim is no account.
    owner = _client(client, "10.8.8.8")
    owner.post(reverse("account_request_login_code"), {"phone": "13812345678"})
    assert sms_outbox[-1].text == "【未愛小屋】此号码还没有账户。如需使用，请在网站上注册。"
    assert owner.get(reverse("portal:account")).status_code == HTTPStatus.FOUND

    # So they sign up, and their proven number is theirs alone.
    assert _signup(owner, password1="owner-river-evening-77",
                   password2="owner-river-evening-77").status_code == HTTPStatus.FOUND
    owner.post(reverse("account_verify_phone"), {"code": _code(sms_outbox[-1])})
    assert owner.get(reverse("portal:account")).status_code == HTTPStatus.OK
    account = User.objects.get(phone=NUMBER)
    assert account.pk != claimant.pk and account.phone_verified
    claimant.refresh_from_db()
    assert claimant.phone is None

    # The attacker's password opens nothing with the number.
    assert not _password_login(_client(client, "10.7.7.7"), "13812345678", PASSWORD)


def test_a_login_code_never_verifies_a_number_on_an_account_that_only_claimed_it(
        client, site_shell, sms_outbox):
    claimant = FamilyFactory(phone=NUMBER, phone_verified=False)
    client.post(reverse("account_request_login_code"), {"phone": "13812345678"})
    assert not re.search(r"\d{6}", sms_outbox[-1].text)
    claimant.refresh_from_db()
    assert not claimant.phone_verified


def test_wrong_passwords_on_one_number_do_not_pause_another(client, site_shell, settings):
    settings.ACCOUNT_RATE_LIMITS = dict(base_settings.ACCOUNT_RATE_LIMITS)
    FamilyFactory(email=None, phone=NUMBER, phone_verified=True)
    FamilyFactory(email=None, phone=OTHER, phone_verified=True)
    for attempt in range(6):
        _client(client, f"10.3.3.{attempt}").post(
            reverse("account_login"), {"login": "138 1234 5678", "password": "wrong-one"})
    paused = _client(client, "10.4.4.1").post(
        reverse("account_login"), {"login": "13812345678", "password": FACTORY_PASSWORD})
    assert "登录尝试过多，密码登录已暂时停用。" in paused.content.decode()
    assert _password_login(_client(client, "10.4.4.2"), "13900001111", FACTORY_PASSWORD)


def _reauthenticated(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": FACTORY_PASSWORD})
    return client


def _change_phone(client, sms_outbox, typed):
    response = client.post(reverse("account_change_phone"), {"phone": typed})
    assert response["Location"] == reverse("account_verify_phone")
    return client.post(reverse("account_verify_phone"), {"code": _code(sms_outbox[-1])})


def test_an_email_family_adds_a_number_and_it_is_saved(client, site_shell, sms_outbox):
    user = FamilyFactory()
    response = _change_phone(_reauthenticated(client, user), sms_outbox, "138 1234 5678")
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert (user.phone, user.phone_verified) == (NUMBER, True)
    assert "138****5678 · 已验证" in client.get(reverse("portal:account")).content.decode()


def test_a_family_changes_its_number_and_signs_in_with_the_new_one(
        client, site_shell, sms_outbox):
    user = FamilyFactory(email=None, phone=NUMBER, phone_verified=True)
    _change_phone(_reauthenticated(client, user), sms_outbox, "13900001111")
    user.refresh_from_db()
    assert (user.phone, user.phone_verified) == (OTHER, True)
    assert not _password_login(_client(client, "10.5.5.1"), "13812345678", FACTORY_PASSWORD)
    assert _password_login(_client(client, "10.5.5.2"), "13900001111", FACTORY_PASSWORD)


def test_changing_to_a_number_another_account_holds_is_a_plain_form_error(
        client, site_shell, sms_outbox):
    holder = FamilyFactory(email=None, phone=NUMBER, phone_verified=True)
    user = FamilyFactory()
    response = _change_phone(_reauthenticated(client, user), sms_outbox, "13812345678")
    assert response.status_code == HTTPStatus.OK
    assert "这个手机号码已经用于另一个账户，不能再添加到这里。" in response.content.decode()
    user.refresh_from_db()
    holder.refresh_from_db()
    assert user.phone is None and (holder.phone, holder.phone_verified) == (NUMBER, True)


def test_changing_to_a_number_only_claimed_elsewhere_takes_it(client, site_shell, sms_outbox):
    claimant = FamilyFactory(email=None, phone=NUMBER, phone_verified=False)
    user = FamilyFactory()
    _change_phone(_reauthenticated(client, user), sms_outbox, "13812345678")
    user.refresh_from_db()
    claimant.refresh_from_db()
    assert (user.phone, user.phone_verified) == (NUMBER, True) and claimant.phone is None


@pytest.fixture
def production_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = dict(base_settings.ACCOUNT_RATE_LIMITS)


def test_resending_the_signup_code_too_soon_keeps_the_delivered_one(
        client, site_shell, sms_outbox, production_limits):
    _signup(client)
    delivered = _code(sms_outbox[-1])
    page = client.post(reverse("account_verify_phone"), {"action": "resend"}, follow=True)
    assert len(sms_outbox) == 1
    assert TOO_MANY in page.content.decode()
    client.post(reverse("account_verify_phone"), {"code": delivered})
    assert User.objects.get(phone=NUMBER).phone_verified
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_resending_a_login_code_too_soon_keeps_the_delivered_one(
        client, site_shell, sms_outbox, production_limits):
    FamilyFactory(email=None, phone=NUMBER, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": "13812345678"}, follow=True)
    delivered = _code(sms_outbox[-1])
    page = client.post(reverse("account_confirm_login_code"), {"action": "resend"},
                       follow=True)
    assert len(sms_outbox) == 1
    html = page.content.decode()
    assert TOO_MANY in html and "验证码已发送" not in html
    client.post(reverse("account_confirm_login_code"), {"code": delivered})
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_a_resend_after_a_minute_sends_a_new_code_that_works(
        client, site_shell, sms_outbox, production_limits, time_machine):
    time_machine.move_to("2027-03-02T10:00:00+08:00", tick=False)
    FamilyFactory(email=None, phone=NUMBER, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": "13812345678"})
    time_machine.move_to("2027-03-02T10:01:05+08:00", tick=False)
    client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    assert len(sms_outbox) == 2
    client.post(reverse("account_confirm_login_code"), {"code": _code(sms_outbox[-1])})
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_a_signup_that_loses_the_race_for_a_new_number_is_told_the_account_exists(
        client, site_shell, sms_outbox, monkeypatch):
    """The second of two signups with one new number passed the form's check
    before the first was saved (simulated: the check finds nobody)."""
    from portal.adapters import AccountAdapter

    first = FamilyFactory(email=None, phone=NUMBER, phone_verified=True)
    monkeypatch.setattr(AccountAdapter, "get_user_by_phone", lambda self, phone: None)
    response = _signup(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_verify_phone")
    assert list(User.objects.filter(phone=NUMBER)) == [first]
    assert [s.text for s in sms_outbox] == ["【未愛小屋】此号码已有账户，请直接登录。"]


@pytest.mark.parametrize("debug", [False, True])
def test_the_console_sender_logs_numbers_and_codes_only_in_development(
        sms_outbox, settings, caplog, debug):
    from portal import sms

    settings.DEBUG = debug
    with caplog.at_level("INFO", logger="portal.sms"):
        sms.send(phone=NUMBER, kind=sms.Kind.CODE, params={"code": "482913"})
    assert sms_outbox[-1].params == {"code": "482913"}
    logged = caplog.text
    assert ("482913" in logged, NUMBER in logged) == (debug, debug)
    assert "+86138****5678" in logged or debug


def test_a_family_without_email_is_told_its_export_waits_on_the_privacy_page(
        client, site_shell, mailoutbox):
    client.force_login(FamilyFactory(email=None, phone=NUMBER, phone_verified=True))
    page = client.get(reverse("privacy:index")).content.decode()
    assert "你的账户没有邮箱，我们不会发邮件" in page
    response = client.post(reverse("privacy:export_request"), follow=True)
    html = response.content.decode()
    assert "完成后会列在本页“导出我的数据”下，请回来下载" in html
    assert "完成后我们会把下载链接发到你的邮箱" not in html


def test_a_family_with_email_is_told_the_link_comes_by_email(client, site_shell):
    client.force_login(FamilyFactory())
    assert "你的账户没有邮箱" not in client.get(reverse("privacy:index")).content.decode()
    response = client.post(reverse("privacy:export_request"), follow=True)
    assert "完成后我们会把下载链接发到你的邮箱" in response.content.decode()
