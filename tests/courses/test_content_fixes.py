"""The clinical-safety review's fixes to the eight non-crisis demo modules.

Each test reads what a family reads: the seeded text, per module and per page
(a module page and each lesson page stand alone, e.g. when reached from search).
"""

import re
from http import HTTPStatus

import pytest

from courses import demo
from courses.demo_content import HOTLINES, HOTLINES_EN, MODULES, TOPICS

MINE = ["seeing-strengths", "parent-child-communication", "teenage-conflict",
        "grandparents-co-parenting", "naming-feelings", "exam-anxiety",
        "understanding-autism", "inclusive-classrooms"]
AUTISM = ["understanding-autism", "inclusive-classrooms"]


def _module(slug: str) -> dict:
    return next(m for m in MODULES if m["slug"] == slug)


def _text(slug: str, lang: str = "zh") -> dict:
    spec = _module(slug)
    return spec if lang == "zh" else spec["en"]


def _lesson(slug: str, lesson: str, lang: str = "zh") -> dict:
    return next(ls for ls in _text(slug, lang)["lessons"] if ls["slug"] == lesson)


def _lesson_strings(ls: dict) -> list[str]:
    out = [ls["title"], ls.get("summary", ""), *ls["body"]]
    if "callout" in ls:
        out += ls["callout"][1:]
    for prompt, _multiple, choices in ls.get("quiz", []):
        out.append(prompt)
        for choice, _correct, feedback in choices:
            out += [choice, feedback]
    if "audio" in ls:
        out += [ls["audio"]["title"], ls["audio"]["transcript"]]
    return out


def _module_page_strings(text: dict) -> list[str]:
    out = [text["title"], text["summary"], *text["outcomes"], text.get("warning", "")]
    if text.get("resource"):
        out += [text["resource"][0], *text["resource"][1]]
    return out


def _pages(slug: str, lang: str = "zh") -> dict[str, str]:
    """Every page of a module as one string: the module page and each lesson."""
    text = _text(slug, lang)
    pages = {"module": "\n".join(_module_page_strings(text))}
    for ls in text["lessons"]:
        pages[ls["slug"]] = "\n".join(_lesson_strings(ls))
    return pages


def _all(slug: str, lang: str = "zh") -> str:
    return "\n".join(_pages(slug, lang).values())


def _callouts(slug: str, lang: str = "zh") -> list[tuple[str, str, str]]:
    return [ls["callout"] for ls in _text(slug, lang)["lessons"] if "callout" in ls]


# --- English site complete --------------------------------------------------------


@pytest.mark.parametrize("slug", MINE)
def test_english_version_has_every_lesson_in_the_same_order(slug):
    # courses.demo pairs translations with the Chinese lessons by position.
    spec = _module(slug)
    assert "en" in spec, slug
    assert [ls["slug"] for ls in spec["en"]["lessons"]] == [
        ls["slug"] for ls in spec["lessons"]]


@pytest.mark.parametrize("slug", MINE)
def test_english_outcomes_match_the_chinese_ones(slug):
    spec = _module(slug)
    assert len(spec["en"]["outcomes"]) == len(spec["outcomes"])
    assert bool(spec["en"].get("resource")) == bool(spec.get("resource"))
    assert bool(spec["en"].get("warning")) == bool(spec.get("warning"))


def test_english_communication_module_teaches_the_repair_it_promises():
    en = _text("parent-child-communication", "en")
    assert "Repair after a quarrel" in en["outcomes"]
    repair = _lesson("parent-child-communication", "repair-after-conflict", "en")
    assert "sorry" in " ".join(repair["body"]).lower()
    assert repair["quiz"]


def test_english_autism_module_has_the_sensory_sentence_and_visual_supports():
    what = " ".join(_lesson("understanding-autism", "what-is-autism", "en")["body"])
    assert re.search(r"sensitive to sound, light or touch", what)
    visual = " ".join(_lesson("understanding-autism", "visual-supports", "en")["body"])
    assert "picture timetable" in visual
    assert "Use visual supports at home" in _text("understanding-autism", "en")["outcomes"]


