"""Safe-messaging checks on the seeded course content (both languages).

The phrase lists below are the reviewed vocabulary (see the clinical content
review, WHO 2023 media guidance and AFSP's warning signs). They are data: extend
them when new content brings new wording; never weaken a list to make a module
pass.

What is checked:
- a same-day warning sign never shares a sentence with a waiting period
  ("if months later ... talks about following the person who died");
- where a waiting period and a warning sign sit in neighbouring paragraphs, the
  paragraphs also say to act the same day (a "two weeks" rule must not carry over
  to acute signs);
- "immediately" texts that give phone numbers name 120/110 first, and never a
  daytime-only line;
- no euphemism for death in advice, no "don't over-monitor", no "successful /
  failed attempt" wording;
- every crisis module has an English version with the same lessons.
"""

import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest

from courses.demo_content import MODULES

# --- The reviewed phrase lists --------------------------------------------------------

# Words and actions that call for action the same day (AFSP warning signs).
SAME_DAY_SIGNS = {
    "zh": ("想死", "不想活", "结束自己的生命", "结束生命", "自杀", "想跟着", "跟着去世",
           "跟着离开", "一起走", "去找他", "去找她", "具体计划", "已经有计划", "告别",
           "送人", "伤害自己的方法", "累赘", "没有我会更好", "异常平静"),
    "en": ("want to die", "wants to die", "wanting to die", "don't want to live",
           "not wanting to live", "not want to live", "ending your life", "end their life",
           "ending their life", "end my life", "kill themselves", "suicid",
           "follow the person who died", "be with the person who died", "go and be with",
           "a plan", "goodbye", "giving away", "gives away", "give away",
           "ways to hurt", "ways to self-harm", "burden", "better off without me",
           "unusually calm"),
}

# Thresholds that tell the reader to wait.
WAITING_PERIODS = {
    "zh": ("两周", "两个星期", "几周后", "几个月后", "几个月", "过一段时间", "一段时间后",
           "观察一段时间", "过几天", "等几天", "先观察", "再看看"),
    "en": ("two weeks", "a few weeks", "weeks later", "months later", "a few months",
           "for a while", "after a while", "in a few days", "a few days later",
           "wait and see"),
}

# Saying to act today (or now).
SAME_DAY_ACTION = {
    "zh": ("当天", "今天", "立即", "马上", "立刻", "现在就", "不要等", "别等"),
    "en": ("today", "the same day", "same-day", "immediately", "right now", "straight away",
           "right away", "at once", "don't wait", "can't wait"),
}

# Texts that say "now": their numbers must start with 120/110.
IMMEDIATE = {
    "zh": ("立即", "马上", "立刻", "现在就", "此刻"),
    "en": ("immediately", "right now", "straight away", "right away", "at once",
           "get help now", "call now"),
}
EMERGENCY_NUMBERS = ("120", "110")
HELPLINE_NUMBERS = ("12356", "962525", "12355")
DAYTIME_ONLY_NUMBERS = ("12355",)  # 青少年服务台: weekdays 9:00-17:00

# Euphemisms for death (regular expressions), checked outside quotation marks, so
# advice may still quote what not to say ("最好不要用“睡着了”").
DEATH_EUPHEMISMS = {
    "zh": (r"跟着离开", r"(宠物|亲人|家人|爷爷|奶奶|外公|外婆|爸爸|妈妈)[^，。；、]{0,3}离开",
           r"离开了我们", r"离开人世", r"离开这个世界", r"永远地?离开", r"去远方", r"睡着了",
           r"不在了"),
    "en": (r"passed away", r"passed on", r"went away", r"went far away", r"went to sleep",
           r"gone to sleep", r"a better place", r"\bleft us\b"),
}

# Wording that relaxes watchfulness in the highest-risk weeks.
RELAXED_WATCHFULNESS = {
    "zh": ("过度监控", "过度看护", "盯着每天的情绪", "不用再看着", "放松看护"),
    "en": ("over-monitor", "overmonitor", "over monitor", "watching every mood",
           "relax supervision"),
}

