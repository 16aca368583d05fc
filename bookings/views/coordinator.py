"""The coordinator's area: all bookings, the urgent queue, closures, reports."""

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import reports, schedule_services, selectors, services
from bookings.forms import ClosureForm, CoordinatorFilterForm, ReportPeriodForm
from bookings.views.common import (
    COORDINATOR_PAGE_SIZE,
    apply_form_errors,
    error_text,
    or_404,
    person,
    render_page,
    report_change,
    staff_booking,
    station_today,
)
from portal import languages
from portal.access import log_access_many
from portal.models import AccessLog, Role
from portal.roles import role_required

REPORT_PAGE_SIZE = 25  # rows per report table page
URGENT_PAGE_SIZE = 25


# --- coordinator area --------------------------------------------------------------------


@role_required(Role.COORDINATOR)
@require_GET
def coordinator_bookings(request):
    form = CoordinatorFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {name: form.cleaned_data[name] for name in (
            "counsellor", "topic", "status", "date_from", "date_to", "urgent")}
    totals = selectors.booking_status_totals(**filters)
    paginator = Paginator(selectors.all_bookings(**filters), COORDINATOR_PAGE_SIZE)
    # The totals' query has counted the same rows: no second COUNT for the pages.
    paginator.count = totals["total"]
    page = paginator.get_page(request.GET.get("page"))
    return render_page(request, "bookings/coordinator/bookings.html", {
        "form": form, "page": page, "totals": totals,
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
    """Urgent intakes until resolved (however old), oldest first, each with
    who to call and why; then the ones resolved in the last 14 days. The
    cards show intake answers and phone numbers: each read is access-logged."""
    page = Paginator(selectors.urgent_queue_page_rows(), URGENT_PAGE_SIZE).get_page(
        request.GET.get("page"))
    followed = Paginator(selectors.recently_followed_up_page_rows(),
                         URGENT_PAGE_SIZE).get_page(request.GET.get("followed_page"))
    english = (get_language() or "").startswith("en")
    cards = [selectors.urgent_card(b, english=english) for b in page]
    log_access_many(actor=request.user, action=AccessLog.Action.VIEW_INTAKE,
                    objs=[card["booking"] for card in cards], request=request)
    return render_page(request, "bookings/coordinator/urgent.html", {
        "cards": cards, "page": page,
        "followed": list(followed), "followed_page": followed,
        "response_hours": services.urgent_response_hours(),
        "escalation_minutes": selectors.booking_policy().urgent_escalation_minutes,
        "coordinators": list(selectors.coordinators()),
    })


@role_required(Role.COORDINATOR)
@require_POST
def coordinator_urgent_claim(request, pk):
    """Claim an urgent intake, or assign it to another coordinator
    (`assignee`); a claim someone else holds is refused with the reason
    (who owns it shows on the queue)."""
    booking = staff_booking(request, pk)
    assignee = None
    if request.POST.get("assignee"):
        assignee = selectors.coordinators().filter(
            pk=request.POST["assignee"] if request.POST["assignee"].isdigit() else 0).first()
        if assignee is None:
            messages.error(request, _(services.URGENT_ASSIGNEE_INVALID))
            return redirect("bookings:coordinator_urgent")
    try:
        services.urgent_claim(booking=booking, by_user=person(request), assignee=assignee)
    except services.BookingError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已认领。请尽快联系，并在预约页面记录每次联系。")
                         if assignee is None else _("已指派。"))
    return redirect("bookings:coordinator_urgent")


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
    closures = list(selectors.upcoming_closures(today=station_today()))
    return render_page(request, "bookings/coordinator/closures.html",
                       {"form": form, "closures": closures}, status=status)


@role_required(Role.COORDINATOR)
@require_POST
def coordinator_closure_delete(request, pk):
    closure = or_404(selectors.closure, pk=pk)
    if request.POST.get("confirm") != "1":
        # The list's button only asks; the deletion is the second POST.
        return render_page(request, "bookings/coordinator/closure_delete_confirm.html",
                           {"closure": closure})
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


def _report_page(request, rows, row, param: str):
    """One page of a report table (`param` is its page number), rows shaped by `row`.

    Each table pages by its own parameter, so moving through one keeps the
    others (and the period) where they were.
    """
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get(param))
    page.object_list = [row(r) for r in page.object_list]
    return page


def _workshop_label(row: dict) -> tuple[str, bool]:
    title, chinese = languages.pick(row, "title")
    return f"{row['date']:%m-%d} {title}", chinese


@role_required(Role.COORDINATOR)
@require_GET
def coordinator_reports(request):
    form, period = _period(request)
    per_topic = _report_page(request, reports.topic_month_rows(period=period),
                             reports.topic_month_row, "topics_page")
    attendance = _report_page(request, reports.attendance_rows(period=period),
                              reports.attendance_row, "attendance_page")
    workshops = _report_page(request, reports.workshop_rows(period=period),
                             reports.workshop_row, "workshops_page")
    lead = reports.lead_time(period=period)
    # Charts show what the tables beside them show: the months and the topics
    # over the whole period (at most 37 and a handful of bars), the attendance
    # and workshops of this page.
    # Labels in the page's language: months as its locale writes them, stored
    # names through `portal.languages` (Chinese where no English exists, marked).
    charts = {
        "months": reports.bar_chart(
            [(reports.month_label(month), count)
             for month, count in reports.booked_per_month(period=period)],
            title=_("各月有效预约")),
        "topics": reports.bar_chart(
            [(reports.topic_label(r), r["booked"])
             for r in reports.booked_per_topic(period=period)],
            title=_("各主题有效预约（整个统计范围）")),
        "attendance": reports.bar_chart(
            [(languages.pick(r, "counsellor"), r["attendance_rate"]) for r in attendance],
            unit="%", max_value=100, title=_("到场率")),
        "workshops": reports.bar_chart(
            [(_workshop_label(w), w["fill_rate"]) for w in workshops],
            unit="%", max_value=100, title=_("工作坊满员率")),
        "lead": reports.bar_chart([(b["label"], b["count"]) for b in lead["buckets"]],
                                  title=_("提前预约天数")),
    }
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    return render_page(request, "bookings/coordinator/reports.html", {
        "form": form, "period": period, "per_topic": per_topic,
        "attendance": attendance,
        "attendance_totals": reports.attendance_summary(period=period),
        "workshops": workshops, "lead": lead, "charts": charts, "query": query,
    })


@role_required(Role.COORDINATOR)
@require_GET
def coordinator_report_csv(request, name):
    _form, period = _period(request)
    response = reports.report_csv(name, period=period, language=get_language())
    if response is None:
        raise Http404
    return response
