"""Who may see and work on bookings, and what a workshop seat is: written once.

The rules, as queryset methods the views, the API and the selectors all use:

* a booking is *staffed by* its counsellor and the leaders of its workshop;
* a coordinator works on every booking;
* a booking is *visible to* its family and to whoever works on it;
* a seat is *live* while its status holds the counsellor's time
  (``Booking.ACTIVE_STATUSES``), and a workshop's seats taken are its live seats.

`bookings.models` sets these querysets as its models' managers, so this module
imports no model at import time (the models are reached through ``self.model``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q


def _is_coordinator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_coordinator)


class BookingQuerySet(models.QuerySet):
    def live(self) -> BookingQuerySet:
        """Bookings that hold the counsellor's time (and a workshop seat)."""
        return self.filter(status__in=self.model.ACTIVE_STATUSES)

    def staffed_by(self, user) -> BookingQuerySet:
        """Bookings ``user`` works on as their counsellor or a workshop leader."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(_staff_condition(self.model, user))

    def worked_on_by(self, user) -> BookingQuerySet:
        """`staffed_by`, and every booking for a coordinator."""
        return self.all() if _is_coordinator(user) else self.staffed_by(user)

    def visible_to(self, user) -> BookingQuerySet:
        """Bookings ``user`` may open: their family's own, and those they work on."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if _is_coordinator(user):
            return self.all()
        return self.filter(Q(family_id=user.pk) | _staff_condition(self.model, user))


def _staff_condition(booking_model, user) -> Q:
    """Its counsellor is ``user``, or ``user`` leads its workshop.

    The workshop's leaders are matched through a subquery, not a join, so that a
    workshop with several leaders does not repeat its seats.
    """
    workshop_model = booking_model._meta.get_field("group_session").related_model
    led = workshop_model.objects.filter(counsellors__user_id=user.pk).values("pk")
    return Q(counsellor__user_id=user.pk) | Q(group_session__in=led)


def is_staff_for(user, booking) -> bool:
    """Whether ``user`` works on ``booking`` (`BookingQuerySet.worked_on_by`)."""
    if _is_coordinator(user):
        return True
    return type(booking).objects.staffed_by(user).filter(pk=booking.pk).exists()


class GroupSessionQuerySet(models.QuerySet):
    def with_seats_taken(self) -> GroupSessionQuerySet:
        """Annotated with ``seats_taken``: its live seats (`BookingQuerySet.live`)."""
        seat_model = self.model._meta.get_field("seats").related_model
        return self.annotate(seats_taken=Count(
            "seats", filter=Q(seats__status__in=seat_model.ACTIVE_STATUSES)))


def seats_taken(group_session) -> int:
    """The live seats of one workshop, counted now (callers may hold its row lock:
    the count is its own query, with no ``FOR UPDATE``, which PostgreSQL refuses
    beside an aggregate)."""
    return type(group_session).objects.filter(pk=group_session.pk).with_seats_taken(
    ).values_list("seats_taken", flat=True).get()


def seats_left(group_session) -> int:
    """Free seats: from its ``seats_taken`` annotation when it has one, else counted."""
    taken = getattr(group_session, "seats_taken", None)
    if taken is None:
        taken = seats_taken(group_session)
    return max(group_session.capacity - taken, 0)
