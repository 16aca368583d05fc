"""Stored texts in the page's language: the one way for every `*_en` column.

A model (or a dict of its values) keeps its Chinese text in ``field`` and the
English in ``field_en``. English pages show the English when it is set;
otherwise the Chinese, marked ``lang="zh-Hans"`` so screen readers and fonts
switch language. Chinese pages show the Chinese as it is.

An object may answer for itself with ``text_in_language(field, language_code)``
(translatable Wagtail models such as topics, whose English lives in another row);
it returns the text or "" when it has none in that language.
"""

from django.template.defaultfilters import linebreaks_filter
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

CHINESE_TAG = "zh-Hans"


def is_english(language: str | None = None) -> bool:
    return (language or get_language() or "").startswith("en")


def _value(obj, name: str) -> str:
    if isinstance(obj, dict):
        return obj.get(name) or ""
    return getattr(obj, name, "") or ""


def pick(obj, field: str, language: str | None = None) -> tuple[str, bool]:
    """``(text, is_chinese_fallback)`` for ``obj.field`` in ``language``
    (the active one by default); the flag is set when an English page shows
    Chinese text."""
    if obj is None or obj == "":
        return "", False
    answer = getattr(obj, "text_in_language", None)
    chinese = _value(obj, field)
    if not is_english(language):
        if callable(answer):
            chinese = answer(field, "zh-hans") or chinese
        return str(chinese), False
    english = answer(field, "en") if callable(answer) else _value(obj, f"{field}_en")
    if english:
        return str(english), False
    return str(chinese), bool(chinese)


def text(obj, field: str, language: str | None = None) -> str:
    """Plain text (emails, calendar files): no markup."""
    return pick(obj, field, language)[0]


def html(obj, field: str, language: str | None = None) -> SafeString:
    """Escaped HTML; Chinese shown on an English page sits in a ``lang`` span."""
    value, fallback = pick(obj, field, language)
    if fallback:
        return format_html('<span lang="{}">{}</span>', CHINESE_TAG, value)
    return conditional_escape(value)


def paragraphs(obj, field: str, language: str | None = None) -> SafeString:
    """A longer text (bios, descriptions) as escaped paragraphs; Chinese shown
    on an English page sits in a ``lang`` div, the paragraphs inside it."""
    value, fallback = pick(obj, field, language)
    if not value:
        return SafeString("")
    body = linebreaks_filter(value, autoescape=True)  # escapes, then marks safe
    if fallback:
        return format_html('<div lang="{}">{}</div>', CHINESE_TAG, body)
    return body
