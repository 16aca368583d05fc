"""A family's irreversible taps ask first (issue 12), on a phone, with and
without JavaScript: the first tap changes nothing, the confirm does. And the
waitlist place, who a booking is for, the mode carried from the filter, the
name on a certificate. Every screen passes axe."""

import datetime as dt

import pytest
import time_machine

from bookings import services
from bookings.models import Booking, Mode, WaitlistEntry
from courses import services as course_services
from courses.models import Certificate
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import booking_at, local, working_counsellor
from tests.browser.test_booking_flow import (
    _assert_accessible,
    _fits_the_screen,
    _sign_in,
)
from tests.factories import (
    ChildFactory,
    CourseIndexPageFactory,
    FamilyFactory,
    GroupSessionFactory,
    LessonPageFactory,
    ModulePageFactory,
    TopicFactory,
)

pytestmark = pytest.mark.browser

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)  # a Monday morning
NO_JS = pytest.mark.browser_context(java_script_enabled=False)
BOTH = pytest.mark.parametrize(
    "javascript",
    [pytest.param(True, id="js"), pytest.param(False, id="no-js", marks=NO_JS)],
)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _submit(page, control) -> None:
    """Tap a form's button (or a link) and wait for the page the server answers with."""
    with page.expect_navigation():
        control.click()


@pytest.fixture
def counsellor(site_shell):
    counsellor, session_type = working_counsellor(
        display_name="林晓舟（虚构）", modes=[Mode.IN_PERSON, Mode.ONLINE]
    )
    session_type.modes = [Mode.IN_PERSON, Mode.ONLINE]
    session_type.save()
    return counsellor, session_type


# --- rescheduling ----------------------------------------------------------------------


@BOTH
def test_a_tapped_time_asks_before_the_booking_moves(
    live_server, browser_page, counsellor, javascript
):
    owner, session_type = counsellor
    family = FamilyFactory()
    old_start = local(dt.date(2027, 3, 5), 10)
    booking = booking_at(
        old_start, family=family, counsellor=owner, session_type=session_type
    )
    page = browser_page
    _sign_in(page, live_server, family)
    page.goto(live_server.url + booking.get_absolute_url())
    _submit(page, page.get_by_role("link", name="改期", exact=True))
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)
    slot = page.locator(".slot-list").get_by_role("button").first
    chosen = slot.get_attribute("aria-label").removeprefix("改到 ")
    _submit(page, slot)

    # The first tap only asks.
    question = page.get_by_test_id("reschedule-question").inner_text()
    assert question == f"把预约从 3月5日 周五 10:00 改到 {chosen}？"
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (old_start, 0)
    new_start = dt.datetime.fromisoformat(
        page.locator('input[name="new_start"]').get_attribute("value")
    )
    assert _fits_the_screen(page)
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)

    _submit(page, page.get_by_role("button", name="确认改期"))
    assert page.url == live_server.url + booking.get_absolute_url()
    assert page.get_by_text("已改期，新的时间会通过邮件发给你。").is_visible()
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (new_start, 1)
    assert new_start != old_start


# --- leaving a workshop, the waitlist ----------------------------------------------------


@pytest.fixture
def full_workshop(site_shell):
    """One seat, taken; two families queued after it, in that order."""
    workshop = GroupSessionFactory(
        title="和青春期孩子好好说话", capacity=1, start=local(dt.date(2027, 3, 10), 19)
    )
    seated, first, second = FamilyFactory(), FamilyFactory(), FamilyFactory()
    for family in (seated, first, second):
        services.workshop_join(family=family, group_session=workshop)
    return workshop, seated, first, second


@BOTH
def test_leaving_a_full_workshop_asks_then_gives_the_seat_away(
    live_server, browser_page, full_workshop, javascript
):
    workshop, seated, first, _second = full_workshop
    page = browser_page
    _sign_in(page, live_server, seated)
    page.goto(live_server.url + workshop.get_absolute_url())
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="退出工作坊"))

    assert page.get_by_test_id("leave-question").inner_text() == (
        "退出工作坊“和青春期孩子好好说话”（3月10日 周三 19:00）？"
    )
    assert (
        "你的名额会自动给候补名单上的下一位家庭"
        in page.get_by_test_id("leave-effect").inner_text()
    )
    assert workshop.seats.get(status=Booking.Status.CONFIRMED).family == seated
    assert WaitlistEntry.objects.get(family=first).promoted_at is None
    assert _fits_the_screen(page)
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)

    _submit(page, page.get_by_role("button", name="确认退出"))
    assert page.url == live_server.url + workshop.get_absolute_url()
    assert page.get_by_text("已退出这个工作坊。").is_visible()
    assert workshop.seats.get(status=Booking.Status.CONFIRMED).family == first


