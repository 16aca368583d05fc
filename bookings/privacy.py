"""Bookings' part in the privacy rights (registered in `BookingsConfig.ready`).

A family's bookings outlive its account as anonymous rows, so the station's
figures stay true: erasure and retention remove the family, the child, the
concern and the intake answers, and delete session notes (with their earlier
texts); future sessions are cancelled and their counsellors told without any
family data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from bookings import caching
from bookings.models import Booking, CalendarFeed, SessionNote, WaitlistEntry
from bookings.services import booking_cancel, booking_withdraw_for_erasure
from portal.cache import bump
from portal.privacy_registry import PrivacyProvider, jsonable
from portal.tasks import send_erasure_cancellation_notice


def _bookings_changed(*, freed_counsellor_id: int | None = None) -> None:
    """Bulk updates send no model signals: retire the personal feeds' cached
    states as a save would, and the free slots of a counsellor whose booking
    was cancelled. (Concern and intake answers appear in neither.)"""
    bump(caching.FEEDS)
    if freed_counsellor_id:
        bump(caching.counsellor_key(freed_counsellor_id))


def _anonymise(ids: list[int], *, now: dt.datetime) -> tuple[int, int]:
    """(notes deleted, bookings anonymised) for the bookings `ids`.

    A note's earlier texts (`SessionNoteRevision`) go with it (cascade); the
    count is of notes.
    """
    _total, deleted = SessionNote.objects.filter(booking_id__in=ids).delete()
    notes = deleted.get(SessionNote._meta.label, 0)
    anonymised = Booking.objects.filter(pk__in=ids).update(
        family=None, child=None, concern="", intake_answers={}, contact_phone="",
        anonymised_at=now
    )
    return notes, anonymised


def _cancel_future(*, user, now: dt.datetime) -> tuple[int, list[dict]]:
    """Cancel the family's future sessions through the booking service.

    Returns how many, and neutral notices for the counsellors: time,
    reference, session type, no names.
    """
    future = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(family=user, start__gt=now, status__in=Booking.ACTIVE_STATUSES)
        .select_related("counsellor__user", "session_type")
    )
    notices = []
    for b in future:
        try:
            booking_cancel(booking=b, by_user=user, reason="account erased")
        except ValidationError:
            # Refused by the service (marked attended or no-show ahead of its
            # time): the account goes anyway, and so does its session.
            booking_withdraw_for_erasure(booking=b)
        if b.counsellor.user_id:
            notices.append(
                {
                    "counsellor_user_id": b.counsellor.user_id,
                    "booking_id": b.pk,
                    "start": b.start.isoformat(),
                    "session_type": b.session_type.name,
                    "is_urgent": b.is_urgent,
                }
            )
    return len(future), notices


def _enqueue_notices(notices: list[dict]) -> None:
    for notice in notices:
        send_erasure_cancellation_notice.enqueue(**notice)


class BookingsPrivacy(PrivacyProvider):
    app_label = "bookings"
    personal_models = frozenset({
        "booking", "waitlistentry", "sessionnote", "sessionnoterevision",
        "urgentfollowup", "calendarfeed",
        # A counsellor's staff profile: not a family's data, closed by coordinators.
        "counsellor",
    })
    no_personal_data = frozenset({
        "sessiontype", "availabilityrule", "availabilityexception", "timeoff",
        "stationclosure", "bookingpolicy", "groupsession",
    })
    export_order = 10

    def export(self, *, user) -> dict[str, Any]:
        bookings = [
            {
                "id": b.pk,
                "reference": f"#{b.pk}",
                "counsellor": b.counsellor.display_name,
                "session_type": b.session_type.name,
                "workshop": b.group_session.title if b.group_session_id else None,
                "topic": str(b.topic) if b.topic_id else None,
                "child_id": b.child_id,
                "start": jsonable(b.start),
                "end": jsonable(b.end),
                "mode": b.mode,
                "status": b.status,
                "concern": b.concern,
                "intake_answers": jsonable(b.intake_answers),
                "is_urgent": b.is_urgent,
                "contact_phone": str(b.contact_phone or ""),
                "created_at": jsonable(b.created_at),
                "cancelled_at": jsonable(b.cancelled_at),
            }
            for b in Booking.objects.filter(family=user)
            .select_related("counsellor", "session_type", "group_session", "topic")
            .order_by("start", "pk")
        ]
        waitlist = [
            {
                "workshop": w.group_session.title,
                "workshop_start": jsonable(w.group_session.start),
                "child_id": w.child_id,
                "created_at": jsonable(w.created_at),
                "promoted_at": jsonable(w.promoted_at),
                "left_at": jsonable(w.left_at),
            }
            for w in WaitlistEntry.objects.filter(family=user)
            .select_related("group_session")
            .order_by("created_at", "pk")
        ]
        feeds = [
            {
                "kind": f.kind,
                "created_at": jsonable(f.created_at),
                "revoked_at": jsonable(f.revoked_at),
                "last_accessed_at": jsonable(f.last_accessed_at),
            }
            for f in CalendarFeed.objects.filter(user=user).order_by("pk")
        ]
        return {"bookings": bookings, "workshop_waitlist": waitlist,
                "calendar_feeds": feeds}

    def erase_sensitive_data(self, *, user, now: dt.datetime) -> dict[str, int]:
        erased = (
            Booking.objects.filter(family=user)
            .exclude(concern="", intake_answers={}, contact_phone="")
            .update(concern="", intake_answers={}, contact_phone="", updated_at=now)
        )
        return {"bookings_intake_erased": erased}

    def erase(self, *, user, now: dt.datetime) -> dict[str, int]:
        cancelled, notices = _cancel_future(user=user, now=now)
        ids = list(Booking.objects.filter(family=user).values_list("pk", flat=True))
        notes, anonymised = _anonymise(ids, now=now)
        _bookings_changed()
        if notices:
            transaction.on_commit(lambda: _enqueue_notices(notices))
        return {
            "bookings.future_cancelled": cancelled,
            "bookings.sessionnote": notes,
            "bookings.booking.anonymised": anonymised,
        }

    def retention(self, *, cutoff: dt.datetime, now: dt.datetime) -> dict[str, int]:
        ids = list(
            Booking.objects.filter(end__lt=cutoff, anonymised_at__isnull=True)
            .values_list("pk", flat=True)
        )
        notes, anonymised = _anonymise(ids, now=now)
        if ids:
            _bookings_changed()
        return {
            "session_notes_deleted": notes,
            "bookings_anonymised": anonymised,
            "waitlist_entries_deleted": WaitlistEntry.objects.filter(
                group_session__end__lt=cutoff
            ).delete()[0],
            "calendar_feeds_deleted": CalendarFeed.objects.filter(
                revoked_at__isnull=False
            ).delete()[0],
        }
