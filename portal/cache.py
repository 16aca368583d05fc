"""The one caching mechanism every fast path uses.

Contract:

- **Generations.** A value is stored under the generation numbers current
  when its rows were read (`read_many`, before the rows). A write that changes
  those rows retires the number (`bump`, again once the transaction commits),
  so nothing stored before it is ever taken for current again. A number that
  cannot be read (no cache) is a new one: nothing was stored under it.
- **Which writes retire which generation** is declared in one table of
  `Retire` rows (`bookings.caching.INVALIDATION`, the app that sees every
  model a fast path shows), wired to the model signals by `connect`.
- **One per-process store** (`local_get`/`local_set`): a `cachetools.TLRUCache`
  with one eviction policy (least recently used, each entry with its own
  expiry) and a byte budget (`CACHE_LOCAL_BYTES`). Keys carry generations, so
  an entry here is as current as the shared one it copies.
- **One replay middleware** (`ReplayMiddleware`): the apps register a
  `Replayer` per URL name (`register`); a request whose path resolves to one
  may be answered before sessions, auth, CSRF and the view run.
- **Redis through django-redis** (`OutageTolerantClient`): a lost Redis is a
  miss, logged once; the process stops trying for `RETRY_SECONDS` and then
  comes back by itself. Rate-limit counters live in the store meanwhile, so
  they still hold, per process.
- **Any write** (`WRITES_ANY`): every INSERT, UPDATE or DELETE on any
  connection retires one more generation, seen at the SQL level
  (`watch_writes`), so `.update()`, bulk writes and raw SQL are included by
  construction; only sessions, the access log, task rows and sign-in stamps
  are left out. Signed-in pages are replayed under it (`PersonalReplayer`).
- `clear()` empties every layer; tests call it and nothing else.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import pickle
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from cachetools import TLRUCache
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.translation import get_language_from_path
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from portal.timezones import station_today

logger = logging.getLogger("weiai.cache")

# --- generations -------------------------------------------------------------------


def fresh() -> int:
    return time.time_ns()


def bump(key: str) -> None:
    """Retire the generation at `key`."""
    _set_generation(key)
    # Again once the write is visible to other connections: a value computed
    # meanwhile from the old rows must not stay current under the new number.
    transaction.on_commit(lambda: _set_generation(key))


def _set_generation(key: str) -> None:
    value = fresh()
    cache.set(key, value, None)
    # This process's lagging copy (see `read_many`) moves at once.
    if local_get(("generation", key)) is not None:
        local_set(("generation", key), (value, time.monotonic()), seconds=_LAG_KEPT,
                  size=64)


_LAG_KEPT = 60.0
# The one lag the fast paths read generations with (`read_many(lag=...)`): a
# write in this process is seen here at once, in the other worker processes
# within this time. A Redis round trip measured 115 µs here (redis-py, on
# loopback), more than twice a whole /healthz request; reading every
# generation on every replay kept the slot search and the personal feed
# under their aims (0.33× and 0.31× of /healthz in `make bench`).
LAG_SECONDS = 1.0


def get_lagged(key: str, *, lag: float = LAG_SECONDS, default=None):
    """`cache.get(key)`, or this process's copy of it read up to `lag`
    seconds ago: for values a fast path may see a second late (a rate
    counter it only compares against a limit)."""
    now = time.monotonic()
    kept = local_get(("lagged", key))
    if kept is not None and now - kept[1] < lag:
        return kept[0]
    value = cache.get(key, default)
    local_set(("lagged", key), (value, now), seconds=lag, size=size_of(value) + 64)
    return value


def forget_lagged(key: str) -> None:
    """After this process changed `key`: its next `get_lagged` reads it again."""
    with _store_lock:
        _store().pop(("lagged", key), None)


def read_many(keys: Iterable[str], *, lag: float = 0.0) -> dict[str, int]:
    """The current number under each key, in one or two cache calls; read them
    before the rows they guard. With `lag`, this process may use a number read
    up to `lag` seconds ago (a bump here is seen at once, elsewhere within the
    lag): for fast paths where a second's delay across workers is acceptable."""
    keys = list(keys)
    found: dict[str, int] = {}
    if lag:
        now = time.monotonic()
        for key in keys:
            kept = local_get(("generation", key))
            if kept is not None and now - kept[1] < lag:
                found[key] = kept[0]
    wanted = [k for k in keys if k not in found]
    if wanted:
        shared = cache.get_many(wanted)
        missing = [k for k in wanted if k not in shared]
        if missing:
            # add(), not set(): a number a writer put there meanwhile must win.
            for key in missing:
                cache.add(key, fresh(), None)
            shared.update(cache.get_many(missing))
        for key in wanted:
            found[key] = shared.get(key) or fresh()
            if lag:
                local_set(("generation", key), (found[key], time.monotonic()),
                          seconds=_LAG_KEPT, size=64)
    return {k: found[k] for k in keys}


