"""Closed cases are anonymised after `CaseSettings.retention_years` (10 by
default): narratives, address, phone and labels go, in the records and their
history; counts, dates and states stay."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from cases import services
from cases.models import Assessment, Case, CasePlan, DomainScore, Goal, Household, Visit
from portal.services import household_link_consent_give
from tests.cases.conftest import NOW
from tests.cases.factories import CALM, OPENED, make_case, make_household
from tests.factories import ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db

OBSERVED = "外婆说小雨晚上常常哭着醒来"
CLOSING = "孩子已回到父母身边，家庭关系稳定"
ADDRESS = "澄樾路 8 弄 3 号 501 室"


@pytest.fixture
def closed_case(worker, supervisor):
    family = FamilyFactory()
    household = make_household(by=worker)
    member = household.members.get(relationship="child")
    member.child = ChildFactory(family=family.family_profile)
    member.save()
    case = make_case(worker=worker, household=household, supervisor=supervisor)
    household_link_consent_give(user=family)
    services.household_link_account(household=household, account=family, by=worker)
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker,
                                            note="评估：祖孙关系亲密",
                                            notes={"emotions": "夜里哭醒"})
    services.assessment_approve(assessment=assessment, by=supervisor)
    services.visit_record(case=case, kind="home", done_at=NOW - dt.timedelta(days=1),
                          visitors=[worker], by=worker, observations=OBSERVED,
                          needs_found="需要课业辅导")
    plan = services.plan_create_draft(case=case, review_due=OPENED, by=worker,
                                      summary="以情绪陪伴为主")
    services.goal_add(plan=plan, domain="emotions", text="每天说说心情",
                      target_date=OPENED, by=worker)
    services.case_close(case=case, reason=CLOSING, by=supervisor)
    return Case.objects.get(pk=case.pk)


def run(at: dt.datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("anonymise_closed_cases", stdout=out)
    return out.getvalue()


TEN_YEARS_ON = NOW.replace(year=NOW.year + 10) + dt.timedelta(days=1)


def test_a_case_within_the_retention_period_is_kept(closed_case):
    output = run(NOW.replace(year=NOW.year + 10) - dt.timedelta(days=1))
    assert "cases.case.anonymised: 0" in output
    closed_case.refresh_from_db()
    assert closed_case.closure_reason == CLOSING
    assert Household.objects.get().address == ADDRESS


def test_after_the_retention_period_the_narratives_go(closed_case):
    output = run(TEN_YEARS_ON)
    assert "cases.case.anonymised: 1" in output
    assert "cases.household.anonymised: 1" in output
    case = Case.objects.get()
    assert case.closure_reason == "已匿名"
    assert case.anonymised_at == TEN_YEARS_ON
    assert list(Assessment.objects.values_list("note", flat=True)) == [None]
    assert set(DomainScore.objects.values_list("note", flat=True)) == {None}
    assert list(Visit.objects.values_list("observations", "needs_found")) == [(None, None)]
    assert list(CasePlan.objects.values_list("summary", flat=True)) == [None]
    assert list(Goal.objects.values_list("text", flat=True)) == ["已匿名"]


def test_the_household_loses_address_phone_labels_and_links(closed_case):
    run(TEN_YEARS_ON)
    household = Household.objects.get()
    assert (household.address, str(household.phone), household.guardianship_note) == (
        "已匿名", "", None)
    assert (household.portal_account_id, household.link_consent_id) == (None, None)
    assert set(household.members.values_list("label", flat=True)) == {"已匿名"}
    assert set(household.members.values_list("child", flat=True)) == {None}


def test_counts_dates_and_states_stay_for_the_statistics(closed_case):
    run(TEN_YEARS_ON)
    case = Case.objects.get()
    assert (case.status, case.opened_on, case.closed_at, case.risk_level) == (
        closed_case.status, closed_case.opened_on, closed_case.closed_at,
        closed_case.risk_level)
    assert (Visit.objects.count(), Assessment.objects.count(), Goal.objects.count()) == (
        1, 1, 1)
    assert set(Household.objects.get().members.values_list(
        "relationship", "birth_year")) == {("grandparent", None), ("child", 2015)}


def test_the_history_copies_lose_the_narratives_and_record_the_anonymisation(
        closed_case):
    run(TEN_YEARS_ON)
    assert set(Visit.history.values_list("observations", flat=True)) == {None}
    assert set(Case.history.values_list("closure_reason", flat=True)) <= {None, "已匿名"}
    assert set(Household.history.values_list("address", flat=True)) == {"已匿名"}
    last = Case.history.order_by("-history_date", "-history_id").first()
    assert last.history_change_reason == services.ANONYMISED_REASON
    assert last.history_user_id is None


def test_running_again_changes_nothing(closed_case):
    run(TEN_YEARS_ON)
    rows = Case.history.count(), Household.history.count()
    output = run(TEN_YEARS_ON + dt.timedelta(days=30))
    assert "cases.case.anonymised: 0" in output
    assert "cases.household.anonymised: 0" in output
    assert (Case.history.count(), Household.history.count()) == rows


def test_a_household_with_a_case_still_open_keeps_its_address(closed_case, worker):
    household = closed_case.household
    sibling = household.members.create(label="小峰", relationship="child",
                                       birth_year=2017)
    services.case_open(household=household, member=sibling, assigned_worker=worker,
                       by=worker, opened_on=OPENED)
    output = run(TEN_YEARS_ON)
    assert "cases.case.anonymised: 1" in output
    assert "cases.household.anonymised: 0" in output
    household.refresh_from_db()
    assert household.address == ADDRESS


def test_the_retention_period_comes_from_the_case_settings(closed_case, site_shell):
    settings = services.case_settings()
    settings.retention_years = 3
    settings.save()
    output = run(NOW.replace(year=NOW.year + 3) + dt.timedelta(days=1))
    assert "cases.case.anonymised: 1" in output


def test_no_progress_bar_when_not_at_a_terminal(closed_case):
    output = run(TEN_YEARS_ON)
    assert "%|" not in output
    assert "case/s" not in output


def test_the_daily_retention_run_anonymises_too(closed_case):
    from portal.privacy import retention_apply

    with time_machine.travel(TEN_YEARS_ON, tick=False):
        result = retention_apply()
    assert result["cases.case.anonymised"] == 1
    assert Case.objects.get().closure_reason == "已匿名"


def test_an_open_case_is_never_anonymised(worker):
    case = make_case(worker=worker)
    run(NOW.replace(year=NOW.year + 30))
    case.refresh_from_db()
    assert (case.anonymised_at, Household.objects.get().address) == (None, ADDRESS)


def test_an_anonymised_case_cannot_be_reopened(closed_case, supervisor):
    """The retention run never visits an anonymised case again: reopened, its
    new narratives would be kept for ever."""
    from django.urls import reverse

    from cases.errors import CaseError
    from tests.cases.web import client_for

    run(TEN_YEARS_ON)
    with time_machine.travel(TEN_YEARS_ON, tick=False):
        case = Case.objects.get()
        with pytest.raises(CaseError) as refused:
            services.case_reopen(case=case, by=supervisor)
        assert refused.value.code == "anonymised_case"
        assert "已匿名化，不能重新开案" in refused.value.message_dict["status"][0]
        client = client_for(supervisor)
        answer = client.post(reverse("cases:case_reopen", args=[case.pk]), follow=True)
        assert answer.status_code == 200
        assert "已匿名化，不能重新开案" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
