"""The counsellor's area: their week and hours, and the staff actions on a
booking they work on (attendance, notes, urgent follow-ups)."""

import datetime as dt
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import schedule_services, selectors, services
from bookings.forms import (
    ExceptionForm,
    FollowUpForm,
    NoteEditForm,
    NoteForm,
    RuleForm,
    TimeOffForm,
)
from bookings.views.common import (
    apply_form_errors,
    error_text,
    group_by_day,
    merge_free,
    or_404,
    own_counsellor,
    parse_date,
    person,
    render_page,
    report_change,
    safe_next,
    staff_booking,
    station_today,
)
from portal.access import log_access
from portal.models import AccessLog, Role
from portal.roles import role_required
from portal.timezones import user_zone

# --- counsellor area -------------------------------------------------------------------


@role_required(Role.COUNSELLOR)
@require_GET
def counsellor_week(request):
    counsellor = own_counsellor(request)
    today = station_today()
    week_start = parse_date(request.GET.get("week"), today)
    week = selectors.counsellor_week(counsellor=counsellor, week_start=week_start)
    for day in week["days"]:
        day["free_ranges"] = merge_free(day["free"])
        day["is_today"] = day["date"] == today
    return render_page(request, "bookings/counsellor/week.html", {
        "counsellor": counsellor, "week": week, "today": today, "now": timezone.now(),
        "week_end": week["week_start"] + dt.timedelta(days=6),
    })


def _hours_context(counsellor, request, **forms):
    today = station_today()
    session_type = selectors.individual_services(counsellor=counsellor)[:1]
    preview = []
    if session_type:
        slots = selectors.free_slots(counsellor=counsellor, session_type=session_type[0],
                                     start_date=today, end_date=today + dt.timedelta(days=6))
        zone = user_zone(request.user)
        preview = [{"date": d["date"], "ranges": merge_free(d["slots"])}
                   for d in group_by_day(slots, zone)]
    return {
        "counsellor": counsellor,
        **selectors.counsellor_schedule(counsellor=counsellor, today=today),
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
    counsellor = own_counsellor(request)
    return render_page(request, "bookings/counsellor/hours.html",
                       _hours_context(counsellor, request))


def _schedule_post(request, form_name, form, write):
    """Validate `form`, run `write(cleaned_data)`; redirect back or re-render."""
    counsellor = own_counsellor(request)
    if form.is_valid():
        try:
            change = write(counsellor, form.cleaned_data)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            report_change(request, change, _("已保存。下面是更新后的可预约时间。"))
            return redirect(reverse("bookings:counsellor_hours") + "#free-slots")
    return render_page(request, "bookings/counsellor/hours.html",
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


_SCHEDULE_DELETES = {
    "rule": lambda entry: schedule_services.rule_delete(rule=entry),
    "extra": lambda entry: schedule_services.exception_delete(exception=entry),
    "time-off": lambda entry: schedule_services.time_off_delete(time_off=entry),
}


@role_required(Role.COUNSELLOR)
@require_http_methods(["GET", "POST"])
def schedule_delete(request, kind, pk):
    """A GET, or a POST without ``confirm=1``, only shows what would be deleted
    (the confirm step works without JavaScript); the confirmed POST deletes."""
    entry = or_404(selectors.schedule_entry, counsellor=own_counsellor(request),
                   kind=kind, pk=pk)
    if request.method != "POST" or request.POST.get("confirm") != "1":
        return render_page(request, "bookings/counsellor/delete_confirm.html",
                           {"kind": kind, "entry": entry})
    change = _SCHEDULE_DELETES[kind](entry)
    report_change(request, change, _("已删除。下面是更新后的可预约时间。"))
    return redirect(reverse("bookings:counsellor_hours") + "#free-slots")


@login_required
@require_POST
def attendance(request, pk):
    booking = staff_booking(request, pk)
    value = request.POST.get("attended")
    if value not in ("1", "0"):
        messages.error(request, _("请选择到场或未到场。"))
        return redirect(booking.get_absolute_url())
    try:
        services.booking_mark_attendance(booking=booking, by_user=person(request),
                                         attended=value == "1")
    except services.BookingError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已记录到场情况。"))
    return redirect(safe_next(request, booking.get_absolute_url()))


@login_required
@require_POST
def note_add(request, pk):
    booking = staff_booking(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("记录不能为空，最长一万字。"))
        return redirect(booking.get_absolute_url() + "#notes")
    try:
        services.note_add(booking=booking, author=person(request),
                          body=form.cleaned_data["body"])
    except (services.BookingError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("记录已保存，仅你和协调员可见。"))
    return redirect(booking.get_absolute_url() + "#notes")


# A refused edit: not the author's (403), or the author's but locked (409).
_NOTE_REFUSAL_STATUS = {services.NOTE_LOCKED: HTTPStatus.CONFLICT}


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request, pk, note_pk):
    """GET: the note's text in a form, with its history; POST: save the new text
    (`services.note_edit`). Showing the note is a read of notes: access-logged."""
    booking = staff_booking(request, pk)
    note = or_404(selectors.booking_note, booking=booking, pk=note_pk)
    user = person(request)
    refusal = services.note_edit_refusal(note=note, by_user=user)
    form = NoteEditForm(request.POST if request.method == "POST" else None,
                        initial={"body": note.body})
    status = HTTPStatus.OK
    if refusal is None and request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            try:
                services.note_edit(note=note, by_user=user, body=form.cleaned_data["body"])
            except services.BookingError as exc:
                if exc.msgid != services.NOTE_EMPTY:
                    refusal = exc.msgid
                apply_form_errors(form, exc)
            else:
                messages.success(request, _("记录已更新，之前的内容保留在历史版本中。"))
                return redirect(f"{booking.get_absolute_url()}#note-{note.pk}")
    if refusal is not None:
        return render_page(request, "bookings/note_edit.html", {
            "booking": booking, "refusal": _(refusal),
        }, status=_NOTE_REFUSAL_STATUS.get(refusal, HTTPStatus.FORBIDDEN))
    log_access(actor=user, action=AccessLog.Action.VIEW_NOTES,
               subject_user_id=booking.family_id, obj=booking, request=request)
    return render_page(request, "bookings/note_edit.html", {
        "booking": booking, "note": note, "form": form,
        "locks_at": note.created_at + services.NOTE_EDIT_WINDOW,
    }, status=status)


@login_required
@require_POST
def follow_up_add(request, pk):
    booking = staff_booking(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _(services.FOLLOW_UP_INVALID))
        return redirect(booking.get_absolute_url() + "#follow-up")
    try:
        follow_up = services.urgent_follow_up_record(
            booking=booking, by_user=person(request), **form.cleaned_data)
    except (services.BookingError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        if follow_up.outcome in follow_up.CLOSING:
            messages.success(request, _("已记录跟进，这个预约已离开紧急队列。"))
        else:
            messages.warning(request, _("已记录这次尝试。预约会留在紧急队列里，请继续联系。"))
    return redirect(booking.get_absolute_url() + "#follow-up")
