"""A family on /en/, on a phone (issue 12): the booking side reads in English
(topics, session types, counsellors, workshops, places, the footer), with
Chinese only where it is marked lang="zh-Hans"; counsellor cards show an
avatar, credentials and languages; search finds the other script's words and
labels results from the other language. Every screen passes axe."""

import datetime as dt

import pytest
import time_machine
import wagtail_factories
from wagtail.models import Locale

from bookings.models import Booking
from courses.models import SearchSynonym
from portal.models import SiteSettings
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import local, working_counsellor
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
    ModulePageFactory,
    TopicFactory,
)

pytestmark = pytest.mark.browser

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)  # a Monday morning

# Han characters in visible text nodes, outside elements marked Chinese.
UNMARKED_HAN = """() => {
  const han = /[\\u3400-\\u9fff\\uf900-\\ufaff]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !han.test(node.textContent)) continue;
    if (el.closest('[lang^="zh"], script, style, noscript, template')) continue;
    if (!el.checkVisibility()) continue;
    found.push(node.textContent.trim().slice(0, 60));
  }
  return found;
}"""


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _submit(page, control) -> None:
    with page.expect_navigation():
        control.click()


def _assert_english(page) -> None:
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.evaluate(UNMARKED_HAN) == [], page.url


def _english(topic, name):
    english = topic.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = name
    english.save()
    return topic


@pytest.fixture
def world(site_shell):
    settings = SiteSettings.objects.get()
    settings.station_address, settings.station_address_en = (
        "某区幸福路 8 号二楼",
        "2nd floor, 8 Xingfu Road",
    )
    settings.opening_hours, settings.opening_hours_en = (
        "周一至周六 9:00–17:00",
        "Mon–Sat 9:00–17:00",
    )
    settings.save()
    topic = _english(
        TopicFactory(name="情绪疏导", slug="emotional-guidance"), "Emotional support"
    )
    photo_less, session_type = working_counsellor(
        display_name="林晓舟",
        display_name_en="Lin Xiaozhou",
        title="社工师",
        title_en="Social worker",
        bio="陪伴家庭走过难熬的时候。",
        bio_en="Walks with families through hard times.",
        credentials="中级社会工作师",
        credentials_en="Intermediate social worker",
        languages=["zh-hans", "en"],
        specialties=[topic],
    )
    session_type.name, session_type.name_en = "个体咨询", "Individual consultation"
    session_type.location, session_type.location_en = (
        "咨询室（二楼）",
        "Counselling room (2nd floor)",
    )
    session_type.save()
    with_photo, _type = working_counsellor(
        display_name="周敏",
        display_name_en="Zhou Min",
        title="心理咨询师",
        title_en="Counsellor",
        credentials="心理治疗师（中级）",
        credentials_en="Psychotherapist (intermediate)",
        languages=["zh-hans"],
        specialties=[topic],
        photo=wagtail_factories.ImageFactory(),
    )
    workshop = GroupSessionFactory(
        title="和青春期孩子好好说话",
        title_en="Talking with teenagers",
        location="活动室（一楼）",
        location_en="Activity room (ground floor)",
        description="练习倾听。",
        description_en="Practise listening.",
        topic=topic,
        counsellors=[photo_less],
        start=local(dt.date(2027, 3, 10), 19),
    )
    workshop.session_type.name_en = "Parent workshop"
    workshop.session_type.save()
    family = FamilyFactory(preferred_language="en")
    ChildFactory(family=family.family_profile, nickname="Sam")
    return {
        "topic": topic,
        "counsellor": photo_less,
        "session_type": session_type,
        "workshop": workshop,
        "with_photo": with_photo,
        "family": family,
    }


def test_a_family_books_in_english_on_a_phone(live_server, browser_page, world):
    page = browser_page
    _sign_in(page, live_server, world["family"])
    page.goto(live_server.url + "/en/")
    _assert_english(page)
    footer = page.locator("footer").inner_text()
    assert "2nd floor, 8 Xingfu Road" in footer and "Mon–Sat 9:00–17:00" in footer

    _submit(page, page.get_by_role("link", name="Book a counsellor").first)
    assert page.url == live_server.url + "/en/bookings/"
    _assert_english(page)
    _assert_accessible(page)
    _submit(page, page.get_by_role("link", name="Emotional support").first)

    # The card: a generated initial (no photo), name, role, bio, credentials, languages.
    cards = page.get_by_test_id("counsellor-list").locator("li.card")
    photo_card = cards.filter(has_text="Zhou Min")
    photo = photo_card.get_by_role("img", name="Photo of counsellor Zhou Min")
    assert photo.is_visible()
    assert photo_card.get_by_test_id("avatar-initial").count() == 0
    photo_facts = photo_card.locator(".counsellor-facts").inner_text()
    assert "Psychotherapist (intermediate)" in photo_facts and "Chinese" in photo_facts
    card = cards.filter(has_text="Lin Xiaozhou")
    assert card.get_by_test_id("avatar-initial").inner_text() == "L"
    text = card.inner_text()
    for words in (
        "Lin Xiaozhou",
        "Social worker",
        "Walks with families",
        "Intermediate social worker",
        "Emotional support",
    ):
        assert words in text, words
    facts = card.locator(".counsellor-facts").inner_text()
    assert "Qualifications" in facts and "Language" in facts and "English" in facts
    _assert_english(page)
    assert _fits_the_screen(page)
    _assert_accessible(page)

    _submit(page, card.get_by_role("link", name="See Lin Xiaozhou's free times"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lin Xiaozhou"
    assert page.get_by_role(
        "heading", name="Individual consultation"
    ).first.is_visible()
    _assert_english(page)
    _assert_accessible(page)
    slot = page.get_by_test_id("soonest-slots").get_by_role("link").first
    chosen = slot.inner_text()
    _submit(page, slot)

    page.get_by_label("Sam").check()
    page.get_by_label("What would you like help with").fill(
        "My son has trouble sleeping."
    )
    page.locator("input[name=mode][value=in_person]").check()
    for radio in page.locator("input[type=radio][name^=risk_][value=no]").all():
        radio.check()
    page.locator("input[name=consent]").check()
    _assert_english(page)
    assert _fits_the_screen(page)
    _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="Next: check and confirm"))

    assert chosen in page.get_by_test_id("chosen-time").inner_text()
    _assert_english(page)
    _assert_accessible(page)
    _submit(page, page.get_by_role("button", name="Confirm booking"))
    booking = Booking.objects.get(family=world["family"])
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.child.nickname == "Sam"
    assert page.url.startswith(live_server.url + f"/en/bookings/{booking.pk}/")
    details = page.locator("main").inner_text()
    for words in (
        "Individual consultation",
        "Lin Xiaozhou",
        "Counselling room (2nd floor)",
    ):
        assert words in details, words
    _assert_english(page)
    assert _fits_the_screen(page)
    _assert_accessible(page)


