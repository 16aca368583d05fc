"""The bookings side of the one caching mechanism (`portal.cache`).

Generations (retired by the writes in `INVALIDATION`, the one table of them):

- `STATION` and `counsellor_key(id)`: free slots (issue 6). A counsellor's
  rules, exceptions, time off, bookings and row retire theirs; closures, the
  booking policy, session types and workshops the station's. Lists are
  computed for the whole day (as of local midnight, no minimum notice, a day
  of extra horizon) and narrowed to the actual moment at every read.
- `FEEDS`: every personal feed's state; `FEED_LABELS`: the names and texts
  every feed shows beside its own rows (counsellors, session types, topics,
  crisis lines), part of each feed body's key. `WORKSHOPS`: the public
  workshop feed's version, re-read by each process at most once a second.
- `TOKENS`: the states of API bearer tokens.
- `courses.caching.PAGES`: the anonymous pages (the home page lists
  workshops with seats left and the neighbourhoods, course pages list
  counsellors and workshops, the service point pages their hours).

Fast paths (`portal.cache.ReplayMiddleware`):

- **Feeds** (`calendar:feed`, `calendar:workshops`): calendar apps poll
  without cookies, and the feed views need none of the middleware below;
  they are called before it. A repeat poll of a personal feed counts its
  rate (batched while far from the limit) and reads the per-IP miss count,
  the feed's state (left by the full path: which cached body answers it,
  under which `FEEDS` generation) and the current generation, each as this
  process last read it within `portal.cache.LAG_SECONDS`, and sends the body
  with no query when they match: usually no round trip at all.
  A state lives `STATE_SECONDS`, so the full path (which records the feed's
  last access, hourly) still runs a few times an hour for a polled feed.
- **Slot search** (`api:list_slots`): a repeat with a bearer token whose
  state (left by the full path's authentication under the current `TOKENS`
  generation) is current, and the four plain parameters, is answered from
  this process's copy of the JSON kept under both schedule generations,
  read with `portal.cache.LAG_SECONDS` of lag (usually no round trip). Anything unusual takes the full path, which validates and
  answers as before; only its 200 answers are kept, with their headers
  (``Cache-Control: no-store`` included).
  A pooled search (``topic`` instead of ``counsellor``, with ``point`` and
  ``mode`` if given) is kept the same way under `STATION` and `POOLS`, with
  the pool's members and their generations as the full path read them: a
  repeat is replayed while those still match (one lagged read of each).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja.security import HttpBearer
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    CalendarFeed,
    Counsellor,
    GroupSession,
    SessionType,
    StationClosure,
    TimeOff,
)
from courses.caching import PAGES
from courses.models import ModulePage, Reviewer, SearchSynonym, Topic
from network.models import (
    Expert,
    Neighbourhood,
    OpeningException,
    OpeningHours,
    ServicePoint,
)
from portal import cache as caching
from portal.cache import Retire
from portal.fragments import PAGE_SHELL
from portal.models import ApiToken, CrisisLine, SiteSettings

STATION = "bookings:slots:v:station"
FEEDS = "calendar:feed:gen"
FEED_LABELS = "calendar:feed:labels"
WORKSHOPS = "calendar:workshops:gen"
TOKENS = "api:tokens:gen"  # noqa: S105  (a cache key, not a secret)
# Who is in a topic's pool (`pool_selectors.pool_counsellors`) beyond what
# STATION and the members' own generations cover: a counsellor joining or
# leaving (active, modes, specialties, hours kept at a point), a topic's slug.
POOLS = "bookings:pools:gen"


def counsellor_key(counsellor_id: int) -> str:
    return f"bookings:slots:v:c{counsellor_id}"


# --- the invalidation table ----------------------------------------------------------


def _counsellor_of(instance) -> str | None:
    return counsellor_key(instance.counsellor_id) if instance.counsellor_id else None


def _counsellor_row(instance) -> str:
    return counsellor_key(instance.pk)


def _seats(instance) -> str | None:
    # Seats left on the home page and the workshop lists.
    return PAGES if instance.group_session_id else None


def _signing_in(instance, update_fields) -> bool:
    return bool(update_fields) and set(update_fields) <= {"last_login"}


_PAGE_SIGNALS = (page_published, page_unpublished, post_page_move)

INVALIDATION = [
    Retire(Booking, (_seats, _counsellor_of, FEEDS)),
    Retire(AvailabilityRule, (_counsellor_of, POOLS)),
    Retire(AvailabilityException, (_counsellor_of,)),
    Retire(TimeOff, (_counsellor_of, FEEDS)),
    Retire(Counsellor, (PAGES, _counsellor_row, FEEDS, FEED_LABELS, POOLS)),
    Retire(Counsellor.specialties.through, (PAGES, POOLS)),
    Retire(GroupSession, (PAGES, WORKSHOPS, STATION, FEEDS)),
    Retire(GroupSession.counsellors.through, (PAGES, STATION, FEEDS)),
    # Session types are listed on their service point's page.
    Retire(SessionType, (PAGES, STATION, FEEDS, FEED_LABELS)),
    Retire(SessionType.counsellors.through, (PAGES, STATION)),
    Retire(StationClosure, (STATION,)),
    Retire(BookingPolicy, (STATION,)),
    Retire(CalendarFeed, (FEEDS,)),
    Retire(ApiToken, (TOKENS,)),
    Retire(get_user_model(), (FEEDS, TOKENS), unless=_signing_in),
    Retire(Topic, (PAGES, FEEDS, FEED_LABELS, POOLS)),
    # Shown on every module and lesson page (name, credential, covers).
    Retire(Reviewer, (PAGES,)),
    Retire(SearchSynonym, (PAGES,)),  # what every search query finds
    Retire(get_image_model(), (PAGES,)),
    # A module row saved directly (not only published): lesson pages keep
    # their module per page generation (courses.models.LessonPage.module).
    Retire(ModulePage, (PAGES,), signals=(post_save,)),
    Retire(SiteSettings, (PAGES, FEEDS, FEED_LABELS)),
    Retire(CrisisLine, (PAGES, FEEDS, FEED_LABELS)),
    # Every Wagtail page is an anonymous page; deleting any page deletes its
    # base `Page` row. Saving a draft changes nothing shown.
    Retire(Page, (PAGES, PAGE_SHELL), signals=(post_delete,)),
    Retire(None, (PAGES, PAGE_SHELL), signals=_PAGE_SIGNALS),
    Retire(Locale, (PAGES, PAGE_SHELL)),
    # Who may see a page decides what lists it (`.public()`) and who gets it: a
    # page limited to signed-in visitors (or a password) answers anonymous ones
    # with a redirect or a form, no longer with its stored copy.
    Retire(PageViewRestriction, (PAGES,)),
    # The point pages and the home page's choice of neighbourhood.
    # Hours kept at a point families cannot see offer no slots: a point's
    # state and hours are slot inputs too.
    Retire(ServicePoint, (PAGES, STATION)),
    Retire(Neighbourhood, (PAGES,)),
    Retire(OpeningHours, (PAGES, STATION)),
    Retire(OpeningException, (PAGES, STATION)),  # a closed day removes its slots
    Retire(Expert, (PAGES, STATION)),  # an expired or withdrawn credential is unbookable
]


# --- free slots ---------------------------------------------------------------------

# Entries are cheap to recompute; a day bounds the memory of old generations.
TIMEOUT_SECONDS = 24 * 3600


def versions(counsellor_ids: Iterable[int]) -> tuple[int, dict[int, int]]:
    """(station generation, {counsellor id: generation}) in one or two cache calls."""
    ids = list(counsellor_ids)
    found = caching.read_many([STATION, *(counsellor_key(c) for c in ids)])
    return found[STATION], {cid: found[counsellor_key(cid)] for cid in ids}


def entry_key(*, counsellor_id: int, version: int, station: int, session_type_id: int,
              start_date: dt.date, end_date: dt.date, day: dt.date, shape: str) -> str:
    raw = (f"{counsellor_id}|{version}|{station}|{session_type_id}|{start_date}|"
           f"{end_date}|{day}|{shape}")
    return "bookings:slots:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


# --- personal feeds ------------------------------------------------------------------

STATE_SECONDS = 15 * 60


def _state_key(secret_hash: str) -> str:
    return f"calendar:feed:state:{secret_hash}"


def labels_version() -> int:
    return caching.read(FEED_LABELS)


def ensure_generation(current: int | None) -> int:
    """The generation to store a state under; read before the database is."""
    return current if current is not None else caching.read(FEEDS)


@dataclass(frozen=True)
class Poll:
    ip_misses: int
    secret_count: int
    state: tuple | None
    generation: int | None

    def body_key(self) -> str | None:
        """The cache key of the body that answers this poll, if still current."""
        if self.state is None or self.generation is None:
            return None
        generation, key = self.state
        return key if generation == self.generation else None


def poll(*, secret_hash: str, ip_key: str, secret_key: str, ttl: int,
         limit: int) -> Poll:
    """Count the poll against the secret's rate bucket, and read the per-IP
    miss count, the feed's state and the generation: usually without a
    round trip. The count is batched while far from `limit`
    (`caching.count_batched`); the miss count and the generation are read
    with `caching.LAG_SECONDS` of lag (a revoked link 404s at once in the
    process that revoked it, in the others within that second; calendar
    apps poll hourly); a state names its generation, so this process's
    copy of it is never taken for current after a change."""
    generation = caching.read(FEEDS, lag=caching.LAG_SECONDS)
    return Poll(
        ip_misses=int(caching.get_lagged(ip_key, default=0) or 0),
        secret_count=caching.count_batched(secret_key, ttl, limit=limit),
        state=_feed_state(secret_hash, generation),
        generation=generation,
    )


def miss_counted(ip_key: str) -> None:
    """After the full path counted an unknown secret against the IP: this
    process sees its own misses at once (`poll` reads the count with a lag)."""
    caching.forget_lagged(ip_key)


def _feed_state(secret_hash: str, generation: int) -> tuple | None:
    key = _state_key(secret_hash)
    state = caching.local_get(key)
    if isinstance(state, tuple) and state[0] == generation:
        return state
    state = cache.get(key)
    if not (isinstance(state, tuple) and len(state) == 2):
        return None
    caching.local_set(key, state, seconds=STATE_SECONDS, size=len(state[1]) + 64)
    return state


def remember(*, secret_hash: str, generation: int, key: str) -> None:
    """After a full-path answer: let repeats of this poll skip the database."""
    if key:
        cache.set(_state_key(secret_hash), (generation, key), STATE_SECONDS)
        caching.local_set(_state_key(secret_hash), (generation, key),
                          seconds=STATE_SECONDS, size=len(key) + 64)


class FeedReplayer(caching.Replayer):
    """Calls the feed view before sessions, auth, CSRF, locale and CSP run."""

    def answer(self, request, match):
        if match.url_name != "workshops":
            return match.func(request, *match.args, **match.kwargs)
        # The public feed is in the reader's language, as LocaleMiddleware
        # would choose it (no language prefix on /calendar/).
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = match.func(request, *match.args, **match.kwargs)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


# --- API slot search -----------------------------------------------------------------

JSON = "application/json; charset=utf-8"
TOKEN_SECONDS = 5 * 60
MAX_SLOT_DAYS = 62
MAX_ID = 2**53
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[1-9]\d{0,15}$")
_PARAMS = ("counsellor", "session_type", "start", "end")
# Headers of the full path's answer that depend on the request, not the answer.
_REQUEST_HEADERS = {"content-language", "set-cookie", "date"}


def _token_key(token_hash: str) -> str:
    return f"api:token:{token_hash}"


def token_generation() -> int:
    """The generation to store a token state under; read before the database is."""
    return caching.read(TOKENS)


def remember_token(*, token_hash: str, generation: int, user_id: int) -> None:
    cache.set(_token_key(token_hash), (generation, user_id), TOKEN_SECONDS)
    caching.local_set(_token_key(token_hash), (generation, user_id),
                      seconds=TOKEN_SECONDS, size=128)


def answer_key(*, counsellor_id: int, session_type_id: int, start: dt.date,
               end: dt.date, station: int, version: int) -> tuple:
    return ("api:slots", counsellor_id, session_type_id, start.isoformat(),
            end.isoformat(), station, version)


def pool_generations() -> tuple[int, int]:
    """(STATION, POOLS) for a pooled search; read before its rows."""
    found = caching.read_many([STATION, POOLS])
    return found[STATION], found[POOLS]


def pooled_answer_key(*, topic: str, point: str, mode: str, session_type_id: int,
                      start: dt.date, end: dt.date, station: int, pools: int) -> tuple:
    return ("api:slots:pool", topic, point, mode, session_type_id, start.isoformat(),
            end.isoformat(), station, pools)


def mark_answer(response: HttpResponse, key: tuple, *, valid_until: dt.datetime,
                members: tuple[int, ...] = (), versions: tuple[int, ...] = ()):
    """Called by the view: keep this answer once the middleware stack is done
    with it (so a repeat carries the same headers: CSP, X-Frame-Options...).
    A pooled answer names its members and their generations, checked again
    on each replay."""
    response.slot_answer = (key, valid_until, members, versions)
    return response


def remember_answer(key: tuple, response: HttpResponse, *,
                    valid_until: dt.datetime, members: tuple[int, ...] = (),
                    versions: tuple[int, ...] = ()) -> None:
    expires = valid_until.timestamp()
    if expires <= time.time() or response.cookies:
        return
    headers = tuple((name, value) for name, value in response.headers.items()
                    if name.lower() not in _REQUEST_HEADERS)
    # The wall clock decides (slots slip inside the notice as it moves); the
    # store's own expiry only frees the memory.
    caching.local_set(key, (response.content, headers, expires, members, versions),
                      seconds=expires - time.time(),
                      size=len(response.content) + 16 * len(members))


class _BearerToken(HttpBearer):
    """ninja's own reading of ``Authorization: Bearer``, so both paths see the
    same token; the full path's `bookings.api.BearerToken` checks it."""

    def authenticate(self, request, token):
        return token if token and len(token) <= 200 else None


