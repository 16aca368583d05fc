"""The moved clock CI runs the `clock` tests at (WEIAI_TEST_CLOCK, tests/conftest.py)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import clock_instant

pytestmark = pytest.mark.clock


def test_the_session_runs_at_the_moved_clock_or_real_time():
    instant = clock_instant()
    now = timezone.now()
    if instant is None:
        # Real time: the clock was not moved (a moved one is in 2027 or later).
        assert abs(dt.datetime.now(dt.UTC) - now) < dt.timedelta(seconds=5)
    else:
        # Each test starts at the instant and ticks on from there.
        assert instant <= now < instant + dt.timedelta(seconds=30), (instant, now)


def test_a_test_may_still_travel_and_comes_back_to_the_session_clock():
    before = timezone.now()
    pinned = dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(pinned, tick=False):
        assert timezone.now() == pinned
        assert timezone.localdate() == dt.date(2026, 6, 2)
    after = timezone.now()
    assert before <= after < before + dt.timedelta(minutes=5)
