"""The risk screen's rules: every positive routes where it must (issue 18, M1-M3)."""

import pytest

from bookings import intake
from bookings.intake import (
    DECLINED,
    NO,
    QUESTIONS,
    UNSURE,
    YES,
    YES_EARLIER,
    YES_RECENT,
    IntakeError,
    assess,
    clean_answers,
)

ACUTE = {"child_suicide_talk", "child_preparing", "child_past_attempt",
         "child_self_harm", "guardian_thoughts", "child_harmed_now",
         "child_without_care"}
SAFEGUARDING = {"child_harmed_now", "child_without_care"}
ALL_NO = dict.fromkeys(intake.RISK_KEYS, NO)


def positives(question):
    return [v for v in question.values() if v != NO]


CASES = [(q.key, value) for q in QUESTIONS for value in positives(q)]


def test_the_screen_asks_one_thing_of_one_person_per_item():
    assert [q.key for q in QUESTIONS] == [
        "child_wish_dead", "child_suicide_talk", "child_preparing",
        "child_past_attempt", "child_self_harm", "guardian_thoughts",
        "child_harmed_now", "child_without_care"]
    for question in QUESTIONS:
        assert "或你自己" not in question.zh
        assert {UNSURE, DECLINED, NO} <= set(question.values())
    assert set(intake.BY_KEY["child_self_harm"].values()) == {
        YES_RECENT, YES_EARLIER, NO, UNSURE, DECLINED}


def test_all_no_is_not_urgent():
    assert assess(clean_answers(ALL_NO)) == intake.Assessment()
    assert assess(clean_answers({})) == intake.Assessment()


@pytest.mark.parametrize(("key", "value"), CASES)
def test_every_positive_answer_is_urgent_and_routes_where_it_must(key, value):
    result = assess(clean_answers({**ALL_NO, key: value}))
    assert result.urgent is True
    acute = key in ACUTE and value != YES_EARLIER
    assert result.acute is acute
    assert result.safeguarding is (key in SAFEGUARDING)
    assert result.guardian is (key == "guardian_thoughts")
    assert result.danger_now is False


@pytest.mark.parametrize("value", [UNSURE, DECLINED])
@pytest.mark.parametrize("key", intake.RISK_KEYS)
def test_not_sure_and_rather_not_say_count_as_positive(key, value):
    assert assess(clean_answers({**ALL_NO, key: value})).urgent is True


@pytest.mark.parametrize("danger", [YES, UNSURE])
@pytest.mark.parametrize("key", sorted(ACUTE))
def test_danger_now_yes_or_unsure_on_an_acute_item_is_an_emergency(key, danger):
    value = YES_RECENT if key in ("child_past_attempt", "child_self_harm") else YES
    result = assess(clean_answers({**ALL_NO, key: value, "danger_now": danger}))
    assert result.danger_now is True
    calm = assess(clean_answers({**ALL_NO, key: value, "danger_now": NO}))
    assert (calm.acute, calm.danger_now) == (True, False)


def test_danger_now_without_an_acute_answer_is_ignored():
    answers = clean_answers({**ALL_NO, "child_wish_dead": YES, "danger_now": YES})
    assert (assess(answers).acute, assess(answers).danger_now) == (False, False)


@pytest.mark.parametrize(("answers", "code"), [
    ({"child_wish_dead": "maybe"}, "invalid_value"),
    ({"child_past_attempt": True}, "invalid_value"),
    ({"danger_now": DECLINED}, "invalid_value"),
    ({"nonsense": YES}, "unknown_key"),
    ({"self_harm_thoughts": True, "child_wish_dead": NO}, "mixed_screens"),
    (["child_wish_dead"], "invalid_shape"),
])
def test_unknown_keys_and_values_are_refused_not_dropped(answers, code):
    with pytest.raises(IntakeError) as caught:
        clean_answers(answers)
    assert caught.value.code == code


def test_booleans_are_read_where_unambiguous():
    assert clean_answers({"child_wish_dead": True, "child_past_attempt": False}) == {
        "child_wish_dead": YES, "child_past_attempt": NO}


