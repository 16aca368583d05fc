"""A social worker on a phone (issue 14): signs in with the TOTP step, finds
the overdue visit on the work list, records the visit (no script needed),
and sees it on the case's timeline. Every screen passes axe and fits."""

import datetime as dt

import pytest
import time_machine

from cases.models import Visit
from portal.management.commands.demo_totp import current_code
from portal.models import Role
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import TOTP_SECRET, with_totp
from tests.browser.test_booking_flow import _assert_accessible, _fits_the_screen
from tests.cases.factories import make_case, staff

pytestmark = pytest.mark.browser

NOW = dt.datetime(2027, 3, 10, 15, 0, tzinfo=STATION_TZ)
PASSWORD = "a-long-staff-pass-2027"  # noqa: S105 - a test password


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_a_worker_records_a_visit_on_a_phone_and_sees_it_on_the_timeline(
        live_server, browser, site_shell):
    worker = staff(Role.SOCIAL_WORKER, email="worker-visits@example.cn",
                   display_name="周社工")
    worker.set_password(PASSWORD)
    worker.save()
    with_totp(worker)
    case = make_case(worker=worker)  # opened in January, never visited: overdue
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/cases/")
        assert page.url.startswith(live_server.url + "/accounts/login/?next=/cases/")
        page.fill('input[name="login"]', worker.email)
        page.fill('input[name="password"]', PASSWORD)
        _submit(page, page.locator("main").get_by_role("button", name="登录"))
        assert page.url.startswith(live_server.url + "/accounts/2fa/authenticate/")
        page.fill('input[name="code"]', current_code(TOTP_SECRET))
        _submit(page, page.locator('main button[type="submit"]').first)
        assert page.url == live_server.url + "/cases/"
        assert page.get_by_role("heading", level=1).inner_text() == "个案工作台"
        assert page.get_by_test_id("nav-cases").is_visible()
        _assert_accessible(page)
        assert _fits_the_screen(page)

        overdue = page.get_by_test_id("visits-overdue")
        _submit(page, overdue.get_by_role("link", name=f"#{case.pk} 小雨"))
        _submit(page, page.get_by_role("link", name="记录探访"))
        assert _fits_the_screen(page)
        _assert_accessible(page)
        page.get_by_label("入户").check()
        page.fill('input[name="done_at"]', "2027-03-10T14:00")
        page.get_by_label("监护人在场").check()
        page.get_by_label("观察记录").fill("外婆在家，孩子作业已完成。")
        tap = page.get_by_role("button", name="保存探访记录").bounding_box()
        assert tap["height"] >= 44
        _submit(page, page.get_by_role("button", name="保存探访记录"))
        assert page.get_by_text("探访记录已保存。").is_visible()
        visit = Visit.objects.get(case=case)
        assert page.url == f"{live_server.url}{visit.get_absolute_url()}?saved=1"

        _submit(page, page.get_by_role("link", name="返回个案"))
        timeline = page.get_by_test_id("timeline")
        assert timeline.get_by_role("link", name="入户").is_visible()
        assert "3月10日 周三 14:00" in timeline.inner_text()
        assert _fits_the_screen(page)
        _assert_accessible(page)
    finally:
        context.close()