def read(key: str, *, lag: float = 0.0) -> int:
    return read_many([key], lag=lag)[key]


# --- which writes retire which generation -------------------------------------------


@dataclass(frozen=True)
class Retire:
    """A row of the invalidation table: a change of `sender` retires
    `generations`, each a key or a function of the changed instance giving a
    key (or None for none). `signals`: post_save and post_delete by default;
    an m2m through model gets m2m_changed; other signals (Wagtail's publish)
    may be named, with `sender` None for any sender. `unless(instance,
    update_fields)` true skips the change (a sign-in touching `last_login`)."""

    sender: Any
    generations: tuple[str | Callable[[Any], str | None], ...]
    signals: tuple = (post_save, post_delete)
    unless: Callable[[Any, Any], bool] | None = None


def connect(table: Iterable[Retire]) -> None:
    """Wire every row of `table` to its signals (once, from an AppConfig.ready)."""
    for rule in table:
        signals = rule.signals
        if signals == (post_save, post_delete) and _is_through(rule.sender):
            signals = (m2m_changed,)
        receiver = _receiver(rule)
        for signal in signals:
            signal.connect(receiver, sender=rule.sender, weak=False,
                           dispatch_uid=f"portal-cache-{id(rule)}-{id(signal)}")


def _is_through(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return bool(meta and meta.auto_created)


def _receiver(rule: Retire):
    def retire(sender, instance=None, action=None, update_fields=None, **kwargs):
        if action is not None and not action.startswith("post_"):
            return
        if rule.unless is not None and rule.unless(instance, update_fields):
            return
        for generation in rule.generations:
            key = generation if isinstance(generation, str) else generation(instance)
            if key:
                bump(key)

    return retire


# --- the per-process store -----------------------------------------------------------

DEFAULT_LOCAL_BYTES = 64 * 1024 * 1024


class _Item(NamedTuple):
    value: Any
    expires: float
    size: int


_store_lock = threading.Lock()
_store_holder: dict[str, TLRUCache] = {}


def _store() -> TLRUCache:
    store = _store_holder.get("store")
    if store is None:
        budget = int(getattr(settings, "CACHE_LOCAL_BYTES", DEFAULT_LOCAL_BYTES))
        store = _store_holder["store"] = TLRUCache(
            maxsize=budget, ttu=lambda _key, item, _now: item.expires,
            timer=time.monotonic, getsizeof=lambda item: item.size)
    return store


def size_of(value: Any) -> int:
    """The bytes `value` takes in the budget: its length, or its pickle's."""
    if isinstance(value, bytes | str):
        return len(value)
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def local_get(key, default=None):
    with _store_lock:
        item = _store().get(key)
    return default if item is None else item.value


def local_set(key, value, *, seconds: float, size: int | None = None) -> None:
    """Keep `value` in this process for `seconds`; an entry over an eighth of
    the budget is not kept (it would push out many common ones)."""
    if seconds <= 0:
        return
    size = size_of(value) if size is None else size
    with _store_lock:
        store = _store()
        if size > store.maxsize // 8:
            store.pop(key, None)
            return
        store[key] = _Item(value, time.monotonic() + seconds, size)


def local_bytes() -> int:
    """The bytes the store holds now (at most its budget)."""
    with _store_lock:
        store = _store()
        store.expire()
        return store.currsize


def clear() -> None:
    """Empty every layer: the shared cache, this process's store (its copies,
    lagging generations and outage counters) and the outage state."""
    cache.clear()  # first: while Redis is away, this marks the outage again
    with _store_lock:
        _store_holder.clear()
    _outages.clear()
    _dirty.clear()


# --- counters ---------------------------------------------------------------------


def count_and_get_many(counter_key: str, ttl: int, keys: list[str],
                       by: int = 1) -> tuple[int, dict[str, Any]]:
    """Add `by` to the counter at `counter_key` (expiring `ttl` seconds after
    the last count) and read `keys`: one round trip on Redis."""
    client = getattr(cache, "client", None)
    if isinstance(client, OutageTolerantClient):
        return client.count_and_get_many(counter_key, ttl, keys, by)
    found = cache.get_many(keys) if keys else {}
    cache.add(counter_key, 0, ttl)
    try:
        return cache.incr(counter_key, by), found
    except ValueError:  # evicted between add and incr, or no cache at all
        cache.set(counter_key, by, ttl)
        return by, found


def count(key: str, ttl: int) -> int:
    return count_and_get_many(key, ttl, [])[0]


# A counter far from its limit is counted in the process and added to the
# shared one at most a second (or BATCH_MAX counts) later: the public
# workshop feed's per-IP count cost a Redis round trip per request, 150 µs of
# the ~450 µs the whole request takes in process here.
BATCH_SECONDS = 1.0
BATCH_MAX = 20
BATCH_NEAR = 0.8  # from this share of the limit on, every count is shared at once


def count_batched(key: str, ttl: int, *, limit: int) -> int:
    """`count(key, ttl)` for a rate limit: the shared total as last seen plus
    what this process counted since. Exact from `BATCH_NEAR` of `limit` on, so
    a limit is passed by at most BATCH_MAX - 1 counts per process, and only
    while the total was still below that share."""
    now = time.monotonic()
    with _store_lock:
        item = _store().get(("batch", key))
        if item is not None:
            pending, total, since = item.value
            if (pending + 1 < BATCH_MAX and now - since < BATCH_SECONDS
                    and total + pending + 1 < limit * BATCH_NEAR):
                item.value[0] += 1
                return total + pending + 1
            _store().pop(("batch", key), None)
    by = (item.value[0] if item is not None else 0) + 1
    total = count_and_get_many(key, ttl, [], by)[0]
    local_set(("batch", key), [0, total, now], seconds=float(ttl), size=64)
    return total


# --- Redis, riding out outages ---------------------------------------------------------

RETRY_SECONDS = 5.0
# Counters that must keep counting through an outage (per process meanwhile).
RATE_PREFIXES = ("allauth:rl:", "calendar:rate:")
# Per Redis location: one unreachable server must not stop the use of another.
_outages: dict[str, float] = {}
# Keys this process wrote or deleted while Redis was away, per location: Redis
# still holds their old values (a signed-out session, a generation a write
# retired), so they are deleted there before Redis answers again. Bounded;
# past the bound every generation is retired instead (`_forget_dirty`).
DIRTY_KEYS_MAX = 100_000
_dirty: dict[str, set] = {}
_LOST = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError)


