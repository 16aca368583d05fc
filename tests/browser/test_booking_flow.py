"""A family books a session on a phone, without help; the counsellor sees it in their week."""

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import Booking
from tests.bookings.web_setup import with_totp, working_counsellor
from tests.browser.conftest import axe_check, format_violations
from tests.factories import ChildFactory, FamilyFactory, TopicFactory

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}


def _sign_in(page, live_server, user) -> None:
    """A session cookie made by force_login (login itself is tested by accounts)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{
        "name": "sessionid", "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }])


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _assert_accessible(page) -> None:
    violations = axe_check(page)
    assert violations == [], format_violations(violations)


@pytest.fixture
def people(site_shell):
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    counsellor, session_type = working_counsellor(display_name="林晓舟（虚构）",
                                                  specialties=[topic])
    with_totp(counsellor.user)
    family = FamilyFactory()
    ChildFactory(family=family.family_profile, nickname="小满")
    return {"topic": topic, "counsellor": counsellor, "session_type": session_type,
            "family": family}


@pytest.mark.browser_context(viewport=SMALL_PHONE)
def test_family_books_on_a_phone_and_the_counsellor_sees_it_in_their_week(
        live_server, browser_page, people):
    page = browser_page
    _sign_in(page, live_server, people["family"])

    # Home page -> booking entry -> topic -> counsellor.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="预约咨询师").click()
    page.wait_for_url("**/bookings/")
    _assert_accessible(page)
    page.get_by_role("link", name="情绪疏导").click()
    page.get_by_role("link", name="查看林晓舟（虚构）的可约时间").click()
    assert page.get_by_text("时间均按北京时间显示").is_visible()
    assert _fits_the_screen(page)
    _assert_accessible(page)

    # Soonest free time first.
    first_slot = page.get_by_test_id("soonest-slots").get_by_role("link").first
    chosen = first_slot.inner_text()
    first_slot.click()

    # Details: for the child, in person, the risk screen, consent.
    # With a child registered, the choice is explicit (nothing preselected).
    page.get_by_label("小满").check()
    page.get_by_label("希望得到帮助的事情").fill("孩子最近晚上睡不好，也不太愿意说话。")
    page.locator("input[name=mode][value=in_person]").check()
    for radio in page.locator("input[type=radio][name^=risk_][value=no]").all():
        radio.check()
    page.locator("input[name=consent]").check()
    assert _fits_the_screen(page)
    _assert_accessible(page)
    page.get_by_role("button", name="下一步：核对并确认").click()

    # Review: the cancellation policy is shown before confirming.
    policy = page.get_by_test_id("cancellation-policy")
    assert "免费取消或改期" in policy.inner_text()
    assert chosen in page.get_by_test_id("chosen-time").inner_text()
    _assert_accessible(page)
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_url("**/bookings/*/?new=1")
    assert page.get_by_role("heading", name="预约成功").is_visible()
    assert page.get_by_test_id("crisis-panel").count() == 0

    booking = Booking.objects.get(family=people["family"])
    assert booking.child.nickname == "小满"
    assert booking.status == Booking.Status.CONFIRMED

    # My bookings lists it.
    page.goto(live_server.url + "/bookings/mine/")
    assert chosen in page.get_by_test_id("upcoming-bookings").inner_text()

    # The counsellor, on their own phone, finds it in their week with the intake.
    _sign_in(page, live_server, people["counsellor"].user)
    week_of = timezone.localtime(booking.start).date().isoformat()
    page.goto(f"{live_server.url}/bookings/counsellor/week/?week={week_of}")
    entry = page.get_by_test_id("week").locator(f'a[href="/bookings/{booking.pk}/"]')
    assert entry.is_visible()
    assert timezone.localtime(booking.start).strftime("%H:%M") in entry.inner_text()
    assert _fits_the_screen(page)
    _assert_accessible(page)
    page.get_by_test_id("week").get_by_role("link", name="查看登记信息").first.click()
    assert "孩子最近晚上睡不好" in page.get_by_test_id("intake").inner_text()


def test_a_family_at_risk_sees_the_crisis_lines_at_once(live_server, browser_page, people):
    page = browser_page
    _sign_in(page, live_server, people["family"])
    counsellor, session_type = people["counsellor"], people["session_type"]
    page.goto(f"{live_server.url}/bookings/counsellors/{counsellor.slug}/"
              f"?type={session_type.slug}")
    page.get_by_test_id("soonest-slots").get_by_role("link").first.click()
    page.locator("input[name=mode][value=online]").check()
    radios = page.locator("input[type=radio][name^=risk_][value=no]").all()
    for radio in radios[1:]:
        radio.check()
    page.locator("input[type=radio][name^=risk_][value=yes]").first.check()
    page.get_by_label("为我自己").check()
    # A positive screen asks for a number to call back on.
    page.get_by_label("能马上联系到你的手机号").fill("139 1234 5678")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="下一步：核对并确认").click()
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_url("**/bookings/*/?new=1")

    panel = page.get_by_test_id("crisis-panel")
    assert panel.is_visible()
    assert panel.get_by_role("link", name="12356").first.get_attribute("href") == \
        "tel:12356"
    assert "协调员会给你打电话" in panel.inner_text()
    assert Booking.objects.get(family=people["family"]).is_urgent is True
    _assert_accessible(page)


def test_danger_right_now_puts_120_and_110_first_across_the_page(
        live_server, browser_page, people):
    page = browser_page
    _sign_in(page, live_server, people["family"])
    counsellor, session_type = people["counsellor"], people["session_type"]
    page.goto(f"{live_server.url}/bookings/counsellors/{counsellor.slug}/"
              f"?type={session_type.slug}")
    page.get_by_test_id("soonest-slots").get_by_role("link").first.click()
    page.locator("input[name=mode][value=online]").check()
    for radio in page.locator("input[type=radio][name^=risk_][value=no]").all():
        radio.check()
    page.locator("input[name=risk_child_suicide_talk][value=yes]").check()
    page.get_by_label("为我自己").check()
    page.get_by_label("能马上联系到你的手机号").fill("139 1234 5678")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="下一步：核对并确认").click()

    gate = page.get_by_test_id("danger-gate")
    assert "现在是否有危险？" in gate.inner_text()
    gate.locator("input[name=risk_danger_now][value=yes]").check()
    gate.get_by_role("button", name="继续").click()

    panel = page.get_by_test_id("emergency-panel")
    assert panel.is_visible()
    assert panel.get_by_role("link").first.get_attribute("href") == "tel:120"
    page_width = page.evaluate("document.documentElement.clientWidth")
    assert panel.bounding_box()["width"] >= page_width - 1
    _assert_accessible(page)


@pytest.mark.browser_context(viewport=SMALL_PHONE)
def test_staff_pages_fit_a_phone_and_pass_axe(live_server, browser_page, people):
    from tests.bookings.web_setup import booking_at, day_ahead, local
    from tests.factories import CoordinatorFactory, GroupSessionFactory

    counsellor, session_type = people["counsellor"], people["session_type"]
    booking_at(local(day_ahead(2), 10), counsellor=counsellor, session_type=session_type,
               family=people["family"], status=Booking.Status.CONFIRMED, is_urgent=True)
    GroupSessionFactory(title="亲子沟通工作坊", counsellors=[counsellor])
    page = browser_page

    _sign_in(page, live_server, counsellor.user)
    page.goto(live_server.url + "/bookings/counsellor/hours/")
    assert page.get_by_test_id("free-preview").is_visible()
    assert _fits_the_screen(page)
    _assert_accessible(page)

    _sign_in(page, live_server, with_totp(CoordinatorFactory()))
    for path in ("/bookings/coordinator/", "/bookings/coordinator/urgent/",
                 "/bookings/coordinator/closures/", "/bookings/coordinator/reports/"):
        page.goto(live_server.url + path)
        assert page.get_by_role("heading", level=1).is_visible()
        assert _fits_the_screen(page), path
        _assert_accessible(page)

    _sign_in(page, live_server, people["family"])
    for path in ("/bookings/mine/", "/bookings/workshops/"):
        page.goto(live_server.url + path)
        assert _fits_the_screen(page), path
        _assert_accessible(page)
