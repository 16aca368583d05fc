"""Family pages: choose a topic, a counsellor and a time; details, review and
confirm; My bookings, a booking's page, cancel and reschedule.

Views parse input, call one service or selector, render. Every page works
without JavaScript. Times are shown in the viewer's display zone, named on
the page. Objects the viewer may not see answer 404.
"""

import datetime as dt
from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bookings import intake, selectors, services
from bookings.forms import (
    BookingDetailsForm,
    CounsellorFilterForm,
    FollowUpForm,
    NoteForm,
    RescheduleForm,
    parse_slot,
)
from bookings.intake import is_urgent
from bookings.models import Booking, Mode
from bookings.permissions import seats_left
from bookings.views.common import (
    NEXT_SLOTS,
    SLOT_DAYS,
    STATION_TZ,
    cutoff_of,
    error_text,
    group_by_day,
    or_404,
    owned_booking,
    parse_date,
    person,
    render_page,
    safe_next,
    slug_param,
    station_today,
    viewer_booking,
)
from courses.models import topics_for_language
from portal.access import log_access
from portal.crisis import crisis_lines
from portal.models import AccessLog
from portal.timezones import user_zone

COUNSELLOR_PAGE_SIZE = 12  # a page of cards a family can read through
MINE_PAGE_SIZE = 20  # of the coming bookings, and of the past ones

# --- family: choose topic, counsellor, time -------------------------------------------


def _query(**params: str) -> str:
    """A query string ("?a=1&b=2") of the non-empty params, or ""."""
    given = {name: value for name, value in params.items() if value}
    return f"?{urlencode(given)}" if given else ""


def offered_mode(request, counsellor) -> str | None:
    """The `mode` of the query string (as the counsellor filter names it) when
    this counsellor offers it, else None."""
    value = request.GET.get("mode") or ""
    return value if value in Mode.values and value in (counsellor.modes or []) else None


@require_GET
def index(request):
    topics = list(topics_for_language())
    workshops = list(selectors.upcoming_workshops(limit=3))
    return render_page(request, "bookings/index.html",
                       {"topics": topics, "workshops": workshops})


@require_GET
def counsellor_list(request):
    form = CounsellorFilterForm(request.GET or None)
    topic = language = mode = None
    if form.is_bound and form.is_valid():
        topic = form.cleaned_data["topic"]
        language = form.cleaned_data["language"] or None
        mode = form.cleaned_data["mode"] or None
    page = Paginator(selectors.counsellors_for(topic=topic, language=language, mode=mode),
                     COUNSELLOR_PAGE_SIZE).get_page(request.GET.get("page"))
    counsellors = list(page.object_list)
    page.object_list = counsellors
    today = station_today()
    next_free = selectors.next_free_slots(
        counsellors=counsellors, start_date=today,
        end_date=today + dt.timedelta(days=SLOT_DAYS - 1))
    for counsellor in counsellors:
        counsellor.next_free = next_free[counsellor.pk]
    return render_page(request, "bookings/counsellor_list.html", {
        "form": form, "counsellors": page.object_list, "page": page, "topic": topic,
        # The topic and mode chosen here go on to a counsellor's page.
        "query": _query(topic=topic.slug if topic else "", mode=mode or ""),
    })


