"""A coordinator's edit of a workshop in Wagtail reaches the families seated in it.

Moving, re-sizing or cancelling a workshop goes through
``bookings.services.workshop_update``: SEQUENCE, emails, waitlist promotion and
cancellation happen as for any other change of a booking.
"""

import datetime as dt
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib import admin
from django.core import mail
from django_tasks_db.models import DBTaskResult

from bookings import calendar, services
from bookings.models import Booking, GroupSession, Mode, WaitlistEntry
from portal.demo import DEMO_TOTP_SECRET
from tests.factories import CoordinatorFactory, FamilyFactory, GroupSessionFactory
from tests.network.factories import open_point

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed instant: the workshop is a week later, whatever day the suite runs.
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
START = dt.datetime(2026, 3, 9, 14, 0, tzinfo=SHANGHAI)
SEND_TASK = "bookings.tasks.send_booking_email"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def coordinator_client(client):
    user = CoordinatorFactory()
    TOTP.activate(user, DEMO_TOTP_SECRET)
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client(client):
    """Coordinators hold no delete permission (portal.roles); superusers do."""
    user = CoordinatorFactory(is_superuser=True)
    TOTP.activate(user, DEMO_TOTP_SECRET)
    client.force_login(user)
    return client


@pytest.fixture
def workshop():
    """Two seats taken, one family waiting."""
    gs = GroupSessionFactory(title="亲子沟通工作坊", capacity=2, start=START,
                             end=START + dt.timedelta(minutes=90),
                             location="未保站二楼活动室")
    families = [FamilyFactory() for _ in range(3)]
    for family in families:
        services.workshop_join(family=family, group_session=gs)
    gs.seated, gs.waiting = families[:2], families[2]
    return gs


def edit_url(gs):
    return f"/admin/snippets/bookings/groupsession/edit/{gs.pk}/"


def form_data(gs, **changes):
    data = {
        "title": gs.title, "title_en": gs.title_en, "session_type": gs.session_type_id,
        "topic": gs.topic_id or "",
        "counsellors": [c.pk for c in gs.counsellors.all()],
        "start": f"{gs.start.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        "end": f"{gs.end.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        "capacity": gs.capacity, "mode": gs.mode, "point": gs.point_id or "",
        "description": gs.description, "status": gs.status,
    }
    data.update(changes)
    return data


def queued(kind=None):
    rows = DBTaskResult.objects.filter(task_path=SEND_TASK).order_by("pk")
    return [tuple(r.args_kwargs["args"]) for r in rows
            if kind is None or r.args_kwargs["args"][1] == kind]


def seats(gs):
    return Booking.objects.filter(group_session=gs).order_by("pk")


def test_moving_the_time_bumps_sequence_and_emails_each_seated_family_once(
        coordinator_client, workshop, run_worker):
    before = {b.pk: calendar.booking_sequence(b) for b in seats(workshop)}
    DBTaskResult.objects.all().delete()
    mail.outbox = []

    response = coordinator_client.post(edit_url(workshop), form_data(
        workshop, start="2026-03-09 15:00", end="2026-03-09 16:30"))

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    workshop.refresh_from_db()
    assert workshop.start == START + dt.timedelta(hours=1)
    assert workshop.sequence == 1
    for seat in seats(workshop).select_related("group_session"):
        assert calendar.booking_sequence(seat) == before[seat.pk] + 1
        assert (seat.start, seat.end) == (workshop.start, workshop.end)
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f.email for f in workshop.seated)
    for message in mail.outbox:
        assert message.subject == "【未愛小屋】工作坊安排有变动：2026-03-09 15:00"
        assert "2026-03-09 15:00–16:30（Asia/Shanghai）" in message.body
        assert "未保站二楼活动室" in message.body
        assert "12356" in message.body


def test_moving_the_place_tells_the_families_the_new_place(
        coordinator_client, workshop, run_worker):
    DBTaskResult.objects.all().delete()
    mail.outbox = []
    # The place is a service point now (the text is the legacy fallback).
    point = open_point(name="街道社区中心三楼")
    response = coordinator_client.post(edit_url(workshop), form_data(
        workshop, point=point.pk))
    assert response.status_code == HTTPStatus.FOUND
    run_worker()
    assert len(mail.outbox) == 2
    assert all("街道社区中心三楼" in m.body for m in mail.outbox)
    workshop.refresh_from_db()
    assert workshop.sequence == 1


def test_raising_capacity_gives_the_seat_to_the_family_waiting(
        coordinator_client, workshop):
    DBTaskResult.objects.all().delete()
    response = coordinator_client.post(edit_url(workshop), form_data(workshop,
                                                                     capacity=3))
    assert response.status_code == HTTPStatus.FOUND
    promoted = seats(workshop).get(family=workshop.waiting)
    assert promoted.status == Booking.Status.CONFIRMED
    assert WaitlistEntry.objects.get(family=workshop.waiting).promoted_at is not None
    assert queued() == [(promoted.pk, "waitlist_promotion")]


def test_capacity_below_the_seats_taken_is_refused_and_nothing_is_saved(
        coordinator_client, workshop):
    DBTaskResult.objects.all().delete()
    response = coordinator_client.post(edit_url(workshop), form_data(
        workshop, capacity=1, title="改了标题"))
    assert response.status_code == HTTPStatus.OK
    assert "名额不能少于已报名的人数（现有 2 人）。" in response.content.decode()
    workshop.refresh_from_db()
    assert (workshop.capacity, workshop.title) == (2, "亲子沟通工作坊")
    assert queued() == []


