"""The instants the pooled-booking tests share (a fixed Monday morning and
that Thursday); the `pool` fixture is in tests/bookings/conftest.py."""

import datetime as dt

from bookings.slots import STATION_TZ

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=STATION_TZ)  # a Monday
DAY = dt.date(2026, 12, 10)  # that Thursday