def shared_cache_available() -> bool:
    """False while this process is riding out an outage of the shared cache."""
    client = getattr(cache, "client", None)
    return not isinstance(client, OutageTolerantClient) or client.available()


def _is_rate(key) -> bool:
    return isinstance(key, str) and key.startswith(RATE_PREFIXES)


# During an outage: rate counters in the store, everything else as
# django.core.cache.backends.dummy.DummyCache answers.
RATE_OUTAGE_SECONDS = 3600


def _outage_get(key, default=None, *args, **kwargs):
    return local_get(("outage", key), default) if _is_rate(key) else default


def _outage_set(key, value, timeout=DEFAULT_TIMEOUT, *args, nx=False, **kwargs) -> bool:
    if not _is_rate(key):
        return True
    if nx and _outage_get(key) is not None:
        return False
    seconds = RATE_OUTAGE_SECONDS if timeout in (None, DEFAULT_TIMEOUT) else timeout
    local_set(("outage", key), value, seconds=float(seconds), size=64)
    return True


def _outage_incr(key, delta: int = 1, *args, **kwargs) -> int:
    with _store_lock:
        item = _store().get(("outage", key)) if _is_rate(key) else None
        if item is None:
            raise ValueError("Key not found (cache unavailable)")
        _store()[("outage", key)] = item._replace(value=item.value + delta)
    return item.value + delta


