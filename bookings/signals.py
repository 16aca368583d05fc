"""Keep caches that show bookings data in step with every write.

- The anonymous page cache (`courses.cache`): the home page lists upcoming
  workshops with the seats left, and course pages list counsellors and
  workshops on their topic, so workshop, seat and counsellor changes retire
  every cached page.
- The free-slot cache (`bookings.slot_cache`): schedule versions per
  counsellor and for the station.
- The personal feeds' generation (`bookings.feed_cache`).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from bookings import api_cache, feed_cache, slot_cache
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    CalendarFeed,
    Counsellor,
    GroupSession,
    SessionType,
    StationClosure,
    TimeOff,
)
from portal.privacy import account_erasing


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


# --- Personal feed generation (`bookings.feed_cache`) -----------------------------
# Everything a family's or counsellor's feed can show, or that decides whether
# its link still answers.

def on_feed_content_change(sender, instance=None, update_fields=None, **kwargs):
    if sender is get_user_model() and update_fields and set(update_fields) <= {
            "last_login"}:
        return  # signing in changes nothing a feed shows
    feed_cache.bump()
    if sender.__name__ in LABEL_MODELS:
        feed_cache.bump_labels()


# Their names and texts appear in feeds whose own rows did not change.
LABEL_MODELS = {"Counsellor", "SessionType", "Topic", "SiteSettings", "CrisisLine"}


def on_feed_m2m_change(sender, action, **kwargs):
    if action.startswith("post_"):
        feed_cache.bump()


def _feed_models():
    from courses.models import Topic
    from portal.models import CrisisLine, SiteSettings

    return (Booking, TimeOff, GroupSession, Counsellor, SessionType, CalendarFeed,
            Topic, SiteSettings, CrisisLine, get_user_model())


for _model in _feed_models():
    for _signal in (post_save, post_delete):
        _signal.connect(on_feed_content_change, sender=_model,
                        dispatch_uid=f"bookings-feeds-{_model.__name__}-{id(_signal)}")
m2m_changed.connect(on_feed_m2m_change, sender=GroupSession.counsellors.through,
                    dispatch_uid="bookings-feeds-m2m-leads")


# --- API token generation (`bookings.api_cache`) ----------------------------------


def on_token_change(sender, instance=None, update_fields=None, **kwargs):
    if sender is get_user_model() and update_fields and set(update_fields) <= {
            "last_login"}:
        return
    api_cache.bump_tokens()


def _token_models():
    from portal.models import ApiToken

    return (ApiToken, get_user_model())


for _model in _token_models():
    for _signal in (post_save, post_delete):
        _signal.connect(on_token_change, sender=_model,
                        dispatch_uid=f"bookings-tokens-{_model.__name__}-{id(_signal)}")


@receiver(account_erasing, dispatch_uid="bookings-urgent-erasure-alert")
def on_account_erasing(sender, user, now, **kwargs):
    """An urgent booking must not vanish with the account unnoticed."""
    from bookings import services

    services.urgent_erasure_alert(family=user, now=now)
