"""The rotation rule of backups: which files go, from fixed dates only."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.ops.backup_rotation import backups_to_delete, backups_to_keep, group_key

# A Monday; ISO weeks start on Mondays.
MONDAY = dt.datetime(2027, 3, 1, 3, 0)


def nightly(days: int, *, start: dt.datetime = MONDAY) -> dict[str, dt.datetime]:
    """One backup a night for `days` nights, named by their date."""
    return {f"b-{start + dt.timedelta(days=i):%Y-%m-%d}": start + dt.timedelta(days=i)
            for i in range(days)}


def test_seventy_nightly_backups_keep_fourteen_days_and_eight_weeks():
    taken = nightly(70)  # 1 March .. 9 May 2027, ten full ISO weeks
    kept = backups_to_keep(taken, keep_daily=14, keep_weekly=8)
    daily = {f"b-{dt.date(2027, 5, 9) - dt.timedelta(days=i):%Y-%m-%d}" for i in range(14)}
    # The Sunday of each of the last eight weeks: 9 May back to 21 March.
    weekly = {f"b-{dt.date(2027, 5, 9) - dt.timedelta(weeks=i):%Y-%m-%d}" for i in range(8)}
    assert kept == daily | weekly
    assert len(kept) == 14 + 6  # two of the Sundays are among the fourteen days
    assert "b-2027-03-14" not in kept  # the Sunday of week 10 back
    assert backups_to_delete(taken, keep_daily=14, keep_weekly=8) == set(taken) - kept


@pytest.mark.parametrize(("taken", "keep_daily", "keep_weekly", "deleted"), [
    # Nothing to rotate.
    ({}, 14, 8, set()),
    # Two runs on one day: the later one stays.
    ({"a": dt.datetime(2027, 3, 1, 3), "b": dt.datetime(2027, 3, 1, 15)}, 14, 8, {"a"}),
    # A month without backups: the three before it are still the last three days.
    ({"jan1": dt.datetime(2027, 1, 1), "jan2": dt.datetime(2027, 1, 2),
      "jan3": dt.datetime(2027, 1, 3), "feb9": dt.datetime(2027, 2, 9)}, 3, 0, {"jan1"}),
    # Keeping nothing still keeps the newest.
    ({"old": dt.datetime(2027, 3, 1), "new": dt.datetime(2027, 3, 2)}, 0, 0, {"old"}),
    # Sunday 7 March and Monday 8 March are different ISO weeks.
    ({"sat": dt.datetime(2027, 3, 6), "sun": dt.datetime(2027, 3, 7),
      "mon": dt.datetime(2027, 3, 8)}, 1, 2, {"sat"}),
    # A week across the new year: 31 Dec 2027 (Fri) and 2 Jan 2028 (Sun) share
    # ISO week 52 of 2027.
    ({"dec31": dt.datetime(2027, 12, 31), "jan2": dt.datetime(2028, 1, 2)}, 0, 1,
     {"dec31"}),
])
def test_table(taken, keep_daily, keep_weekly, deleted):
    assert backups_to_delete(taken, keep_daily=keep_daily,
                             keep_weekly=keep_weekly) == deleted


def test_a_series_is_the_name_without_date_compression_or_encryption():
    stamp = "2027-03-01-030000"
    assert group_key(f"default-host-{stamp}.psql.bin.gz.gpg", stamp) == \
        "default-host-{datetime}.psql.bin"
    assert group_key(f"default-host-{stamp}.psql.bin", stamp) == \
        "default-host-{datetime}.psql.bin"
    assert group_key(f"host-{stamp}.tar.gz", stamp) == "host-{datetime}.tar"


instants = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2029, 12, 31))
series = st.dictionaries(st.text("abcdef0123", min_size=1, max_size=6), instants, max_size=60)
counts = st.integers(min_value=0, max_value=20)


@settings(max_examples=200, deadline=None)
@given(taken=series, keep_daily=counts, keep_weekly=counts)
def test_properties(taken, keep_daily, keep_weekly):
    kept = backups_to_keep(taken, keep_daily=keep_daily, keep_weekly=keep_weekly)
    deleted = backups_to_delete(taken, keep_daily=keep_daily, keep_weekly=keep_weekly)
    assert kept | deleted == set(taken)
    assert not kept & deleted
    if taken:
        assert max(taken, key=lambda n: (taken[n], n)) in kept
        assert 1 <= len(kept) <= max(1, keep_daily + keep_weekly)
    # Each of the last `keep_daily` days with a backup keeps exactly one.
    days = sorted({at.date() for at in taken.values()}, reverse=True)[:keep_daily]
    for day in days:
        assert sum(1 for n in kept if taken[n].date() == day) == 1
    # Running the rule again on what is left deletes nothing more.
    survivors = {n: taken[n] for n in kept}
    assert backups_to_delete(survivors, keep_daily=keep_daily,
                             keep_weekly=keep_weekly) == set()
