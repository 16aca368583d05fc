"""The coordinator's area: all bookings, the urgent queue, closures, reports."""

import datetime as dt
from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import reports, schedule_services, selectors, services
from bookings.forms import (
    ClosureForm,
    CoordinatorFilterForm,
    ReportPeriodForm,
)
from bookings.models import (
    Booking,
    StationClosure,
)
from bookings.views.common import (
    COORDINATOR_PAGE_SIZE,
    STATION_TZ,
    apply_form_errors,
    render_page,
    report_change,
    station_today,
)
from portal.models import Role
from portal.roles import role_required

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
    return render_page(request, "bookings/coordinator/bookings.html", {
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
    return render_page(request, "bookings/coordinator/urgent.html", {
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
                apply_form_errors(form, exc)
            else:
                report_change(request, change, _("已添加闭馆日期，这些日期不再开放预约。"))
                return redirect("bookings:coordinator_closures")
        status = HTTPStatus.BAD_REQUEST
    closures = list(StationClosure.objects.filter(end_date__gte=station_today()))
    return render_page(request, "bookings/coordinator/closures.html",
                   {"form": form, "closures": closures}, status=status)


@role_required(Role.COORDINATOR)
@require_POST
def coordinator_closure_delete(request, pk):
    closure = get_object_or_404(StationClosure, pk=pk)
    schedule_services.closure_delete(closure=closure)
    messages.success(request, _("已删除闭馆日期。"))
    return redirect("bookings:coordinator_closures")


def _period(request) -> tuple[ReportPeriodForm, reports.Period]:
    default = reports.default_period(station_today())
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
    return render_page(request, "bookings/coordinator/reports.html", {
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