@pytest.mark.parametrize(("answers", "expected"), [
    ({"self_harm_thoughts": False, "recent_self_harm": False, "unsafe_now": False},
     intake.Assessment()),
    ({"self_harm_thoughts": True}, intake.Assessment(urgent=True)),
    ({"recent_self_harm": True}, intake.Assessment(urgent=True, acute=True)),
    ({"unsafe_now": True}, intake.Assessment(urgent=True, acute=True,
                                             safeguarding=True)),
])
def test_the_earlier_screen_keeps_its_meaning(answers, expected):
    assert assess(clean_answers(answers)) == expected


def test_stored_answers_of_the_earlier_screen_render_labelled_as_such():
    stored = intake.stored_rows({"risk": {"self_harm_thoughts": True}})
    assert stored["legacy"] is True
    assert stored["rows"][0] == {
        "question": intake.LEGACY_QUESTIONS[0][1], "answer": "有", "positive": True}
    assert stored["rows"][2]["answer"] is None
    new = intake.stored_rows({"screen": 2, "risk": {**ALL_NO, "child_self_harm":
                                                    YES_EARLIER}}, english=True)
    assert new["legacy"] is False
    assert intake.stored_rows({}) == {"legacy": False, "erased": True, "rows": []}
    row = next(r for r in new["rows"] if r["question"].startswith("Has your child ever hurt"))
    assert row == {"question": intake.BY_KEY["child_self_harm"].en,
                   "answer": "Yes, longer ago", "positive": True}


# --- the booking pages -----------------------------------------------------------------

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bookings.models import Booking  # noqa: E402
from tests.bookings.web_setup import day_ahead, local, working_counsellor  # noqa: E402
from tests.factories import FamilyFactory  # noqa: E402

HOTLINES = ('href="tel:12356"', 'href="tel:962525"', 'href="tel:12355"')


@pytest.fixture
def flow(db, site_shell):
    counsellor, session_type = working_counsellor()
    client = Client()
    family = FamilyFactory()
    client.force_login(family)
    url = reverse("bookings:book", kwargs={"slug": counsellor.slug,
                                           "type_slug": session_type.slug})
    start = local(day_ahead(), 10)

    def post(answers, *, step="review", language=None, **extra):
        data = {"start": start.isoformat(), "mode": "in_person", "consent": "on",
                "step": step, "contact_phone": "13912345678",
                **{f"risk_{k}": v for k, v in answers.items()}, **extra}
        headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
        path = ("/en" + url) if language == "en" else url
        return client.post(path, data, **headers)

    return post


def _first(html: str, needles) -> int:
    return min(html.index(n) for n in needles if n in html)


@pytest.mark.parametrize("key", sorted(ACUTE))
def test_an_acute_answer_asks_whether_there_is_danger_right_now(flow, key):
    value = YES_RECENT if key in ("child_past_attempt", "child_self_harm") else UNSURE
    response = flow({**ALL_NO, key: value})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="danger-gate"' in html
    assert "现在是否有危险？" in html
    assert Booking.objects.count() == 0


def test_a_non_acute_answer_goes_straight_to_review_with_the_lines(flow):
    html = flow({**ALL_NO, "child_wish_dead": DECLINED}).content.decode()
    assert 'data-testid="danger-gate"' not in html
    assert 'data-testid="crisis-panel"' in html
    assert 'value="confirm"' in html


def test_all_no_shows_no_crisis_panel(flow):
    html = flow(ALL_NO).content.decode()
    assert 'data-testid="crisis-panel"' not in html
    assert 'data-testid="danger-gate"' not in html


def test_danger_now_yes_shows_the_full_width_emergency_panel_first(flow):
    html = flow({**ALL_NO, "child_suicide_talk": YES, "danger_now": YES}).content.decode()
    panel_at = html.index('data-testid="emergency-panel"')
    assert panel_at < html.index('<main id="main"')  # full width, above the page
    panel = html[panel_at:html.index("</section>", panel_at)]
    assert _first(panel, ['href="tel:120"', 'href="tel:110"']) < _first(panel, HOTLINES)
    assert panel.index('href="tel:120"') < panel.index('data-testid="nearest-emergency"') \
        < _first(panel, HOTLINES)
    assert "示例医院急诊科（演示地址，24小时）" in panel
    assert 'href="tel:12355"' not in panel  # weekday hours: never under "call now"


def test_danger_now_no_shows_the_panel_without_the_emergency_banner(flow):
    html = flow({**ALL_NO, "child_suicide_talk": YES, "danger_now": NO}).content.decode()
    assert 'data-testid="emergency-panel"' not in html
    panel = html[html.index('data-testid="crisis-panel"'):]
    panel = panel[:panel.index("</section>")]
    assert _first(panel, ['href="tel:120"', 'href="tel:110"']) < _first(panel, HOTLINES)


