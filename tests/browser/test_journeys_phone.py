"""A family signs up with its mobile number on a phone, verifies it with the
texted code (the console sender's outbox) and books a session; later it signs
in again with a code alone."""

import datetime as dt
import re

import pytest
import time_machine

from bookings.models import Booking
from portal.models import Consent, User
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import working_counsellor
from tests.browser.test_booking_flow import (
    SMALL_PHONE,
    _assert_accessible,
    _fits_the_screen,
)
from tests.factories import TopicFactory

pytestmark = pytest.mark.browser

PASSWORD = "quiet-river-morning-42"
# The live server runs in this process: the pinned (ticking) clock is its clock
# too, so "the soonest slot" is the same Tuesday 09:00 on any day, at any hour.
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)  # a Monday morning
SOONEST = dt.datetime(2027, 3, 2, 9, 0, tzinfo=STATION_TZ)  # past the booking notice


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def counsellor(site_shell):
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    counsellor, session_type = working_counsellor(display_name="林晓舟（虚构）",
                                                  specialties=[topic])
    return counsellor, session_type


def _code(sms_outbox, index=-1) -> str:
    return re.search(r"\d{6}", sms_outbox[index].text).group(0)


@pytest.mark.browser_context(viewport=SMALL_PHONE)
def test_sign_up_by_phone_verify_with_the_code_and_book(
        live_server, browser_page, counsellor, sms_outbox):
    page = browser_page
    page.goto(live_server.url + "/accounts/signup/")
    assert _fits_the_screen(page)
    _assert_accessible(page)
    page.get_by_label("手机号码").fill("138 1234 5678")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码（重复）").fill(PASSWORD)
    page.get_by_label("怎么称呼您").fill("钱女士")
    page.get_by_label("我已阅读并同意《隐私政策》").check()
    page.get_by_role("button", name="注册").click()

    # The code page: the code arrives by SMS (here: the console sender).
    page.wait_for_url("**/accounts/phone/verify/")
    assert page.get_by_role("heading", name="输入短信验证码").is_visible()
    assert _fits_the_screen(page)
    _assert_accessible(page)
    [sms] = sms_outbox
    assert sms.phone == "+8613812345678"
    assert "预约" not in sms.text and "咨询" not in sms.text  # neutral: no topic
    page.get_by_label("验证码").fill(_code(sms_outbox))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url("**/account/**")
    assert page.get_by_text("138****5678 · 已验证").is_visible()
    user = User.objects.get(phone="+8613812345678")
    assert user.phone_verified and user.email is None
    assert Consent.objects.filter(user=user, kind=Consent.Kind.PRIVACY_NOTICE).exists()

    # Book: topic -> counsellor -> soonest time -> details -> review -> confirm.
    page.goto(live_server.url + "/bookings/")
    page.get_by_role("link", name="情绪疏导").click()
    page.get_by_role("link", name="查看林晓舟（虚构）的可约时间").click()
    page.get_by_test_id("soonest-slots").get_by_role("link").first.click()
    page.get_by_label("希望得到帮助的事情").fill("想聊聊孩子最近的情绪。")
    page.locator("input[name=mode][value=in_person]").check()
    for radio in page.locator("input[type=radio][name^=risk_][value=no]").all():
        radio.check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="下一步：核对并确认").click()
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_url("**/bookings/*/?new=1")
    assert page.get_by_role("heading", name="预约成功").is_visible()
    booking = Booking.objects.get(family=user)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start.astimezone(STATION_TZ) == SOONEST

    # Signing in again takes the number and a new code, no password.
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="用短信或邮箱验证码登录").click()
    _assert_accessible(page)
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url("**/accounts/login/code/confirm/")
    assert len(sms_outbox) == 2
    page.get_by_label("验证码").fill(_code(sms_outbox))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url("**/account/**")
    page.goto(live_server.url + "/bookings/mine/")
    assert page.get_by_test_id("upcoming-bookings").get_by_role("link").count() >= 1