@pytest.mark.django_db
def test_seeded_english_lessons_that_were_missing_are_served(client, site_shell):
    demo.seed(scale=1)
    for path, title in (
        ("/en/courses/parent-child-communication/repair-after-conflict/",
         "Making up after a quarrel"),
        ("/en/courses/understanding-autism/visual-supports/", "Visual supports at home"),
        ("/en/courses/exam-anxiety/thinking-differently/", "Thoughts are not facts"),
        ("/en/courses/teenage-conflict/taking-a-pause/", "Pause when tempers rise"),
    ):
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        assert title in response.content.decode(), path


# --- M13, M14 ---------------------------------------------------------------------


def test_sleep_advice_follows_the_ministry_of_education_hours():
    zh = "\n".join(_text("exam-anxiety")["resource"][1])
    assert "初中生每天睡够 9 小时，高中生睡够 8 小时" in zh
    assert "每天睡够 8 小时" not in zh
    en = "\n".join(_text("exam-anxiety", "en")["resource"][1])
    assert "9 hours a night in junior secondary school, 8 in senior secondary" in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pause_has_a_safety_exception_when_a_teen_talks_of_dying(lang):
    pause = _lesson("teenage-conflict", "taking-a-pause", lang)
    kind, title, text = pause["callout"]
    assert kind == "seek_help"
    if lang == "zh":
        assert "想死" in title + text and "不要走开" in text
        assert "识别孩子的危机信号" in text and "120" in text and "110" in text
    else:
        assert "want to die" in title + text and "don’t walk away" in text.lower()
        assert "120" in text and "110" in text


# --- Urgent and non-urgent callouts -----------------------------------------------


