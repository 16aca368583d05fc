"""The two languages of the seeded modules say the same things (issue 18,
review S10 and "Parity between Chinese and English")."""

import pytest

from courses import demo
from courses.demo_content import MODULES
from tests.courses.test_content_safety import _touches_crisis


def _quiz_intro(lang: str) -> str:
    module = next(m for m in MODULES if m["slug"] == "recognising-crisis-signs")
    spec = module if lang == "zh" else module["en"]
    position, lesson = next((i, ls) for i, ls in enumerate(spec["lessons"]) if "quiz" in ls)
    body = demo._body(lesson, position, module, None, lang=lang,
                      lesson_count=len(spec["lessons"]))
    return next(value for kind, value in body if kind == "quiz")["intro"]


def test_both_quiz_intros_say_answers_are_kept_only_when_signed_in():
    # The English said so and the Chinese did not (S10).
    assert "nothing is stored unless you are signed in" in _quiz_intro("en")
    zh = _quiz_intro("zh")
    assert "登录" in zh and "不会保存" in zh, zh


def test_both_quiz_intros_promise_an_explanation_of_each_answer():
    assert "每个答案的解释" in _quiz_intro("zh")
    assert "explanation" in _quiz_intro("en")


@pytest.mark.parametrize("slug", [m["slug"] for m in MODULES if _touches_crisis(m)])
def test_every_module_that_touches_on_crisis_has_the_same_lessons_in_english(slug):
    # Wider than the crisis topic: any module with a seek-help callout or a
    # same-day warning sign (the issue: "every module that touches on crisis").
    module = next(m for m in MODULES if m["slug"] == slug)
    assert "en" in module, slug
    assert [ls["slug"] for ls in module["en"]["lessons"]] == [
        ls["slug"] for ls in module["lessons"]]
    for zh, en in zip(module["lessons"], module["en"]["lessons"], strict=True):
        assert ("callout" in zh) == ("callout" in en), (slug, zh["slug"])
        if "callout" in zh:
            assert zh["callout"][0] == en["callout"][0], (slug, zh["slug"])
        assert len(zh.get("quiz", [])) == len(en.get("quiz", [])), (slug, zh["slug"])


def test_the_site_lines_name_12356_as_the_modules_do():
    # S9: the official name is 全国统一心理援助热线; the banner, the email footers
    # and the modules all use it.
    from courses.demo_content import HOTLINES, HOTLINES_EN
    from portal.crisis import DEFAULT_LINES

    line = next(line for line in DEFAULT_LINES if line.number == "12356")
    assert line.name == "全国统一心理援助热线"
    assert f"{line.name} 12356" in HOTLINES
    assert line.name_en.lower() in HOTLINES_EN.lower()
