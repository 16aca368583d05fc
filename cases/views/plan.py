"""Case plans: a draft, its goals and services, submit, a supervisor's
approval (which supersedes the active plan). Saving a plan read at an older
`version` is a 409 showing both versions, never a silent overwrite."""

from http import HTTPStatus

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.views.common import person
from cases import errors, selectors, services
from cases.audit import log_case_read
from cases.errors import CaseError, PlanConflict
from cases.forms import (
    GoalAddForm,
    GoalForm,
    PlanEditForm,
    PlanForm,
    ServiceForm,
    ServiceProgressForm,
    apply_errors,
)
from cases.models import CasePlan
from cases.services import WRITE_BASES
from cases.views import answer_status, case_page, posted, render_case

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


def _plan(case, pk) -> CasePlan:
    plan = case.plans.select_related("submitted_by", "approved_by").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def _render_plan(request, case, basis, plan, *, status=HTTPStatus.OK, **forms):
    log_case_read(user=person(request), obj=plan, basis=basis, request=request)
    editable = plan.status in (CasePlan.Status.DRAFT, CasePlan.Status.ACTIVE)
    context = {
        "case": case, "plan": plan, "may_write": basis.kind in WRITE_BASES,
        "editable": editable, "is_draft": plan.status == CasePlan.Status.DRAFT,
        "goals": plan.goals.order_by("pk"), "services": selectors.plan_services(plan),
        "edit_form": PlanEditForm(initial={"review_due": plan.review_due,
                                           "summary": plan.summary,
                                           "version": plan.version}),
        "goal_form": GoalAddForm(), "service_form": ServiceForm(),
    }
    context.update(forms)
    return render_case(request, "plan.html", context, status=status)


@case_page(write=True)
@require_http_methods(["GET", "POST"])
def plan_new(request, case, basis):
    form = PlanForm(posted(request))
    status = answer_status(request)
    if form.is_valid():
        try:
            plan = services.plan_create_draft(case=case, by=person(request),
                                              **form.cleaned_data)
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("计划草稿已建立，请添加目标和服务。"))
            return redirect(plan.get_absolute_url())
    return render_case(request, "plan_form.html", {"case": case, "form": form},
                       status=status)


@case_page(log=False)
@require_GET
def plan_detail(request, case, basis, plan_pk):
    return _render_plan(request, case, basis, _plan(case, plan_pk))


@case_page(write=True, log=False)
@require_POST
def plan_edit(request, case, basis, plan_pk):
    plan = _plan(case, plan_pk)
    form = PlanEditForm(request.POST)
    if not form.is_valid():
        return _render_plan(request, case, basis, plan, status=UNPROCESSABLE,
                            edit_form=form)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.plan_update(plan=plan, expected_version=version, by=person(request),
                             **data)
    except PlanConflict as exc:
        plan.refresh_from_db()
        fresh = PlanEditForm(initial={"review_due": plan.review_due,
                                      "summary": plan.summary, "version": plan.version})
        return _render_plan(request, case, basis, plan, status=HTTPStatus.CONFLICT,
                            edit_form=fresh, conflict=exc, mine=exc.mine,
                            theirs=exc.theirs)
    except CaseError as exc:
        apply_errors(form, exc)
        return _render_plan(request, case, basis, plan, status=UNPROCESSABLE,
                            edit_form=form)
    messages.success(request, _("计划已保存。"))
    return redirect(plan.get_absolute_url())


@case_page(write=True, log=False)
@require_POST
def goal_add(request, case, basis, plan_pk):
    plan = _plan(case, plan_pk)
    form = GoalAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_add(plan=plan, by=person(request), **data)
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("目标已添加。"))
            return redirect(plan.get_absolute_url())
    return _render_plan(request, case, basis, plan, status=UNPROCESSABLE, goal_form=form)


@case_page(write=True, log=False)
@require_http_methods(["GET", "POST"])
def goal_edit(request, case, basis, plan_pk, goal_pk):
    plan = _plan(case, plan_pk)
    goal = plan.goals.filter(pk=goal_pk).first()
    if goal is None:
        raise Http404
    log_case_read(user=person(request), obj=plan, basis=basis, request=request)
    form = GoalForm(posted(request), initial={
        "domain": goal.domain, "text": goal.text, "target_date": goal.target_date,
        "status": goal.status, "progress": goal.progress, "topic": goal.topic_id,
        "modules": list(goal.modules.values_list("pk", flat=True)),
        "shared_with_family": goal.shared_with_family})
    form.fields["domain"].disabled = True
    status = answer_status(request)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "domain"}
        try:
            services.goal_update(goal=goal, by=person(request), **data)
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("目标已更新。"))
            return redirect(plan.get_absolute_url())
    return render_case(request, "goal_form.html",
                       {"case": case, "plan": plan, "goal": goal, "form": form},
                       status=status)


@case_page(write=True, log=False)
@require_POST
def service_add(request, case, basis, plan_pk):
    plan = _plan(case, plan_pk)
    form = ServiceForm(request.POST)
    if form.is_valid():
        try:
            services.service_add(plan=plan, by=person(request), **form.cleaned_data)
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("服务已添加。"))
            return redirect(plan.get_absolute_url())
    return _render_plan(request, case, basis, plan, status=UNPROCESSABLE,
                        service_form=form)


@case_page(write=True, log=False)
@require_POST
def service_progress(request, case, basis, plan_pk, service_pk):
    plan = _plan(case, plan_pk)
    service = plan.services.filter(pk=service_pk).first()
    if service is None:
        raise Http404
    form = ServiceProgressForm(request.POST)
    try:
        if not form.is_valid():
            raise CaseError(errors.UNITS_INVALID, field="units_delivered")
        services.service_update(service=service, by=person(request),
                                **form.cleaned_data)
    except CaseError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("服务进度已更新。"))
    return redirect(plan.get_absolute_url())


def _plan_action(action, done_message):
    @case_page(write=True, log=False)
    @require_POST
    def view(request, case, basis, plan_pk):
        plan = _plan(case, plan_pk)
        try:
            action(plan=plan, by=person(request))
        except CaseError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done_message)
        return redirect(plan.get_absolute_url())

    return view


plan_submit = _plan_action(services.plan_submit, gettext_lazy("计划已提交，等待督导员审核。"))
plan_approve = _plan_action(services.plan_approve, gettext_lazy("计划已批准并生效。"))
