"""Search snippets: escape first, then mark the matches."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from courses.search.segmentation import normalise

SNIPPET_LENGTH = 120


def highlight_snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """A window of `text` around the first match, HTML-escaped, matches in <mark>."""
    text = " ".join((text or "").split())
    folded = normalise(text)
    if len(folded) != len(text):
        folded = text
    positions = [folded.find(t) for t in terms if t and folded.find(t) >= 0]
    start = max(0, min(positions) - length // 4) if positions else 0
    window = text[start:start + length]
    folded_window = folded[start:start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    # Longest terms first so 危机干预 is marked whole, not as 危机 + 干预.
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(window):
        match = next((t for t in ordered if folded_window.startswith(t, i)), None)
        if match:
            out.append(f"<mark>{escape(window[i:i + len(match)])}</mark>")
            i += len(match)
        else:
            out.append(escape(window[i]))
            i += 1
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every part escaped  # nosec
