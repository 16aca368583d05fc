"""Keep caches that show bookings data in step with every write.

- The anonymous page cache (`courses.cache`): the home page lists upcoming
  workshops with the seats left, and course pages list counsellors and
  workshops on their topic, so workshop, seat and counsellor changes retire
  every cached page.
- The free-slot cache (`bookings.slot_cache`): schedule versions per
  counsellor and for the station.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from bookings import slot_cache
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    Counsellor,
    GroupSession,
    SessionType,
    StationClosure,
    TimeOff,
)


def _retire_cached_pages() -> None:
    from courses import cache as page_cache

    page_cache.invalidate()
    # Again once the write is visible: a page rendered meanwhile from the old
    # rows must not live on under the new generation.
    transaction.on_commit(page_cache.invalidate)


@receiver(post_save, sender=GroupSession, dispatch_uid="bookings-pages-workshop-save")
@receiver(post_delete, sender=GroupSession, dispatch_uid="bookings-pages-workshop-delete")
@receiver(post_save, sender=Counsellor, dispatch_uid="bookings-pages-counsellor-save")
@receiver(post_delete, sender=Counsellor, dispatch_uid="bookings-pages-counsellor-delete")
def on_listed_change(sender, instance, **kwargs):
    _retire_cached_pages()
    if sender is GroupSession:
        from bookings import feeds

        feeds.forget_workshops_version()


@receiver(m2m_changed, sender=Counsellor.specialties.through,
          dispatch_uid="bookings-pages-specialties")
@receiver(m2m_changed, sender=GroupSession.counsellors.through,
          dispatch_uid="bookings-pages-workshop-leads")
def on_listed_m2m_change(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _retire_cached_pages()


@receiver(post_save, sender=Booking, dispatch_uid="bookings-pages-seat-save")
@receiver(post_delete, sender=Booking, dispatch_uid="bookings-pages-seat-delete")
def on_seat_change(sender, instance, **kwargs):
    if instance.group_session_id:
        # Seats left on the home page and the workshop lists.
        _retire_cached_pages()


# --- Free-slot cache versions ----------------------------------------------------

COUNSELLOR_ROWS = (AvailabilityRule, AvailabilityException, TimeOff, Booking)
STATION_ROWS = (StationClosure, BookingPolicy, SessionType, GroupSession)


def on_counsellor_schedule_change(sender, instance, **kwargs):
    slot_cache.bump_counsellor(instance.counsellor_id)


def on_counsellor_change(sender, instance, **kwargs):
    slot_cache.bump_counsellor(instance.pk)


def on_station_schedule_change(sender, **kwargs):
    slot_cache.bump_station()


def on_station_m2m_change(sender, action, **kwargs):
    if action.startswith("post_"):
        slot_cache.bump_station()


for _model in COUNSELLOR_ROWS:
    for _signal in (post_save, post_delete):
        _signal.connect(on_counsellor_schedule_change, sender=_model,
                        dispatch_uid=f"bookings-slots-{_model.__name__}-{id(_signal)}")
for _signal in (post_save, post_delete):
    _signal.connect(on_counsellor_change, sender=Counsellor,
                    dispatch_uid=f"bookings-slots-Counsellor-{id(_signal)}")
    for _model in STATION_ROWS:
        _signal.connect(on_station_schedule_change, sender=_model,
                        dispatch_uid=f"bookings-slots-{_model.__name__}-{id(_signal)}")
for _through in (GroupSession.counsellors.through, SessionType.counsellors.through):
    m2m_changed.connect(on_station_m2m_change, sender=_through,
                        dispatch_uid=f"bookings-slots-m2m-{_through.__name__}")
