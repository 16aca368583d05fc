"""Who changed what, when (case_history); every read logged with its basis."""

import pytest

from cases import services
from cases.audit import log_case_read
from cases.models import Case
from cases.permissions import Basis, case_access
from cases.selectors import case_history
from portal.models import AccessLog
from portal.services import household_link_consent_give
from tests.cases.conftest import NOW, TODAY
from tests.cases.factories import CALM
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db


def test_history_lists_each_changed_field_with_its_author(case, worker, supervisor):
    assessment = services.assessment_submit(case=case, scores={**CALM, "health": 2},
                                            by=worker)
    services.assessment_approve(assessment=assessment, by=supervisor)
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    services.plan_update(plan=plan, expected_version=1, by=worker, summary="每周一次辅导")
    rows = case_history(case)
    changed_risk = [r for r in rows if r.record == "个案" and r.field == "风险等级"
                    and r.change == "~"]
    assert [(r.old, r.new, r.user_id) for r in changed_risk] == [
        ("", "medium", supervisor.pk)]
    summary = [r for r in rows if r.record == "个案计划" and r.field == "计划概述"
               and r.change == "~"]
    assert [(r.old, r.new, r.redacted, r.user_id, r.at) for r in summary] == [
        (None, None, True, worker.pk, NOW)]
    created = {r.field for r in rows if r.record == "个案评估" and r.change == "+"}
    assert {"风险等级", "评估人"} <= created
    assert rows == sorted(rows, key=lambda r: r.at, reverse=True)


def test_the_case_pages_history_says_who_changed_a_narrative_never_its_words(
        case, worker, supervisor):
    from django.urls import reverse

    from tests.cases.web import client_for

    visit = services.visit_record(case=case, kind="home", visitors=[worker], by=worker,
                                  done_at=NOW, observations="OBS-孩子手臂有淤青",
                                  needs_found="NEEDS-需要心理支持")
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker,
                                            note="NOTE-母亲情绪低落")
    services.assessment_override(assessment=assessment, risk_level="high",
                                 reason="WHY-邻居反映", by=supervisor)
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker,
                                      summary="PLAN-每周辅导")
    body = client_for(worker).get(reverse("cases:case", args=[case.pk])).content.decode()
    for secret in ("OBS-", "NEEDS-", "NOTE-", "WHY-", "PLAN-"):
        assert secret not in body
    rows = case_history(case)
    observed = [r for r in rows if r.record == "探访" and r.field == "观察记录"]
    assert [(r.record_id, r.user_id, r.at, r.redacted, r.new) for r in observed] == [
        (visit.pk, worker.pk, NOW, True, None)]
    assert "已修改" in body and "观察记录" in body
    # Structured values still show: the risk level the supervisor set.
    risk = [r.new for r in rows if r.record == "个案评估" and r.field == "风险等级"
            and r.change == "~"]
    assert risk == ["high"]
    assert plan.pk in {r.record_id for r in rows if r.record == "个案计划"}


def test_history_leaves_out_other_cases(case, worker):
    from tests.cases.factories import make_case

    other = make_case(worker=worker)
    services.case_transition(case=other, to="assessment", by=worker)
    assert all(r.record_id == case.pk for r in case_history(case) if r.record == "个案")


def test_a_read_is_logged_with_its_basis(case, worker):
    family = FamilyFactory()
    household_link_consent_give(user=family)
    services.household_link_account(household=case.household, account=family, by=worker)
    case = Case.objects.select_related("household").get(pk=case.pk)
    basis = case_access(worker, case, now=NOW)
    log_case_read(user=worker, obj=case, basis=basis)
    visit = services.visit_record(case=case, kind="phone", done_at=NOW, visitors=[worker],
                                  by=worker)
    log_case_read(user=worker, obj=visit, basis=Basis(Basis.GRANT, 7))
    rows = list(AccessLog.objects.order_by("pk").values_list(
        "action", "basis", "object_type", "object_id", "subject_user_id", "actor_id"))
    assert rows == [
        ("view_case", "assignment", "cases.case", str(case.pk), None, worker.pk),
        ("view_visit", "grant:7", "cases.visit", str(visit.pk), None, worker.pk),
    ]


def test_the_familys_export_lists_no_read_of_the_case_file(case, worker):
    """Staff reads of the child's file (a visit with a safety concern, an
    assessment, the household page) are audited, but never shown to the
    linked guardian: the timing could tip off an abuser."""
    from django.urls import reverse

    from portal.privacy_export import export_payload
    from tests.cases.web import client_for

    family = FamilyFactory()
    household_link_consent_give(user=family)
    services.household_link_account(household=case.household, account=family, by=worker)
    visit = services.visit_record(case=case, kind="home", visitors=[worker], by=worker,
                                  done_at=NOW, safety_concern=True)
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker)
    client = client_for(worker)
    for url in (reverse("cases:visit", args=[case.pk, visit.pk]),
                reverse("cases:assessment", args=[case.pk, assessment.pk]),
                reverse("cases:case", args=[case.pk]),
                reverse("cases:household", args=[case.household_id])):
        assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(object_type="cases.visit",
                                    object_id=str(visit.pk)).count() == 1
    reads = export_payload(user=family)["reads_of_your_data"]
    assert [r for r in reads if r["object_type"].startswith("cases.")] == []
