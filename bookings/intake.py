"""The risk screen asked before a booking is confirmed: pure rules, no models.

It is a triage prompt answered by the guardian, **not a validated instrument**
and never a diagnosis. It is informed by the NIMH ASQ (Ask Suicide-Screening
Questions), but the ASQ is meant to be asked of the young person directly, and
many parents do not know what their child is thinking: a guardian's "no" is
never read as low risk. The counsellor asks the young person the ASQ directly
at first contact (the staff booking page says so).

Rules (each item is about one person and asks one thing):

* every answer other than "no" counts as positive -- "not sure" and "rather
  not say" included, as the ASQ counts a refusal -- and any positive marks the
  booking urgent;
* a positive on an acute item (talk of suicide, preparation, an attempt or
  self-harm within the past month or at an unknown time, the guardian's own
  thoughts of ending their life, the child hurt or without care now) asks "is
  there danger right now?"; "yes" or "not sure"
  there shows the emergency panel (120 / 110 / the nearest emergency
  department before any hotline);
* a positive on an "unsafe now" item routes to the station's safeguarding lead
  (mandatory reporting, 强制报告): staff must not contact the guardian first.

The booking itself always goes through. Answers of the earlier three-question
screen (``LEGACY_QUESTIONS``, yes/no) stay readable and keep their meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SCREEN_VERSION = 2

YES, NO, UNSURE, DECLINED = "yes", "no", "unsure", "declined"
YES_RECENT, YES_EARLIER = "yes_recent", "yes_earlier"

# (value, Chinese label, English label)
ANSWERS_YES_NO = (
    (YES, "有", "Yes"),
    (NO, "没有", "No"),
    (UNSURE, "不确定", "Not sure"),
    (DECLINED, "不想回答", "Rather not say"),
)
ANSWERS_IS = (
    (YES, "是", "Yes"),
    (NO, "否", "No"),
    (UNSURE, "不确定", "Not sure"),
    (DECLINED, "不想回答", "Rather not say"),
)
ANSWERS_WHEN = (
    (YES_RECENT, "有，在最近一个月内", "Yes, in the past month"),
    (YES_EARLIER, "有，在更早以前", "Yes, longer ago"),
    (NO, "没有", "No"),
    (UNSURE, "不确定", "Not sure"),
    (DECLINED, "不想回答", "Rather not say"),
)


@dataclass(frozen=True)
class Question:
    key: str
    zh: str
    en: str
    answers: tuple[tuple[str, str, str], ...]
    # Positive answers that ask "is there danger right now?".
    acute_on: frozenset[str] = frozenset()
    # Positive answers that route to the safeguarding lead.
    safeguarding: bool = False

    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _zh, _en in self.answers)

    def label(self, value: str, *, english: bool = False) -> str:
        for answer, zh, en in self.answers:
            if answer == value:
                return en if english else zh
        return value


_POSITIVE_YES = frozenset({YES, UNSURE, DECLINED})
_POSITIVE_WHEN = frozenset({YES_RECENT, UNSURE, DECLINED})

QUESTIONS: tuple[Question, ...] = (
    Question(
        "child_wish_dead",
        "最近几周，孩子有没有说过或表现出希望自己死掉、不想活了？",
        "In the past few weeks, has your child said or shown that they wish they "
        "were dead or did not want to live?",
        ANSWERS_YES_NO,
    ),
    Question(
        "child_suicide_talk",
        "孩子有没有说过想自杀、想结束自己的生命？",
        "Has your child talked about killing themselves or ending their life?",
        ANSWERS_YES_NO, acute_on=_POSITIVE_YES,
    ),
    Question(
        "child_preparing",
        "你有没有发现孩子在为结束生命做准备（比如写告别的话、把心爱的东西送人）？",
        "Have you noticed your child getting ready to end their life (for example "
        "writing goodbye messages or giving away things they love)?",
        ANSWERS_YES_NO, acute_on=_POSITIVE_YES,
    ),
    Question(
        "child_past_attempt",
        "孩子以前有没有试过结束自己的生命？",
        "Has your child ever tried to end their life?",
        ANSWERS_WHEN, acute_on=_POSITIVE_WHEN,
    ),
    Question(
        "child_self_harm",
        "孩子有没有故意伤害过自己的身体？",
        "Has your child ever hurt themselves on purpose?",
        ANSWERS_WHEN, acute_on=_POSITIVE_WHEN,
    ),
    Question(
        "guardian_thoughts",
        "你自己最近有没有想过结束自己的生命？",
        "Have you yourself had thoughts of ending your life recently?",
        # Acute: the adult who filled in the form may be the one in danger
        # tonight, and 120/110 are theirs as much as the child's.
        ANSWERS_YES_NO, acute_on=_POSITIVE_YES,
    ),
    Question(
        "child_harmed_now",
        "孩子现在是否正在受到别人的伤害或威胁？",
        "Is someone hurting or threatening your child at the moment?",
        ANSWERS_IS, acute_on=_POSITIVE_YES, safeguarding=True,
    ),
    Question(
        "child_without_care",
        "孩子现在身边是不是没有大人照看？",
        "Is your child without an adult to look after them at the moment?",
        ANSWERS_IS, acute_on=_POSITIVE_YES, safeguarding=True,
    ),
)

RISK_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)
BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}

DANGER_NOW_KEY = "danger_now"
DANGER_NOW = Question(
    DANGER_NOW_KEY, "现在是否有危险？", "Is there danger right now?",
    ((YES, "是", "Yes"), (NO, "否", "No"), (UNSURE, "不确定", "Not sure")),
)

# The earlier screen (yes/no, stored as booleans): still readable, same meaning.
LEGACY_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("self_harm_thoughts",
     "最近两周，孩子（或你自己）是否说过或流露出不想活、想伤害自己的念头？",
     "In the past two weeks, has your child (or have you) spoken of or shown "
     "thoughts of not wanting to live or of self-harm?"),
    ("recent_self_harm", "最近是否发生过自伤行为，或正在计划这样做？",
     "Has there been self-harm recently, or is it being planned?"),
    ("unsafe_now", "孩子现在是否处在不安全的环境中（例如受到伤害、威胁或无人照看）？",
     "Is the child in an unsafe situation right now (for example being hurt, "
     "threatened or left without care)?"),
)
LEGACY_KEYS: tuple[str, ...] = tuple(key for key, _zh, _en in LEGACY_QUESTIONS)
_LEGACY_ACUTE = frozenset({"recent_self_harm", "unsafe_now"})
_LEGACY_SAFEGUARDING = frozenset({"unsafe_now"})


class IntakeError(ValueError):
    """Answers that do not fit the screen; ``.key`` names the question."""

    def __init__(self, code: str, key: str = ""):
        super().__init__(f"{code}: {key}")
        self.code = code
        self.key = key


@dataclass(frozen=True)
class Assessment:
    urgent: bool = False  # any positive answer
    acute: bool = False  # ask "is there danger right now?"
    safeguarding: bool = False  # child hurt, threatened or without care
    guardian: bool = False  # the guardian's own thoughts of ending their life
    danger_now: bool = False  # "yes" or "not sure" to "is there danger right now?"


def _as_value(question: Question, value) -> str:
    """One answer as its stored value; booleans allowed where they are unambiguous."""
    if isinstance(value, bool):
        if not value:
            return NO
        if YES in question.values():
            return YES
        raise IntakeError("invalid_value", question.key)
    if isinstance(value, str) and value.strip().lower() in question.values():
        return value.strip().lower()
    raise IntakeError("invalid_value", question.key)


def clean_answers(risk_answers: Mapping | None) -> dict[str, str]:
    """The answers as ``{key: value}``; raises ``IntakeError`` on anything else.

    Keys are those of this screen plus ``danger_now``; values are the item's
    answer values (``True``/``False`` are read as "yes"/"no" where that is
    unambiguous). The earlier screen's three keys (booleans) are accepted on
    their own for older API clients and kept as they are. Unknown keys,
    unknown values and a mix of both screens are refused, never dropped: a
    dropped answer could be the one that mattered.
    """
    if risk_answers is None:
        return {}
    if not isinstance(risk_answers, Mapping):
        raise IntakeError("invalid_shape")
    keys = set(risk_answers)
    legacy = keys & set(LEGACY_KEYS)
    if legacy:
        if keys - set(LEGACY_KEYS):
            raise IntakeError("mixed_screens")
        return {key: _legacy_value(key, risk_answers[key])
                for key in LEGACY_KEYS if key in risk_answers}
    cleaned: dict[str, str] = {}
    for key, value in risk_answers.items():
        question = DANGER_NOW if key == DANGER_NOW_KEY else BY_KEY.get(key)
        if question is None:
            raise IntakeError("unknown_key", str(key)[:60])
        cleaned[key] = _as_value(question, value)
    return cleaned


def _legacy_value(key: str, value) -> bool:
    """An earlier-screen answer as a boolean; "not sure" and the like are "yes"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (YES, NO, UNSURE, DECLINED):
        return value.strip().lower() != NO
    raise IntakeError("invalid_value", key)


