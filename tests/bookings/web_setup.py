"""Helpers for the booking web page tests (views, reports, schedule services)."""

import datetime as dt

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from bookings.slots import STATION_TZ
from tests.factories import (
    AvailabilityRuleFactory,
    BookingFactory,
    CounsellorFactory,
    SessionTypeFactory,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - a well-known test secret


def with_totp(user):
    """Give a staff user an authenticator, as the staff MFA gate requires."""
    TOTP.activate(user, TOTP_SECRET)
    return user


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STATION_TZ)


def day_ahead(days: int = 5) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def working_counsellor(*, start=dt.time(9), end=dt.time(17), **kwargs):
    """A counsellor working every day, offering one 50-minute individual session type."""
    counsellor = CounsellorFactory(**kwargs)
    for weekday in range(7):
        AvailabilityRuleFactory(counsellor=counsellor, weekday=weekday,
                                start_time=start, end_time=end)
    session_type = SessionTypeFactory(counsellors=[counsellor])
    return counsellor, session_type


def booking_at(start: dt.datetime, **kwargs):
    return BookingFactory(start=start, end=start + dt.timedelta(minutes=50),
                          blocks_until=start + dt.timedelta(minutes=60), **kwargs)