def _outage_get_many(keys, *args, **kwargs) -> dict:
    return {k: v for k in keys if (v := _outage_get(k)) is not None}


def _outage_set_many(data, timeout=DEFAULT_TIMEOUT, *args, **kwargs) -> None:
    for key, value in data.items():
        _outage_set(key, value, timeout)


def _outage_delete(key, *args, **kwargs) -> bool:
    with _store_lock:
        return _store().pop(("outage", key), None) is not None


def _outage_delete_many(keys, *args, **kwargs) -> None:
    for key in keys:
        _outage_delete(key)


def _outage_count(counter_key, ttl, keys, by=1) -> tuple[int, dict]:
    if _outage_get(counter_key) is None:
        _outage_set(counter_key, 0, ttl)
    try:
        return _outage_incr(counter_key, by), _outage_get_many(keys)
    except ValueError:  # not a rate counter: nothing to count against
        return by, _outage_get_many(keys)


WRITES = {"set", "set_many", "delete", "delete_many", "incr"}


def _keys_of(method_name: str, args) -> list:
    """The keys a client write names: a mapping or list for the *_many calls."""
    if not args:
        return []
    return list(args[0]) if method_name.endswith("_many") else [args[0]]


def _riding_out(method, on_outage):
    """`method`, answering `on_outage(*args, **kwargs)` while Redis is away.

    A write dropped during the outage leaves Redis with the old value, so its
    key is noted and deleted there first thing once Redis answers again:
    sessions signed out meanwhile stay signed out, generations bumped
    meanwhile stay retired (a deleted generation is read back as a new one)."""
    name = method.__name__

    def wrapped(self, *args, **kwargs):
        if not self.available():
            return _during_outage(self, name, args, kwargs, on_outage)
        try:
            if self.where() in _outages:
                self.forget_dirty()
            result = method(self, *args, **kwargs)
        except _LOST as exc:
            self.report_failure(exc)
            return _during_outage(self, name, args, kwargs, on_outage)
        if _outages.pop(self.where(), None) is not None:
            logger.warning("Redis cache is back")
        return result

    wrapped.__name__ = method.__name__
    wrapped.__doc__ = method.__doc__
    return wrapped


def _during_outage(client, name: str, args, kwargs, on_outage):
    if name in WRITES:
        dirty = _dirty.setdefault(client.where(), set())
        if len(dirty) <= DIRTY_KEYS_MAX:
            version = kwargs.get("version")
            dirty.update((key, version) for key in _keys_of(name, args))
    return on_outage(*args, **kwargs)


def _count_and_get_many(client, counter_key: str, ttl: int, keys: list[str],
                        by: int = 1) -> tuple[int, dict[str, Any]]:
    counter = client.make_key(counter_key)
    full = [client.make_key(k) for k in keys]
    pipe = client.get_client(write=True).pipeline(transaction=False)
    pipe.incr(counter, by)
    pipe.expire(counter, ttl)
    if full:
        pipe.mget(full)
    number, _expire, *rest = pipe.execute()
    values = rest[0] if full else []
    return int(number), {k: client.decode(v) for k, v in zip(keys, values, strict=True)
                         if v is not None}


