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
         "child_self_harm", "child_harmed_now", "child_without_care"}
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
    row = next(r for r in new["rows"] if r["question"].startswith("Has your child ever hurt"))
    assert row == {"question": intake.BY_KEY["child_self_harm"].en,
                   "answer": "Yes, longer ago", "positive": True}