def test_setting_cancelled_cancels_every_seat_with_an_email(
        coordinator_client, workshop, run_worker):
    DBTaskResult.objects.all().delete()
    mail.outbox = []
    response = coordinator_client.post(edit_url(workshop), form_data(
        workshop, status=GroupSession.Status.CANCELLED))
    assert response.status_code == HTTPStatus.FOUND
    for seat in seats(workshop):
        assert seat.status == Booking.Status.CANCELLED
        assert seat.cancelled_at is not None
    assert WaitlistEntry.objects.get(family=workshop.waiting).left_at is not None
    workshop.refresh_from_db()
    assert workshop.sequence == 1
    run_worker()
    to_seated = [m for m in mail.outbox if m.to[0] != workshop.waiting.email]
    assert sorted(m.to[0] for m in to_seated) == sorted(f.email for f in workshop.seated)
    assert all("站点取消了这场工作坊" in m.body for m in to_seated)
    assert all("预约已取消" in m.subject for m in to_seated)
    [to_waiting] = [m for m in mail.outbox if m.to == [workshop.waiting.email]]
    assert to_waiting.subject == "【未愛小屋】你候补的工作坊已取消：2026-03-09 14:00"
    assert "你已不在候补名单中" in to_waiting.body
    assert "/bookings/workshops/" in to_waiting.body
    assert "12356" in to_waiting.body


def test_a_cancelled_workshop_cannot_be_scheduled_again(coordinator_client, workshop):
    coordinator_client.post(edit_url(workshop), form_data(
        workshop, status=GroupSession.Status.CANCELLED))
    workshop.refresh_from_db()
    response = coordinator_client.post(edit_url(workshop), form_data(
        workshop, status=GroupSession.Status.SCHEDULED))
    assert response.status_code == HTTPStatus.OK
    assert "已取消的工作坊不能恢复" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == GroupSession.Status.CANCELLED


def test_a_title_edit_sends_no_email_and_keeps_sequence(coordinator_client, workshop):
    DBTaskResult.objects.all().delete()
    seats_before = list(seats(workshop).values_list("pk", "updated_at"))
    response = coordinator_client.post(edit_url(workshop), form_data(
        workshop, title="亲子沟通工作坊（第二期）"))
    assert response.status_code == HTTPStatus.FOUND
    workshop.refresh_from_db()
    assert workshop.title == "亲子沟通工作坊（第二期）"
    assert workshop.sequence == 0
    assert queued() == []
    assert list(seats(workshop).values_list("pk", "updated_at")) == seats_before


def test_a_new_workshop_is_created_through_the_admin(coordinator_client):
    template = GroupSessionFactory()
    data = form_data(template, title="新工作坊", start="2026-03-20 10:00",
                     end="2026-03-20 11:30", capacity=8, mode=Mode.IN_PERSON)
    response = coordinator_client.post("/admin/snippets/bookings/groupsession/add/",
                                       data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    created = GroupSession.objects.get(title="新工作坊")
    assert created.capacity == 8
    assert list(created.counsellors.all()) == list(template.counsellors.all())


def test_deleting_a_workshop_with_seats_is_refused(superuser_client, workshop):
    url = f"/admin/snippets/bookings/groupsession/delete/{workshop.pk}/"
    response = superuser_client.post(url, follow=True)
    assert seats(workshop).count() == 2
    assert GroupSession.objects.filter(pk=workshop.pk).exists()
    assert "已有家庭报名或候补，不能删除" in response.content.decode()


def test_bulk_deleting_a_workshop_with_seats_is_refused(superuser_client, workshop):
    url = f"/admin/bulk/bookings/groupsession/delete/?id={workshop.pk}"
    response = superuser_client.post(url, follow=True)
    assert seats(workshop).count() == 2
    assert "已有家庭报名或候补，不能删除" in response.content.decode()


def test_an_empty_workshop_can_be_deleted(superuser_client):
    gs = GroupSessionFactory(start=START, end=START + dt.timedelta(minutes=90))
    url = f"/admin/snippets/bookings/groupsession/delete/{gs.pk}/"
    response = superuser_client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    assert not GroupSession.objects.filter(pk=gs.pk).exists()


def test_the_django_admin_is_no_door_into_workshops():
    """Not registered, or registered read-only like bookings."""
    model_admin = admin.site._registry.get(GroupSession)
    if model_admin is not None:
        assert not model_admin.has_change_permission(None)
        assert not model_admin.has_delete_permission(None)
        assert not model_admin.has_add_permission(None)


def test_the_change_email_carries_a_calendar_request_in_the_familys_language(
        coordinator_client, workshop, run_worker):
    family = workshop.seated[0]
    family.preferred_language = "en"
    family.save(update_fields=["preferred_language"])
    DBTaskResult.objects.all().delete()
    mail.outbox = []
    coordinator_client.post(edit_url(workshop), form_data(
        workshop, start="2026-03-09 15:00", end="2026-03-09 16:30"))
    run_worker()
    message = next(m for m in mail.outbox if m.to == [family.email])
    assert message.subject == "【未愛小屋】Workshop arrangements changed: 2026-03-09 15:00"
    assert "The workshop you booked has changed" in message.body
    invitation = {mimetype.split(";")[0]: content
                  for content, mimetype in message.alternatives}["text/calendar"]
    assert "METHOD:REQUEST" in invitation
    assert "SEQUENCE:1" in invitation


def test_only_coordinators_may_change_a_workshop(workshop):
    family = workshop.seated[0]
    with pytest.raises(services.BookingError) as exc:
        services.workshop_update(group_session=workshop, by_user=family,
                                 changes={"capacity": 20})
    assert exc.value.message == services.NOT_ALLOWED
    workshop.refresh_from_db()
    assert workshop.capacity == 2
