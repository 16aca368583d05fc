"""Request plumbing: the health probe, database outages and staff sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from portal.cache import SESSION_TOUCH_SECONDS
from portal.roles import has_totp


class HealthzMiddleware:
    """Answer the probes before sessions, auth or the database are touched.

    `/healthz` (liveness) is the baseline of every benchmark ratio, so it must
    do no work. `/readyz` (readiness, portal.health) checks the database and
    the cache itself and must answer even when the database is gone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return HttpResponse("ok", content_type="text/plain")
        if request.path == "/readyz":
            from portal.health import readyz

            return readyz(request)
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

    response = offline_page(request, "503.html", status=503)
    response["Retry-After"] = "30"
    return response


def offline_page(request, template: str, *, status: int) -> HttpResponse:
    """`template` (extending error_shell.html) in the language of the path.

    For answers that may not touch the database (it may be what failed) and
    may come before LocaleMiddleware: no session, no context processors, the
    last known crisis lines. `/en/...` is English, any other path Chinese,
    whatever language was active when the error happened.
    """
    from django.urls import reverse

    from portal.crisis import fallback_crisis_lines, immediate_lines, other_lines

    lines = fallback_crisis_lines()
    language = translation.get_language_from_path(request.path_info)
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, {
            "crisis_now": immediate_lines(lines),
            "crisis_other": other_lines(lines),
            "home_url": reverse("wagtail_serve", args=[""]),
        })
    response = HttpResponse(html, status=status)
    patch_cache_control(response, no_store=True)
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
            elif now - last > SESSION_TOUCH_SECONDS:
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


STAFF_NEEDS_TOTP = _("工作人员需要先设置两步验证（身份验证器应用），才能进入工作区域。")


class StaffVerificationRequired(PermissionDenied):
    """Staff powers were asked for by an account without TOTP.

    Raised by `require_staff_verification`; StaffMFAMiddleware answers it with
    the way to TOTP setup. Anything that meets it without the middleware
    (a test calling a view, the API) sees a plain 403: it fails closed.
    """


def require_staff_verification(user) -> None:
    """Raise StaffVerificationRequired unless `user` has a TOTP authenticator.

    Call it wherever access comes from a staff role rather than from owning
    the data, outside the staff areas (see StaffMFAMiddleware for the list).
    """
    if not has_totp(user):
        raise StaffVerificationRequired


