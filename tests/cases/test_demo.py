"""The casework demo: six invented households at three points, every state of
a case, the four casework accounts, and the demo family's linked file."""
# ruff: noqa: F811 - the fixtures imported from tests.cases.learning are parameters

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from cases import demo
from cases.models import (
    Assessment,
    Case,
    CasePlan,
    Goal,
    Household,
    HouseholdMember,
    PointDirector,
    Visit,
)
from network import demo as network_demo
from portal.demo import DEMO_PASSWORD
from portal.management.commands.seed_demo import demo_modules
from portal.models import Role, User
from tests.cases.learning import emotions_topic, make_module  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(site_shell, make_module):
    network_demo.seed()
    make_module("和孩子一起认识情绪")
    demo.seed()
    return site_shell


def _rows() -> dict[str, int]:
    models = (Household, HouseholdMember, Case, Assessment, CasePlan, Goal, Visit,
              PointDirector, Authenticator)
    rows = {m.__name__: m.objects.count() for m in models}
    rows |= {f"history.{m.__name__}": m.history.count()
             for m in (Household, Case, Assessment, CasePlan, Goal, Visit)}
    return rows


def test_the_demo_runs_after_the_apps_it_builds_on():
    names = demo_modules()
    assert names.index("cases.demo") > names.index("bookings.demo")
    assert names.index("cases.demo") > names.index("network.demo")


def test_six_households_at_three_points_in_every_state(seeded):
    assert Household.objects.count() == 6
    assert set(Household.objects.values_list("point__slug", flat=True)) == {
        "station-hub", "home-wutongli", "home-xiangzhangyuan"}
    assert sorted(Case.objects.values_list("status", flat=True)) == sorted(
        ["intake", "assessment", "active", "active", "monitoring", "closed"])
    assert Visit.objects.filter(done_at__isnull=False).count() == 7
    assert Visit.objects.filter(done_at__isnull=True).count() == 3  # planned
    assert all("（演示）" in a for a in Household.objects.values_list("address", flat=True))


def test_one_active_plan_prescribes_the_emotions_module_shared_with_the_family(seeded):
    goal = Goal.objects.get(modules__isnull=False)
    assert goal.plan.status == CasePlan.Status.ACTIVE
    assert goal.shared_with_family
    assert goal.modules.get().topic.slug == "emotional-guidance"
    assert goal.topic.slug == "emotional-guidance"
    assert goal.plan.case.household.portal_account.email == "family@demo.weiai.cn"
    assert goal.plan.case.household.link_consent is not None


@pytest.mark.parametrize(("email", "role"), [
    ("socialworker@demo.weiai.cn", Role.SOCIAL_WORKER),
    ("director@demo.weiai.cn", Role.CHILD_DIRECTOR),
    ("supervisor@demo.weiai.cn", Role.CHILD_SUPERVISOR),
    ("stationhead@demo.weiai.cn", Role.STATION_HEAD),
])
def test_the_casework_accounts_sign_in_with_the_demo_password_and_totp(
        seeded, email, role):
    user = User.objects.get(email=email)
    assert user.has_role(role)
    assert user.check_password(DEMO_PASSWORD)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_the_child_director_answers_for_one_point(seeded):
    assert list(PointDirector.objects.values_list("user__email", "point__slug")) == [
        ("director@demo.weiai.cn", "home-wutongli")]


def test_the_demo_family_sees_the_recommended_module(client, seeded):
    client.force_login(User.objects.get(email="family@demo.weiai.cn"))
    response = client.get(reverse("portal:account"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "你的社工推荐的学习内容" in html
    assert "和孩子一起认识情绪" in html
    assert "预约这个主题的咨询" in html


def test_seeding_twice_changes_nothing(seeded):
    before = _rows()
    demo.seed()
    assert _rows() == before


def test_without_the_network_points_the_demo_is_skipped(site_shell):
    demo.seed()
    assert not Household.objects.exists()