@pytest.mark.parametrize("key", sorted(SAFEGUARDING))
def test_unsafe_now_says_call_110_now(flow, key):
    html = flow({**ALL_NO, key: YES, "danger_now": NO}).content.decode()
    assert "如果孩子正在受到伤害，请立即拨打 110。" in html
    english = flow({**ALL_NO, key: YES, "danger_now": NO}, language="en").content.decode()
    assert "Call 110 now if the child is being hurt." in english


def test_the_confirmation_states_the_response_times_and_what_to_do_meanwhile(flow):
    html = flow({**ALL_NO, "child_wish_dead": YES}, step="confirm")
    page = Client()  # the family's own page after the redirect
    assert html.status_code == 302
    booking = Booking.objects.get()
    assert booking.is_urgent is True
    page.force_login(booking.family)
    detail = page.get(booking.get_absolute_url() + "?new=1").content.decode()
    promise = detail[detail.index('data-testid="response-time"'):]
    assert ("协调员会给你打电话。开放时间（周一至周五 9:00–17:00，周六 9:00–12:00）内提交的，"
            "在 2 小时内；非开放时间提交的，下一个开放日上午 11:00 前。") in promise
    assert "尽快" not in detail
    english = page.get("/en" + booking.get_absolute_url(),
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "within 2 hours" in english and "by 11:00 on the next opening day" in english


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_number_shows_its_hours_and_call_now_lists_only_24_hour_lines(
        flow, language):
    html = flow({**ALL_NO, "child_suicide_talk": YES, "danger_now": YES},
                language=None if language == "zh-hans" else "en").content.decode()
    hours24 = "24 hours" if language == "en" else "24小时"
    weekdays = "Weekdays 9:00–17:00" if language == "en" else "工作日 9:00–17:00"
    banner = html[html.index('data-testid="crisis-banner"'):html.index("</aside>")]
    now = banner[banner.index('data-testid="crisis-now"'):banner.index("</ul>")]
    assert 'href="tel:12355"' not in now
    for number in ("120", "110", "12356", "962525"):
        item = now[now.index(f'href="tel:{number}"'):]
        item = item[:item.index("</li>")]
        assert hours24 in item
    assert now.index('href="tel:120"') < now.index('href="tel:12356"')
    other = banner[banner.index('data-testid="crisis-other"'):]
    assert 'href="tel:12355"' in other and weekdays in other
    for testid in ("emergency-panel", "crisis-panel"):
        panel = html[html.index(f'data-testid="{testid}"'):]
        panel = panel[:panel.index("</section>")]
        for item in panel.split("<li>")[1:]:
            assert hours24 in item or weekdays in item, item


def test_the_seek_help_callout_lists_only_24_hour_lines_under_call_now(site_shell):
    from courses.blocks import CourseStreamBlock
    from portal.crisis import crisis_lines

    block = CourseStreamBlock().child_blocks["callout"]
    value = block.to_python({"kind": "seek_help", "title": "现在就求助",
                             "text": "<p>请不要独自承受。</p>"})
    html = block.render(value, context={"crisis_lines": crisis_lines()})
    now = html[html.index('data-testid="callout-now"'):]
    now = now[:now.index("</ul>")]
    assert 'href="tel:12355"' not in now
    assert now.index('href="tel:120"') < now.index('href="tel:12356"')
    other = html[html.index('class="callout-lines callout-other"'):]
    assert "其他求助渠道（非24小时）：" in other
    assert '<strong>12355</strong></a> <span class="meta">（工作日 9:00–17:00）</span>' in other


@pytest.mark.parametrize("danger", [YES, UNSURE])
def test_a_yes_to_danger_right_now_is_never_dropped(danger):
    """Every answer other than "no" is positive: "danger right now" too, even
    sent without an acute answer (an API client, a corrected form)."""
    answers = clean_answers({**ALL_NO, "danger_now": danger})
    assert intake.is_urgent(answers) is True
    rows = intake.stored_rows({"screen": intake.SCREEN_VERSION, "risk": answers})
    assert [r["positive"] for r in rows["rows"] if r["question"] == "现在是否有危险？"] == [
        True]
    assert intake.is_urgent(clean_answers({**ALL_NO, "danger_now": NO})) is False