_bearer = _BearerToken()


_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
_MODES = {"in_person", "online", "phone"}
_POOLED_REQUIRED = {"topic", "session_type", "start", "end"}
_POOLED_OPTIONAL = {"point", "mode"}


def _pooled_query(request) -> dict | None:
    """A pooled search's parameters in their plain form, or None."""
    query = request.GET
    names = set(query)
    if not (_POOLED_REQUIRED <= names <= _POOLED_REQUIRED | _POOLED_OPTIONAL) \
            or any(len(query.getlist(p)) != 1 for p in names):
        return None
    dates = _dates(query)
    topic, point, mode = query["topic"], query.get("point", ""), query.get("mode", "")
    if dates is None or not _ID.match(query["session_type"]) \
            or int(query["session_type"]) > MAX_ID or not _SLUG.match(topic) \
            or (point and not _SLUG.match(point)) or (mode and mode not in _MODES):
        return None
    return {"topic": topic, "point": point, "mode": mode,
            "session_type": int(query["session_type"]), "start": dates[0],
            "end": dates[1]}


def _dates(query) -> tuple[dt.date, dt.date] | None:
    if not (_DATE.match(query["start"]) and _DATE.match(query["end"])):
        return None
    try:
        start = dt.date.fromisoformat(query["start"])
        end = dt.date.fromisoformat(query["end"])
    except ValueError:
        return None
    return (start, end) if 0 <= (end - start).days <= MAX_SLOT_DAYS else None


