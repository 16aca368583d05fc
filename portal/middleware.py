"""Request plumbing: the health probe, database outages and staff sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


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


DATABASE_UNAVAILABLE = gettext_noop("服务暂时无法使用，请过几分钟再试。")
API_PREFIX = "/api/"
API_JSON = "application/json; charset=utf-8"


class DatabaseUnavailableMiddleware:
    """Turn a lost database into a calm 503 that still shows the crisis lines.

    The JSON API (`API_PREFIX`) gets the same 503 and Retry-After in its own
    format, ``{"detail": ...}``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (DatabaseError, InterfaceError) as exc:
            if not is_connection_error(exc):
                raise
            return database_unavailable_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError | InterfaceError) and is_connection_error(
            exception
        ):
            return database_unavailable_response(request)
        return None


def is_connection_error(exc: Exception) -> bool:
    """The database is out of reach (not a refused statement)."""
    from django.db import OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


_is_connection_error = is_connection_error  # the name portal.views imports


def database_unavailable_response(request) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        # Sits before LocaleMiddleware: the caller's language from the request.
        with translation.override(translation.get_language_from_request(request)):
            response = JsonResponse({"detail": gettext(DATABASE_UNAVAILABLE)},
                                    status=503, content_type=API_JSON)
        response["Retry-After"] = "30"
        patch_cache_control(response, no_store=True)
        return response

    from portal.crisis import fallback_crisis_lines

    html = render_to_string(
        "503.html", {"crisis_lines": fallback_crisis_lines(), "request": request}
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response


SESSION_ENDED_IDLE = _("为了保护您和孩子的信息，长时间未操作后已自动退出。请重新登录。")
SESSION_ENDED_ABSOLUTE = _("为了安全，登录已超过有效时长，已自动退出。请重新登录。")


class StaffSessionMiddleware:
    """End idle staff sessions (30 min) and every session after an absolute limit.

    Sits after MessageMiddleware so it can say why the visitor was signed out.
    """

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
            absolute = now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if absolute or now - last > idle_limit:
                logout(request)
                # Said on the sign-in page the visitor lands on next.
                messages.info(request, SESSION_ENDED_ABSOLUTE if absolute
                              else SESSION_ENDED_IDLE, fail_silently=True)
            elif now - last > 60:
                # Write at most once a minute: every write is a session save.
                session["_last_seen"] = now
            elif "_last_seen" not in session:
                session["_last_seen"] = now
        return self.get_response(request)


def _strip_language_prefix(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(prefix) - 1:]
    return path


def in_staff_area(path: str) -> bool:
    path = _strip_language_prefix(path)
    return any(path.startswith(p) for p in settings.STAFF_AREA_PREFIXES)


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFAMiddleware:
    """Staff reach their areas (settings.STAFF_AREA_PREFIXES) only with TOTP set up.

    Counsellors, coordinators, editors and superusers without an active TOTP
    authenticator are sent to allauth's activation page; once it exists,
    allauth asks for a code at every login. Signed-in users who may not use
    an admin get a 403 instead of a login redirect (which would loop, since
    both admin logins go to allauth's login).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path_info.startswith(("/admin/", "/django-admin/"))
            and not self._may_use_admin(user, request.path_info)
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if (
            user is not None
            and user.is_authenticated
            and user.is_station_staff
            and in_staff_area(request.path_info)
            and not has_totp(user)
        ):
            from django.contrib import messages
            from django.shortcuts import redirect
            from django.urls import reverse
            from django.utils.http import urlencode
            from django.utils.translation import gettext

            messages.info(
                request,
                gettext("工作人员需要先设置两步验证（身份验证器应用），才能进入工作区域。"),
            )
            url = reverse("mfa_activate_totp")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _may_use_admin(user, path: str) -> bool:
        if path.startswith("/django-admin/"):
            return user.is_active and user.is_staff
        return user.has_perm("wagtailadmin.access_admin")


class NulByteGuardMiddleware:
    """Answer 400 when the path or query string carries a NUL byte.

    PostgreSQL refuses NUL in text values, so `?q=%00` or `/bookings/%00/`
    would otherwise reach a query and end in a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            if request.path.startswith(API_PREFIX):  # the API answers JSON
                response = JsonResponse(
                    {"detail": "Bad request: NUL byte in the address."}, status=400,
                    content_type=API_JSON)
                patch_cache_control(response, no_store=True)
                return response
            return HttpResponse(
                "Bad request: NUL byte in the address.\n", status=400,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
