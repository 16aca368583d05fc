"""The short risk screen asked before a booking is confirmed.

It is a triage prompt, not an assessment and never a diagnosis: a "yes" to any
question marks the booking urgent, shows the crisis lines at once and alerts
every coordinator. The booking itself always goes through.
"""

from collections.abc import Mapping

# (key, question in Chinese, question in English)
RISK_QUESTIONS: list[tuple[str, str, str]] = [
    (
        "self_harm_thoughts",
        "最近两周，孩子（或你自己）是否说过或流露出不想活、想伤害自己的念头？",
        "In the past two weeks, has your child (or have you) spoken of or shown "
        "thoughts of not wanting to live or of self-harm?",
    ),
    (
        "recent_self_harm",
        "最近是否发生过自伤行为，或正在计划这样做？",
        "Has there been self-harm recently, or is it being planned?",
    ),
    (
        "unsafe_now",
        "孩子现在是否处在不安全的环境中（例如受到伤害、威胁或无人照看）？",
        "Is the child in an unsafe situation right now (for example being hurt, "
        "threatened or left without care)?",
    ),
]

RISK_KEYS: tuple[str, ...] = tuple(key for key, _zh, _en in RISK_QUESTIONS)

_YES = {"yes", "true", "1", "on", "y", "是"}


def _is_yes(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in _YES
    return False


def clean_answers(risk_answers: Mapping | None) -> dict[str, bool]:
    """Keep the known questions only, each as a plain yes/no."""
    answers = risk_answers or {}
    if not isinstance(answers, Mapping):
        return {}
    return {key: _is_yes(answers[key]) for key in RISK_KEYS if key in answers}


def is_urgent(risk_answers: Mapping | None) -> bool:
    """True when any risk question was answered "yes"."""
    return any(clean_answers(risk_answers).values())
