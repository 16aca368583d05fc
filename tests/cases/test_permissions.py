"""Who may read a case (cases.permissions), role by role, grants included."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.errors import CaseError
from cases.models import AccessGrant, PointDirector
from cases.permissions import (
    Basis,
    case_access,
    cases_visible_to,
    goals_visible_to_counsellor,
)
from portal.models import Role
from tests.cases.conftest import NOW, TODAY
from tests.cases.factories import make_case, make_household, staff
from tests.factories import (
    BookingFactory,
    ChildFactory,
    CoordinatorFactory,
    CounsellorFactory,
    EditorFactory,
    FamilyFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LATER = NOW + dt.timedelta(days=7)


def access(user, case, now=NOW):
    basis = case_access(user, case, now=now)
    visible = cases_visible_to(user, now=now).filter(pk=case.pk).exists()
    # The list and the one-case rule never disagree.
    assert visible == (basis is not None)
    return basis


def test_the_assigned_worker_sees_the_case_by_assignment(case, worker):
    assert access(worker, case) == Basis(Basis.ASSIGNMENT)


def test_the_supervisor_of_record_and_any_child_supervisor_see_it(worker):
    of_record = staff(Role.CHILD_SUPERVISOR)
    case = make_case(worker=worker, supervisor=of_record)
    assert access(of_record, case) == Basis(Basis.SUPERVISOR)
    assert access(staff(Role.CHILD_SUPERVISOR), case) == Basis(Basis.SUPERVISOR_ROLE)


def test_a_child_director_sees_the_cases_of_their_point_only(case):
    director = staff(Role.CHILD_DIRECTOR)
    other_point = make_household().point
    PointDirector.objects.create(user=director, point=other_point)
    assert access(director, case) is None
    PointDirector.objects.create(user=director, point=case.household.point)
    assert access(director, case) == Basis(Basis.POINT_DIRECTOR)


def test_a_point_without_the_director_role_gives_nothing(case):
    former = staff(Role.SOCIAL_WORKER)
    PointDirector.objects.create(user=former, point=case.household.point)
    assert access(former, case) is None


@pytest.mark.parametrize("make", [
    CoordinatorFactory, EditorFactory, FamilyFactory,
    lambda: staff(Role.STATION_HEAD), lambda: staff(Role.SOCIAL_WORKER),
    lambda: staff(Role.COUNSELLOR), lambda: staff(Role.PARTNER),
    lambda: UserFactory(is_superuser=True, is_staff=True),
])
def test_everyone_else_sees_no_case_content(case, make):
    assert access(make(), case) is None


def test_inactive_and_erased_accounts_see_nothing(case, worker):
    worker.is_active = False
    assert access(worker, case) is None
    worker.is_active, worker.erased_at = True, NOW
    assert access(worker, case) is None


# --- grants ---------------------------------------------------------------------------


@pytest.fixture
def head(db):
    return staff(Role.STATION_HEAD)


def requested(user, case=None, household=None, days=7):
    return services.grant_request(user=user, case=case, household=household,
                                  reason="接替休假社工跟进", now=NOW,
                                  expires_at=NOW + dt.timedelta(days=days))


def test_an_approved_grant_opens_the_case_until_it_expires(case, head):
    reader = staff(Role.SOCIAL_WORKER)
    grant = requested(reader, case=case)
    assert access(reader, case) is None  # not approved yet
    services.grant_approve(grant=grant, by=head, now=NOW)
    assert access(reader, case) == Basis(Basis.GRANT, grant.pk)
    assert str(access(reader, case)) == f"grant:{grant.pk}"
    assert access(reader, case, now=LATER) is None


def test_a_household_grant_opens_each_of_its_cases(case, head):
    reader = staff(Role.SOCIAL_WORKER)
    services.grant_approve(grant=requested(reader, household=case.household), by=head)
    assert access(reader, case).kind == Basis.GRANT


def test_a_revoked_grant_opens_nothing(case, head):
    reader = staff(Role.SOCIAL_WORKER)
    grant = services.grant_approve(grant=requested(reader, case=case), by=head)
    services.grant_revoke(grant=grant, by=head, now=NOW)
    assert access(reader, case) is None


def test_a_station_head_cannot_approve_their_own_grant(case, head):
    grant = requested(head, case=case)
    with pytest.raises(CaseError) as exc:
        services.grant_approve(grant=grant, by=head)
    assert exc.value.code == "grant_self_approval"
    assert access(head, case) is None


def test_a_self_approved_grant_written_around_the_service_is_refused(case, head):
    grant = requested(head, case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessGrant.objects.filter(pk=grant.pk).update(approved_by=head, approved_at=NOW)


def test_only_a_station_head_approves(case, supervisor):
    grant = requested(staff(Role.SOCIAL_WORKER), case=case)
    with pytest.raises(CaseError) as exc:
        services.grant_approve(grant=grant, by=supervisor)
    assert exc.value.code == "grant_not_station_head"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"reason": " "}, "reason"),
    ({"expires_at": NOW}, "expires_at"),
    ({"expires_at": NOW + dt.timedelta(days=31)}, "expires_at"),
])
def test_a_grant_needs_a_reason_and_a_short_term(case, kwargs, field):
    values = {"user": staff(), "case": case, "reason": "复核", "now": NOW,
              "expires_at": NOW + dt.timedelta(days=3), **kwargs}
    with pytest.raises(CaseError) as exc:
        services.grant_request(**values)
    assert list(exc.value.message_dict) == [field]


# --- counsellors -------------------------------------------------------------------


def test_a_counsellor_sees_only_goals_on_the_topic_of_their_sessions(
        worker, supervisor):
    family = FamilyFactory()
    child = ChildFactory(family=family.family_profile, birth_year=2015)
    household = make_household(by=worker)
    household.members.filter(relationship="child").update(child=child)
    case = make_case(worker=worker, household=household)
    topic, other_topic = TopicFactory(), TopicFactory()
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    linked = services.goal_add(plan=plan, domain="emotions", text="学会表达情绪",
                               target_date=TODAY, topic=topic, by=worker)
    services.goal_add(plan=plan, domain="study", text="按时完成作业", target_date=TODAY,
                      topic=other_topic, by=worker)
    services.plan_submit(plan=plan, by=worker)
    services.plan_approve(plan=plan, by=supervisor)
    counsellor = CounsellorFactory()
    assert list(goals_visible_to_counsellor(counsellor.user, household)) == []
    BookingFactory(counsellor=counsellor, family=family, child=child, topic=topic)
    assert list(goals_visible_to_counsellor(counsellor.user, household)) == [linked]
    assert access(counsellor.user, case) is None
    # Another counsellor's sessions link nothing for this one.
    stranger = CounsellorFactory()
    assert list(goals_visible_to_counsellor(stranger.user, household)) == []


# --- lists -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.CHILD_DIRECTOR,
                                  Role.CHILD_SUPERVISOR])
def test_the_case_list_costs_the_same_queries_for_1_and_20_households(
        role, head):
    reader = staff(role)

    def build(n):
        for _ in range(n):
            case = make_case(worker=reader if role == Role.SOCIAL_WORKER else None)
            PointDirector.objects.get_or_create(user=reader, point=case.household.point)
            services.grant_approve(grant=requested(reader, case=case), by=head)

    def count():
        fresh = type(reader).objects.get(pk=reader.pk)
        with CaptureQueriesContext(connection) as queries:
            list(cases_visible_to(fresh, now=NOW))
        return len(queries)

    build(1)
    one = count()
    build(19)
    assert cases_visible_to(reader, now=NOW).count() == 20
    assert count() == one <= 2


def test_a_case_grant_does_not_open_the_household_and_siblings_stay_hidden(
        case, worker, head):
    """The household page (address, guardianship, every child's case) needs
    a household-level basis; each case row there is one the viewer may read."""
    from cases.models import HouseholdMember
    from cases.permissions import household_access
    from tests.cases.web import client_for

    household = case.household
    sibling = HouseholdMember.objects.create(household=household, label="SIBLING-小明",
                                             relationship="child", birth_year=2017)
    sibling_worker = staff(Role.SOCIAL_WORKER)
    sibling_case = services.case_open(household=household, member=sibling,
                                      assigned_worker=sibling_worker, by=sibling_worker,
                                      opened_on=TODAY)
    url = reverse("cases:household", args=[household.pk])
    case_reader = CoordinatorFactory()
    services.grant_approve(grant=requested(case_reader, case=case), by=head)
    assert access(case_reader, case).kind == Basis.GRANT
    assert household_access(case_reader, household, now=NOW) is None
    assert client_for(case_reader).get(url).status_code == 404

    # The worker of one child visits the family: the household page opens,
    # with their own case listed and not the sibling's.
    page = client_for(worker).get(url)
    assert page.status_code == 200
    assert reverse("cases:case", args=[case.pk]) in page.content.decode()
    assert reverse("cases:case", args=[sibling_case.pk]) not in page.content.decode()

    household_reader = CoordinatorFactory()
    services.grant_approve(grant=requested(household_reader, household=household),
                           by=head)
    body = client_for(household_reader).get(url).content.decode()
    assert reverse("cases:case", args=[sibling_case.pk]) in body
