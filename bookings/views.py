"""Booking pages: the family flow, My bookings, workshops, the counsellor's week
and hours, and the coordinator's lists, closures and reports.

Views parse input, call one service or selector, render. Every page works
without JavaScript. Times are shown in the viewer's display zone, named on
the page. Objects the viewer may not see answer 404.
"""

import datetime as dt
import re
import zoneinfo
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import intake, reports, schedule_services, selectors, services
from bookings.forms import (
    BookingDetailsForm,
    ClosureForm,
    CoordinatorFilterForm,
    CounsellorFilterForm,
    ExceptionForm,
    FollowUpForm,
    NoteForm,
    ReportPeriodForm,
    RescheduleForm,
    RuleForm,
    TimeOffForm,
    parse_slot,
    topics_for_language,
    user_zone,
    zone_label,
)
from bookings.intake import is_urgent
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    Counsellor,
    GroupSession,
    SessionType,
    StationClosure,
    TimeOff,
    WaitlistEntry,
)
from courses.models import Topic
from portal.access import log_access
from portal.crisis import crisis_lines
from portal.middleware import require_staff_verification
from portal.models import AccessLog, Child, Role
from portal.roles import role_required

STATION_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
SLOT_DAYS = 14  # days of free slots shown per page of the booking flow
NEXT_SLOTS = 6  # "soonest" slots listed before the per-day list
COORDINATOR_PAGE_SIZE = 50
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


# --- helpers ----------------------------------------------------------------------


def _render(request, template, context=None, *, status=HTTPStatus.OK):
    """Render with times in the viewer's zone, and the zone named for the page."""
    zone = user_zone(request.user)
    context = dict(context or {})
    context.setdefault("display_zone", zone)
    context.setdefault("display_zone_label", zone_label(zone))
    with timezone.override(zone):
        return render(request, template, context, status=status)


def _person(request):
    """The signed-in user as a plain model instance, not the request's lazy proxy.

    Services lock the user's row through its model class (`type(user).objects`).
    """
    user = request.user
    user.pk  # noqa: B018 - evaluates the lazy object
    return getattr(user, "_wrapped", user)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _slug_param(request, name: str) -> str:
    """A slug from the query string, or "" (PostgreSQL refuses NUL bytes in queries)."""
    value = request.GET.get(name) or request.POST.get(name) or ""
    return value if SLUG_RE.fullmatch(value) else ""


def _parse_date(value: str | None, default: dt.date) -> dt.date:
    """An ISO date within two years of `default`, else `default` (no overflow)."""
    try:
        parsed = dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return parsed if abs((parsed - default).days) <= 731 else default


def _today() -> dt.date:
    return timezone.localdate(timezone=STATION_TZ)


