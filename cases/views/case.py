"""The case page, and closing, reopening and moving a case on."""

from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings.views.common import person
from cases import errors, selectors, services
from cases.errors import CaseError
from cases.forms import CloseForm, TransitionForm, apply_errors
from cases.models import Case
from cases.services import TRANSITIONS, WRITE_BASES
from cases.views import case_page, posted, render_case


@case_page()
@require_http_methods(["GET"])
def case_detail(request, case, basis):
    may_write = basis.kind in WRITE_BASES
    return render_case(request, "case.html", {
        "case": case, "basis": basis, "may_write": may_write,
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