def is_legacy(answers: Mapping) -> bool:
    return bool(set(answers) & set(LEGACY_KEYS))


def assess(answers: Mapping | None) -> Assessment:
    """What the (cleaned) answers set in motion."""
    answers = answers or {}
    if is_legacy(answers):
        positive = {key for key in LEGACY_KEYS if answers.get(key) is True}
        return Assessment(urgent=bool(positive), acute=bool(positive & _LEGACY_ACUTE),
                          safeguarding=bool(positive & _LEGACY_SAFEGUARDING))
    positive = {key for key in RISK_KEYS if answers.get(key, NO) != NO}
    acute = any(answers.get(q.key) in q.acute_on for q in QUESTIONS)
    # "Is there danger right now?" answered yes or not sure is positive too,
    # even without an acute answer (an API client, an answer since corrected):
    # whoever gave it is followed up, never dropped.
    said_danger = answers.get(DANGER_NOW_KEY) in (YES, UNSURE)
    return Assessment(
        urgent=bool(positive) or said_danger,
        acute=acute,
        safeguarding=any(q.safeguarding and q.key in positive for q in QUESTIONS),
        guardian="guardian_thoughts" in positive,
        danger_now=acute and answers.get(DANGER_NOW_KEY) in (YES, UNSURE),
    )


