"""Casework fixtures: people in each role and one open case, at a pinned clock."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from portal.models import Role
from tests.cases.factories import make_case, staff

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 10, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def worker(db):
    return staff(Role.SOCIAL_WORKER)


@pytest.fixture
def supervisor(db):
    return staff(Role.CHILD_SUPERVISOR)


@pytest.fixture
def case(worker):
    return make_case(worker=worker)
