"""Editing a session note: its author, within 24 hours, keeping every earlier text."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bookings import services
from bookings.models import SessionNote, SessionNoteRevision
from bookings.privacy import BookingsPrivacy
from bookings.slots import STATION_TZ
from portal.models import AccessLog
from tests.bookings.web_setup import booking_at, with_totp, working_counsellor
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

WRITTEN = dt.datetime(2030, 3, 4, 10, 0, tzinfo=STATION_TZ)
FIRST = "第一次会谈：孩子愿意说话"
SECOND = "第一次会谈：孩子愿意说话，谈到了学校"


@pytest.fixture
def setting():
    with time_machine.travel(WRITTEN, tick=False):
        counsellor, session_type = working_counsellor(display_name="林晓舟")
        with_totp(counsellor.user)
        booking = booking_at(WRITTEN - dt.timedelta(hours=2), counsellor=counsellor,
                             session_type=session_type)
        note = services.note_add(booking=booking, author=counsellor.user, body=FIRST)
    return {"counsellor": counsellor, "booking": booking, "note": note}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_url(note) -> str:
    return reverse("bookings:note_edit", args=[note.booking_id, note.pk])


def _post(user, note, body, *, at):
    with time_machine.travel(at, tick=False):
        return _client(user).post(_edit_url(note), {"body": body})


def _page(user, booking, *, at) -> str:
    with time_machine.travel(at, tick=False):
        return _client(user).get(booking.get_absolute_url()).content.decode()


def test_author_edits_within_24_hours_and_the_old_text_is_kept(setting):
    counsellor, booking, note = setting["counsellor"], setting["booking"], setting["note"]
    edited = WRITTEN + dt.timedelta(hours=23, minutes=59)

    response = _post(counsellor.user, note, SECOND, at=edited)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{booking.get_absolute_url()}#note-{note.pk}"
    note.refresh_from_db()
    assert (note.body, note.edited_at) == (SECOND, edited)
    revision = SessionNoteRevision.objects.get()
    assert (revision.note, revision.body, revision.edited_at, revision.editor) == (
        note, FIRST, edited, counsellor.user)
    html = _page(counsellor.user, booking, at=edited)
    assert "已编辑 3月5日 周二 09:59" in html
    assert "<details>" in html
    assert "3月4日 周一 10:00 写下，3月5日 周二 09:59 被替换" in html
    assert html.index(SECOND) < html.index("<details>") < html.index(FIRST + "</p>")


def test_the_booking_page_offers_the_edit_link_then_says_locked(setting):
    counsellor, booking, note = setting["counsellor"], setting["booking"], setting["note"]
    html = _page(counsellor.user, booking, at=WRITTEN + dt.timedelta(hours=1))
    assert f'href="{_edit_url(note)}"' in html
    assert "已锁定" not in html

    html = _page(counsellor.user, booking, at=WRITTEN + dt.timedelta(hours=24, minutes=1))
    assert _edit_url(note) not in html
    assert "已锁定" in html


def test_a_note_is_locked_after_24_hours(setting):
    counsellor, note = setting["counsellor"], setting["note"]
    late = WRITTEN + dt.timedelta(hours=24, minutes=1)

    response = _post(counsellor.user, note, SECOND, at=late)

    assert response.status_code == HTTPStatus.CONFLICT
    assert "这条记录写下已超过 24 小时，已锁定，不能再修改。" in response.content.decode()
    assert SECOND not in response.content.decode()
    note.refresh_from_db()
    assert (note.body, note.edited_at) == (FIRST, None)
    assert not SessionNoteRevision.objects.exists()


def test_another_counsellor_cannot_edit(setting):
    other, _type = working_counsellor(display_name="周一诺")
    with_totp(other.user)
    note = setting["note"]

    response = _post(other.user, note, SECOND, at=WRITTEN + dt.timedelta(hours=1))

    # Not their booking at all: it does not exist for them.
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert SessionNote.objects.get().body == FIRST


def test_a_coordinator_reads_notes_but_cannot_edit_anothers(setting):
    coordinator = with_totp(CoordinatorFactory())
    booking, note = setting["booking"], setting["note"]
    at = WRITTEN + dt.timedelta(hours=1)

    response = _post(coordinator, note, SECOND, at=at)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "只有写这条记录的咨询师本人可以修改它。" in response.content.decode()
    assert SessionNote.objects.get().body == FIRST
    assert not SessionNoteRevision.objects.exists()
    html = _page(coordinator, booking, at=at)
    assert FIRST in html
    assert _edit_url(note) not in html
    assert "已锁定" not in html


def test_an_empty_text_is_refused_with_a_message(setting):
    counsellor, note = setting["counsellor"], setting["note"]

    response = _post(counsellor.user, note, "   ", at=WRITTEN + dt.timedelta(hours=1))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请填写记录内容。" in response.content.decode()
    assert SessionNote.objects.get().body == FIRST
    assert not SessionNoteRevision.objects.exists()


def test_the_edit_page_shows_the_text_and_is_access_logged(setting):
    counsellor, booking, note = setting["counsellor"], setting["booking"], setting["note"]
    _post(counsellor.user, note, SECOND, at=WRITTEN + dt.timedelta(hours=1))
    AccessLog.objects.all().delete()

    with time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False):
        response = _client(counsellor.user).get(_edit_url(note))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f"{SECOND}</textarea>" in html
    assert "<details>" in html and FIRST in html
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.subject_user_id, log.object_id) == (
        counsellor.user, AccessLog.Action.VIEW_NOTES, booking.family_id, str(booking.pk))


def test_erasure_deletes_the_earlier_texts_with_the_note(setting):
    counsellor, booking, note = setting["counsellor"], setting["booking"], setting["note"]
    with time_machine.travel(WRITTEN + dt.timedelta(hours=1), tick=False):
        services.note_edit(note=note, by_user=counsellor.user, body=SECOND)
    provider = BookingsPrivacy()
    assert FIRST not in str(provider.export(user=booking.family))

    summary = provider.erase(user=booking.family, now=WRITTEN + dt.timedelta(hours=3))

    assert summary["bookings.sessionnote"] == 1
    assert not SessionNote.objects.exists()
    assert not SessionNoteRevision.objects.exists()