def is_urgent(answers: Mapping | None) -> bool:
    """True when any answer is positive ("not sure" and "rather not say" too)."""
    return assess(answers).urgent


def stored_rows(intake_answers: Mapping | None, *, english: bool = False) -> dict:
    """The stored answers for the staff page: ``{"legacy": bool, "rows": [...]}``.

    Bookings store ``{"screen": 2, "risk": {...}}``; anything without that
    version is the earlier screen and is labelled so.

    Each row: question, answer label (or None when not answered), positive.
    """
    intake_answers = intake_answers or {}
    if not intake_answers:
        # Erased (consent withdrawn, account erased, retention): nothing to show.
        return {"legacy": False, "erased": True, "rows": []}
    answers = intake_answers.get("risk", intake_answers)
    if not isinstance(answers, Mapping):
        answers = {}
    if is_legacy(answers) or intake_answers.get("screen") != SCREEN_VERSION:
        rows = []
        for key, zh, en in LEGACY_QUESTIONS:
            value = answers.get(key)
            label = None if value is None else (
                ("Yes" if english else "有") if value else ("No" if english else "没有"))
            rows.append({"question": en if english else zh, "answer": label,
                         "positive": value is True})
        return {"legacy": True, "erased": False, "rows": rows}
    rows = []
    for question in (*QUESTIONS, DANGER_NOW):
        value = answers.get(question.key)
        if question is DANGER_NOW and value is None:
            continue
        rows.append({
            "question": question.en if english else question.zh,
            "answer": None if value is None else question.label(value, english=english),
            "positive": value not in (None, NO),
        })
    return {"legacy": False, "erased": False, "rows": rows}
