"""Casework writes: states, approvals, plans, visits, closing, households."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils.translation import override
from django_tasks_db.models import DBTaskResult

from cases import errors, services
from cases.errors import CaseError, PlanConflict
from cases.models import Assessment, Case, CasePlan, Household, Visit
from cases.tasks import send_case_alert
from portal.models import Role
from portal.services import household_link_consent_give
from tests.cases.conftest import NOW, TODAY
from tests.cases.factories import CALM, OPENED, make_case, make_household, staff
from tests.factories import CoordinatorFactory, FamilyFactory
from tests.network.test_experts import ExpertFactory, PartnerFactory

pytestmark = pytest.mark.django_db

ALERT_TASK = send_case_alert.module_path


def message(exc) -> dict:
    return exc.value.message_dict


# --- states --------------------------------------------------------------------------


def test_a_case_moves_through_its_states_in_order(case, worker):
    assert case.status == Case.Status.INTAKE
    for to in ("assessment", "active", "monitoring", "active"):
        case = services.case_transition(case=case, to=to, by=worker)
    assert case.status == Case.Status.ACTIVE


def test_a_skipped_state_is_refused_on_the_status_field(case, worker):
    with pytest.raises(CaseError) as exc:
        services.case_transition(case=case, to="monitoring", by=worker)
    assert message(exc) == {"status": ["个案当前状态不能这样变更。"]}


def test_someone_without_access_cannot_move_a_case(case):
    with pytest.raises(CaseError) as exc:
        services.case_transition(case=case, to="assessment", by=staff(Role.SOCIAL_WORKER))
    assert exc.value.code == "not_allowed"


def test_the_assigned_worker_must_be_a_social_worker_or_child_director(worker):
    household = make_household(by=worker)
    with pytest.raises(CaseError) as exc:
        services.case_open(household=household, member=household.members.last(),
                           assigned_worker=CoordinatorFactory(), by=worker,
                           opened_on=OPENED)
    assert list(message(exc)) == ["assigned_worker"]


# --- assessments and approvals --------------------------------------------------------


def test_an_assessment_takes_the_rules_level_and_a_supervisor_approves_it(
        case, worker, supervisor):
    assessment = services.assessment_submit(
        case=case, scores={**CALM, "emotions": 2}, by=worker, note="情绪低落两周")
    assert (assessment.computed_risk, assessment.risk_level) == ("medium", "medium")
    services.assessment_approve(assessment=assessment, by=supervisor)
    case.refresh_from_db()
    assert case.risk_level == "medium"
    assert assessment.scores.get(domain="emotions").score == 2


def test_nobody_approves_their_own_assessment(case, supervisor):
    assessment = services.assessment_submit(case=case, scores=CALM, by=supervisor)
    with pytest.raises(CaseError) as exc:
        services.assessment_approve(assessment=assessment, by=supervisor)
    assert exc.value.code == "self_approval"
    assert Assessment.objects.get().status == Assessment.Status.SUBMITTED


def test_a_worker_cannot_approve(case, worker):
    other = staff(Role.SOCIAL_WORKER)
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker)
    with pytest.raises(CaseError) as exc:
        services.assessment_approve(assessment=assessment, by=other)
    assert exc.value.code == "not_supervisor"


def test_the_database_refuses_a_self_approved_assessment(case, worker):
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(approved_by=worker)


def test_an_override_needs_a_reason_and_keeps_the_rules_answer(case, worker, supervisor):
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker)
    with pytest.raises(CaseError) as exc:
        services.assessment_override(assessment=assessment, risk_level="high",
                                     reason="  ", by=supervisor)
    assert message(exc) == {"reason": ["调整风险等级须填写理由。"]}
    services.assessment_override(assessment=assessment, risk_level="high",
                                 reason="监护人近期住院", by=supervisor)
    services.assessment_approve(assessment=assessment, by=supervisor)
    assessment.refresh_from_db()
    case.refresh_from_db()
    assert (assessment.computed_risk, assessment.risk_level) == ("low", "high")
    assert assessment.override_reason == "监护人近期住院"
    assert case.risk_level == "high"


def test_missing_scores_are_a_field_error(case, worker):
    with pytest.raises(CaseError) as exc:
        services.assessment_submit(case=case, scores={"safety": 1}, by=worker)
    assert message(exc) == {"scores": ["请为七个领域各打一个 0–3 分。"]}
    assert not Assessment.objects.exists()


def test_an_approved_critical_assessment_alerts_the_team_and_coordinators(
        case, worker, supervisor):
    coordinator = CoordinatorFactory()
    assessment = services.assessment_submit(
        case=case, scores={**CALM, "safety": 3}, by=worker)
    assert not DBTaskResult.objects.filter(task_path=ALERT_TASK).exists()
    services.assessment_approve(assessment=assessment, by=supervisor)
    task = DBTaskResult.objects.get(task_path=ALERT_TASK)
    assert task.args_kwargs["args"] == [case.pk, "critical_risk"]
    assert send_case_alert.call(case.pk, "critical_risk") == 3
    assert [m.to for m in mail.outbox] == [[worker.email], [supervisor.email],
                                           [coordinator.email]]
    assert f"#{case.pk}" in mail.outbox[2].subject
    assert "12356" in mail.outbox[2].body or "110" in mail.outbox[2].body


# --- plans ------------------------------------------------------------------------


def active_plan(case, worker, supervisor, **kwargs) -> CasePlan:
    plan = services.plan_create_draft(case=case, review_due=TODAY + dt.timedelta(days=90),
                                      by=worker, **kwargs)
    services.plan_submit(plan=plan, by=worker)
    return services.plan_approve(plan=plan, by=supervisor)


def test_approving_a_new_plan_supersedes_the_active_one(case, worker, supervisor):
    first = active_plan(case, worker, supervisor)
    second = active_plan(case, worker, supervisor)
    first.refresh_from_db()
    assert (first.number, first.status) == (1, CasePlan.Status.SUPERSEDED)
    assert (second.number, second.status) == (2, CasePlan.Status.ACTIVE)
    assert CasePlan.objects.filter(case=case, status="active").count() == 1


def test_the_database_never_holds_two_active_plans(case, worker, supervisor):
    first = active_plan(case, worker, supervisor)
    draft = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        CasePlan.objects.filter(pk=draft.pk).update(status="active")
    first.refresh_from_db()
    assert first.status == "active"


def test_nobody_approves_the_plan_they_submitted(case, supervisor):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=supervisor)
    services.plan_submit(plan=plan, by=supervisor)
    with pytest.raises(CaseError) as exc:
        services.plan_approve(plan=plan, by=supervisor)
    assert exc.value.code == "self_approval"


def test_a_review_date_before_the_case_opened_is_a_field_error(case, worker):
    with override("zh-hans"), pytest.raises(CaseError) as exc:
        services.plan_create_draft(case=case, review_due=OPENED - dt.timedelta(days=1),
                                   by=worker)
    assert message(exc) == {"review_due": ["复核日期不能早于开案日期。"]}
    with override("en"), pytest.raises(CaseError) as exc:
        services.plan_create_draft(case=case, review_due=OPENED - dt.timedelta(days=1),
                                   by=worker)
    assert message(exc) == {"review_due": [
        "The review date cannot be before the case was opened."]}
    assert not CasePlan.objects.exists()


def test_a_stale_plan_update_is_a_conflict_with_both_values(case, worker):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    mine = CasePlan.objects.get(pk=plan.pk)
    theirs = CasePlan.objects.get(pk=plan.pk)
    services.plan_update(plan=theirs, expected_version=theirs.version, by=worker,
                         summary="每周一次学业辅导")
    with pytest.raises(PlanConflict) as exc:
        services.plan_update(plan=mine, expected_version=mine.version, by=worker,
                             summary="每两周一次家访")
    assert (exc.value.expected, exc.value.current) == (1, 2)
    assert exc.value.theirs == {"summary": "每周一次学业辅导"}
    assert exc.value.mine == {"summary": "每两周一次家访"}
    assert exc.value.messages == ["计划已被他人修改，请查看对方的修改后再保存。"]
    plan.refresh_from_db()
    assert (plan.summary, plan.version) == ("每周一次学业辅导", 2)


def test_goals_and_services_belong_to_a_plan(case, worker, supervisor):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    goal = services.goal_add(plan=plan, domain="study", text="按时完成作业",
                             target_date=TODAY + dt.timedelta(days=60), by=worker)
    services.goal_update(goal=goal, by=worker, progress=2)
    service = services.service_add(plan=plan, kind="study", frequency="每周一次",
                                   units_planned=8, partner=PartnerFactory(), goal=goal,
                                   by=worker)
    assert (goal.progress, service.is_open) == (2, True)
    with pytest.raises(CaseError) as exc:
        services.service_add(plan=plan, kind="medical", frequency="每月", units_planned=2,
                             by=worker)
    assert list(message(exc)) == ["expert"]


def test_an_expert_whose_credential_expired_cannot_be_planned(case, worker, supervisor):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    expert = ExpertFactory(credential_expires=TODAY - dt.timedelta(days=1))
    with pytest.raises(CaseError) as exc:
        services.service_add(plan=plan, kind="psychological", frequency="每周",
                             units_planned=6, expert=expert, by=worker)
    assert exc.value.code == "credential_expired"


def _goal_and_service(plan, worker):
    goal = services.goal_add(plan=plan, domain="study", text="按时完成作业",
                             target_date=TODAY, by=worker)
    service = services.service_add(plan=plan, kind="study", frequency="每周一次",
                                   units_planned=4, partner=PartnerFactory(), by=worker)
    return goal, service


def test_an_approved_plan_takes_progress_but_not_new_content(case, worker, supervisor):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    goal, service = _goal_and_service(plan, worker)
    services.plan_submit(plan=plan, by=worker)
    with pytest.raises(CaseError) as exc:
        services.goal_add(plan=plan, domain="emotions", text="提交后加的", by=worker,
                          target_date=TODAY)
    assert exc.value.messages == ["这份计划已提交、已被取代或已完成，不能再修改。"]
    with pytest.raises(CaseError):
        services.goal_update(goal=goal, by=worker, progress=1)
    plan = services.plan_approve(plan=plan, by=supervisor)
    # Delivery records change on the active plan; the whole form may be posted.
    services.goal_update(goal=goal, by=worker, progress=2, status=goal.status,
                         text=goal.text, target_date=goal.target_date, modules=[])
    services.service_update(service=service, by=worker, units_delivered=3,
                            frequency="每周一次")
    with pytest.raises(CaseError) as exc:
        services.goal_update(goal=goal, by=worker, text="批准后改写")
    assert exc.value.code == "plan_content_approved"
    with pytest.raises(CaseError) as exc:
        services.service_update(service=service, by=worker, frequency="每月一次")
    assert exc.value.code == "plan_content_approved"
    for add in (lambda: services.goal_add(plan=plan, domain="emotions", text="新目标",
                                          target_date=TODAY, by=worker),
                lambda: services.service_add(plan=plan, kind="study", frequency="每月",
                                             units_planned=1, by=worker,
                                             partner=PartnerFactory())):
        with pytest.raises(CaseError) as exc:
            add()
        assert exc.value.code == "plan_content_approved"
    goal.refresh_from_db()
    service.refresh_from_db()
    assert (goal.text, goal.progress) == ("按时完成作业", 2)
    assert (service.frequency, service.units_delivered) == ("每周一次", 3)
    assert plan.goals.count() == 1 and plan.services.count() == 1


def test_a_superseded_plan_changes_no_more(case, worker, supervisor):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    goal, service = _goal_and_service(plan, worker)
    services.plan_submit(plan=plan, by=worker)
    services.plan_approve(plan=plan, by=supervisor)
    active_plan(case, worker, supervisor)
    with pytest.raises(CaseError) as exc:
        services.goal_update(goal=goal, by=worker, progress=3)
    assert exc.value.code == "plan_locked"
    with pytest.raises(CaseError) as exc:
        services.service_update(service=service, by=worker, units_delivered=1)
    assert exc.value.code == "plan_locked"


def test_a_closed_case_plans_change_no_more(case, worker, supervisor):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    goal, service = _goal_and_service(plan, worker)
    services.service_update(service=service, by=worker, ended=True)
    services.case_close(case=case, reason="目标达成", by=supervisor)
    for write in (lambda: services.goal_update(goal=goal, by=worker, text="结案后改"),
                  lambda: services.service_update(service=service, by=worker,
                                                  units_delivered=1),
                  lambda: services.plan_update(plan=plan, expected_version=plan.version,
                                               by=worker, summary="结案后改")):
        with pytest.raises(CaseError) as exc:
            write()
        assert exc.value.code == "closed_case"
    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (plan.summary, goal.text) == (None, "按时完成作业")  # empty narratives are NULL


# --- closing ---------------------------------------------------------------------------


def test_closing_needs_a_reason_a_supervisor_and_no_running_service(
        case, worker, supervisor):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    service = services.service_add(plan=plan, kind="cleaning", frequency="每月一次",
                                   units_planned=3, partner=PartnerFactory(), by=worker)
    services.plan_submit(plan=plan, by=worker)
    plan = services.plan_approve(plan=plan, by=supervisor)
    with pytest.raises(CaseError) as exc:
        services.case_close(case=case, reason="目标达成", by=worker)
    assert exc.value.code == "not_supervisor"
    with pytest.raises(CaseError) as exc:
        services.case_close(case=case, reason="", by=supervisor)
    assert message(exc) == {"reason": ["请填写结案原因。"]}
    with pytest.raises(CaseError) as exc:
        services.case_close(case=case, reason="目标达成", by=supervisor)
    assert message(exc) == {"reason": [
        "还有未完成的计划服务，请先完成或标记结束：助洁（0/3）"]}
    services.service_update(service=service, by=worker, ended=True)
    case = services.case_close(case=case, reason="目标达成", by=supervisor)
    plan.refresh_from_db()
    assert (case.status, case.closed_at, case.closure_reason) == ("closed", NOW, "目标达成")
    assert plan.status == CasePlan.Status.COMPLETED


def test_a_supervisor_assigned_to_the_case_cannot_close_it_alone(supervisor):
    case = services.case_open(
        household=(household := make_household(by=supervisor)),
        member=household.members.last(), assigned_worker=staff(
            Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR),
        by=supervisor, opened_on=OPENED)
    with pytest.raises(CaseError) as exc:
        services.case_close(case=case, reason="迁出", by=case.assigned_worker)
    assert exc.value.code == "self_approval"


def test_a_reopened_case_keeps_its_closure_in_history(case, supervisor):
    services.case_close(case=case, reason="家庭迁出本街道", by=supervisor)
    case = services.case_reopen(case=case, by=supervisor)
    assert (case.status, case.closure_reason, case.closed_at) == ("assessment", None, None)
    reasons = [h.closure_reason for h in case.history.order_by("history_id")]
    assert "家庭迁出本街道" in reasons


def test_a_closed_case_takes_no_new_visit(case, worker, supervisor):
    services.case_close(case=case, reason="家庭迁出本街道", by=supervisor)
    with pytest.raises(CaseError) as exc:
        services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                              by=worker)
    assert exc.value.code == "closed_case"


# --- visits -----------------------------------------------------------------------------


def test_a_visit_sets_the_next_due_date_by_risk_level(case, worker, supervisor):
    assessment = services.assessment_submit(case=case, scores={**CALM, "study": 3},
                                            by=worker)
    services.assessment_approve(assessment=assessment, by=supervisor)
    visit = services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                                  by=worker, guardian_present=True, observations="屋内整洁")
    case.refresh_from_db()
    assert visit.next_due == TODAY + dt.timedelta(days=14)
    assert case.next_visit_due == visit.next_due
    assert list(visit.visitors.all()) == [worker]


def test_visit_intervals_come_from_the_case_settings(case, worker, site_shell):
    from cases.models import CaseSettings

    CaseSettings.objects.update_or_create(site=site_shell, defaults={
        "visit_days_medium": 21})
    visit = services.visit_record(case=case, kind="phone", done_at=NOW, visitors=[worker],
                                  by=worker)
    assert visit.next_due == TODAY + dt.timedelta(days=21)


def test_a_visit_done_in_the_future_is_a_field_error(case, worker):
    with pytest.raises(CaseError) as exc:
        services.visit_record(case=case, kind="home", done_at=NOW + dt.timedelta(hours=1),
                              visitors=[worker], by=worker)
    assert message(exc) == {"done_at": ["完成时间不能晚于现在。"]}
    assert not Visit.objects.exists()


def test_a_planned_visit_is_recorded_once_done(case, worker):
    visit = services.visit_plan(case=case, kind="school", by=worker,
                                planned_for=NOW + dt.timedelta(days=2))
    done = services.visit_record(case=case, visit=visit, kind="school", done_at=NOW,
                                 visitors=[worker], by=worker)
    assert (done.pk, Visit.objects.count()) == (visit.pk, 1)


def test_a_safety_concern_takes_the_urgent_path(case, worker):
    services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                          by=worker, safety_concern=True, observations="孩子身上有伤痕")
    task = DBTaskResult.objects.get(task_path=ALERT_TASK)
    assert task.args_kwargs["args"] == [case.pk, "safety_concern"]


def test_an_alert_names_the_case_by_number_only(case, worker):
    CoordinatorFactory()
    services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                          by=worker, safety_concern=True, observations="孩子身上有伤痕")
    send_case_alert.call(case.pk, "safety_concern")
    assert "伤痕" not in mail.outbox[0].body
    assert "小雨" not in mail.outbox[0].body


# --- households ---------------------------------------------------------------------


def create(worker, **kwargs):
    values = {"point": Household.objects.get().point, "address": "澄樾路 8 弄 3 号 501 室",
              "guardianship": "one_parent", "opened_on": TODAY, "by": worker,
              "members": [services.MemberData(label="小风", relationship="child",
                                              birth_year=2015)]}
    return services.household_create(**{**values, **kwargs})


def test_the_same_phone_is_a_likely_duplicate_and_nothing_is_saved(worker):
    existing = make_household(by=worker, address="别处 1 号")
    result = create(worker, phone="+8613912345678", address="另一处 2 号")
    assert result.household is None
    assert result.duplicates == [existing]
    assert Household.objects.count() == 1


def test_same_address_and_a_child_of_the_same_year_is_a_likely_duplicate(worker):
    existing = make_household(by=worker, phone="")
    assert create(worker).duplicates == [existing]
    other_year = create(worker, members=[services.MemberData(
        label="小风", relationship="child", birth_year=2012)])
    assert other_year.household is not None


def test_a_confirmed_new_household_is_created_beside_its_lookalike(worker):
    make_household(by=worker)
    result = create(worker, phone="+8613912345678", confirmed_new=True)
    assert result.household is not None and result.duplicates == []
    assert Household.objects.count() == 2


def test_an_invalid_phone_is_a_field_error(worker):
    make_household(by=worker)
    with pytest.raises(Exception) as exc:  # noqa: PT011 - the field key is asserted
        create(worker, phone="12345")
    assert "phone" in exc.value.message_dict


def test_the_family_account_is_linked_only_with_the_guardians_consent(case, worker):
    family = FamilyFactory()
    with pytest.raises(CaseError) as exc:
        services.household_link_account(household=case.household, account=family,
                                        by=worker)
    assert list(message(exc)) == ["portal_account"]
    consent = household_link_consent_give(user=family)
    household = services.household_link_account(household=case.household,
                                                account=family, by=worker)
    assert (household.portal_account, household.link_consent) == (family, consent)
    assert errors.CONSENT_REQUIRED == "关联家庭账户须有监护人的同意记录。"


def test_a_second_case_for_the_same_child_is_a_clear_refusal(worker):
    household = make_household(by=worker)
    child = household.members.get(relationship="child")
    first = services.case_open(household=household, member=child, assigned_worker=worker,
                               by=worker, opened_on=OPENED)
    with pytest.raises(CaseError) as refused:
        services.case_open(household=household, member=child, assigned_worker=worker,
                           by=worker, opened_on=OPENED)
    assert refused.value.code == "case_exists"
    assert "已经有个案" in refused.value.message_dict["member"][0]
    assert list(Case.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_case_opened_meanwhile_for_the_child_answers_422_with_the_reason(
        worker, supervisor, monkeypatch):
    """The form still offered the child when another worker's case for it
    was saved: the page says so on the child's field, never a 500."""
    from django.urls import reverse

    from cases.forms import CaseOpenForm
    from tests.cases.web import client_for

    household = make_household(by=worker)
    child = household.members.get(relationship="child")
    checked = CaseOpenForm.is_valid

    def valid_then_someone_opens(form):
        answer = checked(form)
        services.case_open(household=household, member=child, assigned_worker=worker,
                           by=worker, opened_on=OPENED)
        return answer

    monkeypatch.setattr(CaseOpenForm, "is_valid", valid_then_someone_opens)
    response = client_for(supervisor).post(
        reverse("cases:case_open", args=[household.pk]),
        {"member": child.pk, "assigned_worker": worker.pk, "opened_on": OPENED})
    assert response.status_code == 422
    assert "这个孩子已经有个案" in response.content.decode()
    assert Case.objects.filter(member=child).count() == 1