@require_GET
def counsellor_detail(request, slug):
    counsellor = or_404(selectors.active_counsellor, slug=slug, specialties=True)
    session_types = selectors.individual_services(counsellor=counsellor)
    session_type = next(
        (t for t in session_types if t.slug == slug_param(request, "type")),
        session_types[0] if session_types else None,
    )
    topic = selectors.topic_by_slug(slug=slug_param(request, "topic"))
    today = station_today()
    start_date = max(parse_date(request.GET.get("from"), today), today)
    end_date = start_date + dt.timedelta(days=SLOT_DAYS - 1)
    slots = []
    if session_type is not None:
        slots = selectors.free_slots(counsellor=counsellor, session_type=session_type,
                                     start_date=start_date, end_date=end_date)
    zone = user_zone(request.user)
    return render_page(request, "bookings/counsellor_detail.html", {
        "counsellor": counsellor,
        "session_types": session_types,
        "session_type": session_type,
        "topic": topic,
        "mode": offered_mode(request, counsellor),
        "soonest": slots[:NEXT_SLOTS],
        "days": group_by_day(slots, zone),
        "start_date": start_date,
        "end_date": end_date,
        "later": end_date + dt.timedelta(days=1),
        "earlier": start_date - dt.timedelta(days=SLOT_DAYS) if start_date > today else None,
        "workshops": list(selectors.upcoming_workshops(counsellor=counsellor, limit=3)),
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
    counsellor = or_404(selectors.active_counsellor, slug=slug)
    session_type = or_404(selectors.individual_service, counsellor=counsellor,
                          slug=type_slug)
    topic = selectors.topic_by_slug(slug=slug_param(request, "topic"))
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
        form = BookingDetailsForm(initial={"start": start.isoformat()},
                                  preferred_mode=offered_mode(request, counsellor),
                                  **form_kwargs)
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
        return render_page(request, "bookings/book_confirm.html", {
            "form": form, "counsellor": counsellor, "session_type": session_type,
            "topic": topic, "start": start,
            "end": start + dt.timedelta(minutes=session_type.duration_minutes),
            "cutoff_hours": int(cutoff_of(session_type).total_seconds() // 3600),
            "late_from": start - cutoff_of(session_type),
            "child": form.cleaned_data["child"],
            "mode_label": dict(form.fields["mode"].choices).get(form.cleaned_data["mode"]),
            "step": "review",
            "is_urgent": is_urgent(form.risk_answers()),
            "risk": form.assessment(),
            **selectors.urgent_context(get_language() or "zh-hans"),
        })
    family = person(request)
    try:
        # Records the separate consent for sensitive data with the booking.
        booking = services.booking_create(
            family=family, counsellor=counsellor, session_type=session_type,
            start=start, mode=form.cleaned_data["mode"],
            child=form.cleaned_data["child"], concern=form.cleaned_data["concern"],
            risk_answers=form.risk_answers(), consent=form.cleaned_data["consent"],
            topic=topic, contact_phone=form.cleaned_data.get("contact_phone") or "",
        )
    except services.BookingError as exc:
        messages.error(request, error_text(exc))
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
    return render_page(request, "bookings/book_details.html", {
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


def _counted_page(rows, count: int, number):
    """A page of `rows` whose total is already known: both lists of My bookings
    are counted in one query, not one each (family pages keep to 10 queries)."""
    paginator = Paginator(rows, MINE_PAGE_SIZE)
    paginator.count = count  # a cached_property: set, it is not queried
    return paginator.get_page(number)


@login_required
@require_GET
def mine(request):
    now = timezone.now()
    counts = selectors.family_booking_counts(user=request.user, now=now)
    upcoming = _counted_page(selectors.family_upcoming(user=request.user, now=now),
                             counts["upcoming"], request.GET.get("page"))
    past = _counted_page(selectors.family_past(user=request.user, now=now),
                         counts["past"], request.GET.get("past_page"))
    return render_page(request, "bookings/mine.html", {
        "upcoming": list(upcoming), "upcoming_page": upcoming,
        "past": list(past), "past_page": past,
        "waitlist": list(selectors.family_waitlist(user=request.user)),
    })


@login_required
@require_GET
def detail(request, pk):
    booking = viewer_booking(request, pk)
    user = request.user
    is_owner = booking.family_id == user.pk
    # Anyone else who may see it works on it (bookings.permissions). Staff
    # looking at their own family's booking see what any family sees: the
    # intake as answered, not the staff notes and follow-ups about them.
    is_staff_view = not is_owner
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
        late_from = booking.start - cutoff_of(booking)
        context["late_from"] = late_from
        context["is_late_now"] = timezone.now() >= late_from
    if is_staff_view:
        context["risk_rows"] = _risk_rows(booking)
        log_access(actor=user, action=AccessLog.Action.VIEW_INTAKE,
                   subject_user_id=booking.family_id, obj=booking, request=request)
        context["notes"], context["follow_ups"] = selectors.staff_records(booking=booking)
        context["note_form"] = NoteForm()
        log_access(actor=user, action=AccessLog.Action.VIEW_NOTES,
                   subject_user_id=booking.family_id, obj=booking, request=request)
        context["follow_up_form"] = FollowUpForm()
        context["can_mark"] = booking.start <= timezone.now() and booking.is_active
    return render_page(request, "bookings/booking_detail.html", context)


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
    booking = owned_booking(request, pk)
    if not booking.is_active or booking.status != Booking.Status.CONFIRMED:
        messages.error(request, _("这个预约已不能取消。"))
        return redirect(booking.get_absolute_url())
    late_from = booking.start - cutoff_of(booking)
    if request.method == "POST":
        reason = (request.POST.get("reason") or "").replace("\x00", "")[:300]
        try:
            services.booking_cancel(booking=booking, by_user=person(request), reason=reason)
        except services.BookingError as exc:
            messages.error(request, error_text(exc))
            return redirect(booking.get_absolute_url())
        booking.refresh_from_db()
        if booking.status == Booking.Status.LATE_CANCELLED:
            messages.warning(request, _("已取消。因在截止时间内取消，记为迟取消。"))
        else:
            messages.success(request, _("已取消，名额已释放。"))
        done = (reverse("bookings:mine") if booking.family_id == request.user.pk
                else booking.get_absolute_url())
        return redirect(safe_next(request, done))
    workshop = None
    if booking.group_session_id:
        workshop = selectors.workshop_counts(pk=booking.group_session_id)
    return render_page(request, "bookings/cancel_confirm.html", {
        "booking": booking, "late_from": late_from,
        "workshop": workshop, "is_full": workshop and seats_left(workshop) == 0,
        # Only a family's own change counts as late (staff cancel for a reason).
        "is_late": booking.family_id == request.user.pk and timezone.now() >= late_from,
        "cutoff_hours": int(cutoff_of(booking).total_seconds() // 3600),
    })


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, pk):
    booking = owned_booking(request, pk)
    if booking.group_session_id or booking.status != Booking.Status.CONFIRMED:
        messages.error(request, _("这个预约已不能改期。"))
        return redirect(booking.get_absolute_url())
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("无法识别这个时间，请重新选择。"))
            return redirect("bookings:reschedule", pk=booking.pk)
        new_start = form.cleaned_data["new_start"]
        if request.POST.get("confirm") != "1":
            # One tap on a time only asks; the move itself is the second POST.
            return render_page(request, "bookings/reschedule_confirm.html", {
                "booking": booking, "new_start": new_start,
                "new_end": new_start + (booking.end - booking.start),
                **_late_policy(booking),
            })
        try:
            services.booking_reschedule(booking=booking, new_start=new_start,
                                        by_user=person(request))
        except services.BookingError as exc:
            messages.error(request, error_text(exc))
            return redirect("bookings:reschedule", pk=booking.pk)
        messages.success(request, _("已改期，新的时间会通过邮件发给你。"))
        return redirect(booking.get_absolute_url())
    today = station_today()
    start_date = max(parse_date(request.GET.get("from"), today), today)
    end_date = start_date + dt.timedelta(days=SLOT_DAYS - 1)
    slots = selectors.free_slots_for_counsellors(
        counsellors=[booking.counsellor], session_type=booking.session_type,
        start_date=start_date, end_date=end_date, exclude_booking_id=booking.pk,
    )[booking.counsellor.pk]
    slots = [s for s in slots if s.start != booking.start]
    return render_page(request, "bookings/reschedule.html", {
        "booking": booking,
        "days": group_by_day(slots, user_zone(request.user)),
        "later": end_date + dt.timedelta(days=1),
        "earlier": start_date - dt.timedelta(days=SLOT_DAYS) if start_date > today else None,
        **_late_policy(booking),
    })


def _late_policy(booking: Booking) -> dict:
    """When a change to ``booking`` starts counting as late, and whether it does now."""
    late_from = booking.start - cutoff_of(booking)
    return {
        "late_from": late_from,
        "is_late": timezone.now() >= late_from,
        "cutoff_hours": int(cutoff_of(booking).total_seconds() // 3600),
    }
