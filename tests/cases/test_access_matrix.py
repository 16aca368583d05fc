"""Every casework URL × every role: 200 for those the rules let in, 404 for
everyone else (never 403), the sign-in page for anonymous visitors as in
every staff area; every 200 logs the read with the basis that allowed it.

The URL list comes from `cases.urls`: a URL added there without a row here
fails `test_every_case_url_is_in_the_matrix`.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from cases import services, urls
from cases.models import PointDirector
from network.models import Partner
from portal.models import AccessLog, Role
from tests.cases.conftest import NOW, TODAY
from tests.cases.factories import CALM, make_case, make_household, staff
from tests.cases.web import client_for
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

ROLES = ("anonymous", "family", "counsellor", "coordinator", "editor", "worker",
         "other_worker", "director_here", "director_elsewhere", "child_supervisor",
         "station_head", "grant_holder", "household_grant_holder", "superuser")
READERS = {"worker", "director_here", "child_supervisor", "grant_holder",
           "household_grant_holder"}
# A grant for one case does not open its household's file (siblings, address).
HOUSEHOLD_READERS = READERS - {"grant_holder"}
WRITERS = {"worker", "director_here", "child_supervisor"}
WORKLIST = {"worker", "other_worker", "director_here", "director_elsewhere",
            "child_supervisor", "station_head"}
CREATORS = WORKLIST - {"station_head"}

# name: (method, who gets in, how its arguments are found in the world)
MATRIX = {
    "worklist": ("GET", WORKLIST, lambda w: []),
    "household_create": ("GET", CREATORS, lambda w: []),
    "household": ("GET", HOUSEHOLD_READERS, lambda w: [w["case"].household_id]),
    "case_open": ("GET", WRITERS, lambda w: [w["case"].household_id]),
    "counsellor_goals": ("GET", {"counsellor"}, lambda w: [w["case"].household_id]),
    "case": ("GET", READERS, lambda w: [w["case"].pk]),
    "case_close": ("GET", WRITERS, lambda w: [w["case"].pk]),
    "case_reassign": ("GET", {"child_supervisor", "station_head"},
                      lambda w: [w["case"].pk]),
    "assessment_new": ("GET", WRITERS, lambda w: [w["case"].pk]),
    "assessment": ("GET", READERS, lambda w: [w["case"].pk, w["assessment"].pk]),
    "plan_new": ("GET", WRITERS, lambda w: [w["case"].pk]),
    "plan": ("GET", READERS, lambda w: [w["case"].pk, w["plan"].pk]),
    "goal_edit": ("GET", WRITERS, lambda w: [w["case"].pk, w["plan"].pk, w["goal"].pk]),
    "visit_new": ("GET", WRITERS, lambda w: [w["case"].pk]),
    "visit": ("GET", READERS, lambda w: [w["case"].pk, w["visit"].pk]),
    # POST-only: the writers' answer depends on the (empty) input; never 404.
    "case_reopen": ("POST", WRITERS, lambda w: [w["case"].pk]),
    "case_transition": ("POST", WRITERS, lambda w: [w["case"].pk]),
    "assessment_approve": ("POST", WRITERS,
                           lambda w: [w["case"].pk, w["assessment"].pk]),
    "assessment_override": ("POST", WRITERS,
                            lambda w: [w["case"].pk, w["assessment"].pk]),
    "plan_edit": ("POST", WRITERS, lambda w: [w["case"].pk, w["plan"].pk]),
    "plan_submit": ("POST", WRITERS, lambda w: [w["case"].pk, w["plan"].pk]),
    "plan_approve": ("POST", WRITERS, lambda w: [w["case"].pk, w["plan"].pk]),
    "goal_add": ("POST", WRITERS, lambda w: [w["case"].pk, w["plan"].pk]),
    "service_add": ("POST", WRITERS, lambda w: [w["case"].pk, w["plan"].pk]),
    "service_progress": ("POST", WRITERS,
                         lambda w: [w["case"].pk, w["plan"].pk, w["service"].pk]),
}
# Pages of one case record log that record's read; lists and empty forms
# that show no case content log nothing (the reassign page names only who
# holds the case).
UNLOGGED = {"worklist", "household_create", "case_reassign"}


def test_every_case_url_is_in_the_matrix():
    assert {p.name for p in urls.urlpatterns} == set(MATRIX)


@pytest.fixture
def world(worker, supervisor):
    head = staff(Role.STATION_HEAD)
    family = FamilyFactory()
    child = ChildFactory(family=family.family_profile, birth_year=2015)
    household = make_household(by=worker)
    household.members.filter(relationship="child").update(child=child)
    case = make_case(worker=worker, household=household, supervisor=supervisor)
    topic = TopicFactory()
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    goal = services.goal_add(plan=plan, domain="emotions", text="学会表达情绪",
                             target_date=TODAY, topic=topic, by=worker)
    service = services.service_add(plan=plan, kind="study", frequency="每周一次",
                                   units_planned=4, by=worker,
                                   partner=Partner.objects.create(kind="school",
                                                                  name="澄樾小学"))
    services.plan_submit(plan=plan, by=worker)
    services.plan_approve(plan=plan, by=supervisor)
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker)
    visit = services.visit_record(case=case, kind="home", visitors=[worker], by=worker,
                                  done_at=NOW - dt.timedelta(days=1))
    counsellor = CounsellorFactory()
    BookingFactory(counsellor=counsellor, family=family, child=child, topic=topic)
    director_here, director_elsewhere = (staff(Role.CHILD_DIRECTOR),
                                         staff(Role.CHILD_DIRECTOR))
    PointDirector.objects.create(user=director_here, point=household.point)
    PointDirector.objects.create(user=director_elsewhere,
                                 point=make_household(phone="+8613800000000",
                                                      address="别处").point)
    grant_holder = CoordinatorFactory()
    grant = services.grant_request(user=grant_holder, case=case, reason="复核转介",
                                   expires_at=NOW + dt.timedelta(days=3))
    services.grant_approve(grant=grant, by=head)
    household_grant_holder = CoordinatorFactory()
    household_grant = services.grant_request(
        user=household_grant_holder, household=household, reason="家庭转介",
        expires_at=NOW + dt.timedelta(days=3))
    services.grant_approve(grant=household_grant, by=head)
    people = {
        "anonymous": None, "family": family, "counsellor": counsellor.user,
        "coordinator": CoordinatorFactory(), "editor": EditorFactory(),
        "worker": worker, "other_worker": staff(Role.SOCIAL_WORKER),
        "director_here": director_here, "director_elsewhere": director_elsewhere,
        "child_supervisor": staff(Role.CHILD_SUPERVISOR), "station_head": head,
        "grant_holder": grant_holder, "household_grant_holder": household_grant_holder,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    bases = {"worker": "assignment", "director_here": "point_director",
             "child_supervisor": "supervisor_role", "grant_holder": f"grant:{grant.pk}",
             "household_grant_holder": f"grant:{household_grant.pk}",
             "counsellor": "counsellor_session"}
    return {"case": case, "plan": plan, "goal": goal, "service": service,
            "assessment": assessment, "visit": visit, "people": people, "bases": bases}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_200_where_the_rules_let_it_in_and_404_elsewhere(world, role):
    user = world["people"][role]
    client = client_for(user)
    wrong = []
    # Reads first: the POSTs below may change the case.
    for name, (method, allowed, args) in sorted(MATRIX.items(),
                                                key=lambda i: i[1][0] == "POST"):
        url = reverse(f"cases:{name}", args=args(world))
        before = AccessLog.objects.count()
        response = client.get(url) if method == "GET" else client.post(url, {})
        status = response.status_code
        if user is None:
            ok = status == HTTPStatus.FOUND and response["Location"].startswith(
                reverse("account_login"))
        elif role not in allowed:
            ok = status == HTTPStatus.NOT_FOUND
        elif method == "GET":
            ok = status == HTTPStatus.OK
            if ok and name not in UNLOGGED:
                row = AccessLog.objects.order_by("pk").last()
                ok = (AccessLog.objects.count() > before and row.actor_id == user.pk
                      and row.basis == world["bases"][role])
            ok = ok and "no-store" in response["Cache-Control"]
        else:
            ok = status in (HTTPStatus.FOUND, HTTPStatus.CONFLICT,
                            HTTPStatus.UNPROCESSABLE_ENTITY)
        if not ok:
            wrong.append((name, status))
    assert wrong == []


# The access-grant pages (cases.grant_urls): station staff may ask for a grant
# and see their own; only the station head reviews and approves; the head or
# the grant's own holder (here other_worker, who asked for it) revokes it.
STAFF = set(ROLES) - {"anonymous", "family"}
GRANT_MATRIX = {
    "mine": ("GET", STAFF, lambda w: []),
    "request": ("GET", STAFF, lambda w: []),
    "queue": ("GET", {"station_head"}, lambda w: []),
    "approve": ("POST", {"station_head"}, lambda w: [w["pending"].pk]),
    "revoke": ("POST", {"station_head", "other_worker"}, lambda w: [w["pending"].pk]),
}


def test_every_grant_url_is_in_the_matrix():
    from cases import grant_urls

    assert {p.name for p in grant_urls.urlpatterns} == set(GRANT_MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_the_grant_pages_it_may(world, role):
    world["pending"] = services.grant_request(
        user=world["people"]["other_worker"], case=world["case"], reason="协助走访",
        expires_at=NOW + dt.timedelta(days=2))
    user = world["people"][role]
    client = client_for(user)
    wrong = []
    for name, (method, allowed, args) in sorted(GRANT_MATRIX.items(),
                                                key=lambda i: i[1][0] == "POST"):
        url = reverse(f"case_grants:{name}", args=args(world))
        response = client.get(url) if method == "GET" else client.post(url, {})
        status = response.status_code
        if user is None:
            ok = status == HTTPStatus.FOUND and response["Location"].startswith(
                reverse("account_login"))
        elif role not in allowed:
            ok = status == HTTPStatus.NOT_FOUND
        elif method == "GET":
            ok = status == HTTPStatus.OK and "no-store" in response["Cache-Control"]
        else:
            ok = status in (HTTPStatus.FOUND, HTTPStatus.UNPROCESSABLE_ENTITY)
        if not ok:
            wrong.append((name, status))
    assert wrong == []