class StaffMFAMiddleware:
    """Staff powers need TOTP: the one gate, in two forms.

    1. By path: the staff areas (settings.STAFF_AREA_PREFIXES: both admins,
       the counsellor and coordinator areas with their reports and CSV
       exports, the access log). Station staff (counsellors, coordinators,
       editors, superusers) without a TOTP authenticator are sent to
       allauth's activation page before any view runs.
    2. By what the view grants: pages shared with families, where the same
       URL shows a family its own data and staff someone else's. Their views
       call `require_staff_verification` where a staff role is what lets the
       viewer in, and the exception it raises gets the same answer here:
       - `bookings.selectors.booking_for_viewer`, for anyone but the booking's
         family: the detail page (intake answers, notes, access-logged), its
         .ics download, cancel and reschedule on the family's behalf;
       - `bookings.views.common.staff_booking`, always: attendance and notes;
       - `bookings.calendar_views`, creating or rotating a counsellor feed.
       Everything else a staff account reaches outside the areas shows only
       its own data (the account and privacy pages, its data export, its
       API tokens: the JSON API answers only the caller's own bookings).

    Once TOTP exists, allauth asks for a code at every login. Signed-in users
    who may not use an admin (the Django admin: active superusers only) get a 403 instead of a login redirect (which
    would loop, since both admin logins go to allauth's login).
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
            return self._to_totp_setup(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StaffVerificationRequired):
            return self._to_totp_setup(request)
        return None

    @staticmethod
    def _to_totp_setup(request):
        """The activation page, back to this page afterwards when it can be
        fetched again (a GET); a POST is not repeated, so it has no `next`."""
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        messages.info(request, STAFF_NEEDS_TOTP, fail_silently=True)
        url = reverse("mfa_activate_totp")
        if request.method in ("GET", "HEAD"):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(url)

    @staticmethod
    def _may_use_admin(user, path: str) -> bool:
        if path.startswith("/django-admin/"):
            from portal.admin_site import may_use_django_admin

            return may_use_django_admin(user)
        return user.has_perm("wagtailadmin.access_admin")


# Paths (after any language prefix) whose answers are never stored, whoever
# asks: allauth's pages show or take an email address, a code or a key even
# for visitors who are not signed in (email confirmation, password reset from
# a key, a pending sign-in).
NO_STORE_PREFIXES = ("/accounts/",)


def _cache_directives(response) -> set[str]:
    return {
        part.split("=", 1)[0].strip().lower()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every answer that may carry personal data.

    Browsers and proxies keep no copy of:

    - an answer to a signed-in user, whatever the page (account, privacy,
      bookings, the counsellor and coordinator areas, downloads, the Wagtail
      and Django admins, the JSON API by session), or to a request with an
      `Authorization` header (the API's bearer tokens, on the full path and
      on the slot-search replay alike); these also get `Vary: Cookie`;
    - an answer that used the session the visitor's cookie points to, or that
      sets or clears the session cookie (sign-in, sign-out);
    - allauth's pages (`NO_STORE_PREFIXES`), which show an email address to
      visitors who are not signed in yet;
    - an answer its view marked `private`: the personal calendar feeds, whose
      key is the secret in the URL, not a session. A feed is personal data
      even with neutral titles (when a family sees a counsellor, how often,
      where), so no cache keeps it; calendar apps still revalidate with the
      ETag and get a 304, which carries the header too.

    It sits above every fast path (personal feeds, slot searches, the anonymous
    page cache), so their replays pass through it as well: a replay gets the
    header exactly when its view marked the answer private. The anonymous page
    cache stores only answers to requests without a session cookie, for a
    visitor who is not signed in, that set no cookie but CSRF's and are not
    private or no-store; none of the rules here applies to such an answer, so
    a replay carries the headers of the answer it copies, and a signed-in
    visitor (who always has a session cookie) is never sent a replay.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        personal = self._for_a_person(request, response)
        if personal or "private" in _cache_directives(response):
            patch_cache_control(response, no_store=True, private=True)
        if personal:
            patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def _for_a_person(request, response) -> bool:
        if "HTTP_AUTHORIZATION" in request.META:
            # A bearer token names its user even when a fast path answers
            # before authentication (repeated slot searches, bookings.caching).
            return True
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        cookie = settings.SESSION_COOKIE_NAME
        if cookie in response.cookies:
            return True
        session = getattr(request, "session", None)
        if session is not None and cookie in request.COOKIES and session.accessed:
            return True
        path = _strip_language_prefix(request.path_info)
        return path.startswith(NO_STORE_PREFIXES)


class NulByteGuardMiddleware:
    """Answer 400 when the path or query string carries a NUL byte.

    PostgreSQL refuses NUL in text values, so `?q=%00` or `/bookings/%00/`
    would otherwise reach a query and end in a 500. It runs first, so a person
    gets the database-free frame (`offline_page`) in the language of the path;
    the JSON API gets its JSON.
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
            return offline_page(request, "400_address.html", status=400)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Django's 405 (`require_POST` and friends) is an empty body: a person who
    opens a form's address in the browser would see a blank page. Outside the
    JSON API, an empty 405 becomes the site's framed page (crisis lines
    included), in the visitor's language, keeping its `Allow` header.

    Sits after LocaleMiddleware (the language is active) and wraps the views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 405 and not response.streaming
                and not response.content
                and not request.path_info.startswith(API_PREFIX)):
            page = HttpResponse(render_to_string("405.html", {}, request), status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
