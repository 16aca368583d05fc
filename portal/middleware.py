"""Request plumbing: the health probe, database outages and staff sessions."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse
from django.template.loader import render_to_string


class HealthzMiddleware:
    """Answer `/healthz` before sessions, auth or the database are touched.

    It is the baseline of every benchmark ratio, so it must do no work.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Turn a lost database into a calm 503 that still shows the crisis lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (DatabaseError, InterfaceError) as exc:
            if not _is_connection_error(exc):
                raise
            return database_unavailable_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError | InterfaceError) and _is_connection_error(
            exception
        ):
            return database_unavailable_response(request)
        return None


def _is_connection_error(exc: Exception) -> bool:
    from django.db import OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable_response(request) -> HttpResponse:
    from portal.crisis import fallback_crisis_lines

    html = render_to_string(
        "503.html", {"crisis_lines": fallback_crisis_lines(), "request": request}
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response


class StaffSessionMiddleware:
    """End idle staff sessions (30 min) and every session after an absolute limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault("_auth_started", now)
            last = session.get("_last_seen", now)
            idle_limit = (
                settings.STAFF_IDLE_TIMEOUT_SECONDS
                if user.is_station_staff
                else settings.SESSION_COOKIE_AGE
            )
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS or (
                now - last > idle_limit
            ):
                logout(request)
            elif now - last > 60:
                # Write at most once a minute: every write is a session save.
                session["_last_seen"] = now
            elif "_last_seen" not in session:
                session["_last_seen"] = now
        return self.get_response(request)
