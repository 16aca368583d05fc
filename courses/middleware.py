"""Serves cached course pages to anonymous visitors (see `courses.cache`)."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from courses import cache as page_cache

CSRF_FIELD_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
CSRF_PLACEHOLDER = b"__COURSES_CSRF_TOKEN__"
HEADERS_KEPT = ("Content-Type", "Content-Language", "Content-Warning")


class AnonymousPageCacheMiddleware:
    """Replays a course page rendered for an earlier anonymous visitor.

    Sits after the session, auth, CSRF and locale middleware: a hit skips
    page routing and rendering, but still gets the security headers, the
    visitor's own CSRF cookie (the cached form token is swapped for a fresh
    one) and the language the URL asks for. Only responses the page itself
    marked cacheable are stored (anonymous GETs of course pages), and never
    one that sets a cookie other than the CSRF cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_use_cache(request):
            return self.get_response(request)
        language = translation.get_language() or settings.LANGUAGE_CODE
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
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return False
        return not request.user.is_authenticated

    @staticmethod
    def _may_store(request, response) -> bool:
        if not getattr(request, "courses_page_cacheable", False):
            return False
        if response.status_code != 200 or response.streaming:
            return False
        cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        return not cookies and not response.has_header("Cache-Control")

    @staticmethod
    def _freeze(response) -> dict:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        body = CSRF_FIELD_RE.sub(
            b'name="csrfmiddlewaretoken" value="' + CSRF_PLACEHOLDER + b'"',
            response.content,
        )
        headers = {k: response[k] for k in HEADERS_KEPT if response.has_header(k)}
        return {"body": body, "headers": headers}

    @staticmethod
    def _replay(request, cached: dict) -> HttpResponse:
        body = cached["body"]
        if CSRF_PLACEHOLDER in body:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(body)
        for name, value in cached["headers"].items():
            response[name] = value
        response["X-Courses-Cache"] = "hit"
        return response