@pytest.mark.parametrize("slug", MINE)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_callouts_leave_the_line_list_to_the_template(slug, lang):
    for kind, _title, text in _callouts(slug, lang):
        assert kind in {"tip", "important", "seek_help", "get_help"}
        assert HOTLINES not in text and HOTLINES_EN not in text
        if kind == "seek_help":
            assert "120" in text and "110" in text, (slug, text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exam_anxiety_warns_before_the_self_harm_callout(lang):
    text = _text("exam-anxiety", lang)
    assert ("伤害自己" in text["warning"]) if lang == "zh" else (
        "hurting yourself" in text["warning"])
    kind, _title, body = _lesson("exam-anxiety", "thinking-differently", lang)["callout"]
    assert kind == "seek_help"
    assert ("今天" in body) if lang == "zh" else ("today" in body)


def test_childrens_module_has_a_line_a_child_can_act_on():
    # In the first lesson, beside sadness and fear, so a child who reads one page sees it.
    kind, title, text = _lesson("naming-feelings", "many-feelings")["callout"]
    assert kind == "get_help"
    assert "信任的大人" in text and "12355" in text and "110" in text
    assert "不想活" in text
    # The harm may come from home: the child also hears who else to tell.
    assert "如果伤害你的人就在家里，可以告诉老师" in text
    # The line that answers at any hour comes before the weekday-daytime one.
    assert text.index("110") < text.index("12355")
    kind, title, text = _lesson("naming-feelings", "many-feelings", "en")["callout"]
    assert kind == "get_help"
    assert "an adult you trust" in text and "12355" in text and "110" in text
    assert "if the person hurting you is at home, you can tell a teacher" in text
    assert text.index("110") < text.index("12355")


def test_breathing_exercise_reads_as_text_without_the_player():
    calm = _lesson("naming-feelings", "calm-breathing")
    assert set(calm["audio"]) == {"title", "transcript"}
    assert "音频" not in " ".join(calm["body"])
    en = _lesson("naming-feelings", "calm-breathing", "en")
    assert set(en["audio"]) == {"title", "transcript"}
    assert "audio" not in " ".join(en["body"]).lower()


# --- Wording (S1–S4, S10) ---------------------------------------------------------


def test_childrens_module_says_anger_does_not_make_you_bad():
    text = _all("naming-feelings")
    assert "生气不代表你是坏孩子，哭也不丢人" in text
    assert "生气不是坏孩子" not in text


@pytest.mark.parametrize(("slug", "calque", "natural"), [
    ("naming-feelings", "情绪很大", "当情绪特别强烈的时候"),
    ("inclusive-classrooms", "情绪快满", "快要受不了的时候"),
])
def test_translationese_is_gone(slug, calque, natural):
    text = _all(slug)
    assert calque not in text and natural in text


def test_topic_names_read_naturally_in_english():
    assert TOPICS["autism"]["name_en"] == "Autism: understanding and support"
    assert TOPICS["positive-life-education"]["name_en"] == "Valuing life"


def test_english_quiz_reflects_the_feeling_like_the_chinese():
    _prompt, _multiple, choices = _lesson(
        "parent-child-communication", "listening-first", "en")["quiz"][0]
    correct = [c for c, ok, _f in choices if ok]
    assert correct == ["“It sounds like you felt really wronged. What happened?”"]


def test_inclusive_classroom_summary_fits_its_lesson():
    assert _lesson("inclusive-classrooms", "clear-communication")["summary"] == (
        "一次一个指令，变化提前说。")


@pytest.mark.parametrize("slug", MINE)
def test_no_generic_he_for_a_child(slug):
    # 他 for a named child (小明) is fine; a generic child or pupil is 孩子/这位同学.
    for page, text in _pages(slug).items():
        for sentence in re.split(r"[。！？\n]", text):
            if "小明" in sentence:
                continue
            assert not re.search(r"(?<!其)他(?![们人])", sentence), (page, sentence)


# --- Evidence --------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["seeing-strengths"])
def test_suggestive_evidence_is_not_stated_as_proven(slug):
    text = _all(slug)
    assert "研究发现" not in text and "研究表明" not in text
    assert re.search(r"一些[^。]{0,8}研究提示", text)
    assert "research finds" not in _all(slug, "en").lower()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_teen_brain_explanation_says_it_is_a_simplification(lang):
    body = " ".join(_lesson("teenage-conflict", "why-teens-push-back", lang)["body"])
    assert ("简化" in body) if lang == "zh" else ("simplification" in body)


# --- S5: autism terminology -------------------------------------------------------


@pytest.mark.parametrize("slug", AUTISM)
def test_autism_is_named_as_on_the_diagnostic_report(slug):
    pages = _pages(slug)
    for page, text in pages.items():
        assert "自闭症" not in text.replace("孤独症（自闭症）", ""), page
        first = text.find("孤独症")
        if first >= 0:
            assert text.startswith("孤独症（自闭症）", first), page
    assert sum("孤独症" in text for text in pages.values()) >= 3


@pytest.mark.parametrize("slug", AUTISM)
def test_rehabilitation_is_named_as_intervention_and_support(slug):
    text = _all(slug)
    assert "康复" not in text.replace("干预和支持服务（康复训练）", "")


def test_autism_topic_uses_the_same_term():
    topic = TOPICS["autism"]
    for text in (topic["name"], topic["description"]):
        assert "孤独症（自闭症）" in text
        assert "自闭症" not in text.replace("孤独症（自闭症）", "")


def test_assessment_lesson_mentions_the_routine_screening():
    body = " ".join(_lesson("understanding-autism", "getting-an-assessment")["body"])
    assert "0～6 岁" in body and "儿童保健" in body and "筛查" in body
    en = " ".join(_lesson("understanding-autism", "getting-an-assessment", "en")["body"])
    assert "routine child health check-ups" in en


def test_english_keeps_identity_first_language():
    for slug in AUTISM:
        text = _all(slug, "en")
        assert "autistic children" in text.lower()
        assert "children with autism" not in text.lower()
        assert "suffer" not in text.lower()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_violence_at_home_in_the_repair_lesson_points_to_110(lang):
    """Quarrels that end in someone being hit are not a communication exercise:
    the lesson names 110 for harm happening now, beside the counsellor."""
    body = " ".join(_lesson("parent-child-communication", "repair-after-conflict",
                            lang)["body"])
    hit = "动手" if lang == "zh" else "being hit"
    assert hit in body
    after = body[body.index(hit):]
    assert "110" in after
