"""Queries that may come from someone at risk of suicide or self-harm.

A reviewed list of phrases, matched only to show the crisis lines above the
search results: never shown, never logged. Method words are listed so that
a search for one is met with help; no page text names them. Each phrase is
given in Simplified and, where it differs, Traditional script (the query is
also folded to Simplified, so either finds it), and English in lower case.
"""

from __future__ import annotations

import re
import unicodedata

from courses.search.segmentation import normalise

CHINESE_PHRASES = (
    # Wishes to die, thoughts of suicide.
    "不想活", "活不下去", "活着没意思", "活著沒意思", "活着没有意义", "活著沒有意義",
    "想死", "去死", "寻死", "尋死", "死了算了", "不如死了", "自杀", "自殺", "轻生", "輕生",
    "结束生命", "結束生命", "结束自己", "結束自己", "了结自己", "了結自己", "遗书", "遺書",
    "我是个累赘", "我是個累贅",
    # Self-harm.
    "自伤", "自傷", "自残", "自殘", "自我伤害", "自我傷害", "伤害自己", "傷害自己",
    "割腕", "划手", "劃手", "跳楼", "跳樓", "上吊", "烧炭", "燒炭", "吞药", "吞藥",
    "安眠药", "安眠藥", "服毒",
)

ENGLISH_PHRASES = (
    "suicide", "suicidal", "kill myself", "killing myself", "kill herself",
    "kill himself", "kill themselves", "want to die", "wants to die", "wish i was dead",
    "wish i were dead", "end my life", "end his life", "end her life", "end their life",
    "ending my life", "don't want to live", "dont want to live", "do not want to live",
    "not want to be alive", "tired of living", "self-harm", "self harm", "selfharm",
    "self-injury", "hurt myself", "hurting myself", "harm myself", "cut myself",
    "cutting myself", "overdose",
)

_ENGLISH = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in ENGLISH_PHRASES) + r")\b"
)


def expresses_risk(query: str) -> bool:
    """True when `query` contains a phrase of self-harm or suicide risk."""
    folded = unicodedata.normalize("NFKC", query or "").lower()
    folded = folded.replace("\u2019", "'")
    simplified = normalise(folded)
    compact = "".join(simplified.split())
    if any(phrase in text for phrase in CHINESE_PHRASES for text in (folded, compact)):
        return True
    return bool(_ENGLISH.search(" ".join(folded.split())))