def test_workshops_read_in_english_and_untranslated_names_are_marked(
    live_server, browser_page, world
):
    # A counsellor nobody has translated yet: Chinese, marked as Chinese.
    working_counsellor(
        display_name="陈安",
        title="心理咨询师",
        credentials="国家二级心理咨询师",
        specialties=[world["topic"]],
    )
    page = browser_page
    _sign_in(page, live_server, world["family"])
    page.goto(live_server.url + "/en/bookings/workshops/")
    listing = page.locator("main").inner_text()
    assert "Talking with teenagers" in listing and "Emotional support" in listing
    _assert_english(page)
    _assert_accessible(page)
    _submit(page, page.get_by_role("link", name="Talking with teenagers").first)
    assert page.get_by_role("heading", level=1).inner_text() == "Talking with teenagers"
    detail = page.locator("main").inner_text()
    for words in (
        "Activity room (ground floor)",
        "Practise listening.",
        "Lin Xiaozhou",
    ):
        assert words in detail, words
    _assert_english(page)
    assert _fits_the_screen(page)
    _assert_accessible(page)

    page.goto(live_server.url + "/en/bookings/counsellors/")
    untranslated = page.get_by_role("heading", name="陈安")
    assert untranslated.locator('[lang="zh-Hans"]').inner_text() == "陈安"
    # Its initial avatar is the Chinese character too, marked as Chinese.
    initial = page.get_by_test_id("avatar-initial").filter(has_text="陈")
    assert initial.locator('[lang="zh-Hans"]').inner_text() == "陈"
    _assert_english(page)  # the Chinese on the page is all marked
    _assert_accessible(page)


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def autism_modules(site_shell):
    index = _publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))
    topic = TopicFactory(name="特殊需要儿童", slug="special-needs")
    for title, slug in (
        ("理解自闭症孩子", "autism-basics"),
        ("自闭症孩子的日程表", "autism-schedules"),
    ):
        _publish(
            ModulePageFactory(
                parent=index,
                title=title,
                slug=slug,
                topic=topic,
                summary="写给自闭症孩子的家长。",
            )
        )
    SearchSynonym.objects.create(
        name="孤独症", terms="自闭症、孤独症、孤独症谱系、autism、ASD"
    )


def _search(page, live_server, prefix, label, button, query) -> None:
    page.goto(f"{live_server.url}{prefix}/search/")
    page.get_by_label(label).fill(query)
    _submit(page, page.get_by_role("search").get_by_role("button", name=button))


def test_autism_on_the_chinese_site_finds_the_chinese_modules(
    live_server, browser_page, autism_modules
):
    page = browser_page
    _search(page, live_server, "", "想了解什么？", "搜索", "autism")
    titles = page.locator(".search-result h2").all_inner_texts()
    assert sorted(titles) == ["理解自闭症孩子", "自闭症孩子的日程表"]
    assert page.get_by_test_id("other-language").count() == 0  # its own language
    assert _fits_the_screen(page)
    _assert_accessible(page)


def test_chinese_words_on_the_english_site_find_chinese_results_labelled(
    live_server, browser_page, autism_modules
):
    page = browser_page
    _search(
        page, live_server, "/en", "What would you like to know?", "Search", "自闭症"
    )
    assert page.get_by_test_id("other-language").inner_text() == (
        "Showing results in Chinese"
    )
    results = page.locator("ol.search-results")
    assert results.get_attribute("lang").lower() == "zh-hans"
    titles = results.locator(".search-result h2").all_inner_texts()
    assert sorted(titles) == ["理解自闭症孩子", "自闭症孩子的日程表"]
    _assert_english(page)  # the Chinese results are marked as such
    assert _fits_the_screen(page)
    _assert_accessible(page)
