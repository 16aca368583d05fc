"""The case page, and closing, reopening and moving a case on."""

from http import HTTPStatus

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings.views.common import person
from cases import errors, selectors, services
from cases.errors import CaseError
from cases.forms import CloseForm, ReassignForm, TransitionForm, apply_errors
from cases.models import Case
from cases.services import TRANSITIONS, WRITE_BASES, can_reassign
from cases.views import answer_status, case_page, posted, render_case, staff_page


@case_page()
@require_http_methods(["GET"])
def case_detail(request, case, basis):
    may_write = basis.kind in WRITE_BASES
    return render_case(request, "case.html", {
        "case": case, "basis": basis, "may_write": may_write,
        "may_reassign": can_reassign(person(request)),
        "plan": selectors.active_plan(case),
        "plans": selectors.case_plans(case),
        "assessments": case.assessments.select_related("submitted_by", "approved_by"),
        "visits": case.visits.prefetch_related("visitors"),
        "timeline": selectors.case_timeline(case),
        "history": selectors.case_history(case)[:100],
        "next_states": [(s, Case.Status(s).label)
                        for s in sorted(TRANSITIONS.get(case.status, ()))],
    })


@case_page(write=True)
@require_http_methods(["GET", "POST"])
def case_close(request, case, basis):
    form = CloseForm(posted(request))
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_close(case=case, reason=form.cleaned_data["reason"],
                                    by=person(request))
            except CaseError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("个案已结案。"))
                return redirect(case.get_absolute_url())
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    return render_case(request, "case_close.html", {"case": case, "form": form},
                       status=status)


@case_page(write=True, log=False)
@require_POST
def case_reopen(request, case, basis):
    try:
        services.case_reopen(case=case, by=person(request))
    except CaseError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("个案已重新开案，回到评估阶段。"))
    return redirect(case.get_absolute_url())


@case_page(write=True, log=False)
@require_POST
def case_transition(request, case, basis):
    form = TransitionForm(request.POST)
    try:
        if not form.is_valid():
            raise CaseError(errors.BAD_TRANSITION)
        services.case_transition(case=case, to=form.cleaned_data["to"],
                                 by=person(request))
    except CaseError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("个案状态已更新。"))
    return redirect(case.get_absolute_url())


@staff_page
@require_http_methods(["GET", "POST"])
def case_reassign(request, pk):
    """Give a case another worker or supervisor: station heads and child
    supervisors (a station head without a grant reads none of the case's
    content here: its number, child's label and who holds it)."""
    user = person(request)
    if not can_reassign(user):
        raise Http404
    case = Case.objects.select_related("member", "assigned_worker", "supervisor").filter(
        pk=pk).first()
    if case is None:
        raise Http404
    form = ReassignForm(posted(request))
    status = answer_status(request)
    if form.is_valid():
        try:
            services.case_reassign(case=case, by=user, **form.cleaned_data)
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("个案已改派。"))
            return redirect("cases:case_reassign", pk=case.pk)
    return render_case(request, "case_reassign.html", {"case": case, "form": form},
                       status=status)