class OutageTolerantClient(DefaultClient):
    """django-redis's client, answering as a dummy cache while Redis is away.

    Everything the cache holds can be recomputed from the database. When Redis
    refuses or times out, a call answers as a miss (writes dropped; `add`
    succeeds, so allauth's rate-limit lock never spins), the process stops
    trying for `RETRY_SECONDS` (no connect timeout per call), logs once, and
    tries again after that. Rate-limit counters move to the per-process store
    for the outage. django-redis's own IGNORE_EXCEPTIONS retries on every call
    and logs every failure, and its `add` answers None, hence this subclass.
    """

    def where(self) -> str:
        return ",".join(self._server)

    def available(self) -> bool:
        until = _outages.get(self.where())
        return until is None or time.monotonic() >= until

    def report_failure(self, exc: Exception) -> None:
        first = self.where() not in _outages
        _outages[self.where()] = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning("Redis cache unavailable (%s): serving without it, "
                           "retrying every %.0f s", exc, RETRY_SECONDS)

    def forget_dirty(self) -> None:
        """Delete in Redis what this process wrote during the outage (raises
        if Redis is still away). Past `DIRTY_KEYS_MAX` keys nothing is known
        for certain, so the whole shared cache is emptied instead: everything
        in it can be recomputed, and sessions are read back from the database."""
        dirty = _dirty.get(self.where())
        if not dirty:
            return
        if len(dirty) > DIRTY_KEYS_MAX:
            DefaultClient.clear(self)
        else:
            by_version: dict = {}
            for key, version in dirty:
                by_version.setdefault(version, []).append(key)
            for version, keys in by_version.items():
                DefaultClient.delete_many(self, keys, version=version)
        _dirty.pop(self.where(), None)

    get = _riding_out(DefaultClient.get, _outage_get)
    get_many = _riding_out(DefaultClient.get_many, _outage_get_many)
    # `add` is `set(nx=True)`.
    set = _riding_out(DefaultClient.set, _outage_set)
    set_many = _riding_out(DefaultClient.set_many, _outage_set_many)
    delete = _riding_out(DefaultClient.delete, _outage_delete)
    delete_many = _riding_out(DefaultClient.delete_many, _outage_delete_many)
    incr = _riding_out(DefaultClient.incr, _outage_incr)
    has_key = _riding_out(DefaultClient.has_key,
                          lambda key, *a, **k: _outage_get(key) is not None)
    touch = _riding_out(DefaultClient.touch, lambda *a, **k: False)
    clear = _riding_out(DefaultClient.clear, lambda *a, **k: None)
    count_and_get_many = _riding_out(_count_and_get_many, _outage_count)


# --- the one replay middleware -----------------------------------------------------------


class Replayer:
    """A fast path for the URL names it is registered under.

    `answer(request, match)`: a response made without the middleware below
    (sessions, locale, CSRF, auth, routing), or None for the full path.
    `keep(request, match, response)`: after the full path, store what a later
    `answer` may replay.
    """

    def answer(self, request, match):
        return None

    def keep(self, request, match, response) -> None:
        return None


_replayers: dict[str, Replayer] = {}


def register(replayer: Replayer, *url_names: str) -> None:
    for name in url_names:
        _replayers[name] = replayer


RESOLVED_SECONDS = 3600.0


def _resolved(path: str):
    """Django's `resolve(path)` in the path's language, None for no match.

    Remembered per path in the store: the URLconf does not change while the
    process runs, and resolving (14 patterns deep to Wagtail's catch-all)
    measured ~80 µs of a ~140 µs replay (cProfile, 500 replays of the home
    page; bench: anonymous pages 0.48× /healthz resolving every request,
    0.61× remembering)."""
    key = ("resolved", path)
    match = local_get(key)
    if match is None:
        language = get_language_from_path(path) or settings.LANGUAGE_CODE
        try:
            with translation.override(language):
                match = resolve(path)
        except Resolver404:
            return None
        local_set(key, match, seconds=RESOLVED_SECONDS, size=len(path) * 2 + 512)
    return match


