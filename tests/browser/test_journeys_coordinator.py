"""A coordinator's day on a phone (issue 12): an urgent intake claimed, called
and resolved; a closure deleted through its confirm step, with and without
JavaScript; the booking table scrolled by keyboard. Every screen passes axe."""

import datetime as dt

import pytest
import time_machine

from bookings import intake, schedule_services
from bookings.models import Booking, StationClosure
from portal.models import FamilyProfile
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import booking_at, local, with_totp, working_counsellor
from tests.browser.test_booking_flow import (
    _assert_accessible,
    _fits_the_screen,
    _sign_in,
)
from tests.factories import ChildFactory, CoordinatorFactory, FamilyFactory

pytestmark = pytest.mark.browser

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)  # a Monday; the station opens
NO_JS = pytest.mark.browser_context(java_script_enabled=False)


def _submit(page, button) -> None:
    """Tap a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def coordinator(site_shell):
    return with_totp(CoordinatorFactory(display_name="王协调（虚构）"))


@pytest.fixture
def urgent(site_shell):
    counsellor, session_type = working_counsellor(display_name="林晓舟（虚构）")
    family = FamilyFactory()
    FamilyProfile.objects.update_or_create(
        user=family, defaults={"guardian_name": "李女士（虚构）"}
    )
    answers = {**dict.fromkeys(intake.RISK_KEYS, "no"), "child_wish_dead": "unsure"}
    return booking_at(
        local(dt.date(2027, 3, 4), 10),
        counsellor=counsellor,
        session_type=session_type,
        family=family,
        is_urgent=True,
        contact_phone="+8613912345678",
        intake_answers={"screen": intake.SCREEN_VERSION, "risk": answers},
    )


def test_an_urgent_intake_is_claimed_called_and_resolved(
    live_server, browser_page, coordinator, urgent
):
    page = browser_page
    _sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/bookings/coordinator/urgent/")
    card = page.get_by_test_id("urgent-card")
    # Who to call, on which number, and why.
    contact = card.get_by_test_id("urgent-contact")
    assert "李女士（虚构）" in contact.inner_text()
    assert contact.get_by_role("link").get_attribute("href") == "tel:+8613912345678"
    triggers = card.get_by_test_id("urgent-triggers").inner_text()
    assert "希望自己死掉" in triggers and "不确定" in triggers
    assert card.get_by_test_id("urgent-state").inner_text() == "待联系"
    assert "尚无人认领" in card.get_by_test_id("urgent-owner").inner_text()
    assert _fits_the_screen(page)
    _assert_accessible(page)

    _submit(page, card.get_by_role("button", name="我来认领"))
    assert page.get_by_text("已认领。").first.is_visible()
    assert "负责人：王协调（虚构）" in page.get_by_test_id("urgent-owner").inner_text()
    assert (
        page.get_by_test_id("urgent-card")
        .get_by_role("button", name="我来认领")
        .count()
        == 0
    )
    urgent.refresh_from_db()
    assert urgent.urgent_owner == coordinator
    _assert_accessible(page)

    # First attempt: a WeChat call that reached the family.
    page.get_by_test_id("urgent-card").get_by_role("link", name="记录联系").click()
    page.wait_for_url(f"**/bookings/{urgent.pk}/#follow-up")
    follow_up = page.get_by_test_id("follow-up")
    state = follow_up.get_by_test_id("urgent-state")
    assert (
        "待联系" in state.inner_text()
        and "负责人：王协调（虚构）" in state.inner_text()
    )
    assert state.get_by_role("link").get_attribute("href") == "tel:+8613912345678"
    _assert_accessible(page)
    follow_up.get_by_label("微信").check()
    follow_up.get_by_label("已联系上，仍在跟进").check()
    _submit(page, follow_up.get_by_role("button", name="记录跟进"))
    assert (
        "已联系，跟进中"
        in page.get_by_test_id("follow-up").get_by_test_id("urgent-state").inner_text()
    )
    attempts = page.get_by_test_id("follow-up-list").inner_text()
    assert "微信" in attempts and "已联系上，仍在跟进" in attempts
    _assert_accessible(page)

    # Second: assessed and next steps agreed, by phone: resolved, out of the queue.
    follow_up = page.get_by_test_id("follow-up")
    follow_up.get_by_label("电话", exact=True).check()
    follow_up.get_by_label("已联系上，已评估并约定后续").check()
    follow_up.get_by_label("孩子本人：ASQ 阴性").check()
    _submit(page, follow_up.get_by_role("button", name="记录跟进"))
    assert page.get_by_text("已记录跟进，这个预约已离开紧急队列。").is_visible()
    assert (
        "已处理"
        in page.get_by_test_id("follow-up").get_by_test_id("urgent-state").inner_text()
    )
    assert page.get_by_test_id("follow-up-list").locator("li").count() == 2
    urgent.refresh_from_db()
    assert urgent.urgent_state == Booking.UrgentState.RESOLVED
    assert list(
        urgent.follow_ups.order_by("created_at").values_list("channel", "outcome")
    ) == [("wechat", "spoke"), ("phone", "reached")]
    _assert_accessible(page)

    page.goto(live_server.url + "/bookings/coordinator/urgent/")
    assert page.get_by_test_id("urgent-card").count() == 0
    assert urgent.reference in page.get_by_test_id("urgent-followed").inner_text()
    _assert_accessible(page)


@pytest.fixture
def closure(site_shell):
    schedule_services.closure_add(
        name="元旦", start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 9)
    )
    return StationClosure.objects.get()


@pytest.mark.parametrize(
    "javascript",
    [pytest.param(True, id="js"), pytest.param(False, id="no-js", marks=NO_JS)],
)
def test_deleting_a_closure_asks_first(
    live_server, browser_page, coordinator, closure, javascript
):
    page = browser_page
    _sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/bookings/coordinator/closures/")
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="删除"))

    # The first tap only asks.
    question = page.get_by_test_id("closure-question")
    assert question.inner_text() == "删除闭馆日期“元旦”（3月8日 周一 – 3月9日 周二）？"
    assert StationClosure.objects.filter(pk=closure.pk).exists()
    assert _fits_the_screen(page)
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)

    _submit(page, page.get_by_role("button", name="确认删除"))
    assert page.url == live_server.url + "/bookings/coordinator/closures/"
    assert page.get_by_text("已删除闭馆日期。").is_visible()
    assert not StationClosure.objects.exists()


def _tab_to(page, region, *, presses: int = 120) -> None:
    """Press Tab until `region` has the focus (a keyboard user's way there)."""
    for _press in range(presses):
        page.keyboard.press("Tab")
        if region.evaluate("el => el === document.activeElement"):
            return
    pytest.fail("Tab never reached the table")


def _scrolls_by_keyboard(page, region) -> None:
    """A table wider than the phone: reached with Tab, moved with the arrow keys."""
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "nothing to scroll"
    _tab_to(page, region)
    for _press in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")


def test_the_report_tables_scroll_by_keyboard_and_pass_axe(
    live_server, browser_page, coordinator
):
    # A long romanised name does not wrap: the tables get wider than a phone.
    counsellor, session_type = working_counsellor(
        display_name="Konstantinopoulou-Vasilakopoulou"
    )
    for day in range(1, 4):
        family = FamilyFactory()
        FamilyProfile.objects.update_or_create(
            user=family, defaults={"guardian_name": "张先生（虚构）"}
        )
        booking_at(
            local(NOW.date() - dt.timedelta(days=day), 10),
            counsellor=counsellor,
            session_type=session_type,
            family=family,
            status=Booking.Status.ATTENDED,
            child=ChildFactory(family=family.family_profile),
        )
    page = browser_page
    _sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/bookings/coordinator/")
    _scrolls_by_keyboard(page, page.get_by_role("region", name="预约列表"))
    assert _fits_the_screen(page)
    _assert_accessible(page)

    page.goto(live_server.url + "/bookings/coordinator/reports/")
    for name in ("各主题、各月预约数表格", "工作坊满员率表格", "提前预约天数表格"):
        assert page.get_by_role("region", name=name).get_attribute("tabindex") == "0"
    _scrolls_by_keyboard(page, page.get_by_role("region", name="到场率表格"))
    assert _fits_the_screen(page)
    _assert_accessible(page)
