"""The one time-zone module: the station's zone, display zones, DST refusals."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from portal import timezones
from portal.timezones import LocalTimeError, aware_from_local

NEW_YORK = ZoneInfo("America/New_York")


def test_settings_name_the_station_zone():
    assert settings.TIME_ZONE == timezones.STATION_TZ_NAME == "Asia/Shanghai"
    assert timezones.STATION_TZ.key == settings.TIME_ZONE


def test_a_time_skipped_by_the_spring_change_is_refused():
    with pytest.raises(LocalTimeError) as exc:
        aware_from_local(dt.datetime(2026, 3, 8, 2, 30), NEW_YORK)
    assert exc.value.code == "nonexistent"
    assert timezones.dst_problem(dt.datetime(2026, 3, 8, 2, 30), NEW_YORK) == "nonexistent"


def test_a_time_repeated_by_the_autumn_change_is_refused():
    with pytest.raises(LocalTimeError) as exc:
        aware_from_local(dt.datetime(2026, 11, 1, 1, 30), "America/New_York")
    assert exc.value.code == "ambiguous"
    assert timezones.dst_problem(dt.datetime(2026, 11, 1, 1, 30), NEW_YORK) == "ambiguous"


def test_the_minutes_next_to_a_change_are_accepted_as_they_are():
    before = aware_from_local(dt.datetime(2026, 3, 8, 1, 59), NEW_YORK)
    after = aware_from_local(dt.datetime(2026, 3, 8, 3, 0), NEW_YORK)
    # Same-zone subtraction is wall-clock in Python: compare the instants.
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(minutes=1)
    assert after.utcoffset() == dt.timedelta(hours=-4)


def test_station_times_never_hit_a_change():
    start = dt.datetime(2026, 3, 8, 2, 30)
    assert timezones.dst_problem(start, timezones.STATION_TZ) is None
    assert aware_from_local(start, timezones.STATION_TZ_NAME).isoformat() == (
        "2026-03-08T02:30:00+08:00")


def test_an_aware_time_is_returned_unchanged_and_an_unknown_zone_refused():
    aware = dt.datetime(2026, 11, 1, 1, 30, tzinfo=dt.UTC)
    assert aware_from_local(aware, NEW_YORK) is aware
    with pytest.raises(LocalTimeError) as exc:
        aware_from_local(dt.datetime(2026, 1, 1, 9), "Mars/Olympus")
    assert exc.value.code == "invalid_timezone"


class _Person:
    def __init__(self, display_timezone):
        self.display_timezone = display_timezone


def test_a_persons_zone_falls_back_to_the_station():
    assert timezones.user_zone(_Person("Europe/London")) == ZoneInfo("Europe/London")
    assert timezones.user_zone(_Person("")) == timezones.STATION_TZ
    assert timezones.user_zone(_Person("Not/AZone")) == timezones.STATION_TZ
    assert timezones.user_zone(object()) == timezones.STATION_TZ
    assert timezones.display_zone_name(_Person("")) == "Asia/Shanghai"


def test_zone_labels_and_display_conversion():
    with translation.override("zh-hans"):
        assert timezones.zone_label(timezones.STATION_TZ) == "北京时间"
    assert timezones.zone_label(ZoneInfo("Europe/London")) == "Europe/London"
    instant = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)
    assert timezones.station_time(instant).isoformat() == "2027-01-01T00:30:00+08:00"
    assert timezones.station_date(instant) == dt.date(2027, 1, 1)
    assert timezones.in_zone(instant, NEW_YORK).isoformat() == "2026-12-31T11:30:00-05:00"
    assert timezones.station_midnight(dt.date(2027, 1, 1)) == dt.datetime(
        2026, 12, 31, 16, 0, tzinfo=dt.UTC)


def test_the_timezone_module_imports_no_models():
    """bookings.slots, the pure engine, imports it."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(timezones.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                 for a in n.names}
    assert not any("models" in name or name.startswith(("portal", "bookings", "courses"))
                   for name in imported), imported


@pytest.mark.parametrize("instant", [
    "2027-01-31T15:59:59+00:00",  # 23:59:59 in Shanghai
    "2027-01-31T16:00:00+00:00",  # midnight
    "2028-02-28T16:00:01+00:00",  # 29 February
])
def test_station_today_follows_the_clock_across_midnight_both_ways(instant):
    from django.utils import timezone

    from portal.timezones import station_today

    start = dt.datetime.fromisoformat(instant)
    with time_machine.travel(start, tick=False) as clock:
        assert station_today() == timezone.localdate()
        clock.shift(dt.timedelta(seconds=1))
        assert station_today() == timezone.localdate()
        clock.shift(dt.timedelta(days=-3))
        assert station_today() == timezone.localdate()
