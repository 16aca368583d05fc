"""Serves cached course pages to anonymous visitors (see `courses.cache`)."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
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

    Sits right after the health probe, so a hit skips sessions, auth, page
    routing and rendering: it replays the complete response, security
    headers included, as the full stack produced it on the miss. Only
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
            host=request.get_host(), language=language,
            full_path=request.get_full_path(), gen=page_cache.generation(),
        )
        cached = page_cache.cache.get(key)
        if cached is not None:
            return self._replay(request, cached)
        response = self.get_response(request)
        if self._may_store(request, response):
            page_cache.cache.set(key, self._freeze(response), page_cache.timeout())
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
            secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
            if CSRF_SECRET_RE.match(secret):
                request.META["CSRF_COOKIE"] = secret
            token = get_token(request)
            if request.META["CSRF_COOKIE"] != secret:
                new_secret = request.META["CSRF_COOKIE"]
            body = body.replace(CSRF_PLACEHOLDER, token.encode())
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
