"""Helpers shared by the bookings engine tests (services, API, concurrency)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from bookings.models import Counsellor, SessionType
from bookings.slots import STATION_TZ
from tests.factories import (
    AvailabilityRuleFactory,
    CounsellorFactory,
    FamilyFactory,
    SessionTypeFactory,
)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STATION_TZ)


def future_day(days: int = 5) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@dataclass
class Setup:
    counsellor: Counsellor
    session_type: SessionType
    family: object
    day: dt.date

    def at(self, hour: int, minute: int = 0) -> dt.datetime:
        return local(self.day, hour, minute)


def counsellor_with_hours(**kwargs) -> Counsellor:
    """A counsellor working 09:00–17:00 every day of the week."""
    counsellor = CounsellorFactory(**kwargs)
    for weekday in range(7):
        AvailabilityRuleFactory(counsellor=counsellor, weekday=weekday,
                                start_time=dt.time(9), end_time=dt.time(17))
    return counsellor


def make_setup(*, days_ahead: int = 5) -> Setup:
    counsellor = counsellor_with_hours()
    session_type = SessionTypeFactory(counsellors=[counsellor])
    return Setup(counsellor=counsellor, session_type=session_type,
                 family=FamilyFactory(), day=future_day(days_ahead))