def test_a_waiting_family_sees_its_place(live_server, browser_page, full_workshop):
    workshop, _seated, _first, second = full_workshop
    page = browser_page
    _sign_in(page, live_server, second)
    page.goto(live_server.url + workshop.get_absolute_url())
    assert page.get_by_test_id("waitlist-position").inner_text() == "候补第 2 位"
    _assert_accessible(page)
    page.goto(live_server.url + "/bookings/mine/")
    assert page.get_by_test_id("waitlist-position").inner_text() == "候补第 2 位"
    assert _fits_the_screen(page)
    _assert_accessible(page)


# --- who the booking is for, the mode from the filter --------------------------------------


def test_the_filters_mode_is_carried_on_and_who_it_is_for_is_asked(
    live_server, browser_page, counsellor
):
    family = FamilyFactory()
    ChildFactory(family=family.family_profile, nickname="小满")
    page = browser_page
    _sign_in(page, live_server, family)
    page.goto(live_server.url + "/bookings/counsellors/")
    with page.expect_navigation():  # the filter refreshes as soon as a choice changes
        page.get_by_label("方式", exact=True).select_option(Mode.ONLINE)
    assert "mode=online" in page.url
    _assert_accessible(page)
    _submit(page, page.get_by_role("link", name="查看林晓舟（虚构）的可约时间"))
    assert "mode=online" in page.url
    _submit(page, page.get_by_test_id("soonest-slots").get_by_role("link").first)

    assert page.locator('input[name="mode"][value="online"]').is_checked()
    assert not page.locator('input[name="mode"][value="in_person"]').is_checked()
    # With a child registered, neither the child nor "for me" is assumed.
    assert not page.get_by_label("小满").is_checked()
    assert not page.get_by_label("为我自己").is_checked()
    assert _fits_the_screen(page)
    _assert_accessible(page)


# --- the name on a certificate -----------------------------------------------------------


@pytest.fixture
def certificate(site_shell):
    def publish(page):
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    index = publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))
    module = publish(
        ModulePageFactory(
            parent=index,
            title="识别孩子的危机信号",
            slug="crisis-signs",
            topic=TopicFactory(name="心理危机干预", slug="crisis-intervention"),
        )
    )
    lesson = publish(
        LessonPageFactory(parent=module, title="先听，再说", slug="listen")
    )
    family = FamilyFactory(display_name="")
    course_services.lesson_complete(user=family, lesson=lesson)
    return Certificate.objects.get(user=family, module=module)


def test_the_guardian_chooses_the_name_on_the_certificate(
    live_server, browser_page, certificate
):
    ChildFactory(family=certificate.user.family_profile, nickname="豆豆")
    page = browser_page
    _sign_in(page, live_server, certificate.user)
    page.goto(live_server.url + certificate.get_absolute_url())
    body = page.locator(".certificate-body")
    assert body.inner_text() == "学员 已完成学习模块《识别孩子的危机信号》的全部课时。"
    _assert_accessible(page)

    form = page.get_by_test_id("certificate-name-form")
    form.get_by_label("豆豆").check()
    _submit(page, form.get_by_role("button", name="印这个名字"))
    assert body.inner_text() == "豆豆 已完成学习模块《识别孩子的危机信号》的全部课时。"

    form = page.get_by_test_id("certificate-name-form")
    form.get_by_label("其他名字（在下面填写）").check()
    form.get_by_label("其他名字", exact=True).fill("王小明")
    _submit(page, form.get_by_role("button", name="印这个名字"))
    assert (
        body.inner_text() == "王小明 已完成学习模块《识别孩子的危机信号》的全部课时。"
    )
    assert _fits_the_screen(page)
    _assert_accessible(page)
