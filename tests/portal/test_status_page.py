"""The staff system status page: who sees it and what it says."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from portal.models import Heartbeat, User
from portal.ops.heartbeats import heartbeat_record
from portal.tasks import worker_heartbeat
from tests.factories import CoordinatorFactory, CounsellorUserFactory, FamilyFactory
from tests.portal.test_roles_mfa import PASSWORD, with_totp

pytestmark = pytest.mark.django_db

URL = "/staff/status/"


def states(response) -> dict[str, str]:
    """check key -> state, as the page marks each row."""
    import re

    html = response.content.decode()
    return dict(re.findall(r'data-check="(\w+)" data-state="(\w+)"', html))


@pytest.fixture
def coordinator_client(client, site_shell):
    client.force_login(with_totp(CoordinatorFactory()))
    return client


def test_a_coordinator_with_totp_sees_every_check_and_no_copy_is_kept(coordinator_client):
    response = coordinator_client.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert set(states(response)) == {"database", "cache", "worker", "queue",
                                     "reminder_sweep", "backup"}
    assert "no-store" in response["Cache-Control"]
    assert "系统状态" in response.content.decode()


def test_a_superuser_sees_it_too(client, site_shell):
    client.force_login(with_totp(User.objects.create_superuser("root@example.cn", PASSWORD)))
    assert client.get(URL).status_code == HTTPStatus.OK


@pytest.mark.parametrize("factory", [FamilyFactory, CounsellorUserFactory])
def test_families_and_counsellors_get_403(client, site_shell, factory):
    client.force_login(with_totp(factory()))
    assert client.get(URL).status_code == HTTPStatus.FORBIDDEN


def test_a_coordinator_without_totp_is_sent_to_set_it_up(client, site_shell):
    client.force_login(CoordinatorFactory())
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_anonymous_visitors_are_sent_to_sign_in(client, site_shell):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_with_nothing_recorded_the_worker_fails_and_the_backup_warns(coordinator_client):
    found = states(coordinator_client.get(URL))
    assert found["database"] == "ok"
    assert found["cache"] == "ok"
    assert found["worker"] == "fail"
    assert found["backup"] == "warn"
    assert found["queue"] == "ok"


def test_a_recent_heartbeat_says_the_worker_is_alive(coordinator_client):
    worker_heartbeat.call()
    assert states(coordinator_client.get(URL))["worker"] == "ok"


def test_a_heartbeat_queues_the_next_one_once():
    from django_tasks_db.models import DBTaskResult

    worker_heartbeat.call()
    worker_heartbeat.call()
    assert DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path,
                                       status="READY").count() == 1
    assert Heartbeat.objects.get(name=Heartbeat.Name.WORKER).at is not None


def test_an_old_heartbeat_means_the_worker_is_down(coordinator_client):
    heartbeat_record(name=Heartbeat.Name.WORKER, at=timezone.now() - dt.timedelta(minutes=16))
    assert states(coordinator_client.get(URL))["worker"] == "fail"


def test_a_backup_older_than_26_hours_warns(coordinator_client):
    now = timezone.now()
    heartbeat_record(name=Heartbeat.Name.BACKUP, at=now - dt.timedelta(hours=25))
    assert states(coordinator_client.get(URL))["backup"] == "ok"
    heartbeat_record(name=Heartbeat.Name.BACKUP, at=now - dt.timedelta(hours=27))
    assert states(coordinator_client.get(URL))["backup"] == "warn"


def test_the_reminder_sweep_records_its_run(coordinator_client):
    from bookings.tasks import enqueue_due_reminders

    assert states(coordinator_client.get(URL))["reminder_sweep"] == "warn"
    enqueue_due_reminders()
    assert states(coordinator_client.get(URL))["reminder_sweep"] == "ok"


def test_a_long_waiting_task_warns_on_the_queue(coordinator_client):
    from django_tasks_db.models import DBTaskResult

    from bookings.tasks import send_booking_email

    send_booking_email.enqueue(1, "confirmation")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=11))
    response = coordinator_client.get(URL)
    assert states(response)["queue"] == "warn"
    waiting = DBTaskResult.objects.ready().count()
    assert f"{waiting} 个待办，最久等待 11 分钟" in response.content.decode()


def test_versions_are_shown(coordinator_client, settings):
    import django
    import wagtail

    settings.APP_GIT_COMMIT = "abc1234"
    html = coordinator_client.get(URL).content.decode()
    assert f"<dd>{django.get_version()}</dd>" in html
    assert f"<dd>{wagtail.__version__}</dd>" in html
    assert "<dd>0.1.0</dd>" in html
    assert "<dd>abc1234</dd>" in html


def test_the_page_is_in_english_under_en(coordinator_client):
    html = coordinator_client.get("/en" + URL).content.decode()
    assert "System status" in html
    assert "Last successful backup" in html


def test_a_recent_but_unencrypted_backup_warns(coordinator_client):
    from portal.ops.backup import UNENCRYPTED_MARK

    heartbeat_record(name=Heartbeat.Name.BACKUP, at=timezone.now() - dt.timedelta(hours=1),
                     detail="default-2027-03-01.psql.gz" + UNENCRYPTED_MARK)
    page = coordinator_client.get(URL)
    assert states(page)["backup"] == "warn"
    assert "未加密" in page.content.decode()
