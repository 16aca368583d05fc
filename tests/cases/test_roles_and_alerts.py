"""Access follows the casework roles; reassignment; who hears of an urgent case."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import Site

from cases import services
from cases.errors import CaseError
from cases.models import Case, PointDirector
from cases.permissions import Basis, case_access, cases_visible_to
from cases.tasks import send_case_alert
from portal.models import Role, SiteSettings
from tests.cases.conftest import NOW
from tests.cases.factories import make_case, staff
from tests.factories import CoordinatorFactory
from tests.network.factories import ServicePointFactory

pytestmark = pytest.mark.django_db


def access(user, case):
    basis = case_access(user, case, now=NOW)
    visible = cases_visible_to(user, now=NOW).filter(pk=case.pk).exists()
    assert visible == (basis is not None)
    return basis


def drop_role(user, role):
    user.groups.remove(Group.objects.get(name=role))
    del user._role_names


def test_losing_the_casework_role_takes_the_access_with_it(worker, supervisor):
    case = make_case(worker=worker, supervisor=supervisor)
    assert access(worker, case) == Basis(Basis.ASSIGNMENT)
    assert access(supervisor, case) == Basis(Basis.SUPERVISOR)
    drop_role(worker, Role.SOCIAL_WORKER)
    drop_role(supervisor, Role.CHILD_SUPERVISOR)
    assert access(worker, case) is None
    assert access(supervisor, case) is None


def test_a_station_head_reassigns_a_case_and_history_keeps_the_old_worker(
        worker, supervisor):
    case = make_case(worker=worker)
    head = staff(Role.STATION_HEAD)
    other = staff(Role.SOCIAL_WORKER)
    case = services.case_reassign(case=case, worker=other, supervisor=supervisor, by=head)
    case.refresh_from_db()
    assert (case.assigned_worker, case.supervisor) == (other, supervisor)
    assert access(worker, case) is None and access(other, case) == Basis(Basis.ASSIGNMENT)
    old = case.history.order_by("history_id")
    assert old.first().assigned_worker_id == worker.pk
    assert old.last().history_user_id == head.pk


def test_only_a_station_head_or_supervisor_reassigns_and_only_to_a_worker(
        worker, supervisor):
    case = make_case(worker=worker)
    with pytest.raises(CaseError) as exc:
        services.case_reassign(case=case, worker=staff(Role.SOCIAL_WORKER), by=worker)
    assert exc.value.messages == ["只有站长或儿童督导员可以改派个案。"]
    with pytest.raises(CaseError) as exc:
        services.case_reassign(case=case, worker=CoordinatorFactory(), by=supervisor)
    assert exc.value.message_dict == {"worker": ["负责社工须是社工或儿童主任。"]}
    with pytest.raises(CaseError) as exc:
        services.case_reassign(case=case, supervisor=worker, by=supervisor)
    assert list(exc.value.message_dict) == ["supervisor"]
    assert Case.objects.get().assigned_worker == worker


def test_a_station_head_names_a_point_director():
    head, director = staff(Role.STATION_HEAD), staff(Role.CHILD_DIRECTOR)
    point = ServicePointFactory()
    with pytest.raises(CaseError) as exc:
        services.point_director_set(user=director, point=point, by=director)
    assert exc.value.messages == ["只有站长可以指定服务点的儿童主任。"]
    with pytest.raises(CaseError):
        services.point_director_set(user=staff(Role.SOCIAL_WORKER), point=point, by=head)
    assert services.point_director_set(user=director, point=point, by=head) is True
    assert services.point_director_set(user=director, point=point, by=head) is False
    assert PointDirector.objects.filter(user=director, point=point).count() == 1
    assert services.point_director_set(user=director, point=point, by=head,
                                       directs=False) is True
    assert not PointDirector.objects.exists()


# --- urgent alerts ---------------------------------------------------------------------


@pytest.fixture
def lead():
    setting = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    setting.safeguarding_lead_email = "lead@example.cn"
    setting.save()


def test_an_urgent_case_reaches_its_team_the_lead_and_coordinators(
        worker, supervisor, lead):
    worker.display_name, worker.email = "王社工", "wang@example.cn"
    worker.save()
    case = make_case(worker=worker, supervisor=supervisor)
    director, elsewhere = staff(Role.CHILD_DIRECTOR), staff(Role.CHILD_DIRECTOR)
    PointDirector.objects.create(user=director, point=case.household.point)
    PointDirector.objects.create(user=elsewhere, point=ServicePointFactory())
    other_supervisor = staff(Role.CHILD_SUPERVISOR)
    coordinator = CoordinatorFactory()
    staff(Role.SOCIAL_WORKER)  # not on the case: not told
    assert send_case_alert.call(case.pk, "critical_risk") == 6
    to = {m.to[0]: m.body for m in mail.outbox}
    assert set(to) == {worker.email, supervisor.email, director.email,
                       other_supervisor.email, "lead@example.cn", coordinator.email}
    for body in to.values():
        assert "小雨" not in body and "澄樾路" not in body
        assert "12356" in body or "110" in body
        assert "王社工（wang@example.cn）" in body
    assert "请登录系统查看" in to[worker.email]
    assert "你无权查看这个个案，请直接联系负责社工" in to[coordinator.email]


def test_a_worker_who_lost_the_role_is_not_alerted(worker, supervisor):
    case = make_case(worker=worker, supervisor=supervisor)
    drop_role(worker, Role.SOCIAL_WORKER)
    send_case_alert.call(case.pk, "safety_concern")
    assert [m.to[0] for m in mail.outbox] == [supervisor.email]


def test_the_reassign_page_is_for_station_heads_and_supervisors(worker, supervisor):
    from http import HTTPStatus

    from django.urls import reverse

    from tests.cases.web import client_for

    case = make_case(worker=worker)
    url = reverse("cases:case_reassign", args=[case.pk])
    assert client_for(worker).get(url).status_code == HTTPStatus.NOT_FOUND
    assert "改派个案" not in client_for(worker).get(case.get_absolute_url()).content.decode()
    assert url in client_for(supervisor).get(case.get_absolute_url()).content.decode()
    head, other = staff(Role.STATION_HEAD), staff(Role.SOCIAL_WORKER)
    client = client_for(head)
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert page["Cache-Control"].count("no-store") == 1
    refused = client.post(url, {"supervisor": worker.pk})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    done = client.post(url, {"worker": other.pk}, follow=True)
    assert "个案已改派。" in done.content.decode()
    case.refresh_from_db()
    assert case.assigned_worker == other
