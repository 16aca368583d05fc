"""Answer a repeated slot search from the cache alone (issue 6: slot search speed).

Booking clients ask `/api/v1/slots` for the same counsellor and weeks again
and again; the answer is the same until that counsellor's schedule or the
station's settings change, or time moves past the first slot's notice. The
full path (`bookings.api.list_slots`, through every middleware and ninja)
costs a token query, two validation queries and building ~500 slots of JSON.

`SlotSearchMiddleware` answers a repeat before all of that when it can prove
the answer is current, in one cache round trip:

- the bearer token: its *state* (`remember_token`, left by the full path's
  authentication) must have been stored under the current token generation,
  which every token write, revocation and user change replaces (`bump_tokens`,
  wired in `bookings.signals`); a state lives at most `TOKEN_SECONDS`, so the
  full path still records the token's last use;
- the answer: the JSON bytes are kept per process under the counsellor's and
  the station's schedule versions (`bookings.slot_cache`), read in the same
  round trip. Any booking, schedule, counsellor or session-type change
  replaces a version, and with it the key: a changed schedule is never
  answered from here. The counsellor and session type were found active and
  linked when the bytes were made; changing that replaces a version too.

Anything unusual (no bearer token, another parameter, a date in another
form, a miss) takes the full path, which validates and answers as before.
Only answers the full path gave with 200 are kept, so dates outside the
booking horizon are always a miss: they get the full path's 422. A replay
carries the full path's headers (``Cache-Control: no-store`` included).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import OrderedDict
from http import HTTPStatus

from django.core.cache import cache
from django.http import HttpResponse

from bookings import slot_cache
from bookings import versions as version_numbers

SLOTS_PATH = "/api/v1/slots"
JSON = "application/json; charset=utf-8"
TOKEN_GEN_KEY = "api:tokens:gen"  # noqa: S105  (a cache key, not a secret)
TOKEN_SECONDS = 5 * 60
MAX_SLOT_DAYS = 62
MAX_ID = 2**53

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[1-9]\d{0,15}$")
_PARAMS = ("counsellor", "session_type", "start", "end")


def _token_key(token_hash: str) -> str:
    return f"api:token:{token_hash}"


def bump_tokens() -> None:
    """Retire every token state: a token or its user changed."""
    version_numbers.bump(TOKEN_GEN_KEY)


def token_generation() -> int:
    """The generation to store a token state under; read before the database is."""
    return version_numbers.read(TOKEN_GEN_KEY)


def remember_token(*, token_hash: str, generation: int, user_id: int) -> None:
    cache.set(_token_key(token_hash), (generation, user_id), TOKEN_SECONDS)


# --- answers, per process ----------------------------------------------------------

# Per worker: a four-week answer is ~30 kB, so the byte budget binds first.
LOCAL_ANSWERS = 1024
LOCAL_ANSWER_BYTES = 8 * 1024 * 1024
# Headers of the full path's answer that depend on the request, not the answer.
_REQUEST_HEADERS = {"content-language", "set-cookie", "date"}
_answers: OrderedDict[tuple, tuple[float, bytes, tuple]] = OrderedDict()
_answers_lock = threading.Lock()
_answer_bytes = 0


def answer_key(*, counsellor_id: int, session_type_id: int, start: dt.date,
               end: dt.date, station: int, version: int) -> tuple:
    return (counsellor_id, session_type_id, start.isoformat(), end.isoformat(),
            station, version)


def mark_answer(response: HttpResponse, key: tuple, *, valid_until: dt.datetime):
    """Called by the view: keep this answer once the middleware stack is done
    with it (so a repeat carries the same headers: CSP, X-Frame-Options...)."""
    response.slot_answer = (key, valid_until)
    return response


def remember_answer(key: tuple, response: HttpResponse, *, valid_until: dt.datetime) -> None:
    expires = valid_until.timestamp()
    if expires <= time.time() or response.cookies:
        return
    headers = tuple((name, value) for name, value in response.headers.items()
                    if name.lower() not in _REQUEST_HEADERS)
    body = response.content
    if len(body) > LOCAL_ANSWER_BYTES // 8:
        return  # a rare huge answer would push out many common ones
    global _answer_bytes
    with _answers_lock:
        old = _answers.pop(key, None)
        if old is not None:
            _answer_bytes -= len(old[1])
        _answers[key] = (expires, body, headers)
        _answer_bytes += len(body)
        while len(_answers) > LOCAL_ANSWERS or _answer_bytes > LOCAL_ANSWER_BYTES:
            _key, (_expires, dropped, _headers) = _answers.popitem(last=False)
            _answer_bytes -= len(dropped)


def _answer(key: tuple) -> tuple[bytes, tuple] | None:
    with _answers_lock:
        item = _answers.get(key)
    if item is None or item[0] <= time.time():
        return None
    return item[1], item[2]


def forget_answers() -> None:
    global _answer_bytes
    with _answers_lock:
        _answers.clear()
        _answer_bytes = 0


# --- the fast path -------------------------------------------------------------------


def _bearer(request) -> str | None:
    # Exactly as ninja's HttpBearer reads it, so both paths see the same token.
    parts = request.META.get("HTTP_AUTHORIZATION", "").split(" ")
    token = " ".join(parts[1:])
    if parts[0].lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


def _query(request) -> dict | None:
    """The four parameters in their plain form, or None (the full path decides)."""
    query = request.GET
    if sorted(query) != sorted(_PARAMS) or any(len(query.getlist(p)) != 1
                                                for p in _PARAMS):
        return None
    counsellor, session_type = query["counsellor"], query["session_type"]
    if not (_ID.match(counsellor) and _ID.match(session_type)
            and _DATE.match(query["start"]) and _DATE.match(query["end"])):
        return None
    try:
        start = dt.date.fromisoformat(query["start"])
        end = dt.date.fromisoformat(query["end"])
    except ValueError:
        return None
    if not (0 <= (end - start).days <= MAX_SLOT_DAYS) or int(counsellor) > MAX_ID \
            or int(session_type) > MAX_ID:
        return None
    return {"counsellor": int(counsellor), "session_type": int(session_type),
            "start": start, "end": end}


def cached_answer(request) -> HttpResponse | None:
    token = _bearer(request)
    if token is None:
        return None
    params = _query(request)
    if params is None:
        return None
    from portal.models import ApiToken

    token_key = _token_key(ApiToken.hash_secret(token))
    counsellor_key = slot_cache.counsellor_key(params["counsellor"])
    found = cache.get_many([token_key, TOKEN_GEN_KEY, slot_cache.STATION_KEY,
                            counsellor_key])
    state = found.get(token_key)
    generation = found.get(TOKEN_GEN_KEY)
    station = found.get(slot_cache.STATION_KEY)
    version = found.get(counsellor_key)
    if (not isinstance(state, tuple) or generation is None or state[0] != generation
            or station is None or version is None):
        return None
    kept = _answer(answer_key(counsellor_id=params["counsellor"],
                              session_type_id=params["session_type"],
                              start=params["start"], end=params["end"],
                              station=station, version=version))
    if kept is None:
        return None
    body, headers = kept
    response = HttpResponse(body)
    for name, value in headers:
        response.headers[name] = value
    return response


class SlotSearchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != SLOTS_PATH or request.method != "GET":
            return self.get_response(request)
        response = cached_answer(request)
        if response is not None:
            return response
        response = self.get_response(request)
        kept = getattr(response, "slot_answer", None)
        if kept is not None and response.status_code == HTTPStatus.OK:
            remember_answer(kept[0], response, valid_until=kept[1])
        return response