# "Success"/"failure" framing of suicide (regular expressions).
SUCCESS_FAILURE = {
    "zh": (r"自杀(成功|失败)", r"成功地?自杀", r"(自杀|轻生)[^，。；]{0,6}(失败|没成功|未成功)",
           r"失败的(自杀|尝试)", r"未遂失败"),
    "en": (r"(successful|failed|unsuccessful|completed) (suicide|attempt)",
           r"commit(s|ted|ting)? suicide"),
}

# Crisis modules that must exist in English with the same lessons. Modules of these
# topics, plus these slugs (add a slug when its module is translated).
ENGLISH_REQUIRED_TOPICS = ("crisis-intervention",)
ENGLISH_REQUIRED_SLUGS = ("talking-about-life",)


# --- Reading the content ---------------------------------------------------------------

LANGS = ("zh", "en")


def _norm(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").lower()


def _has(text: str, phrases) -> list[str]:
    text = _norm(text)
    return [p for p in phrases if _norm(p) in text]


def _matches(text: str, patterns) -> list[str]:
    return [m.group(0) for p in patterns for m in re.finditer(p, text, re.IGNORECASE)]


SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.])\s+(?=[A-Z“\"‘'])|\n")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


QUOTED = re.compile(r"“[^”]*”|「[^」]*」|‘[^’]*’|\"[^\"]*\"")


def _unquoted(text: str) -> str:
    return QUOTED.sub("", text)


def _lang_spec(module: dict, lang: str) -> dict | None:
    return module if lang == "zh" else module.get("en")


def _units(module: dict, lang: str):
    """(where, text) for every piece of text a reader sees, one paragraph each."""
    spec = _lang_spec(module, lang)
    if spec is None:
        return
    slug = module["slug"]
    for key in ("title", "summary", "warning"):
        if spec.get(key):
            yield f"{slug}/{lang}:{key}", spec[key]
    for line in spec.get("outcomes", []):
        yield f"{slug}/{lang}:outcomes", line
    if spec.get("resource"):
        title, lines = spec["resource"]
        yield f"{slug}/{lang}:resource", title
        for line in lines:
            yield f"{slug}/{lang}:resource", line
    for lesson in spec["lessons"]:
        where = f"{slug}/{lang}/{lesson['slug']}"
        yield f"{where}:title", lesson["title"]
        if lesson.get("summary"):
            yield f"{where}:summary", lesson["summary"]
        for item in lesson["body"]:
            yield f"{where}:body", item.removeprefix("## ")
        if "callout" in lesson:
            _kind, title, text = lesson["callout"]
            yield f"{where}:callout", f"{title}：{text}" if lang == "zh" else f"{title}: {text}"
        for prompt, _multiple, choices in lesson.get("quiz", []):
            yield f"{where}:quiz", prompt
            for choice, _correct, feedback in choices:
                yield f"{where}:quiz", choice
                if feedback:
                    yield f"{where}:quiz", feedback
        if "audio" in lesson:
            yield f"{where}:audio", lesson["audio"]["transcript"]


def _all_units():
    for module in MODULES:
        for lang in LANGS:
            for where, text in _units(module, lang):
                yield lang, where, text


def _touches_crisis(module: dict) -> bool:
    """Crisis topic, an urgent callout, or a same-day warning sign anywhere."""
    if module["topic"] in ENGLISH_REQUIRED_TOPICS:
        return True
    for lang in LANGS:
        spec = _lang_spec(module, lang)
        if spec is None:
            continue
        if any(lesson.get("callout", ("",))[0] == "seek_help" for lesson in spec["lessons"]):
            return True
        if any(_has(text, SAME_DAY_SIGNS[lang]) for _where, text in _units(module, lang)):
            return True
    return False


# --- The checks (shared by the data tests and the rendered-page test) ------------------


def _sentence_problems(lang: str, text: str) -> list[str]:
    problems = []
    for sentence in _sentences(text):
        signs, waits = _has(sentence, SAME_DAY_SIGNS[lang]), _has(sentence, WAITING_PERIODS[lang])
        if signs and waits:
            problems.append(f"warning sign {signs} with waiting period {waits}: {sentence}")
    return problems


def _immediate_problems(lang: str, text: str) -> list[str]:
    if not _has(text, IMMEDIATE[lang]):
        return []
    helplines = [m.start() for n in HELPLINE_NUMBERS for m in re.finditer(rf"(?<!\d){n}(?!\d)", text)]
    if not helplines:
        return []
    problems = []
    emergency = [m.start() for n in EMERGENCY_NUMBERS for m in re.finditer(rf"(?<!\d){n}(?!\d)", text)]
    if not emergency or min(emergency) > min(helplines):
        problems.append(f"an 'immediately' text names a helpline before 120/110: {text}")
    daytime = [n for n in DAYTIME_ONLY_NUMBERS if re.search(rf"(?<!\d){n}(?!\d)", text)]
    if daytime:
        problems.append(f"an 'immediately' text names a daytime-only line {daytime}: {text}")
    return problems


def _wording_problems(lang: str, text: str) -> list[str]:
    problems = []
    if found := _matches(_unquoted(text), DEATH_EUPHEMISMS[lang]):
        problems.append(f"euphemism for death {found}: {text}")
    if found := _has(text, RELAXED_WATCHFULNESS[lang]):
        problems.append(f"relaxes watchfulness {found}: {text}")
    if found := _matches(text, SUCCESS_FAILURE[lang]):
        problems.append(f"success/failure wording {found}: {text}")
    return problems


def _report(problems: list[str]) -> str:
    return "\n".join(problems)


# --- The phrase lists catch the passages the review quoted ------------------------------


@pytest.mark.parametrize(("lang", "text", "check"), [
    ("zh", "如果几个月后孩子仍然无法上学、睡不好或常常说想跟着离开，请寻求专业帮助。", "sentence"),
    ("en", "If months later your child still cannot go to school, cannot sleep, or talks about "
           "wanting to follow the person who died, seek professional help.", "sentence"),
    ("zh", "请不要让孩子独处，移开可能用于伤害自己的物品，并立即求助：全国心理援助热线 12356、"
           "上海市心理热线 962525、青少年服务台 12355；有生命危险时拨打 110 或 120。", "immediate"),
    ("en", "Do not leave them alone, and get help now: the youth helpline 12355, or 110 / 120 "
           "when a life is in danger.", "immediate"),
    ("zh", "在恢复期保持规律而不过度监控", "wording"),
    ("zh", "宠物离开、亲人去世，孩子也需要哀悼。", "wording"),
    ("en", "After a failed attempt, the first weeks matter.", "wording"),
    ("zh", "他第二次自杀成功了。", "wording"),
])
def test_the_phrase_lists_catch_the_reviewed_passages(lang, text, check):
    checker = {"sentence": _sentence_problems, "immediate": _immediate_problems,
               "wording": _wording_problems}[check]
    assert checker(lang, text), text


def test_advice_may_quote_what_not_to_say():
    assert _wording_problems("zh", "最好不要用“睡着了”“去远方了”来代替“死了”。") == []
    assert _wording_problems("en", "It’s best not to say “went to sleep”.") == []


# --- The seeded modules --------------------------------------------------------------


def test_no_warning_sign_shares_a_sentence_with_a_waiting_period():
    problems = [f"{where}: {p}" for lang, where, text in _all_units()
                for p in _sentence_problems(lang, text)]
    assert problems == [], _report(problems)


def test_a_waiting_period_next_to_warning_signs_comes_with_same_day_action():
    """Neighbouring paragraphs of a lesson are read together: when they hold a waiting
    period and a warning sign, they must also say to act the same day."""
    problems = []
    for module in MODULES:
        for lang in LANGS:
            spec = _lang_spec(module, lang)
            for lesson in spec["lessons"] if spec else []:
                paragraphs = [p for p in lesson["body"] if not p.startswith("## ")]
                for pair in zip(paragraphs, paragraphs[1:], strict=False):
                    text = " ".join(pair)
                    waits, signs = _has(text, WAITING_PERIODS[lang]), _has(text, SAME_DAY_SIGNS[lang])
                    if waits and signs and not _has(text, SAME_DAY_ACTION[lang]):
                        problems.append(f"{module['slug']}/{lang}/{lesson['slug']}: waiting "
                                        f"{waits} beside signs {signs} with no same-day action")
    assert problems == [], _report(problems)


def test_immediate_texts_of_crisis_modules_start_with_120_and_110():
    problems = [f"{module['slug']}: {p}" for module in MODULES if _touches_crisis(module)
                for lang in LANGS for _where, text in _units(module, lang)
                for p in _immediate_problems(lang, text)]
    assert problems == [], _report(problems)


def test_no_euphemism_relaxed_watchfulness_or_success_wording():
    problems = [f"{where}: {p}" for lang, where, text in _all_units()
                for p in _wording_problems(lang, text)]
    assert problems == [], _report(problems)


def test_crisis_modules_have_an_english_version_with_the_same_lessons():
    required = [m for m in MODULES if m["topic"] in ENGLISH_REQUIRED_TOPICS
                or m["slug"] in ENGLISH_REQUIRED_SLUGS]
    assert {m["slug"] for m in required} >= set(ENGLISH_REQUIRED_SLUGS)
    missing = [m["slug"] for m in required if "en" not in m]
    assert missing == []
    for module in required:
        assert ([lesson["slug"] for lesson in module["en"]["lessons"]]
                == [lesson["slug"] for lesson in module["lessons"]]), module["slug"]
        assert bool(module["en"].get("warning")) == bool(module.get("warning")), module["slug"]


# --- The seeded pages, as rendered -------------------------------------------------------


class _LessonText(HTMLParser):
    """Text of a lesson page's article, one unit per block element. Left out: the
    crisis lines the callout template lists (`ul.callout-lines`), navigation and the
    "mark complete" section."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "label", "legend", "aside", "div", "ul", "header"}
    VOID = {"br", "img", "input", "hr", "meta", "link", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.units, self._buffer = [], []
        self._depth = 0  # inside <article class="lesson">
        self._skip = 0  # inside a left-out element

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag in self.BLOCKS:
            self._flush()
        if self._depth:
            self._depth += 1
            if self._skip or tag == "nav" or {"callout-lines", "lesson-complete"} & set(classes):
                self._skip += 1
        elif tag == "article" and "lesson" in classes:
            self._depth = 1

    def handle_endtag(self, tag):
        if tag in self.VOID or not self._depth:
            return
        if tag in self.BLOCKS:
            self._flush()
        self._depth -= 1
        if self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._depth and not self._skip:
            self._buffer.append(data)

    def _flush(self):
        text = " ".join("".join(self._buffer).split())
        if text:
            self.units.append(text)
        self._buffer = []


@pytest.mark.django_db
def test_rendered_crisis_lessons_pass_the_same_checks(client, site_shell):
    from courses import demo
    from courses.models import LessonPage, ModulePage

    demo.seed(scale=1)
    slugs = [m["slug"] for m in MODULES if _touches_crisis(m)]
    problems, pages = [], 0
    for module in ModulePage.objects.live().filter(slug__in=slugs):
        lang = "en" if module.locale.language_code == "en" else "zh"
        for lesson in LessonPage.objects.live().child_of(module):
            response = client.get(lesson.url)
            assert response.status_code == HTTPStatus.OK, lesson.url
            parser = _LessonText()
            parser.feed(response.content.decode())
            assert lesson.title in " ".join(parser.units), lesson.url
            pages += 1
            for text in parser.units:
                for problem in (_sentence_problems(lang, text) + _immediate_problems(lang, text)
                                + _wording_problems(lang, text)):
                    problems.append(f"{lesson.url}: {problem}")
    assert pages >= sum(len(m["lessons"]) for m in MODULES if m["slug"] in slugs)
    assert problems == [], _report(problems)