def _is_coordinator(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def _own_counsellor(request) -> Counsellor:
    counsellor = Counsellor.objects.filter(user=request.user).first()
    if counsellor is None:
        raise Http404
    return counsellor


def _staff_booking(request, pk) -> Booking:
    """A booking the viewer works on: its counsellor or a coordinator; else 404.

    Working on it is a staff power: TOTP first (the staff MFA gate,
    portal.middleware.StaffMFAMiddleware). Never on one's own family's
    booking: a coordinator who booked for their child is the family there, and
    must not write notes or attendance about themselves.
    """
    booking = selectors.booking_for_viewer(user=request.user, pk=pk)
    if booking.family_id == request.user.pk:
        raise Http404
    if not (_is_coordinator(request.user) or _leads(request.user, booking)):
        raise Http404
    require_staff_verification(request.user)
    return booking


def _leads(user, booking: Booking) -> bool:
    if booking.counsellor.user_id == user.pk:
        return True
    return bool(
        booking.group_session_id
        and booking.group_session.counsellors.filter(user_id=user.pk).exists()
    )


def _owned_booking(request, pk) -> Booking:
    """A booking the viewer changes as a family (or a coordinator for them)."""
    booking = selectors.booking_for_viewer(user=request.user, pk=pk)
    if booking.family_id != request.user.pk and not _is_coordinator(request.user):
        raise Http404
    return booking


def _cutoff(booking_or_type) -> dt.timedelta:
    session_type = getattr(booking_or_type, "session_type", booking_or_type)
    return selectors.cancel_cutoff(selectors.booking_policy(), session_type)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _merge_free(slots) -> list[dict]:
    """Overlapping free slots merged into ranges of free time, with their count."""
    ranges: list[dict] = []
    for slot in slots:
        if ranges and slot.start <= ranges[-1]["end"]:
            ranges[-1]["end"] = max(ranges[-1]["end"], slot.end)
            ranges[-1]["count"] += 1
        else:
            ranges.append({"start": slot.start, "end": slot.end, "count": 1})
    return ranges


def _group_by_day(slots, zone) -> list[dict]:
    days: list[dict] = []
    for slot in slots:
        day = slot.start.astimezone(zone).date()
        if not days or days[-1]["date"] != day:
            days.append({"date": day, "slots": []})
        days[-1]["slots"].append(slot)
    return days


# --- family: choose topic, counsellor, time -------------------------------------------


@require_GET
def index(request):
    topics = list(topics_for_language())
    workshops = list(selectors.upcoming_workshops(limit=3))
    return _render(request, "bookings/index.html",
                   {"topics": topics, "workshops": workshops})


@require_GET
def counsellor_list(request):
    form = CounsellorFilterForm(request.GET or None)
    topic = language = mode = None
    if form.is_bound and form.is_valid():
        topic = form.cleaned_data["topic"]
        language = form.cleaned_data["language"] or None
        mode = form.cleaned_data["mode"] or None
    counsellors = list(selectors.counsellors_for(topic=topic, language=language, mode=mode))
    _attach_next_free(counsellors)
    return _render(request, "bookings/counsellor_list.html", {
        "form": form, "counsellors": counsellors, "topic": topic,
        "topic_names": _topic_names(),
    })


def _topic_names() -> dict:
    """Topic names in the active language, by translation key (one query)."""
    return {t.translation_key: t.name for t in topics_for_language()}


def _attach_next_free(counsellors) -> None:
    """Set `.next_free` (the soonest slot of their first individual service, or None).

    One query for the services, then one slot search per distinct service type
    (usually one), whatever the number of counsellors.
    """
    offered = SessionType.counsellors.through.objects.filter(
        counsellor_id__in=[c.pk for c in counsellors],
        sessiontype__is_active=True, sessiontype__kind=SessionType.Kind.INDIVIDUAL,
    ).select_related("sessiontype").order_by("sessiontype_id")
    first_type: dict[int, SessionType] = {}
    for row in offered:
        first_type.setdefault(row.counsellor_id, row.sessiontype)
    by_type: dict[int, list] = {}
    for counsellor in counsellors:
        counsellor.next_free = None
        if counsellor.pk in first_type:
            by_type.setdefault(first_type[counsellor.pk].pk, []).append(counsellor)
    today = _today()
    for group in by_type.values():
        session_type = first_type[group[0].pk]
        slots = selectors.free_slots_for_counsellors(
            counsellors=group, session_type=session_type, start_date=today,
            end_date=today + dt.timedelta(days=SLOT_DAYS - 1),
        )
        for counsellor in group:
            found = slots.get(counsellor.pk) or []
            counsellor.next_free = found[0] if found else None


def _session_types_of(counsellor):
    return list(
        counsellor.session_types.filter(is_active=True, kind=SessionType.Kind.INDIVIDUAL)
        .order_by("pk")
    )


@require_GET
def counsellor_detail(request, slug):
    counsellor = get_object_or_404(
        Counsellor.objects.prefetch_related("specialties"), slug=slug, is_active=True
    )
    session_types = _session_types_of(counsellor)
    session_type = next(
        (t for t in session_types if t.slug == _slug_param(request, "type")),
        session_types[0] if session_types else None,
    )
    topic_slug = _slug_param(request, "topic")
    topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug else None
    today = _today()
    start_date = max(_parse_date(request.GET.get("from"), today), today)
    end_date = start_date + dt.timedelta(days=SLOT_DAYS - 1)
    slots = []
    if session_type is not None:
        slots = selectors.free_slots(counsellor=counsellor, session_type=session_type,
                                     start_date=start_date, end_date=end_date)
    zone = user_zone(request.user)
    return _render(request, "bookings/counsellor_detail.html", {
        "topic_names": _topic_names(),
        "counsellor": counsellor,
        "session_types": session_types,
        "session_type": session_type,
        "topic": topic,
        "soonest": slots[:NEXT_SLOTS],
        "days": _group_by_day(slots, zone),
        "start_date": start_date,
        "end_date": end_date,
        "later": end_date + dt.timedelta(days=1),
        "earlier": start_date - dt.timedelta(days=SLOT_DAYS) if start_date > today else None,
        "workshops": list(
            selectors.upcoming_workshops().filter(counsellors=counsellor)[:3]
        ),
    })


# --- family: details, review, confirm ------------------------------------------------


def _slot_is_free(counsellor, session_type, start: dt.datetime) -> bool:
    day = start.astimezone(STATION_TZ).date()
    return any(
        s.start == start
        for s in selectors.free_slots(counsellor=counsellor, session_type=session_type,
                                      start_date=day, end_date=day)
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request, slug, type_slug):
    counsellor = get_object_or_404(Counsellor, slug=slug, is_active=True)
    session_type = get_object_or_404(
        counsellor.session_types.filter(is_active=True, kind=SessionType.Kind.INDIVIDUAL),
        slug=type_slug,
    )
    topic_slug = _slug_param(request, "topic")
    topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug else None
    back = reverse("bookings:counsellor", kwargs={"slug": counsellor.slug})
    back += f"?type={session_type.slug}" + (f"&topic={topic.slug}" if topic else "")
    form_kwargs = {"user": request.user, "counsellor": counsellor,
                   "session_type": session_type}
    step = request.POST.get("step", "details")

    if request.method == "GET":
        start = parse_slot(request.GET.get("start", ""))
        if start is None or not _slot_is_free(counsellor, session_type, start):
            messages.error(request, _("这个时间已不可预约，请重新选择。"))
            return redirect(back)
        form = BookingDetailsForm(initial={"start": start.isoformat()}, **form_kwargs)
        return _details_page(request, form, counsellor, session_type, topic, start)

    form = BookingDetailsForm(request.POST, **form_kwargs)
    if not form.is_valid():
        start = parse_slot(request.POST.get("start", ""))
        if start is None:
            messages.error(request, _("这个时间已不可预约，请重新选择。"))
            return redirect(back)
        return _details_page(request, form, counsellor, session_type, topic, start,
                             status=HTTPStatus.BAD_REQUEST)
    start = form.cleaned_data["start"]
    if step == "edit" or form.needs_gate():
        # An acute answer asks "is there danger right now?" before anything else.
        return _details_page(request, form, counsellor, session_type, topic, start)
    if step != "confirm":
        return _render(request, "bookings/book_confirm.html", {
            "form": form, "counsellor": counsellor, "session_type": session_type,
            "topic": topic, "start": start,
            "end": start + dt.timedelta(minutes=session_type.duration_minutes),
            "cutoff_hours": int(_cutoff(session_type).total_seconds() // 3600),
            "late_from": start - _cutoff(session_type),
            "child": form.cleaned_data["child"],
            "mode_label": dict(form.fields["mode"].choices).get(form.cleaned_data["mode"]),
            "step": "review",
            "is_urgent": is_urgent(form.risk_answers()),
            "risk": form.assessment(),
            **selectors.urgent_context(get_language() or "zh-hans"),
        })
    family = _person(request)
    try:
        # Records the separate consent for sensitive data with the booking.
        booking = services.booking_create(
            family=family, counsellor=counsellor, session_type=session_type,
            start=start, mode=form.cleaned_data["mode"],
            child=form.cleaned_data["child"], concern=form.cleaned_data["concern"],
            risk_answers=form.risk_answers(), consent=form.cleaned_data["consent"],
            topic=topic,
        )
    except services.BookingError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    if booking.is_urgent:
        messages.warning(request, _("我们已收到你的预约，并会按下面写明的时间跟进。"))
    else:
        messages.success(request, _("预约成功，确认邮件稍后发到你的邮箱。"))
    return redirect(reverse("bookings:detail", kwargs={"pk": booking.pk}) + "?new=1")


def _details_page(request, form, counsellor, session_type, topic, start, *,
                  status=HTTPStatus.OK):
    risk = None
    if form.is_bound and hasattr(form, "cleaned_data"):
        risk = intake.assess(_answered(form))
    return _render(request, "bookings/book_details.html", {
        "form": form, "counsellor": counsellor, "session_type": session_type,
        "topic": topic, "start": start,
        "end": start + dt.timedelta(minutes=session_type.duration_minutes),
        "step": "details",
        # The gate question shows once an acute item is answered positively.
        "risk": risk, "show_gate": bool(risk and risk.acute),
        **(selectors.urgent_context(get_language() or "zh-hans") if risk else {}),
    }, status=status)


def _answered(form) -> dict:
    """The risk answers given so far (a form with errors has only some)."""
    data = form.cleaned_data
    answers = {key: data[name] for name, key in form.risk_keys if data.get(name)}
    if data.get("risk_danger_now"):
        answers[intake.DANGER_NOW_KEY] = data["risk_danger_now"]
    return answers


# --- family: my bookings, detail, cancel, reschedule -----------------------------------


@login_required
@require_GET
def mine(request):
    now = timezone.now()
    bookings = list(selectors.family_bookings(user=request.user))
    upcoming = [b for b in bookings if b.start >= now and b.status == Booking.Status.CONFIRMED]
    past = [b for b in bookings if b not in upcoming]
    past.sort(key=lambda b: b.start, reverse=True)
    return _render(request, "bookings/mine.html", {
        "upcoming": upcoming,
        "past": past,
        "waitlist": list(selectors.family_waitlist(user=request.user)),
    })


@login_required
@require_GET
def detail(request, pk):
    booking = selectors.booking_for_viewer(user=request.user, pk=pk)
    user = request.user
    is_owner = booking.family_id == user.pk
    # Staff looking at their own family's booking see what any family sees:
    # the intake as answered, not the staff notes and follow-ups about them.
    is_staff_view = not is_owner and (_is_coordinator(user) or _leads(user, booking))
    context = {
        "booking": booking,
        "is_owner": is_owner,
        "is_staff_view": is_staff_view,
        "is_new": request.GET.get("new") == "1" and is_owner,
        "now": timezone.now(),
        "crisis_lines": crisis_lines(),
    }
    if booking.is_urgent:
        context.update(selectors.urgent_context(get_language() or "zh-hans"))
        context["risk"] = _stored_assessment(booking)
    if is_owner and booking.is_active:
        late_from = booking.start - _cutoff(booking)
        context["late_from"] = late_from
        context["is_late_now"] = timezone.now() >= late_from
    if is_staff_view:
        context["risk_rows"] = _risk_rows(booking)
        log_access(actor=user, action=AccessLog.Action.VIEW_INTAKE,
                   subject_user_id=booking.family_id, obj=booking, request=request)
        context["notes"] = list(booking.notes.select_related("author"))
        context["note_form"] = NoteForm()
        log_access(actor=user, action=AccessLog.Action.VIEW_NOTES,
                   subject_user_id=booking.family_id, obj=booking, request=request)
        context["follow_ups"] = list(booking.follow_ups.select_related("author"))
        context["follow_up_form"] = FollowUpForm()
        context["can_mark"] = booking.start <= timezone.now() and booking.status in (
            Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
    return _render(request, "bookings/booking_detail.html", context)


def _risk_rows(booking: Booking) -> dict:
    english = (get_language() or "").startswith("en")
    return intake.stored_rows(booking.intake_answers, english=english)


def _stored_assessment(booking: Booking) -> intake.Assessment:
    """What the stored answers set in motion; the flags if the answers are gone."""
    try:
        answers = intake.clean_answers((booking.intake_answers or {}).get("risk"))
    except intake.IntakeError:
        answers = {}
    found = intake.assess(answers)
    return intake.Assessment(
        urgent=booking.is_urgent, acute=found.acute,
        safeguarding=booking.is_safeguarding or found.safeguarding,
        guardian=found.guardian, danger_now=found.danger_now)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    booking = _owned_booking(request, pk)
    if not booking.is_active or booking.status != Booking.Status.CONFIRMED:
        messages.error(request, _("这个预约已不能取消。"))
        return redirect(booking.get_absolute_url())
    late_from = booking.start - _cutoff(booking)
    if request.method == "POST":
        reason = (request.POST.get("reason") or "").replace("\x00", "")[:300]
        try:
            services.booking_cancel(booking=booking, by_user=_person(request), reason=reason)
        except services.BookingError as exc:
            messages.error(request, _error_text(exc))
            return redirect(booking.get_absolute_url())
        booking.refresh_from_db()
        if booking.status == Booking.Status.LATE_CANCELLED:
            messages.warning(request, _("已取消。因在截止时间内取消，记为迟取消。"))
        else:
            messages.success(request, _("已取消，名额已释放。"))
        done = (reverse("bookings:mine") if booking.family_id == request.user.pk
                else booking.get_absolute_url())
        return redirect(_safe_next(request, done))
    return _render(request, "bookings/cancel_confirm.html", {
        "booking": booking, "late_from": late_from,
        # Only a family's own change counts as late (staff cancel for a reason).
        "is_late": booking.family_id == request.user.pk and timezone.now() >= late_from,
        "cutoff_hours": int(_cutoff(booking).total_seconds() // 3600),
    })


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, pk):
    booking = _owned_booking(request, pk)
    if booking.group_session_id or booking.status != Booking.Status.CONFIRMED:
        messages.error(request, _("这个预约已不能改期。"))
        return redirect(booking.get_absolute_url())
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("无法识别这个时间，请重新选择。"))
            return redirect("bookings:reschedule", pk=booking.pk)
        try:
            services.booking_reschedule(booking=booking, new_start=form.cleaned_data[
                "new_start"], by_user=_person(request))
        except services.BookingError as exc:
            messages.error(request, _error_text(exc))
            return redirect("bookings:reschedule", pk=booking.pk)
        messages.success(request, _("已改期，新的时间会通过邮件发给你。"))
        return redirect(booking.get_absolute_url())
    today = _today()
    start_date = max(_parse_date(request.GET.get("from"), today), today)
    end_date = start_date + dt.timedelta(days=SLOT_DAYS - 1)
    slots = selectors.free_slots_for_counsellors(
        counsellors=[booking.counsellor], session_type=booking.session_type,
        start_date=start_date, end_date=end_date, exclude_booking_id=booking.pk,
    )[booking.counsellor.pk]
    slots = [s for s in slots if s.start != booking.start]
    late_from = booking.start - _cutoff(booking)
    return _render(request, "bookings/reschedule.html", {
        "booking": booking,
        "days": _group_by_day(slots, user_zone(request.user)),
        "later": end_date + dt.timedelta(days=1),
        "earlier": start_date - dt.timedelta(days=SLOT_DAYS) if start_date > today else None,
        "late_from": late_from,
        "is_late": timezone.now() >= late_from,
        "cutoff_hours": int(_cutoff(booking).total_seconds() // 3600),
    })


# --- workshops -----------------------------------------------------------------------


@require_GET
def workshop_list(request):
    topic = None
    topic_slug = _slug_param(request, "topic")
    if topic_slug:
        topic = Topic.objects.filter(slug=topic_slug).first()
    workshops = list(selectors.upcoming_workshops(topic=topic))
    return _render(request, "bookings/workshop_list.html", {
        "workshops": workshops, "topic": topic, "topics": list(topics_for_language()),
    })


@require_GET
def workshop_detail(request, pk):
    workshop = get_object_or_404(
        GroupSession.objects.select_related("session_type", "topic")
        .prefetch_related("counsellors")
        .annotate(seats_taken=Count(
            "seats", filter=Q(seats__status__in=Booking.ACTIVE_STATUSES))),
        pk=pk,
    )
    seat = entry = None
    children = []
    if request.user.is_authenticated:
        seat = workshop.seats.filter(family=_person(request),
                                     status__in=Booking.ACTIVE_STATUSES).first()
        entry = workshop.waitlist.filter(family=_person(request), promoted_at__isnull=True,
                                         left_at__isnull=True).first()
        children = list(Child.objects.filter(family__user=request.user))
    return _render(request, "bookings/workshop_detail.html", {
        "workshop": workshop,
        "seats_left": max(workshop.capacity - workshop.seats_taken, 0),
        "seat": seat,
        "entry": entry,
        "children": children,
        "is_past": workshop.start <= timezone.now(),
    })


@login_required
@require_POST
def workshop_join(request, pk):
    workshop = get_object_or_404(GroupSession, pk=pk)
    child = None
    child_id = request.POST.get("child") or ""
    if child_id:
        child = Child.objects.filter(family__user=request.user,
                                     pk=int(child_id) if child_id.isdigit() else 0).first()
        if child is None:
            raise Http404
    try:
        result = services.workshop_join(family=_person(request), group_session=workshop,
                                        child=child)
    except services.BookingError as exc:
        messages.error(request, _error_text(exc))
        return redirect(workshop.get_absolute_url())
    if isinstance(result, WaitlistEntry):
        messages.info(request, _("名额已满，你已加入候补。有名额时我们会自动为你报名并通知你。"))
    else:
        messages.success(request, _("报名成功，确认邮件稍后发到你的邮箱。"))
    return redirect(workshop.get_absolute_url())


@login_required
@require_POST
def workshop_leave(request, pk):
    workshop = get_object_or_404(GroupSession, pk=pk)
    try:
        services.workshop_leave(family=_person(request), group_session=workshop)
    except services.BookingError as exc:
        messages.error(request, _error_text(exc))
        return redirect(workshop.get_absolute_url())
    messages.success(request, _("已退出这个工作坊。"))
    return redirect(_safe_next(request, workshop.get_absolute_url()))


@login_required
@require_POST
def waitlist_leave(request, pk):
    entry = get_object_or_404(WaitlistEntry, pk=pk, family=_person(request),
                              promoted_at__isnull=True, left_at__isnull=True)
    try:
        services.waitlist_leave(entry=entry, by_user=_person(request))
    except services.BookingError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已退出候补。"))
    return redirect(_safe_next(request, entry.group_session.get_absolute_url()))


# --- counsellor area -------------------------------------------------------------------


@role_required(Role.COUNSELLOR)
@require_GET
def counsellor_week(request):
    counsellor = _own_counsellor(request)
    today = _today()
    week_start = _parse_date(request.GET.get("week"), today)
    week = selectors.counsellor_week(counsellor=counsellor, week_start=week_start)
    for day in week["days"]:
        day["free_ranges"] = _merge_free(day["free"])
        day["is_today"] = day["date"] == today
    return _render(request, "bookings/counsellor/week.html", {
        "counsellor": counsellor, "week": week, "today": today, "now": timezone.now(),
        "week_end": week["week_start"] + dt.timedelta(days=6),
    })


def _hours_context(counsellor, request, **forms):
    today = _today()
    session_type = _session_types_of(counsellor)[:1]
    preview = []
    if session_type:
        slots = selectors.free_slots(counsellor=counsellor, session_type=session_type[0],
                                     start_date=today, end_date=today + dt.timedelta(days=6))
        zone = user_zone(request.user)
        preview = [{"date": d["date"], "ranges": _merge_free(d["slots"])}
                   for d in _group_by_day(slots, zone)]
    return {
        "counsellor": counsellor,
        "rules": list(AvailabilityRule.objects.filter(counsellor=counsellor)),
        "extras": list(AvailabilityException.objects.filter(counsellor=counsellor,
                                                            date__gte=today)),
        "time_off": list(TimeOff.objects.filter(counsellor=counsellor,
                                                end__gte=timezone.now())),
        "preview": preview,
        "preview_type": session_type[0] if session_type else None,
        "rule_form": forms.get("rule_form") or RuleForm(),
        "exception_form": forms.get("exception_form") or ExceptionForm(),
        "time_off_form": forms.get("time_off_form") or TimeOffForm(
            zone=user_zone(request.user)),
    }


@role_required(Role.COUNSELLOR)
@require_GET
def counsellor_hours(request):
    counsellor = _own_counsellor(request)
    return _render(request, "bookings/counsellor/hours.html",
                   _hours_context(counsellor, request))


def _report_change(request, change, done: str):
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


def _apply_form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _schedule_post(request, form_name, form, write):
    """Validate `form`, run `write(cleaned_data)`; redirect back or re-render."""
    counsellor = _own_counsellor(request)
    if form.is_valid():
        try:
            change = write(counsellor, form.cleaned_data)
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            _report_change(request, change, _("已保存。下面是更新后的可预约时间。"))
            return redirect(reverse("bookings:counsellor_hours") + "#free-slots")
    return _render(request, "bookings/counsellor/hours.html",
                   _hours_context(counsellor, request, **{form_name: form}),
                   status=HTTPStatus.BAD_REQUEST)


@role_required(Role.COUNSELLOR)
@require_POST
def rule_add(request):
    return _schedule_post(
        request, "rule_form", RuleForm(request.POST),
        lambda c, d: schedule_services.rule_add(counsellor=c, **d),
    )


@role_required(Role.COUNSELLOR)
@require_POST
def exception_add(request):
    return _schedule_post(
        request, "exception_form", ExceptionForm(request.POST),
        lambda c, d: schedule_services.exception_add(counsellor=c, **d),
    )


@role_required(Role.COUNSELLOR)
@require_POST
def time_off_add(request):
    return _schedule_post(
        request, "time_off_form", TimeOffForm(request.POST, zone=user_zone(request.user)),
        lambda c, d: schedule_services.time_off_add(counsellor=c, **d),
    )


@role_required(Role.COUNSELLOR)
@require_POST
def schedule_delete(request, kind, pk):
    counsellor = _own_counsellor(request)
    if kind == "rule":
        obj = get_object_or_404(AvailabilityRule, pk=pk, counsellor=counsellor)
        change = schedule_services.rule_delete(rule=obj)
    elif kind == "extra":
        obj = get_object_or_404(AvailabilityException, pk=pk, counsellor=counsellor)
        change = schedule_services.exception_delete(exception=obj)
    elif kind == "time-off":
        obj = get_object_or_404(TimeOff, pk=pk, counsellor=counsellor)
        change = schedule_services.time_off_delete(time_off=obj)
    else:
        raise Http404
    _report_change(request, change, _("已删除。下面是更新后的可预约时间。"))
    return redirect(reverse("bookings:counsellor_hours") + "#free-slots")


@login_required
@require_POST
def attendance(request, pk):
    booking = _staff_booking(request, pk)
    value = request.POST.get("attended")
    if value not in ("1", "0"):
        messages.error(request, _("请选择到场或未到场。"))
        return redirect(booking.get_absolute_url())
    try:
        services.booking_mark_attendance(booking=booking, by_user=_person(request),
                                         attended=value == "1")
    except services.BookingError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已记录到场情况。"))
    return redirect(_safe_next(request, booking.get_absolute_url()))


@login_required
@require_POST
def note_add(request, pk):
    booking = _staff_booking(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("记录不能为空，最长一万字。"))
        return redirect(booking.get_absolute_url() + "#notes")
    try:
        services.note_add(booking=booking, author=_person(request),
                          body=form.cleaned_data["body"])
    except (services.BookingError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("记录已保存，仅你和协调员可见。"))
    return redirect(booking.get_absolute_url() + "#notes")


@login_required
@require_POST
def follow_up_add(request, pk):
    booking = _staff_booking(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _(services.FOLLOW_UP_INVALID))
        return redirect(booking.get_absolute_url() + "#follow-up")
    try:
        follow_up = services.urgent_follow_up_record(
            booking=booking, by_user=_person(request), **form.cleaned_data)
    except (services.BookingError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        if follow_up.outcome in follow_up.CLOSING:
            messages.success(request, _("已记录跟进，这个预约已离开紧急队列。"))
        else:
            messages.warning(request, _("已记录这次尝试。预约会留在紧急队列里，请继续联系。"))
    return redirect(booking.get_absolute_url() + "#follow-up")


# --- coordinator area --------------------------------------------------------------------


def _coordinator_queryset():
    return Booking.objects.select_related(
        "counsellor", "session_type", "topic", "group_session", "family", "child"
    )


@role_required(Role.COORDINATOR)
@require_GET
def coordinator_bookings(request):
    form = CoordinatorFilterForm(request.GET or None)
    qs = _coordinator_queryset()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["counsellor"]:
            qs = qs.filter(counsellor=data["counsellor"])
        if data["topic"]:
            qs = qs.filter(Q(topic__translation_key=data["topic"].translation_key)
                           | Q(group_session__topic__translation_key=data[
                               "topic"].translation_key))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["date_from"]:
            qs = qs.filter(start__gte=dt.datetime.combine(
                data["date_from"], dt.time.min, tzinfo=STATION_TZ))
        if data["date_to"]:
            qs = qs.filter(start__lt=dt.datetime.combine(
                data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=STATION_TZ))
        if data["urgent"]:
            qs = qs.filter(is_urgent=True)
    qs = qs.order_by("-is_urgent", "start", "pk")
    page = Paginator(qs, COORDINATOR_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(request, "bookings/coordinator/bookings.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "wagtail_links": _wagtail_links(),
    })


def _wagtail_links() -> dict:
    from django.urls import NoReverseMatch

    links = {}
    for key, names in {
        "counsellors": ("wagtailsnippets_bookings_counsellor:list",
                        "bookings_counsellor:index"),
        "session_types": ("wagtailsnippets_bookings_sessiontype:list",
                          "bookings_sessiontype:index"),
        "workshops": ("wagtailsnippets_bookings_groupsession:list",
                      "bookings_groupsession:index"),
    }.items():
        for name in names:
            try:
                links[key] = reverse(name)
                break
            except NoReverseMatch:
                continue
    return links


@role_required(Role.COORDINATOR)
@require_GET
def coordinator_urgent(request):
    """Urgent bookings until a follow-up is recorded (however old), oldest first;
    then the ones followed up in the last 14 days."""
    related = ("counsellor", "session_type", "topic", "group_session", "family", "child")
    bookings = list(selectors.urgent_queue().select_related(*related))
    followed = list(selectors.recently_followed_up().select_related(*related))
    return _render(request, "bookings/coordinator/urgent.html", {
        "bookings": bookings, "followed": followed,
        "response_hours": services.urgent_response_hours(),
    })


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def coordinator_closures(request):
    form = ClosureForm(request.POST or None)
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                change = schedule_services.closure_add(**form.cleaned_data)
            except ValidationError as exc:
                _apply_form_errors(form, exc)
            else:
                _report_change(request, change, _("已添加闭馆日期，这些日期不再开放预约。"))
                return redirect("bookings:coordinator_closures")
        status = HTTPStatus.BAD_REQUEST
    closures = list(StationClosure.objects.filter(end_date__gte=_today()))
    return _render(request, "bookings/coordinator/closures.html",
                   {"form": form, "closures": closures}, status=status)


@role_required(Role.COORDINATOR)
@require_POST
def coordinator_closure_delete(request, pk):
    closure = get_object_or_404(StationClosure, pk=pk)
    schedule_services.closure_delete(closure=closure)
    messages.success(request, _("已删除闭馆日期。"))
    return redirect("bookings:coordinator_closures")


def _period(request) -> tuple[ReportPeriodForm, reports.Period]:
    default = reports.default_period(_today())
    form = ReportPeriodForm(request.GET if "start" in request.GET else None,
                            initial={"start": default.start, "end": default.end})
    if form.is_bound and form.is_valid():
        return form, reports.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, default


@role_required(Role.COORDINATOR)
@require_GET
def coordinator_reports(request):
    form, period = _period(request)
    per_topic = reports.bookings_per_topic_month(period=period)
    topic_totals: dict[str, int] = {}
    for row in per_topic:
        topic_totals[row["topic"]] = topic_totals.get(row["topic"], 0) + row["booked"]
    attendance_rows = reports.attendance_by_counsellor(period=period)
    workshops = reports.workshop_fill(period=period)
    lead = reports.lead_time(period=period)
    charts = {
        "topics": reports.bar_chart(list(topic_totals.items()),
                                    title=_("各主题有效预约")),
        "attendance": reports.bar_chart(
            [(r["counsellor"], r["attendance_rate"]) for r in attendance_rows],
            unit="%", max_value=100, title=_("到场率")),
        "workshops": reports.bar_chart(
            [(f"{w['date']:%m-%d} {w['title']}", w["fill_rate"]) for w in workshops],
            unit="%", max_value=100, title=_("工作坊满员率")),
        "lead": reports.bar_chart([(b["label"], b["count"]) for b in lead["buckets"]],
                                  title=_("提前预约天数")),
    }
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    return _render(request, "bookings/coordinator/reports.html", {
        "form": form, "period": period, "per_topic": per_topic,
        "attendance": attendance_rows,
        "attendance_totals": reports.attendance_totals(attendance_rows),
        "workshops": workshops, "lead": lead, "charts": charts, "query": query,
    })


@role_required(Role.COORDINATOR)
@require_GET
def coordinator_report_csv(request, name):
    _form, period = _period(request)
    response = reports.report_csv(name, period=period)
    if response is None:
        raise Http404
    return response
