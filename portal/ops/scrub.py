"""Personal data out of what leaves the process: error reports and log lines.

Two nets. By key: any mapping entry whose key names personal or secret data
(answers, notes, concern, email, phone, cookie, token, password, ...) is
replaced whole. By pattern: email addresses and phone numbers inside any
string are masked. Free text with no such key or pattern (a sentence of an
intake answer inside an exception message) is not recognisable here, which is
why error reports carry no request bodies and no local variables at all
(portal.ops.sentry).
"""

from __future__ import annotations

import re
from typing import Any

FILTERED = "[Filtered]"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Mainland mobiles with or without +86 and separators, and any E.164 number.
# Five-digit crisis lines (12356) and ids stay readable.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"
    r"|\+\d[\d -]{7,16}\d"
)
SENSITIVE_KEY_RE = re.compile(
    r"answer|note|concern|narrative|case|intake|body|email|phone|mobile|name|"
    r"addr|cookie|session|csrf|token|secret|password|passwd|authorization|"
    r"api[-_]?key|dsn|otp|code|params|(?:^|_)ip(?:_|$)",
    re.IGNORECASE,
)
# Structural keys of an error report that match the pattern but hold none of it.
SAFE_KEYS = frozenset({"type", "module", "filename", "abs_path", "function",
                       "lineno", "colno", "context_line", "pre_context",
                       "post_context", "in_app", "mechanism", "handled",
                       "level", "logger", "platform", "event_id", "timestamp",
                       "release", "environment", "server_name", "sdk", "name",
                       "version", "status_code", "exception", "values",
                       "stacktrace", "frames", "message", "formatted"})


# PostgreSQL's error details quote the rows and keys a statement failed on:
# a check or unique violation on a case table would carry its plain words.
ROW_DETAIL_RE = re.compile(
    r"(Failing row contains|Key) \(.*?\)(=\(.*?\))?(?= already exists|\.|$| is not)",
    re.S)


def scrub_text(text: str) -> str:
    """`text` with email addresses, phone numbers and the row values of a
    database error's detail masked."""
    text = ROW_DETAIL_RE.sub(lambda m: f"{m.group(1)} ({FILTERED})", text)
    return PHONE_RE.sub("[phone]", EMAIL_RE.sub("[email]", text))


def scrub(value: Any, *, key: str = "") -> Any:
    """A copy of `value` (JSON-like) with sensitive keys filtered and every
    string's emails and phone numbers masked."""
    if key and key not in SAFE_KEYS and SENSITIVE_KEY_RE.search(key):
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value
