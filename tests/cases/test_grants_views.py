"""Access grant pages: request, the station head's queue, my grants."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from cases import permissions
from cases.models import AccessGrant
from portal.models import Role
from tests.cases.conftest import NOW
from tests.cases.factories import staff
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

MINE, REQUEST, QUEUE = (reverse(f"case_grants:{n}") for n in ("mine", "request", "queue"))


def verified(user):
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def asker(db):
    return verified(staff(Role.SOCIAL_WORKER))


@pytest.fixture
def head(db):
    return verified(staff(Role.STATION_HEAD))


def ask(client, user, case, *, days=7, reason="接手转介前需要了解家庭情况"):
    client.force_login(user)
    return client.post(REQUEST, {"case": case.pk, "reason": reason, "days": days})


def approve(client, user, grant):
    client.force_login(user)
    return client.post(reverse("case_grants:approve", args=[grant.pk]), follow=True)


def test_a_request_is_listed_as_waiting_for_the_station_head(client, asker, case):
    response = ask(client, asker, case)
    assert response.status_code == HTTPStatus.FOUND
    grant = AccessGrant.objects.get()
    assert (grant.user, grant.case, grant.expires_at) == (
        asker, case, NOW + dt.timedelta(days=7))
    html = client.get(MINE).content.decode()
    assert "访问申请已提交，站长批准后生效。" in html
    assert f"个案 #{case.pk}" in html
    assert "待站长批准" in html


def test_a_request_without_a_reason_is_refused_with_the_message(client, asker, case):
    response = ask(client, asker, case, reason="  ")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "请填写申请理由。" in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_more_than_thirty_days_cannot_be_asked_for(client, asker, case):
    response = ask(client, asker, case, days=60)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not AccessGrant.objects.exists()


def test_an_unknown_number_answers_as_a_known_one(client, asker, case):
    """The form is no way to learn which case or household numbers exist."""
    client.force_login(asker)
    answers = []
    for field, number in (("case", case.pk), ("case", case.pk + 99),
                          ("household", case.household_id + 99)):
        response = client.post(REQUEST, {field: number, "reason": "接手转介", "days": 7},
                               follow=True)
        answers.append((response.status_code, "访问申请已提交，站长批准后生效。"
                        in response.content.decode()))
        blank = client.post(REQUEST, {field: number, "reason": " ", "days": 7})
        answers.append((blank.status_code, "请填写申请理由。" in blank.content.decode()))
    assert answers == [(HTTPStatus.OK, True), (HTTPStatus.UNPROCESSABLE_ENTITY, True)] * 3
    assert AccessGrant.objects.get().case == case


def test_the_station_head_approves_and_the_grant_opens_the_case(client, asker, head,
                                                               case):
    ask(client, asker, case)
    grant = AccessGrant.objects.get()
    client.force_login(head)
    assert "接手转介前需要了解家庭情况" in client.get(QUEUE).content.decode()
    response = approve(client, head, grant)
    assert "已批准这份访问申请。" in response.content.decode()
    assert permissions.case_access(asker, case, now=NOW).grant_id == grant.pk


def test_self_approval_is_refused_with_a_clear_message(client, head, case):
    ask(client, head, case)
    grant = AccessGrant.objects.get()
    response = approve(client, head, grant)
    assert "不能批准自己的访问申请。" in response.content.decode()
    grant.refresh_from_db()
    assert grant.approved_at is None


def test_someone_who_is_not_station_head_gets_404_on_the_queue_and_approval(
        client, asker, case):
    ask(client, asker, case)
    grant = AccessGrant.objects.get()
    other = verified(staff(Role.CHILD_SUPERVISOR))
    client.force_login(other)
    assert client.get(QUEUE).status_code == HTTPStatus.NOT_FOUND
    response = client.post(reverse("case_grants:approve", args=[grant.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    grant.refresh_from_db()
    assert grant.approved_at is None


def test_another_persons_grant_cannot_be_revoked_by_a_colleague(client, asker, case):
    ask(client, asker, case)
    grant = AccessGrant.objects.get()
    client.force_login(verified(staff(Role.SOCIAL_WORKER)))
    response = client.post(reverse("case_grants:revoke", args=[grant.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert f"个案 #{case.pk}" not in client.get(MINE).content.decode()


def test_the_station_head_revokes_a_running_grant(client, asker, head, case):
    ask(client, asker, case)
    grant = AccessGrant.objects.get()
    approve(client, head, grant)
    response = client.post(reverse("case_grants:revoke", args=[grant.pk]), follow=True)
    assert "已撤销这份访问授权。" in response.content.decode()
    assert permissions.case_access(asker, case, now=NOW) is None
    client.force_login(asker)
    assert "已撤销" in client.get(MINE).content.decode()


def test_an_expired_grant_is_shown_as_expired_and_opens_nothing(client, asker, head,
                                                                case):
    ask(client, asker, case, days=1)
    grant = AccessGrant.objects.get()
    approve(client, head, grant)
    later = NOW + dt.timedelta(days=1, minutes=1)
    with time_machine.travel(later, tick=False):
        client.force_login(asker)
        html = client.get(MINE).content.decode()
        assert "已过期" in html
        assert permissions.case_access(asker, case, now=later) is None
        client.force_login(head)
        assert "pending-grant" not in client.get(QUEUE).content.decode()


def test_staff_without_totp_are_sent_to_set_it_up(client, case):
    client.force_login(staff(Role.SOCIAL_WORKER))
    response = client.get(MINE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/2fa/totp/activate")


def test_a_family_gets_404(client, site_shell):
    client.force_login(FamilyFactory())
    assert client.get(MINE).status_code == HTTPStatus.NOT_FOUND
    assert client.get(REQUEST).status_code == HTTPStatus.NOT_FOUND


def test_the_pages_are_not_kept_by_any_cache(client, asker):
    client.force_login(asker)
    response = client.get(MINE)
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