def _query(request) -> dict | None:
    """The four parameters in their plain form, or None (the full path decides)."""
    query = request.GET
    if sorted(query) != sorted(_PARAMS) or any(len(query.getlist(p)) != 1
                                                for p in _PARAMS):
        return None
    counsellor, session_type = query["counsellor"], query["session_type"]
    dates = _dates(query)
    if dates is None or not (_ID.match(counsellor) and _ID.match(session_type)) \
            or int(counsellor) > MAX_ID or int(session_type) > MAX_ID:
        return None
    return {"counsellor": int(counsellor), "session_type": int(session_type),
            "start": dates[0], "end": dates[1]}


def _token_state(token_hash: str, generation: int):
    """The token's state (generation, user id) the full path left, under
    `generation`: this process's copy while it names that generation, else
    Redis again (another process may have re-authenticated it since)."""
    key = _token_key(token_hash)
    state = caching.local_get(key)
    if isinstance(state, tuple) and state[0] == generation:
        return state
    state = cache.get(key)
    if not (isinstance(state, tuple) and state[0] == generation):
        return None
    caching.local_set(key, state, seconds=TOKEN_SECONDS, size=128)
    return state


class SlotSearchReplayer(caching.Replayer):
    """Reads the three generations with `caching.LAG_SECONDS` of lag: a
    booking, a revoked token or a schedule change in this process shows on
    the very next search; in another worker process within that second.
    A slot shown free meanwhile is refused on booking (409), as one taken
    between a search and the click always is."""

    def answer(self, request, match):
        if request.method != "GET":
            return None
        token = _bearer(request)
        if not token:
            return None
        if "topic" in request.GET:
            kept = self._pooled(request, token)
        else:
            kept = self._named(request, token)
        if kept is None or kept[2] <= time.time():
            return None
        body, headers = kept[0], kept[1]
        response = HttpResponse(body)
        for name, value in headers:
            response.headers[name] = value
        return response

    def _named(self, request, token: str):
        params = _query(request)
        if params is None:
            return None
        mine = counsellor_key(params["counsellor"])
        found = caching.read_many([TOKENS, STATION, mine], lag=caching.LAG_SECONDS)
        if _token_state(ApiToken.hash_secret(token), found[TOKENS]) is None:
            return None
        return caching.local_get(answer_key(
            counsellor_id=params["counsellor"], session_type_id=params["session_type"],
            start=params["start"], end=params["end"], station=found[STATION],
            version=found[mine]))

    def _pooled(self, request, token: str):
        params = _pooled_query(request)
        if params is None:
            return None
        found = caching.read_many([TOKENS, STATION, POOLS], lag=caching.LAG_SECONDS)
        if _token_state(ApiToken.hash_secret(token), found[TOKENS]) is None:
            return None
        kept = caching.local_get(pooled_answer_key(
            topic=params["topic"], point=params["point"], mode=params["mode"],
            session_type_id=params["session_type"], start=params["start"],
            end=params["end"], station=found[STATION], pools=found[POOLS]))
        if kept is None:
            return None
        members, versions = kept[3], kept[4]
        now = caching.read_many([counsellor_key(m) for m in members],
                                lag=caching.LAG_SECONDS)
        if tuple(now[counsellor_key(m)] for m in members) != versions:
            return None
        return kept

    def keep(self, request, match, response) -> None:
        kept = getattr(response, "slot_answer", None)
        if kept is not None and response.status_code == HTTPStatus.OK:
            key, valid_until, members, versions = kept
            remember_answer(key, response, valid_until=valid_until, members=members,
                            versions=versions)


def register() -> None:
    """Wire the invalidation table and the fast paths (BookingsConfig.ready)."""
    caching.connect(INVALIDATION)
    caching.register(FeedReplayer(), "calendar:feed", "calendar:workshops")
    caching.register(SlotSearchReplayer(), "api:list_slots")
    # Signed in: the family's pages, the counsellor's week and the
    # coordinator's lists (the urgent queue's access-log rows are written
    # again on each replay, see portal.cache.PersonalReplayer).
    caching.register_personal(
        "bookings:index", "bookings:counsellors", "bookings:counsellor", "bookings:book",
        "bookings:mine", "bookings:workshops", "bookings:workshop",
        "bookings:counsellor_week", "bookings:counsellor_hours",
        "bookings:coordinator_bookings", "bookings:coordinator_urgent",
        "bookings:coordinator_closures", "bookings:coordinator_reports")
