"""A counsellor's day on a phone (issue 12): signing in lands on the week; the
week shows time off, closures, clashes and age bands; attendance shows the
choice made; a note is edited within a day, then locked; the hours grid, and
deleting hours or time off through a confirm step, with and without
JavaScript. Every screen passes axe."""

import datetime as dt

import pytest
import time_machine

from bookings.models import AvailabilityRule, Booking, StationClosure, TimeOff
from portal.management.commands.demo_totp import current_code
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import (
    TOTP_SECRET,
    booking_at,
    local,
    with_totp,
    working_counsellor,
)
from tests.browser.test_booking_flow import (
    _assert_accessible,
    _fits_the_screen,
    _sign_in,
)
from tests.factories import (
    ChildFactory,
    CoordinatorFactory,
    GroupSessionFactory,
)

pytestmark = pytest.mark.browser

NOW = dt.datetime(2027, 3, 1, 11, 0, tzinfo=STATION_TZ)  # a Monday, late morning
NEXT_MONDAY = dt.date(2027, 3, 8)
NO_JS = pytest.mark.browser_context(java_script_enabled=False)
STAFF_PASSWORD = "a-long-staff-pass-2027"  # noqa: S105 - a test password


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _submit(page, button) -> None:
    """Tap a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


@pytest.fixture
def counsellor(site_shell):
    counsellor, session_type = working_counsellor(display_name="林晓舟（虚构）")
    session_type.name = "个体咨询"
    session_type.location = "未保站二楼咨询室"
    session_type.save()
    with_totp(counsellor.user)
    return counsellor, session_type


@pytest.mark.parametrize(
    ("role", "landing", "heading"),
    [
        ("counsellor", "/bookings/counsellor/week/", "我的一周"),
        ("coordinator", "/bookings/coordinator/", "全部预约"),
    ],
)
def test_staff_land_on_their_workspace_after_signing_in(
    live_server, browser_page, site_shell, role, landing, heading
):
    if role == "counsellor":
        user = working_counsellor(display_name="林晓舟（虚构）")[0].user
    else:
        user = CoordinatorFactory(email="coordinator-lands@example.cn")
    with_totp(user)
    user.set_password(STAFF_PASSWORD)
    user.save()
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', STAFF_PASSWORD)
    _submit(page, page.locator("main").get_by_role("button", name="登录"))
    assert page.url.startswith(live_server.url + "/accounts/2fa/authenticate/")
    _assert_accessible(page)
    page.fill('input[name="code"]', current_code(TOTP_SECRET))
    _submit(page, page.locator('main button[type="submit"]').first)
    assert page.url == live_server.url + landing
    assert page.get_by_role("heading", level=1).inner_text() == heading
    _assert_accessible(page)


def test_the_week_shows_time_off_closures_clashes_and_age_bands(
    live_server, browser_page, counsellor
):
    owner, session_type = counsellor
    child = ChildFactory(nickname="小雨", birth_year=2019)  # 8 in 2027
    booking_at(
        local(NEXT_MONDAY, 10),
        counsellor=owner,
        session_type=session_type,
        child=child,
        family=child.family.user,
    )
    TimeOff.objects.create(
        counsellor=owner,
        start=local(NEXT_MONDAY, 9),
        end=local(NEXT_MONDAY, 12),
        reason="培训",
    )
    TimeOff.objects.create(
        counsellor=owner,
        start=local(NEXT_MONDAY, 0) + dt.timedelta(days=1),
        end=local(NEXT_MONDAY, 0) + dt.timedelta(days=3),
        reason="年假",
    )
    wednesday = NEXT_MONDAY + dt.timedelta(days=2)
    GroupSessionFactory(
        counsellors=[owner],
        title="亲子沟通工作坊",
        start=local(wednesday, 14),
        end=local(wednesday, 15, 30),
    )
    StationClosure.objects.create(
        name="临时闭馆", start_date=wednesday, end_date=wednesday
    )

    page = browser_page
    _sign_in(page, live_server, owner.user)
    page.goto(live_server.url + "/bookings/counsellor/week/")
    page.get_by_role("link", name="下一周").click()
    page.wait_for_url(f"**/bookings/counsellor/week/?week={NEXT_MONDAY.isoformat()}")
    days = page.get_by_test_id("week").locator("> li")
    assert days.count() == 7
    monday, tuesday, wednesday_card = days.nth(0), days.nth(1), days.nth(2)
    # Day headers on one line each.
    title = monday.locator(".week-day-title")
    assert title.inner_text() == "3月8日 周一"
    # One line box for the text: the weekday is not broken ("周/一").
    lines = title.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getClientRects().length; }"
    )
    assert lines == 1
    assert "09:00–12:00" in monday.get_by_test_id("time-off").inner_text()

    booking = monday.locator("li.is-booking")
    assert "个体咨询" in booking.inner_text()
    assert booking.get_by_test_id("age-band").inner_text() == "6–12岁"
    assert "2019" not in booking.inner_text()
    assert "与休假冲突" in booking.get_by_test_id("clash").inner_text()

    for covered in (tuesday, wednesday_card):
        time_off = covered.get_by_test_id("time-off").inner_text()
        assert "年假" in time_off and "全天" in time_off
        assert "无安排" not in covered.inner_text()
    assert "临时闭馆" in wednesday_card.get_by_test_id("closure").inner_text()
    workshop = wednesday_card.locator("li.is-group")
    assert "亲子沟通工作坊" in workshop.inner_text()
    assert "与闭馆日冲突" in workshop.inner_text()
    assert "与休假冲突" in workshop.inner_text()
    assert _fits_the_screen(page)
    _assert_accessible(page)


def _pressed(page) -> dict[str, str]:
    buttons = page.get_by_role("region", name="到场情况").get_by_role("button")
    return {b.inner_text(): b.get_attribute("aria-pressed") for b in buttons.all()}


def test_attendance_shows_the_choice_made(live_server, browser_page, counsellor):
    owner, session_type = counsellor
    booking = booking_at(
        NOW - dt.timedelta(hours=2), counsellor=owner, session_type=session_type
    )
    page = browser_page
    _sign_in(page, live_server, owner.user)
    page.goto(live_server.url + booking.get_absolute_url())
    assert _pressed(page) == {"已到场": "false", "未到场": "false"}
    _assert_accessible(page)

    _submit(page, page.get_by_role("button", name="已到场"))
    assert page.get_by_text("已记录到场情况。").is_visible()
    assert _pressed(page) == {"已到场": "true", "未到场": "false"}
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    _assert_accessible(page)

    _submit(page, page.get_by_role("button", name="未到场"))
    assert _pressed(page) == {"已到场": "false", "未到场": "true"}
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    # Only the pressed one is drawn filled.
    pressed = page.get_by_role("button", name="未到场")
    assert "button-secondary" not in (pressed.get_attribute("class") or "")
    assert "button-secondary" in page.get_by_role(
        "button", name="已到场"
    ).get_attribute("class")
    _assert_accessible(page)


def test_a_note_is_edited_within_a_day_then_locked(
    live_server, browser_page, counsellor
):
    owner, session_type = counsellor
    booking = booking_at(
        NOW - dt.timedelta(hours=2), counsellor=owner, session_type=session_type
    )
    page = browser_page
    _sign_in(page, live_server, owner.user)
    page.goto(live_server.url + booking.get_absolute_url())
    page.get_by_label("新增记录").fill("第一次会谈：孩子愿意说话")
    _submit(page, page.get_by_role("button", name="保存记录"))
    assert page.get_by_text("记录已保存，仅你和协调员可见。").is_visible()

    notes = page.locator("#notes")
    _submit(page, notes.get_by_role("link", name="编辑"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("编辑咨询记录")
    assert "写下后 24 小时内可以修改" in page.locator("main").inner_text()
    _assert_accessible(page)
    page.get_by_label("记录", exact=True).fill("第一次会谈：孩子愿意说话，谈到了学校")
    _submit(page, page.get_by_role("button", name="保存修改"))
    assert page.get_by_text("记录已更新，之前的内容保留在历史版本中。").is_visible()
    note = page.locator("#notes article.note")
    assert "谈到了学校" in note.inner_text()
    assert note.get_by_test_id("note-edited").is_visible()
    note.locator("details summary").click()  # the earlier text, kept
    assert "第一次会谈：孩子愿意说话" in note.locator("details").inner_text()
    _assert_accessible(page)

    # A day later (staff sessions end after 30 idle minutes: signed in again).
    with time_machine.travel(NOW + dt.timedelta(hours=25), tick=True):
        _sign_in(page, live_server, owner.user)
        page.goto(live_server.url + booking.get_absolute_url())
        note = page.locator("#notes article.note")
        assert note.get_by_test_id("note-locked").inner_text() == "已锁定"
        assert note.get_by_role("link", name="编辑").count() == 0
        _assert_accessible(page)


def test_the_hours_page_reads_as_a_weekly_grid(live_server, browser_page, counsellor):
    owner, _type = counsellor
    AvailabilityRule.objects.filter(counsellor=owner, weekday=6).delete()
    page = browser_page
    _sign_in(page, live_server, owner.user)
    page.goto(live_server.url + "/bookings/counsellor/hours/")
    grid = page.get_by_test_id("hours-grid")
    rows = grid.locator("tbody tr")
    assert [rows.nth(i).locator("th").inner_text() for i in range(7)] == [
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
        "周日",
    ]
    assert "09:00–17:00" in rows.nth(0).inner_text()
    assert "不接待" in rows.nth(6).inner_text()
    assert "未保站二楼咨询室" in grid.locator("caption").inner_text()
    assert _fits_the_screen(page)
    _assert_accessible(page)


@pytest.mark.parametrize(
    "javascript",
    [pytest.param(True, id="js"), pytest.param(False, id="no-js", marks=NO_JS)],
)
def test_deleting_hours_and_time_off_asks_first(
    live_server, browser_page, counsellor, javascript
):
    owner, _type = counsellor
    time_off = TimeOff.objects.create(
        counsellor=owner,
        start=local(NEXT_MONDAY, 9),
        end=local(NEXT_MONDAY, 12),
        reason="年假",
    )
    monday_rule = AvailabilityRule.objects.get(counsellor=owner, weekday=0)
    page = browser_page
    _sign_in(page, live_server, owner.user)
    hours = live_server.url + "/bookings/counsellor/hours/"

    # A weekly time: the first tap asks, the confirm deletes.
    page.goto(hours)
    _submit(page, page.get_by_role("button", name="删除周一 09:00 起的时段"))
    assert (
        "每周时段：周一 09:00–17:00" in page.get_by_test_id("delete-what").inner_text()
    )
    assert AvailabilityRule.objects.filter(pk=monday_rule.pk).exists()
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="确认删除"))
    assert page.url == hours + "#free-slots"
    assert not AvailabilityRule.objects.filter(pk=monday_rule.pk).exists()
    assert (
        "不接待"
        in page.get_by_test_id("hours-grid").locator("tbody tr").nth(0).inner_text()
    )

    # Time off: going back changes nothing; the confirm deletes.
    section = page.get_by_role("region", name="休假")
    _submit(page, section.get_by_role("button", name="删除"))
    assert page.get_by_test_id("delete-what").inner_text() == (
        "休假：3月8日 周一 09:00 – 3月8日 周一 12:00 · 年假"
    )
    _submit(page, page.get_by_role("link", name="取消，返回"))
    assert page.url == hours
    assert TimeOff.objects.filter(pk=time_off.pk).exists()
    _submit(
        page, page.get_by_role("region", name="休假").get_by_role("button", name="删除")
    )
    _submit(page, page.get_by_role("button", name="确认删除"))
    assert not TimeOff.objects.filter(pk=time_off.pk).exists()
    assert _fits_the_screen(page)
