"""Anonymous pages replayed by `portal.cache.ReplayMiddleware`.

Every Wagtail page and the search page, rendered for an anonymous GET and
marked cacheable by its view (`request.courses_page_cacheable`), is stored
under the page generation (`PAGES`, retired by the writes listed in
`bookings.caching.INVALIDATION`), the local date (what the review gate hides
from a given day on is never replayed from the day before), the language and
the full path. Each process reads the generation at most once a second
(`GENERATION_LAG_SECONDS`); a publish here is seen at once, elsewhere within
that second.

A hit skips sessions, auth, page routing and rendering: it replays the
response as the stack below produced it on the miss (CSP, X-Frame-Options
included). Only requests without a session or messages cookie are answered
or stored, so a signed-in visitor never sees someone else's page. The form
token in the page is replaced by one of this visitor's own CSRF secret
(read, and for a first visit set, by CsrfViewMiddleware's own hooks).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language_from_path

from portal import cache as caching
from portal.timezones import station_today

PAGES = "courses:pages:gen"
DEFAULT_TIMEOUT = 300
GENERATION_LAG_SECONDS = caching.LAG_SECONDS
# Only these query parameters (short values) may be part of a cache key, so
# random query strings cannot fill the cache with copies of a page.
CACHEABLE_PARAMS = {"topic", "audience", "age", "ack", "q", "page", "neighbourhood", "kind"}
MAX_PARAM_LENGTH = 40


def timeout() -> int:
    return getattr(settings, "COURSES_PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


class PageReplayer(caching.Replayer):
    def _key(self, request) -> str | None:
        if not _may_use_cache(request):
            return None
        address = _address(request)
        if address is None:
            return None
        language, digest = address
        generation = caching.read(PAGES, lag=GENERATION_LAG_SECONDS)
        day = station_today().isoformat()
        return f"courses:page:{generation}:{day}:{language}:{digest}"

    def answer(self, request, match):
        key = self._key(request)
        request.courses_page_key = key
        if key is None:
            return None
        stored = caching.local_get(key)
        if stored is None:
            stored = cache.get(key)
            if stored is None:
                return None
            caching.local_set(key, stored, seconds=timeout(), size=caching.stored_size(stored))
        response = caching.replay(request, stored)
        response["X-Courses-Cache"] = "hit"
        return response

    def keep(self, request, match, response) -> None:
        key = getattr(request, "courses_page_key", None)
        if key is None or not _may_store(request, response):
            return
        stored = caching.storable(response)
        cache.set(key, stored, timeout())
        caching.local_set(key, stored, seconds=timeout(), size=caching.stored_size(stored))


def _may_use_cache(request) -> bool:
    if getattr(settings, "CSRF_USE_SESSIONS", False):
        return False
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not request.is_secure():
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


ADDRESS_SECONDS = 3600.0


def _address(request) -> tuple[str, str] | None:
    """The language and digest a page's key takes from its address, or None
    when the query string may not be part of a key (`CACHEABLE_PARAMS`).

    Remembered per address as sent, in the per-process store: parsing the
    query (a QueryDict), the IRI-quoted full path, its language and its
    digest measured 24 µs of the 33 µs a key took (timeit, 20,000 keys of the
    search page), on a replay of ~110 µs in all."""
    scheme, host = request.scheme, caching.raw_host(request)
    query = request.META.get("QUERY_STRING", "")
    memo = ("courses:address", scheme, host, request.path_info, query)
    found = caching.local_get(memo)
    if found is None:
        allowed = all(
            key in CACHEABLE_PARAMS and len(values) == 1
            and len(values[0]) <= MAX_PARAM_LENGTH
            for key, values in request.GET.lists()
        )
        found = ("", "")
        if allowed:
            language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
            raw = f"{scheme}://{host}|{language}|{request.get_full_path()}"
            found = (language, hashlib.sha256(raw.encode()).hexdigest()[:32])
        caching.local_set(memo, found, seconds=ADDRESS_SECONDS,
                          size=len(host) + len(request.path_info) + len(query) * 2 + 160)
    return found if found[0] else None


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


def register() -> None:
    caching.register(PageReplayer(), "wagtail_serve", "search")
    # Signed in: every Wagtail page (home, course index, modules, lessons)
    # and the search page.
    caching.register_personal("wagtail_serve", "search")