class ReplayMiddleware:
    """Answers a request from its URL name's `Replayer` when it can.

    Sits right after the health probe, security, static files, the database
    guard and NoStoreMiddleware, so a replay skips everything below; what it
    replays carries the headers the stack below produced on the full path.
    Routes with Django's resolver, in the path's language (LocaleMiddleware
    has not run yet: `i18n_patterns` match the active language's prefix).
    A request with a session cookie to a URL name registered as personal
    (`register_personal`) goes to the `PersonalReplayer`; any other to the
    replayer registered for its name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not (_replayers or _personal):
            return self.get_response(request)
        match = _resolved(request.path_info)
        if match is None:
            return self.get_response(request)
        if match.view_name in _personal and settings.SESSION_COOKIE_NAME in request.COOKIES:
            replayer = _personal_replayer
        else:
            replayer = _replayers.get(match.view_name)
        if replayer is None:
            return self.get_response(request)
        response = replayer.answer(request, match)
        if response is not None:
            return response
        wrote = _request_wrote.set(False)
        logged = _request_access.set([])
        try:
            response = self.get_response(request)
            replayer.keep(request, match, response)
        finally:
            _request_wrote.reset(wrote)
            _request_access.reset(logged)
        return response


# --- replaying stored responses ----------------------------------------------------------

CSRF_FIELD_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
CSRF_PLACEHOLDER = b"__REPLAY_CSRF_TOKEN__"
# Per-response headers that must not be replayed.
HEADERS_DROPPED = {"set-cookie", "content-length", "date", "server"}


def _never_csrf(request):
    return None


# Only its request/response hooks are used: to read the visitor's secret and
# to set a new one's cookie exactly as on the full path.
_csrf = CsrfViewMiddleware(_never_csrf)


def raw_host(request) -> str:
    """The Host header as sent, for replay keys. Not `get_host()`, whose
    ALLOWED_HOSTS check measured 17 µs a call: a host that check refuses
    never reaches a stored answer (the full path answers it 400 and nothing
    is kept), so its key can never match."""
    meta = request.META
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return meta["HTTP_X_FORWARDED_HOST"]
    return meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")


def storable(response) -> dict:
    """What a replay needs of `response`: its body, with every form token
    replaced by a placeholder, and the headers that are not per response."""
    body = CSRF_FIELD_RE.sub(
        b'name="csrfmiddlewaretoken" value="' + CSRF_PLACEHOLDER + b'"',
        response.content)
    headers = [(k, v) for k, v in response.items() if k.lower() not in HEADERS_DROPPED]
    return {"body": body, "headers": headers}


def stored_size(stored: dict) -> int:
    return len(stored["body"]) + sum(len(k) + len(v) for k, v in stored["headers"])


def replay(request, stored: dict) -> HttpResponse:
    """The stored response, with form tokens of this visitor's CSRF secret.

    Django's own `get_token`, as `{% csrf_token %}` calls it on the full path
    (a new secret on a first visit; the cookie sent again with every form,
    renewing it). Only pages with a form pay for it: a quiz lesson, a
    signed-in page; anonymous pages otherwise carry none (the language
    switcher is a link for visitors who are not signed in)."""
    body = stored["body"]
    if CSRF_PLACEHOLDER in body:
        # CsrfViewMiddleware never runs on a replay: its request hook reads and
        # checks the visitor's secret from the cookie, as on the full path.
        _csrf.process_request(request)
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body)
    for name, value in stored["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(body))
    # Sets the cookie as the full path would.
    return _csrf.process_response(request, response)


# --- any write ------------------------------------------------------------------------

WRITES_ANY = "writes:any:gen"
# Rows only: schema changes come with migrations, whose data steps write rows.
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE", "MERGE")
_TABLE_RE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?([\w.]+)', re.I)
# Django's own sign-in stamp (`update_last_login`): a new session follows it.
_LAST_LOGIN_RE = re.compile(r'^\s*UPDATE\s+\S+\s+SET\s+"last_login"\s*=\s*%s\s+WHERE\s', re.I)
# Tables whose writes retire nothing (`watch_writes` fills them): sessions
# (a signed-in replay checks the session itself), the access log and task
# rows (no page shows them to the person whose request wrote them).
_quiet_tables: set[str] = set()
_session_tables: set[str] = set()
# Whether the current request wrote anything but its session and its
# access-log rows: such a request is never stored for replay.
_request_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "portal_cache_request_wrote", default=False)
# The access-log table (`watch_writes(logged=...)`), and the rows the current
# request logged through `portal.access` (`note_access`): a replay of an
# access-logged read logs the same reads again (`PersonalReplayer`).
_logged_tables: set[str] = set()
_request_access: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "portal_cache_request_access", default=None)


_access_writer: Callable | None = None


def set_access_writer(writer: Callable) -> None:
    """`writer(rows, request=...)` logs a replayed page's reads again
    (`portal.access.log_replayed`, wired in PortalConfig.ready)."""
    global _access_writer
    _access_writer = writer


def note_access(rows: Iterable[dict]) -> None:
    """`portal.access` tells the replay layer which reads a request logged
    (each row's fields but the time and address)."""
    found = _request_access.get()
    if found is not None:
        found.extend(rows)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and sql[:10].lstrip().upper().startswith(_WRITE_VERBS):
        _note_write(sql, context["connection"])
    return result


def _note_write(sql: str, connection) -> None:
    match = _TABLE_RE.match(sql)
    table = match.group(1).strip('"`') if match else ""
    if table in _session_tables:
        return
    if table in _logged_tables and sql.lstrip()[:6].upper() == "INSERT":
        return  # an access-log row: replayed with the page (`note_access`)
    _request_wrote.set(True)
    if table in _quiet_tables or _LAST_LOGIN_RE.match(sql):
        return
    _set_generation(WRITES_ANY)
    # Again once the write is visible to other connections (see `bump`).
    # (On the connection itself: Django's temporary ones have no alias in
    # `connections`.)
    if connection.in_atomic_block or connection.get_autocommit():
        connection.on_commit(lambda: _set_generation(WRITES_ANY))
    # else: manual transaction management (no commit hooks); the number set
    # above is all there is, as for any write outside Django's transactions.


def watch_writes(*, sessions: Iterable[str], quiet: Iterable[str],
                 logged: Iterable[str] = ()) -> None:
    """Watch every database connection's writes (from PortalConfig.ready).

    Through Django's execute wrappers (`connection.execute_wrappers`, the list
    `connection.execute_wrapper()` manages), installed on every connection as
    it connects, so requests, tasks and management commands are all seen. The
    check costs a string comparison per query."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    _session_tables.update(sessions)
    _quiet_tables.update(quiet)
    _logged_tables.update(logged)

    def install(sender=None, connection=None, **kwargs):
        if _watch not in connection.execute_wrappers:
            connection.execute_wrappers.append(_watch)

    connection_created.connect(install, weak=False, dispatch_uid="portal-cache-writes")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)


# --- signed-in pages -----------------------------------------------------------------------

# A replayed personal page is at most this old: time moves what some pages
# show (minimum notice, "today"), and no write is missed meanwhile (any write
# retires every copy at once).
PERSONAL_SECONDS = 15.0
# StaffSessionMiddleware stamps `_last_seen` at most this often; a session
# stamped longer ago takes the full path, which stamps it (and signs out an
# idle or too old session).
SESSION_TOUCH_SECONDS = 60
MAX_PERSONAL_PATH = 300
_personal: set[str] = set()


def register_personal(*url_names: str) -> None:
    """Signed-in GETs of these URL names may be replayed (`PersonalReplayer`)."""
    _personal.update(url_names)


def _session_engine():
    """The session store class when it keeps sessions in the cache, else None."""
    engine = _store_holder.get("session_engine")
    if engine is None:
        from django.contrib.sessions.backends.cached_db import SessionStore as Cached

        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
        engine = _store_holder["session_engine"] = (
            (store,) if issubclass(store, Cached) else (None,))
    return engine[0]


def _session_state(session) -> str | None:
    """A digest of a signed-in session that may be answered by a replay (all
    but its `_last_seen` stamp), or None when the full path must run."""
    if not isinstance(session, dict) or "_auth_user_id" not in session:
        return None
    if "_session_expiry" in session:
        return None
    now = time.time()
    last, started = session.get("_last_seen"), session.get("_auth_started")
    if last is None or started is None or now - last >= SESSION_TOUCH_SECONDS:
        return None
    if now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
        return None
    state = sorted((k, v) for k, v in session.items() if k != "_last_seen")
    return hashlib.blake2b(pickle.dumps(state, pickle.HIGHEST_PROTOCOL),
                           digest_size=16).hexdigest()


class PersonalReplayer(Replayer):
    """Signed-in pages, replayed to the same session while nothing changed.

    A copy is kept only in this process's store (never in Redis), for
    `PERSONAL_SECONDS`, under: the session key and a digest of the session's
    contents (a sign-out, a new message, anything the session holds moves
    it), the `WRITES_ANY` generation read with no lag (any write anywhere, by
    anyone, retires every copy: at a station's rate of writes that costs a
    render now and then, and no rule of which write shows on which page can
    be forgotten), the local date, the language and the full URL. Only a
    200 to a signed-in GET that set no cookie but CSRF's, wrote nothing but
    its session and its access-log rows, and left the session as it found it
    is kept. An access-logged read stays logged: its rows are kept with the
    copy and written again, with this time and address, on every replay. A replay is answered after the session
    checks StaffSessionMiddleware makes (`_session_state`) and carries
    `Cache-Control: no-store, private`; its form tokens are made from this
    visitor's CSRF secret.
    """

    def answer(self, request, match):
        if request.method != "GET" or "messages" in request.COOKIES:
            return None
        if not getattr(settings, "CACHE_PERSONAL_REPLAY", True):
            return None
        if "HTTP_AUTHORIZATION" in request.META or settings.CSRF_USE_SESSIONS:
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None
        engine = _session_engine()
        full_path = request.get_full_path()
        if engine is None or len(full_path) > MAX_PERSONAL_PATH:
            return None
        session_key = request.COOKIES[settings.SESSION_COOKIE_NAME]
        session_cache_key = engine.cache_key_prefix + session_key
        sessions = caches[settings.SESSION_CACHE_ALIAS]
        if sessions is cache:
            found = cache.get_many([WRITES_ANY, session_cache_key])
        else:
            found = cache.get_many([WRITES_ANY]) | {
                session_cache_key: sessions.get(session_cache_key)}
        state = _session_state(found.get(session_cache_key))
        if state is None:
            return None
        generation = found.get(WRITES_ANY) or read(WRITES_ANY)
        language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        raw = "|".join((request.scheme, raw_host(request), language, full_path,
                        session_key, state, str(generation),
                        station_today().isoformat()))
        key = ("personal", hashlib.blake2b(raw.encode(), digest_size=20).hexdigest())
        request.personal_replay = (key, state, session_cache_key)
        stored = local_get(key)
        if stored is None:
            return None
        if stored.get("access"):
            # The same reads as the full path logged, now, from this address.
            if _access_writer is None:
                return None
            try:
                _access_writer(stored["access"], request=request)
            except DatabaseError:
                return None  # the full path logs (or answers the outage)
        response = replay(request, stored)
        patch_cache_control(response, no_store=True, private=True)
        patch_vary_headers(response, ("Cookie",))
        response["X-Replay"] = "personal"
        return response

    def keep(self, request, match, response) -> None:
        stash = getattr(request, "personal_replay", None)
        if stash is None or _request_wrote.get():
            return
        if response.status_code != 200 or response.streaming:
            return
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return
        key, state, session_cache_key = stash
        # SessionMiddleware has saved the session by now: what the next
        # request reads must be what this one found.
        after = caches[settings.SESSION_CACHE_ALIAS].get(session_cache_key)
        if _session_state(after) != state:
            return
        stored = storable(response)
        stored["access"] = tuple(_request_access.get() or ())
        local_set(key, stored, seconds=PERSONAL_SECONDS, size=stored_size(stored))


_personal_replayer = PersonalReplayer()