def test_only_a_writer_of_the_household_links_and_one_consent_links_one_file(
        case, worker):
    family = FamilyFactory()
    household_link_consent_give(user=family)
    for outsider in (staff(Role.SOCIAL_WORKER), CoordinatorFactory()):
        with pytest.raises(CaseError) as exc:
            services.household_link_account(household=case.household, account=family,
                                            by=outsider)
        assert exc.value.code == "not_allowed"
    services.household_link_account(household=case.household, account=family, by=worker)
    other = make_household(by=worker, phone="+8613900000000", address="别处 2 号")
    make_case(worker=worker, household=other)
    with pytest.raises(CaseError) as exc:
        services.household_link_account(household=other, account=family, by=worker)
    assert exc.value.code == "consent_required"
    other.refresh_from_db()
    assert other.portal_account is None


def test_withdrawing_the_link_consent_unlinks_the_household(case, worker):
    from portal.privacy import consent_withdraw
    family = FamilyFactory()
    household_link_consent_give(user=family)
    services.household_link_account(household=case.household, account=family, by=worker)
    result = consent_withdraw(user=family, kind="household_link")
    household = Household.objects.get(pk=case.household_id)
    assert (household.portal_account, household.link_consent) == (None, None)
    assert result["cases.household.unlinked"] == 1
    assert household.history.latest("history_id").history_change_reason == (
        "household-link consent withdrawn")
    # Other withdrawals leave the link alone.
    household_link_consent_give(user=family)
    services.household_link_account(household=household, account=family, by=worker)
    consent_withdraw(user=family, kind="sensitive_data")
    household.refresh_from_db()
    assert household.portal_account == family
