"""A newcomer's path through accounts, in a real browser (phone-sized)."""

import re

import pytest
from django.core import mail

from portal.models import Consent, User
from tests.browser.conftest import axe_check, format_violations

pytestmark = pytest.mark.browser

PASSWORD = "gentle-harbour-lights-27"


def test_home_page_shows_the_crisis_banner(live_server, browser_page, site_shell):
    browser_page.goto(live_server.url + "/")
    banner = browser_page.get_by_test_id("crisis-banner")
    assert banner.is_visible()
    link = banner.get_by_role("link", name=re.compile("12356"))
    assert link.get_attribute("href") == "tel:12356"


def test_newcomer_signs_up_verifies_logs_in_and_switches_language(
    live_server, browser_page, site_shell
):
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="登录").first.click()
    page.get_by_role("link", name="注册一个家庭账户").click()
    assert page.get_by_role("heading", level=1).inner_text() == "注册家庭账户"

    page.fill('input[name="email"]', "newcomer@example.cn")
    page.fill('input[name="password1"]', PASSWORD)
    page.fill('input[name="password2"]', PASSWORD)
    page.fill('input[name="guardian_name"]', "赵女士")
    # Submitting without consent is refused with a clear message.
    page.get_by_role("button", name="注册").click()
    assert page.get_by_text("注册前请阅读并同意隐私政策。").is_visible()
    assert not User.objects.filter(email="newcomer@example.cn").exists()

    page.fill('input[name="password1"]', PASSWORD)
    page.fill('input[name="password2"]', PASSWORD)
    page.get_by_label("我已阅读并同意《隐私政策》").check()
    page.get_by_role("button", name="注册").click()
    assert page.get_by_role("heading", level=1).inner_text() == "请查收确认邮件"
    user = User.objects.get(email="newcomer@example.cn")
    assert user.consents.filter(kind=Consent.Kind.PRIVACY_NOTICE).count() == 1

    # The verification email, from the outbox (same process as live_server).
    assert len(mail.outbox) == 1
    link = re.search(r"(https?://\S+/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    page.goto(link)
    page.get_by_role("button", name=re.compile("确认")).click()
    assert user.emailaddress_set.get().verified

    # Sign out (a POST form), then sign in again with the new account.
    page.goto(live_server.url + "/account/")
    page.get_by_role("button", name="退出登录").click()
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', "newcomer@example.cn")
    page.fill('input[name="password"]', PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    assert page.get_by_role("heading", level=1).inner_text() == "我的账户"
    assert page.url == live_server.url + "/account/"

    # Switch to English: same page, English UI.
    page.get_by_role("button", name="English").click()
    assert page.url == live_server.url + "/en/account/"
    assert page.get_by_role("heading", level=1).inner_text() == "My account"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Sign out").is_visible()
    user.refresh_from_db()
    assert user.preferred_language == "en"

    # And back to Chinese.
    page.get_by_role("button", name="简体中文").click()
    assert page.url == live_server.url + "/account/"
    assert page.get_by_role("heading", level=1).inner_text() == "我的账户"


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/en/", "/en/accounts/signup/"]
)
def test_no_serious_accessibility_violations(live_server, browser_page, site_shell, path):
    browser_page.goto(live_server.url + path)
    violations = axe_check(browser_page)
    assert violations == [], format_violations(violations)


def test_signup_errors_are_announced_accessibly(live_server, browser_page, site_shell):
    browser_page.goto(live_server.url + "/accounts/signup/")
    browser_page.get_by_role("button", name="注册").click()
    # The server answers (forms are novalidate): messages tied to the fields.
    email = browser_page.locator('input[name="email"]')
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby")
    assert "id_email_error" in described.split()
    assert browser_page.locator("#id_email_error").inner_text().strip() != ""
    consent = browser_page.locator('input[name="accept_privacy"]')
    assert consent.get_attribute("aria-invalid") == "true"
    assert "注册前请阅读并同意隐私政策。" in browser_page.locator(
        "#id_accept_privacy_error").inner_text()
    violations = axe_check(browser_page)
    assert violations == [], format_violations(violations)


def test_demo_editor_signs_in_with_the_demo_totp_code_and_reaches_the_admin(
    live_server, browser_page, site_shell
):
    from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
    from portal.management.commands.demo_totp import current_code

    page = browser_page
    page.goto(live_server.url + "/admin/")
    assert page.url.startswith(live_server.url + "/accounts/login/?next=/admin/")
    page.fill('input[name="login"]', "editor@demo.weiai.cn")
    page.fill('input[name="password"]', DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    # Second step: the six-digit code (what `manage.py demo_totp` prints).
    assert page.url.startswith(live_server.url + "/accounts/2fa/authenticate/")
    page.fill('input[name="code"]', current_code(DEMO_TOTP_SECRET))
    page.locator('main button[type="submit"]').first.click()
    page.wait_for_url(live_server.url + "/admin/")
    assert "Wagtail" in page.title()


def test_account_page_and_child_form_have_no_serious_violations(
    live_server, browser_page, site_shell
):
    from portal.demo import DEMO_PASSWORD

    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', "family@demo.weiai.cn")
    page.fill('input[name="password"]', DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/account/")
    violations = axe_check(page)
    assert violations == [], format_violations(violations)

    page.get_by_role("link", name="添加孩子").click()
    page.get_by_role("button", name="保存").click()  # empty: errors shown
    assert page.get_by_role("alert").first.is_visible()
    violations = axe_check(page)
    assert violations == [], format_violations(violations)
