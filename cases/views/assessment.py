"""Assessments: the seven domains scored 0–3, submitted by the worker;
approved, or overridden with a reason, by a supervisor who did not submit it."""

from http import HTTPStatus

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.views.common import person
from cases import services
from cases.audit import log_case_read
from cases.errors import CaseError
from cases.forms import AssessmentForm, OverrideForm, apply_errors
from cases.services import WRITE_BASES
from cases.views import answer_status, case_page, posted, render_case


@case_page(write=True)
@require_http_methods(["GET", "POST"])
def assessment_new(request, case, basis):
    form = AssessmentForm(posted(request))
    status = answer_status(request)
    if form.is_valid():
        try:
            assessment = services.assessment_submit(
                case=case, scores=form.scores(), notes=form.notes(),
                note=form.cleaned_data["note"], by=person(request))
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("评估已提交，等待督导员审核。"))
            return redirect(assessment.get_absolute_url())
    return render_case(request, "assessment_form.html", {"case": case, "form": form},
                       status=status)


def _assessment(case, pk):
    assessment = case.assessments.select_related(
        "submitted_by", "approved_by", "overridden_by").filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


@case_page(log=False)
@require_GET
def assessment_detail(request, case, basis, assessment_pk):
    assessment = _assessment(case, assessment_pk)
    log_case_read(user=person(request), obj=assessment, basis=basis, request=request)
    return render_case(request, "assessment.html", {
        "case": case, "assessment": assessment,
        "scores": assessment.scores.all(),
        "may_write": basis.kind in WRITE_BASES,
        "override_form": OverrideForm(initial={"risk_level": assessment.risk_level}),
    })


@case_page(write=True, log=False)
@require_POST
def assessment_approve(request, case, basis, assessment_pk):
    assessment = _assessment(case, assessment_pk)
    try:
        services.assessment_approve(assessment=assessment, by=person(request))
    except CaseError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("评估已批准，个案风险等级已更新。"))
    return redirect(assessment.get_absolute_url())


@case_page(write=True, log=False)
@require_POST
def assessment_override(request, case, basis, assessment_pk):
    assessment = _assessment(case, assessment_pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_override(
                assessment=assessment, risk_level=form.cleaned_data["risk_level"],
                reason=form.cleaned_data["reason"], by=person(request))
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("风险等级已调整。"))
            return redirect(assessment.get_absolute_url())
    log_case_read(user=person(request), obj=assessment, basis=basis, request=request)
    return render_case(request, "assessment.html", {
        "case": case, "assessment": assessment, "scores": assessment.scores.all(),
        "may_write": True, "override_form": form,
    }, status=HTTPStatus.UNPROCESSABLE_ENTITY)
