"""Serves cached course pages to anonymous visitors (see `courses.cache`)."""

import re
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils import timezone
from django.utils.translation import get_language_from_path

from courses import cache as page_cache

CSRF_FIELD_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
CSRF_PLACEHOLDER = b"__COURSES_CSRF_TOKEN__"
CSRF_SECRET_RE = re.compile(r"^[A-Za-z0-9]{32}$")
# Only these query parameters (short values) may be part of a cache key, so
# random query strings cannot fill the cache with copies of a page.
CACHEABLE_PARAMS = {"topic", "audience", "age", "ack", "q", "page"}
MAX_PARAM_LENGTH = 40
# Per-response headers that must not be replayed to another visitor.
HEADERS_DROPPED = {"set-cookie", "content-length", "date", "server"}


class AnonymousPageCacheMiddleware:
    """Replays a course page rendered for an earlier anonymous visitor.

    Sits right after the health probe, security, static files and the feeds,
    so a hit skips sessions, auth, page routing and rendering: it replays the
    response as the stack below produced it on the miss (CSP, X-Frame-Options
    included); SecurityMiddleware above adds HSTS, nosniff and Referrer-Policy
    to replays and misses alike. Only
    responses a course page or the search view marked cacheable are stored
    (anonymous GETs), and only for requests without a session or messages
    cookie, so a signed-in visitor never sees someone else's page. The form
    token in the page is swapped for one of this visitor's own CSRF secret
    (a new secret and cookie for a first visit), exactly as `get_token` does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_use_cache(request):
            return self.get_response(request)
        language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        key = page_cache.page_key(
            host=f"{request.scheme}://{request.get_host()}", language=language,
            full_path=request.get_full_path(), gen=page_cache.generation(),
            day=timezone.localdate().isoformat(),
        )
        cached = _local_get(key)
        if cached is None:
            cached = page_cache.cache.get(key)
            if cached is not None:
                _local_put(key, cached)
        if cached is not None:
            return self._replay(request, cached)
        response = self.get_response(request)
        if self._may_store(request, response):
            frozen = self._freeze(response)
            page_cache.cache.set(key, frozen, page_cache.timeout())
            _local_put(key, frozen)
        return response

    @staticmethod
    def _may_use_cache(request) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        if getattr(settings, "CSRF_USE_SESSIONS", False):
            return False
        if getattr(settings, "SECURE_SSL_REDIRECT", False) and not request.is_secure():
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return False
        return all(
            key in CACHEABLE_PARAMS and len(values) == 1
            and len(values[0]) <= MAX_PARAM_LENGTH
            for key, values in request.GET.lists()
        )

    @staticmethod
    def _may_store(request, response) -> bool:
        if not getattr(request, "courses_page_cacheable", False):
            return False
        if response.status_code != 200 or response.streaming:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        cache_control = response.get("Cache-Control", "")
        return not cookies and "private" not in cache_control and "no-" not in cache_control

    @staticmethod
    def _freeze(response) -> dict:
        body = CSRF_FIELD_RE.sub(
            b'name="csrfmiddlewaretoken" value="' + CSRF_PLACEHOLDER + b'"',
            response.content,
        )
        headers = [(k, v) for k, v in response.items() if k.lower() not in HEADERS_DROPPED]
        return {"body": body, "headers": headers}

    @staticmethod
    def _replay(request, cached: dict) -> HttpResponse:
        body = cached["body"]
        new_secret = None
        if CSRF_PLACEHOLDER in body:
            # What `get_token` does (CsrfViewMiddleware never runs on a replay),
            # with one urandom read per string instead of 32 secrets.choice calls.
            secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
            if not CSRF_SECRET_RE.match(secret):
                secret = new_secret = _random_csrf_string()
            body = body.replace(CSRF_PLACEHOLDER, _mask_csrf_secret(secret).encode())
        response = HttpResponse(body)
        for name, value in cached["headers"]:
            response[name] = value
        response["Content-Length"] = str(len(body))
        response["X-Courses-Cache"] = "hit"
        if new_secret:
            response.set_cookie(
                settings.CSRF_COOKIE_NAME, new_secret,
                max_age=settings.CSRF_COOKIE_AGE, domain=settings.CSRF_COOKIE_DOMAIN,
                path=settings.CSRF_COOKIE_PATH, secure=settings.CSRF_COOKIE_SECURE,
                httponly=settings.CSRF_COOKIE_HTTPONLY,
                samesite=settings.CSRF_COOKIE_SAMESITE,
            )
        return response


# --- Per-process copy of recent entries --------------------------------------
# A hit then costs no cache round trip. Keys carry the page generation, which
# each process re-reads at least every second (`courses.cache`), so a publish
# retires these as fast as the shared entries. Off unless
# COURSES_PAGE_CACHE_LOCAL_ENTRIES is set (production), so tests that clear
# the shared cache never meet an entry from an earlier test.
_entries: OrderedDict[str, tuple[float, dict]] = OrderedDict()
_entries_lock = threading.Lock()


def _local_limit() -> int:
    return getattr(settings, "COURSES_PAGE_CACHE_LOCAL_ENTRIES", 0)


def _local_get(key: str) -> dict | None:
    if not _local_limit():
        return None
    with _entries_lock:
        item = _entries.get(key)
        if item is None:
            return None
        if item[0] < time.monotonic():
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return item[1]


def _local_put(key: str, value: dict) -> None:
    limit = _local_limit()
    if not limit:
        return
    with _entries_lock:
        _entries[key] = (time.monotonic() + page_cache.timeout(), value)
        _entries.move_to_end(key)
        while len(_entries) > limit:
            _entries.popitem(last=False)


def clear_local() -> None:
    with _entries_lock:
        _entries.clear()


# --- CSRF tokens, as django.middleware.csrf makes them --------------------------
_CSRF_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_CSRF_BASE = len(CSRF_ALLOWED_CHARS)  # 62
_CSRF_UNBIASED = 256 - 256 % _CSRF_BASE  # bytes below this map evenly


def _random_csrf_string() -> str:
    chars: list[str] = []
    while len(chars) < CSRF_SECRET_LENGTH:
        for byte in secrets.token_bytes(CSRF_SECRET_LENGTH + 8):
            if byte < _CSRF_UNBIASED:
                chars.append(CSRF_ALLOWED_CHARS[byte % _CSRF_BASE])
    return "".join(chars[:CSRF_SECRET_LENGTH])


def _mask_csrf_secret(secret: str) -> str:
    """Django's masked form token: mask + (secret + mask) per character."""
    mask = _random_csrf_string()
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CSRF_INDEX[x] + _CSRF_INDEX[y]) % _CSRF_BASE]
        for x, y in zip(secret, mask, strict=True)
    )
    return mask + cipher
