"""Plain text out of StreamFields, and reading time that counts Chinese properly."""

import html
import math
import re

from django.utils.html import strip_tags
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText

# CJK unified ideographs (with extension A) and CJK punctuation-free kana are
# counted one by one: a Chinese reader reads characters, not space-split words.
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")

CJK_CHARS_PER_MINUTE = 350
LATIN_WORDS_PER_MINUTE = 200

# Fields of struct blocks that are not reader-visible prose.
_SKIP_KEYS = {"correct", "multiple", "kind", "embed", "file", "document", "image",
              "transcript_document"}


def reading_minutes(text: str) -> int:
    """Minutes to read `text`: ~350 Chinese characters or ~200 Latin words a minute."""
    cjk = len(CJK_RE.findall(text))
    words = len(LATIN_WORD_RE.findall(CJK_RE.sub(" ", text)))
    if cjk == 0 and words == 0:
        return 0
    return max(1, math.ceil(cjk / CJK_CHARS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE))


def stream_text(value) -> str:
    """Every reader-visible string of a StreamField value, joined by newlines."""
    parts: list[str] = []
    _collect(value, parts)
    return "\n".join(p for p in parts if p)


def _collect(value, parts: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, RichText):
        parts.append(html.unescape(strip_tags(value.source)).strip())
    elif isinstance(value, str):
        parts.append(html.unescape(strip_tags(value)).strip())
    elif isinstance(value, StreamValue):
        for child in value:
            _collect(child.value, parts)
    elif isinstance(value, StructValue | dict):
        for key, child in value.items():
            if key not in _SKIP_KEYS:
                _collect(child, parts)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            _collect(child, parts)
