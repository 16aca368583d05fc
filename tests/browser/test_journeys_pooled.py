"""Booking by topic at a service point (issue 13), on a phone: from a module
page's "talk to a counsellor", the pooled link first; topic, point and mode;
a time; details with consent; book. The confirmation names the counsellor the
fair rule assigned (the less busy one). Without JavaScript, as the done-when
asks, and once with it for axe on every screen."""

import datetime as dt

import pytest
import time_machine

from bookings.models import Booking, Mode
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import booking_at, local
from tests.browser.test_booking_flow import (
    _assert_accessible,
    _fits_the_screen,
    _sign_in,
)
from tests.factories import (
    AvailabilityRuleFactory,
    CounsellorFactory,
    CourseIndexPageFactory,
    FamilyFactory,
    ModulePageFactory,
    SessionTypeFactory,
    TopicFactory,
)
from tests.network.factories import open_point

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


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def pool(site_shell):
    """A module of 情绪疏导; two counsellors meeting families at 澄樾 from
    09:00 to 17:00 (林晓舟 already has a session that week), a third only at
    香樟苑 in the evening."""
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    index = _publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))
    module = _publish(
        ModulePageFactory(
            parent=index, title="陪孩子走过低落的日子", slug="low-days", topic=topic
        )
    )
    chengyue = open_point(
        name="澄樾社区儿童之家", name_en="Chengyue Children's Home", slug="chengyue"
    )
    xiangzhang = open_point(name="香樟苑社区儿童之家", slug="xiangzhang")
    busy = CounsellorFactory(display_name="林晓舟（虚构）", specialties=[topic])
    idle = CounsellorFactory(display_name="周一诺（虚构）", specialties=[topic])
    elsewhere = CounsellorFactory(display_name="王一帆（虚构）", specialties=[topic])
    for counsellor, point, start, end in (
        (busy, chengyue, 9, 17),
        (idle, chengyue, 9, 17),
        (elsewhere, xiangzhang, 18, 20),
    ):
        for weekday in range(7):
            AvailabilityRuleFactory(
                counsellor=counsellor,
                weekday=weekday,
                start_time=dt.time(start),
                end_time=dt.time(end),
                point=point,
            )
    service = SessionTypeFactory(
        name="个别咨询", point=chengyue, counsellors=[busy, idle, elsewhere]
    )
    booking_at(local(dt.date(2027, 3, 4), 15), counsellor=busy, session_type=service)
    return {"module": module, "service": service, "idle": idle, "point": chengyue}


@BOTH
def test_a_family_books_the_next_available_counsellor_at_a_point(
    live_server, browser_page, pool, javascript
):
    family = FamilyFactory()
    page = browser_page
    _sign_in(page, live_server, family)

    # The module page: the pooled link comes first.
    page.goto(live_server.url + pool["module"].url)
    help_box = page.locator(".topic-help")
    first = help_box.get_by_role("link").filter(has_text="预约").first
    assert first.get_attribute("data-testid") == "pooled-first"
    assert first.inner_text() == "预约最早有空的咨询师"
    _submit(page, first)

    # Topic (carried from the module), point and mode.
    assert page.get_by_label("主题").input_value() == "emotional-guidance"
    page.get_by_label("面谈地点（只在选择面谈时使用）").select_option("chengyue")
    page.locator("input[name=mode][value=in_person]").check()
    assert _fits_the_screen(page)
    if javascript:  # axe-core needs page scripts; the js run checks this page
        _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="查看空余时间"))

    # The times at 澄樾: its counsellors' hours only (no evening times).
    assert (
        "面谈地点：澄樾社区儿童之家" in page.get_by_test_id("pooled-point").inner_text()
    )
    soonest = page.get_by_test_id("soonest-slots").get_by_role("link")
    # Monday 09:00 with 12 hours' notice: Tuesday 09:00 is the first time.
    assert soonest.first.inner_text() == "3月2日 周二 09:00"
    assert not [t for t in soonest.all_inner_texts() if t.endswith(("18:00", "19:00"))]
    assert _fits_the_screen(page)
    if javascript:
        _assert_accessible(page)
    chosen = soonest.first.inner_text()
    _submit(page, soonest.first)

    # Details with consent.
    page.get_by_label("希望得到帮助的事情").fill("孩子这几周情绪很低落。")
    for radio in page.locator("input[type=radio][name^=risk_][value=no]").all():
        radio.check()
    page.locator("input[name=consent]").check()
    assert _fits_the_screen(page)
    if javascript:
        _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="下一步：核对并确认"))

    # Review, then book.
    assert chosen in page.get_by_test_id("chosen-time").inner_text()
    if javascript:
        _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="确认预约"))

    # The confirmation names the counsellor assigned: the less busy one.
    assert page.url.endswith("?new=1")
    assert page.get_by_text("为你安排的咨询师是周一诺（虚构）").is_visible()
    assert "澄樾社区儿童之家" in page.get_by_test_id("place").inner_text()
    if javascript:
        _assert_accessible(page)
    booking = Booking.objects.get(family=family)
    assert booking.counsellor == pool["idle"]
    assert booking.session_type == pool["service"]
    assert booking.mode == Mode.IN_PERSON
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start == local(dt.date(2027, 3, 2), 9)
