"""Receivers of bookings for signals other apps send.

Which model changes retire which cached data is declared in one table,
`bookings.caching.INVALIDATION`, wired by `bookings.caching.register`.
"""

from django.dispatch import receiver

from portal.privacy import account_erasing


@receiver(account_erasing, dispatch_uid="bookings-urgent-erasure-alert")
def on_account_erasing(sender, user, now, **kwargs):
    """An urgent booking must not vanish with the account unnoticed."""
    from bookings import services

    services.urgent_erasure_alert(family=user, now=now)
