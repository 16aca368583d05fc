"""Serve calendar feeds before sessions, auth, CSRF, locale and CSP run.

Calendar apps poll `/calendar/<secret>.ics` and `/calendar/workshops.ics`
without cookies; the feed views need none of the middleware below this one,
which costs more than the cached feed itself. The same views stay in the
URLconf (for `reverse()`, and as the path every other request takes); this
only skips work. It sits after SecurityMiddleware (HTTPS redirect, nosniff)
and DatabaseUnavailableMiddleware (a lost database still gets a calm 503).
"""

import re

from django.utils import translation
from django.utils.cache import patch_vary_headers

FEED_PATH = re.compile(r"^/calendar/(?P<name>[^/]+)\.ics$")


class CalendarFeedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = FEED_PATH.match(request.path_info)
        if match is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from bookings import calendar_views

        if match["name"] == "workshops":
            # The public feed is in the reader's language, as LocaleMiddleware
            # would choose it (no language prefix on /calendar/).
            language = translation.get_language_from_request(request)
            with translation.override(language):
                response = calendar_views.workshops_feed(request)
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", language)
            return response
        return calendar_views.personal_feed(request, match["name"])
