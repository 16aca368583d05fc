"""One guard per finding of the clinical content review that had none (issue 18:
H2, H3, M4, M6, M8, M9, M10), in both languages. Each would have failed on the
text the review quoted (main at 7f6c1ee); the rest are in test_content_safety
and test_content_fixes."""

import pytest

from courses.demo_content import MODULES

LANGS = ("zh", "en")


def _spec(slug: str, lang: str) -> dict:
    module = next(m for m in MODULES if m["slug"] == slug)
    return module if lang == "zh" else module["en"]


def _lesson(slug: str, lesson: str, lang: str) -> str:
    ls = next(ls for ls in _spec(slug, lang)["lessons"] if ls["slug"] == lesson)
    parts = [ls.get("summary", "")] + ls["body"]
    if "callout" in ls:
        parts += ls["callout"][1:]
    for prompt, _multiple, choices in ls.get("quiz", []):
        parts.append(prompt)
        parts += [part for choice, _c, feedback in choices for part in (choice, feedback)]
    return "\n".join(parts)


def _correct(slug: str, lesson: str, lang: str, prompt_part: str) -> list[str]:
    ls = next(ls for ls in _spec(slug, lang)["lessons"] if ls["slug"] == lesson)
    prompt, _multiple, choices = next(q for q in ls["quiz"] if prompt_part in q[0])
    return [choice for choice, correct, _f in choices if correct]


# H2: the weeks after a crisis: watch over the child, lock away the means.
@pytest.mark.parametrize(("lang", "lock", "watch"), [
    ("zh", "锁好或交给其他大人保管", "按医生建议的程度陪伴和看护"),
    ("en", "Lock away the medicines", "supervise your child as closely as the doctor advises"),
])
def test_after_a_crisis_says_to_lock_away_means_and_watch_over_the_child(lang, lock, watch):
    first_weeks = _lesson("after-a-crisis", "the-first-weeks", lang)
    assert lock in first_weeks and watch in first_weeks
    assert ("锁好" if lang == "zh" else "lock away") in _lesson("after-a-crisis", "safety-plan", lang)


def test_after_a_crisis_is_not_offered_for_toddlers_and_speaks_to_younger_children():
    module = next(m for m in MODULES if m["slug"] == "after-a-crisis")
    assert module["age"] not in ("all", "0-5")
    assert "还在上小学" in _lesson("after-a-crisis", "safety-plan", "zh")
    assert "primary school" in _lesson("after-a-crisis", "safety-plan", "en")


# H3: harm from home: report, don't call the parents first.
@pytest.mark.parametrize(("lang", "first", "report"), [
    ("zh", "请不要先联系家长", "强制报告制度向公安机关报告"),
    ("en", "don’t contact the parents first", "reports to the police under the "
                                               "mandatory-reporting rules"),
])
def test_teachers_report_harm_from_home_instead_of_calling_the_parents(lang, first, report):
    text = _lesson("teachers-first-response", "following-the-procedure", lang)
    assert first in text and report in text
    assert "110" in text
    card = " ".join(_spec("teachers-first-response", lang)["resource"][1])
    assert "110" in card and ("不先联系家长" in card or "contact the parents first" in card)


# M4: the English crisis module asks about a plan before its "has a plan" callout.
@pytest.mark.parametrize(("lang", "plan"), [
    ("zh", "有没有想过怎么做"), ("en", "Have you thought about how you would do it"),
])
def test_how_to_ask_asks_about_a_plan(lang, plan):
    assert plan in _lesson("recognising-crisis-signs", "how-to-ask", lang)


# M6: the right answer to "tired of living" asks directly.
@pytest.mark.parametrize(("lang", "prompt", "direct"), [
    ("zh", "活着好累", "想结束自己的生命"), ("en", "tired of living", "ending your life"),
])
def test_the_quiz_answer_to_tired_of_living_asks_directly(lang, prompt, direct):
    correct = _correct("recognising-crisis-signs", "how-to-ask", lang, prompt)
    assert len(correct) == 1 and direct in correct[0], correct


# M8: medical assessment first; the counsellor's scope is stated.
@pytest.mark.parametrize(("lang", "hospital", "scope"), [
    ("zh", "精神科或心理科", "不做诊断和治疗"),
    ("en", "psychiatry or psychology clinic", "do not diagnose or treat"),
])
def test_suicidal_risk_goes_to_a_medical_assessment_before_the_counsellor(lang, hospital, scope):
    text = _lesson("recognising-crisis-signs", "staying-and-referring", lang)
    assert hospital in text and scope in text
    assert text.index(hospital) < text.index(scope)


# M9: the parent module covers "don't tell anyone" and younger children.
@pytest.mark.parametrize(("lang", "secret", "younger"), [
    ("zh", "涉及安全的事不能答应保密", "十岁左右"),
    ("en", "can’t promise secrecy when safety is at stake", "Children of ten"),
])
def test_parent_crisis_module_covers_secrecy_and_younger_children(lang, secret, younger):
    assert secret in _lesson("recognising-crisis-signs", "how-to-ask", lang)
    assert younger in _lesson("recognising-crisis-signs", "changes-worth-noticing", lang)


# M10: never share details with the class.
@pytest.mark.parametrize(("lang", "never", "weak"), [
    ("zh", "老师不要透露细节", "不必透露细节"),
    ("en", "Teachers should not share details", "need not share details"),
])
def test_the_class_is_never_told_the_details(lang, never, weak):
    text = _lesson("teachers-first-response", "caring-for-the-class", lang)
    assert never in text and weak not in text
