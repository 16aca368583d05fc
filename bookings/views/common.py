"""What the booking pages share: rendering in the viewer's zone, input
parsing, and the booking a viewer may act on (404 otherwise)."""

import datetime as dt
import re
from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bookings import selectors
from bookings.models import Booking, Counsellor
from portal.errors import NotFound, Refused, or_404
from portal.middleware import require_staff_verification
from portal.timezones import STATION_TZ, user_zone, zone_label

SLOT_DAYS = 14  # days of free slots shown per page of the booking flow
NEXT_SLOTS = 6  # "soonest" slots listed before the per-day list
COORDINATOR_PAGE_SIZE = 50
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


# --- helpers ----------------------------------------------------------------------


def render_page(request, template, context=None, *, status=HTTPStatus.OK):
    """Render with times in the viewer's zone, and the zone named for the page."""
    zone = user_zone(request.user)
    context = dict(context or {})
    context.setdefault("display_zone", zone)
    context.setdefault("display_zone_label", zone_label(zone))
    with timezone.override(zone):
        return render(request, template, context, status=status)


def person(request):
    """The signed-in user as a plain model instance, not the request's lazy proxy.

    Services lock the user's row through its model class (`type(user).objects`).
    """
    user = request.user
    user.pk  # noqa: B018 - evaluates the lazy object
    return getattr(user, "_wrapped", user)


def error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def slug_param(request, name: str) -> str:
    """A slug from the query string, or "" (PostgreSQL refuses NUL bytes in queries)."""
    value = request.GET.get(name) or request.POST.get(name) or ""
    return value if SLUG_RE.fullmatch(value) else ""


def parse_date(value: str | None, default: dt.date) -> dt.date:
    """An ISO date within two years of `default`, else `default` (no overflow)."""
    try:
        parsed = dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return parsed if abs((parsed - default).days) <= 731 else default


def station_today() -> dt.date:
    return timezone.localdate(timezone=STATION_TZ)


def is_coordinator(user) -> bool:
    return user.is_authenticated and user.is_coordinator


NO_COUNSELLOR_RECORD = gettext_noop(
    "你的账户有咨询师角色，但还没有关联咨询师资料，所以暂时看不到日程。"
    "请联系协调员在后台为你建立或关联资料。")


def own_counsellor(request) -> Counsellor:
    """The signed-in counsellor's record. An account with the role but no record
    (set up halfway) gets the framed 403 saying so, not a bare 404."""
    try:
        return selectors.counsellor_of(user=request.user)
    except NotFound:
        raise PermissionDenied from Refused(NO_COUNSELLOR_RECORD)


def viewer_booking(request, pk) -> Booking:
    """The booking if the viewer may see it (`selectors.booking_for_viewer`); else 404."""
    return or_404(selectors.booking_for_viewer, user=request.user, pk=pk)


def staff_booking(request, pk) -> Booking:
    """A booking the viewer works on: its counsellor or a coordinator; else 404.

    Working on it is a staff power: TOTP first (the staff MFA gate,
    portal.middleware.StaffMFAMiddleware). Never on one's own family's
    booking: a coordinator who booked for their child is the family there, and
    must not write notes or attendance about themselves.
    """
    booking = viewer_booking(request, pk)
    # Visible and not their family's own: they work on it (bookings.permissions).
    if booking.family_id == request.user.pk:
        raise Http404
    require_staff_verification(request.user)
    return booking


def owned_booking(request, pk) -> Booking:
    """A booking the viewer changes as a family (or a coordinator for them)."""
    booking = viewer_booking(request, pk)
    if booking.family_id != request.user.pk and not is_coordinator(request.user):
        raise Http404
    return booking


def cutoff_of(booking_or_type) -> dt.timedelta:
    session_type = getattr(booking_or_type, "session_type", booking_or_type)
    return selectors.cancel_cutoff(selectors.booking_policy(), session_type)


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def merge_free(slots) -> list[dict]:
    """Overlapping free slots merged into ranges of free time, with their count."""
    ranges: list[dict] = []
    for slot in slots:
        if ranges and slot.start <= ranges[-1]["end"]:
            ranges[-1]["end"] = max(ranges[-1]["end"], slot.end)
            ranges[-1]["count"] += 1
        else:
            ranges.append({"start": slot.start, "end": slot.end, "count": 1})
    return ranges


def group_by_day(slots, zone) -> list[dict]:
    days: list[dict] = []
    for slot in slots:
        day = slot.start.astimezone(zone).date()
        if not days or days[-1]["date"] != day:
            days.append({"date": day, "slots": []})
        days[-1]["slots"].append(slot)
    return days


def report_change(request, change, done: str):
    messages.success(request, done)
    if change.conflicts:
        lines = ", ".join(
            f"#{b.pk} {timezone.localtime(b.start, user_zone(request.user)):%Y-%m-%d %H:%M}"
            for b in change.conflicts
        )
        messages.warning(
            request,
            _("注意：以下已确认的预约不在新的可预约时间内，请与家庭联系改期：%(list)s")
            % {"list": lines},
        )


def apply_form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
