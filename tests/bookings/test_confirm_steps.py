"""Irreversible one-tap actions ask first, without JavaScript: the first request
shows what will happen and changes nothing; only a POST with ``confirm=1`` does
it. And a family on a waitlist sees its place in the queue."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import schedule_services, services
from bookings.models import Booking, StationClosure, WaitlistEntry
from bookings.slots import STATION_TZ
from tests.bookings.web_setup import booking_at, local, with_totp, working_counsellor
from tests.factories import CoordinatorFactory, FamilyFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)  # a Monday morning


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _full_workshop(*, title="和青春期孩子好好说话", capacity=1, waiting=1):
    """A workshop of ``capacity`` seats taken, and ``waiting`` families queued
    after them (joined through the service, in that order)."""
    workshop = GroupSessionFactory(title=title, capacity=capacity,
                                   start=local(dt.date(2027, 3, 10), 19))
    seated = [FamilyFactory() for _ in range(capacity)]
    queued = [FamilyFactory() for _ in range(waiting)]
    for family in seated + queued:
        services.workshop_join(family=family, group_session=workshop)
    return workshop, seated, queued


# --- rescheduling ------------------------------------------------------------------------


@pytest.fixture
def booking():
    counsellor, session_type = working_counsellor(display_name="林晓舟")
    return booking_at(local(dt.date(2027, 3, 5), 10), family=FamilyFactory(),
                      counsellor=counsellor, session_type=session_type)


def test_tapping_a_new_time_asks_first_and_moves_nothing(client, booking):
    client.force_login(booking.family)
    new_start = local(dt.date(2027, 3, 6), 14)
    response = client.post(reverse("bookings:reschedule", kwargs={"pk": booking.pk}),
                           {"new_start": new_start.isoformat()})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "把预约从 3月5日 周五 10:00 改到 3月6日 周六 14:00？" in html
    assert 'name="confirm" value="1"' in html
    assert f'value="{new_start.isoformat()}"' in html
    assert reverse("bookings:reschedule", kwargs={"pk": booking.pk}) in html  # back
    booking.refresh_from_db()
    assert booking.start == local(dt.date(2027, 3, 5), 10)
    assert booking.sequence == 0


def test_the_confirm_post_moves_the_booking(client, booking):
    client.force_login(booking.family)
    new_start = local(dt.date(2027, 3, 6), 14)
    response = client.post(reverse("bookings:reschedule", kwargs={"pk": booking.pk}),
                           {"new_start": new_start.isoformat(), "confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == booking.get_absolute_url()
    assert _messages(response) == ["已改期，新的时间会通过邮件发给你。"]
    booking.refresh_from_db()
    assert booking.start == new_start
    assert booking.sequence == 1


def test_the_reschedule_question_in_english(client, booking):
    client.force_login(booking.family)
    response = client.post(
        "/en" + reverse("bookings:reschedule", kwargs={"pk": booking.pk}),
        {"new_start": local(dt.date(2027, 3, 6), 14).isoformat()})
    assert "Move the booking from Fri 5 Mar 10:00 to Sat 6 Mar 14:00?" in \
        response.content.decode()


def test_an_unreadable_time_is_refused_before_any_confirm_page(client, booking):
    client.force_login(booking.family)
    response = client.post(reverse("bookings:reschedule", kwargs={"pk": booking.pk}),
                           {"new_start": "not-a-time"})
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == ["无法识别这个时间，请重新选择。"]


# --- leaving a workshop ------------------------------------------------------------------


def test_leaving_a_full_workshop_asks_and_says_the_seat_goes_to_the_waitlist(client):
    workshop, (seated,), (waiting,) = _full_workshop()
    client.force_login(seated)
    response = client.post(reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk}))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "退出工作坊“和青春期孩子好好说话”（3月10日 周三 19:00）？" in html
    assert ("这场工作坊已满：你退出后，你的名额会自动给候补名单上的下一位家庭，"
            "之后再报名需要重新排队。") in html
    assert 'name="confirm" value="1"' in html
    assert workshop.seats.get(status=Booking.Status.CONFIRMED).family == seated
    assert WaitlistEntry.objects.get(family=waiting).promoted_at is None


def test_leaving_a_workshop_with_free_seats_says_the_seat_opens_up(client):
    workshop, (seated,), _ = _full_workshop(capacity=1, waiting=0)
    workshop.capacity = 3
    workshop.save(update_fields=["capacity"])
    client.force_login(seated)
    html = client.post(reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk})
                       ).content.decode()
    assert "你退出后，你的名额会开放给其他家庭报名。" in html
    assert "候补名单上的下一位家庭" not in html


def test_leaving_from_my_bookings_says_the_seat_goes_to_the_waitlist(client):
    workshop, (seated,), (waiting,) = _full_workshop()
    seat = workshop.seats.get(family=seated)
    client.force_login(seated)
    html = client.get(reverse("bookings:mine")).content.decode()
    assert reverse("bookings:cancel", kwargs={"pk": seat.pk}) in html
    html = client.get(reverse("bookings:cancel", kwargs={"pk": seat.pk})).content.decode()
    assert ("这场工作坊已满：你退出后，你的名额会自动给候补名单上的下一位家庭，"
            "之后再报名需要重新排队。") in html
    seat.refresh_from_db()
    assert seat.status == Booking.Status.CONFIRMED


def test_the_confirm_post_leaves_and_promotes_the_next_family(client):
    workshop, (seated,), (waiting,) = _full_workshop()
    client.force_login(seated)
    response = client.post(reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk}),
                           {"confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == workshop.get_absolute_url()
    assert _messages(response) == ["已退出这个工作坊。"]
    assert workshop.seats.get(status=Booking.Status.CONFIRMED).family == waiting


def test_leave_confirm_keeps_where_to_go_next(client):
    workshop, (seated,), _ = _full_workshop(waiting=0)
    client.force_login(seated)
    mine = reverse("bookings:mine")
    url = reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk})
    html = client.post(url, {"next": mine}).content.decode()
    assert f'name="next" value="{mine}"' in html
    assert client.post(url, {"next": mine, "confirm": "1"})["Location"] == mine


def test_leave_by_someone_not_in_the_workshop_changes_nothing(client):
    workshop, (seated,), _ = _full_workshop(waiting=0)
    client.force_login(FamilyFactory())
    response = client.post(reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk}))
    assert response.status_code == HTTPStatus.FOUND
    assert _messages(response) == [str(services.NOT_ON_WAITLIST)]
    assert workshop.seats.get(status=Booking.Status.CONFIRMED).family == seated


def test_the_workshop_page_sends_leave_to_the_confirm_step(client):
    workshop, (seated,), _ = _full_workshop(waiting=0)
    client.force_login(seated)
    html = client.get(workshop.get_absolute_url()).content.decode()
    leave = reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk})
    form = html[html.index(f'action="{leave}"'):]
    form = form[:form.index("</form>")]
    assert 'name="confirm"' not in form


# --- deleting a station closure --------------------------------------------------------------


@pytest.fixture
def closure():
    schedule_services.closure_add(name="元旦", start_date=dt.date(2027, 3, 8),
                                  end_date=dt.date(2027, 3, 9))
    return StationClosure.objects.get()


def test_deleting_a_closure_asks_first_and_deletes_nothing(client, closure):
    client.force_login(with_totp(CoordinatorFactory()))
    response = client.post(reverse("bookings:coordinator_closure_delete",
                                   kwargs={"pk": closure.pk}))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "删除闭馆日期“元旦”（3月8日 周一 – 3月9日 周二）？" in html
    assert "删除后，这些日期会按各位咨询师的时间重新开放预约。" in html
    assert 'name="confirm" value="1"' in html
    assert StationClosure.objects.filter(pk=closure.pk).exists()


def test_the_confirm_post_deletes_the_closure(client, closure):
    client.force_login(with_totp(CoordinatorFactory()))
    response = client.post(reverse("bookings:coordinator_closure_delete",
                                   kwargs={"pk": closure.pk}), {"confirm": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("bookings:coordinator_closures")
    assert _messages(response) == ["已删除闭馆日期。"]
    assert not StationClosure.objects.exists()


def test_a_family_cannot_reach_the_closure_confirm_page(client, closure):
    client.force_login(FamilyFactory())
    response = client.post(reverse("bookings:coordinator_closure_delete",
                                   kwargs={"pk": closure.pk}))
    assert response.status_code != HTTPStatus.OK
    assert "删除闭馆日期“元旦”" not in response.content.decode()
    assert StationClosure.objects.filter(pk=closure.pk).exists()


# --- waitlist position -----------------------------------------------------------------------


def test_two_waiting_families_see_their_places_on_the_workshop_page_and_mine(client):
    workshop, _, (first, second) = _full_workshop(waiting=2)
    for family, place in ((first, "候补第 1 位"), (second, "候补第 2 位")):
        client.force_login(family)
        html = client.get(workshop.get_absolute_url()).content.decode()
        assert f'<span data-testid="waitlist-position">{place}</span>' in html
        html = client.get(reverse("bookings:mine")).content.decode()
        assert f'<strong data-testid="waitlist-position">{place}</strong>' in html


def test_a_family_that_leaves_the_waitlist_moves_the_next_one_up(client):
    workshop, _, (first, second) = _full_workshop(waiting=2)
    services.waitlist_leave(entry=WaitlistEntry.objects.get(family=first), by_user=first)
    client.force_login(second)
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert '<span data-testid="waitlist-position">候补第 1 位</span>' in html


def test_leaving_the_waitlist_through_the_leave_view_shows_the_place(client):
    workshop, _, (_first, second) = _full_workshop(waiting=2)
    client.force_login(second)
    html = client.post(reverse("bookings:workshop_leave", kwargs={"pk": workshop.pk})
                       ).content.decode()
    assert "你现在是候补第 2 位。退出后这个位置不再保留。" in html
    assert WaitlistEntry.objects.get(family=second).left_at is None


@pytest.mark.usefixtures("full_path")
def test_waitlist_places_on_mine_take_no_query_per_entry(client):
    family = FamilyFactory()

    def queries_for_mine() -> int:
        for _warm in range(2):  # the per-process copies, as a running site has them
            client.get(reverse("bookings:mine"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("bookings:mine")).status_code == HTTPStatus.OK
        return len(captured)

    client.force_login(family)
    workshop, _, _ = _full_workshop(title="一", waiting=0)
    services.workshop_join(family=family, group_session=workshop)
    one = queries_for_mine()
    for title in ("二", "三"):
        workshop, _, _ = _full_workshop(title=title, waiting=1)
        services.workshop_join(family=family, group_session=workshop)
    assert queries_for_mine() == one
    html = client.get(reverse("bookings:mine")).content.decode()
    assert html.count("候补第 1 位") == 1
    assert html.count("候补第 2 位") == 2
