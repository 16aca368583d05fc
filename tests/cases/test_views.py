"""The casework pages as a worker and a supervisor use them (issue 14)."""

import datetime as dt
import uuid
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import errors, services
from cases.models import Assessment, CasePlan, Household, Visit
from portal.models import AccessLog, Role
from tests.cases.conftest import NOW, TODAY
from tests.cases.factories import CALM, make_case, make_household, staff
from tests.cases.web import client_for
from tests.factories import BookingFactory, ChildFactory, FamilyFactory
from tests.network.factories import ServicePointFactory

pytestmark = pytest.mark.django_db

VISIT_AT = (NOW - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def visit_data(worker, **extra):
    return {"client_key": str(uuid.uuid4()), "kind": "home", "done_at": VISIT_AT,
            "visitors": [worker.pk], "observations": "家里整洁，外婆在家。", **extra}


# --- visits ---------------------------------------------------------------------------


def test_a_worker_records_a_visit_and_sees_it_on_the_case_timeline(case, worker):
    client = client_for(worker)
    response = client.post(reverse("cases:visit_new", args=[case.pk]), visit_data(worker))
    visit = Visit.objects.get(case=case)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{visit.get_absolute_url()}?saved=1"
    page = client.get(case.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    assert visit.get_absolute_url() in page.content.decode()
    assert [e.kind for e in page.context["timeline"]] == ["visit"]


def test_a_retried_visit_post_records_one_visit(case, worker):
    client = client_for(worker)
    data = visit_data(worker)
    first = client.post(reverse("cases:visit_new", args=[case.pk]), data)
    again = client.post(reverse("cases:visit_new", args=[case.pk]), data)
    assert Visit.objects.filter(case=case).count() == 1
    assert first["Location"] == again["Location"]


def test_a_visit_in_the_future_is_a_field_error_and_saves_nothing(case, worker):
    later = (NOW + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(worker).post(reverse("cases:visit_new", args=[case.pk]),
                                       visit_data(worker, done_at=later))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.context["form"].errors["done_at"] == ["完成时间不能晚于现在。"]
    assert not Visit.objects.exists()


def test_a_safety_concern_shows_the_crisis_lines_and_says_coordinators_were_told(
        case, worker, site_shell):
    client = client_for(worker)
    response = client.post(reverse("cases:visit_new", args=[case.pk]),
                           visit_data(worker, safety_concern="on"), follow=True)
    text = response.content.decode()
    assert "所有协调员和安全保护负责人都已收到提醒" in text
    assert 'href="tel:110"' in text
    assert 'href="tel:12356"' in text


def test_the_visit_form_fits_a_phone_without_script(case, worker):
    page = client_for(worker).get(reverse("cases:visit_new", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert 'type="datetime-local"' in text
    assert 'name="client_key"' in text
    assert "<script" not in text.split("<main", 1)[1].split("</main>", 1)[0]


# --- the case page ---------------------------------------------------------------------


def test_the_case_page_is_logged_with_its_basis_and_not_stored(case, worker):
    response = client_for(worker).get(case.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    row = AccessLog.objects.get(actor=worker)
    assert (row.action, row.basis, row.object_id) == (
        AccessLog.Action.VIEW_CASE, "assignment", str(case.pk))


def test_the_timeline_merges_the_familys_bookings_in_date_order(worker):
    family = FamilyFactory()
    household = make_household(by=worker)
    household.portal_account = family
    household.save()
    child = ChildFactory(family=family.family_profile)
    member = household.members.get(relationship="child")
    member.child = child
    member.save()
    case = make_case(worker=worker, household=household)
    BookingFactory(family=family, child=child, start=NOW - dt.timedelta(days=3))
    services.visit_record(case=case, kind="home", done_at=NOW - dt.timedelta(days=1),
                          visitors=[worker], by=worker)
    kinds = [e.kind for e in client_for(worker).get(
        case.get_absolute_url()).context["timeline"]]
    assert kinds == ["visit", "booking"]


def test_an_unassigned_social_worker_gets_404(case):
    response = client_for(staff(Role.SOCIAL_WORKER)).get(case.get_absolute_url())
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_staff_member_without_totp_is_sent_to_set_it_up(case, worker):
    from django.test import Client

    client = Client()
    client.force_login(worker)
    response = client.get(case.get_absolute_url())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


# --- work list -----------------------------------------------------------------------


def _households(worker, supervisor, n):
    for i in range(n):
        case = make_case(worker=worker, supervisor=supervisor, household=make_household(
            by=worker, phone=f"+86139{i:08d}", address=f"路 {i} 号"))
        services.assessment_submit(case=case, scores=CALM, by=worker)
        plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
        services.plan_submit(plan=plan, by=worker)


@pytest.mark.parametrize("who", ["worker", "supervisor"])
def test_the_work_list_takes_the_same_queries_at_1x_and_20x(worker, supervisor, who):
    from cases.selectors import work_list
    from cases.services import case_settings

    user = {"worker": worker, "supervisor": supervisor}[who]

    def count():
        fresh = type(user).objects.get(pk=user.pk)
        settings = case_settings()
        with CaptureQueriesContext(connection) as queries:
            work_list(user=fresh, today=TODAY + dt.timedelta(days=60), settings=settings)
        return len(queries)

    _households(worker, supervisor, 1)
    once = count()
    _households(worker, supervisor, 19)
    assert count() == once


def test_the_work_list_shows_what_waits_but_never_ones_own_submission(
        worker, supervisor):
    case = make_case(worker=worker, supervisor=supervisor)
    services.assessment_submit(case=case, scores=CALM, by=worker)
    own = services.assessment_submit(case=case, scores=CALM, by=supervisor)
    response = client_for(supervisor).get(reverse("cases:worklist"))
    work = response.context["work"]
    assert response.status_code == HTTPStatus.OK
    assert [a.submitted_by_id for a in work.assessments_to_approve] == [worker.pk]
    assert own not in work.assessments_to_approve
    late = client_for(worker).get(reverse("cases:worklist"))
    assert late.context["work"].visits_due == []


def test_a_case_never_visited_past_its_interval_is_on_the_list(worker):
    case = make_case(worker=worker)  # opened 2027-01-04, medium: 30 days
    work = client_for(worker).get(reverse("cases:worklist")).context["work"]
    assert work.overdue_by_risk == [case]
    assert work.visits_overdue == [case]


# --- households --------------------------------------------------------------------------


def _household_post(point, **extra):
    return {"point": point.pk, "address": "澄樾路 8 弄 3 号 501 室",
            "phone": "13912345678", "guardianship": "grandparents",
            "opened_on": TODAY.isoformat(), "guardian_label": "外婆",
            "guardian_relationship": "grandparent", "child_label": "小雨",
            "child_birth_year": "2015", **extra}


def test_a_likely_duplicate_is_shown_masked_and_nothing_is_saved(worker):
    existing = make_case(worker=worker).household
    client = client_for(worker)
    response = client.post(reverse("cases:household_create"),
                           _household_post(existing.point))
    text = response.content.decode()
    assert response.status_code == HTTPStatus.CONFLICT
    assert _(errors.DUPLICATE_HOUSEHOLD) in text
    assert f"#{existing.pk}" in text
    assert "+86139****5678" in text
    assert "13912345678" not in text.replace('value="13912345678"', "")
    assert Household.objects.count() == 1
    confirmed = client.post(reverse("cases:household_create"),
                            _household_post(existing.point, confirmed_new="on"))
    assert confirmed.status_code == HTTPStatus.FOUND
    assert Household.objects.count() == 2
    new = Household.objects.exclude(pk=existing.pk).get()
    assert confirmed["Location"] == new.cases.get().get_absolute_url()


def test_a_duplicate_outside_ones_scope_is_only_said_to_exist(worker):
    existing = make_case(worker=staff(Role.SOCIAL_WORKER)).household
    response = client_for(worker).post(reverse("cases:household_create"),
                                       _household_post(existing.point))
    text = response.content.decode()
    assert response.status_code == HTTPStatus.CONFLICT
    assert "可能已有这个家庭的档案，请联系站长核实。" in text
    assert f"#{existing.pk}" not in text
    assert "+86139****5678" not in text
    assert Household.objects.count() == 1


def _(msgid):
    from django.utils.translation import gettext
    return gettext(msgid)


# --- assessments, plans, closing -------------------------------------------------------


def test_self_approval_is_refused_with_the_domain_message(worker, supervisor):
    case = make_case(worker=worker, supervisor=supervisor)
    assessment = services.assessment_submit(case=case, scores=CALM, by=supervisor)
    response = client_for(supervisor).post(
        reverse("cases:assessment_approve", args=[case.pk, assessment.pk]), follow=True)
    assert _(errors.SELF_APPROVAL) in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_an_assessment_is_scored_submitted_and_approved(worker, supervisor, case):
    data = {f"score_{d}": "0" for d in CALM} | {"score_safety": "3"}
    response = client_for(worker).post(reverse("cases:assessment_new", args=[case.pk]),
                                       data)
    assessment = Assessment.objects.get()
    assert response["Location"] == assessment.get_absolute_url()
    assert assessment.computed_risk == "critical"
    client_for(supervisor).post(
        reverse("cases:assessment_approve", args=[case.pk, assessment.pk]))
    case.refresh_from_db()
    assert case.risk_level == "critical"


def test_a_missing_domain_score_is_a_field_error(worker, case):
    data = {f"score_{d}": "1" for d in CALM if d != "legal"}
    response = client_for(worker).post(reverse("cases:assessment_new", args=[case.pk]),
                                       data)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "score_legal" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_a_stale_plan_save_is_a_409_showing_both_versions(worker, case):
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker,
                                      summary="原来的概述")
    url = reverse("cases:plan_edit", args=[case.pk, plan.pk])
    client = client_for(worker)
    first = client.post(url, {"version": "1", "review_due": TODAY.isoformat(),
                              "summary": "同事的修改"})
    assert first.status_code == HTTPStatus.FOUND
    stale = client.post(url, {"version": "1", "review_due": TODAY.isoformat(),
                              "summary": "我的修改"})
    text = stale.content.decode()
    assert stale.status_code == HTTPStatus.CONFLICT
    assert "已被他人修改" in text
    assert "我的修改" in text and "同事的修改" in text
    plan.refresh_from_db()
    assert (plan.summary, plan.version) == ("同事的修改", 2)
    assert stale.context["edit_form"].initial["version"] == 2


def test_a_plan_is_drafted_submitted_and_approved(worker, supervisor, case):
    client = client_for(worker)
    client.post(reverse("cases:plan_new", args=[case.pk]),
                {"review_due": (TODAY + dt.timedelta(days=90)).isoformat()})
    plan = CasePlan.objects.get()
    client.post(reverse("cases:goal_add", args=[case.pk, plan.pk]),
                {"domain": "study", "text": "每天完成作业", "target_date": "2027-06-01"})
    client.post(reverse("cases:plan_submit", args=[case.pk, plan.pk]))
    client_for(supervisor).post(reverse("cases:plan_approve", args=[case.pk, plan.pk]))
    plan.refresh_from_db()
    assert plan.status == CasePlan.Status.ACTIVE
    assert [g.text for g in plan.goals.all()] == ["每天完成作业"]


def test_closing_needs_a_supervisor_and_a_reason(worker, supervisor):
    case = make_case(worker=worker, supervisor=supervisor)
    url = reverse("cases:case_close", args=[case.pk])
    own = client_for(worker).post(url, {"reason": "目标达成"})
    assert own.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    empty = client_for(supervisor).post(url, {"reason": ""})
    assert empty.context["form"].errors["reason"]
    done = client_for(supervisor).post(url, {"reason": "目标达成"})
    assert done.status_code == HTTPStatus.FOUND
    case.refresh_from_db()
    assert case.status == "closed"


def test_the_casework_link_shows_for_casework_roles_only(worker):
    assert 'data-testid="nav-cases"' in client_for(worker).get(
        reverse("cases:worklist")).content.decode()
    family = FamilyFactory()
    page = client_for(family).get(reverse("portal:account"))
    assert 'data-testid="nav-cases"' not in page.content.decode()


def test_points_for_a_new_household_exist():
    assert ServicePointFactory().pk


def test_the_work_list_reads_in_english(worker):
    make_case(worker=worker)
    page = client_for(worker).get("/en/cases/")
    text = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "<h1>Casework</h1>" in text
    assert "Overdue visits" in text
