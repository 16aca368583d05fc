"""Which old backups to delete: a pure rule over names and times, no I/O.

The rule (restic's and borg's `--keep-daily N --keep-weekly M`):

- the newest backup of each of the `keep_daily` most recent *days that have a
  backup* is kept;
- the newest backup of each of the `keep_weekly` most recent *ISO weeks that
  have a backup* (Monday to Sunday) is kept;
- the newest backup of all is always kept;
- everything else is deleted.

Counting days and weeks that have a backup, not calendar days back from
today, means a pause in backups (a broken cron, a holiday) never makes the
next run delete the last good copies. Times are the backups' own (the local
time written in their names); the rule never reads the clock. Each kind of
backup (the database, the media archive) is rotated on its own: see
`group_key`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

# Suffixes that change with settings, not with what was backed up: turning
# compression or encryption on must not start a second, unrotated series.
_TRANSFORM_SUFFIX = re.compile(r"(\.gz|\.gpg)+$")


def group_key(name: str, stamp: str) -> str:
    """The series a backup file belongs to: its name without its date and
    without `.gz`/`.gpg`, e.g. `default-host-{datetime}.psql.bin`."""
    return _TRANSFORM_SUFFIX.sub("", name.replace(stamp, "{datetime}", 1))


def _newest_per(taken: Mapping[str, dt.datetime], period, count: int) -> set[str]:
    """The newest name in each of the `count` most recent periods."""
    newest: dict[object, tuple[dt.datetime, str]] = {}
    for name, at in taken.items():
        key = period(at)
        if key not in newest or (at, name) > newest[key]:
            newest[key] = (at, name)
    recent = sorted(newest, reverse=True)[:max(count, 0)]
    return {newest[key][1] for key in recent}


def _day(at: dt.datetime) -> dt.date:
    return at.date()


def _iso_week(at: dt.datetime) -> tuple[int, int]:
    year, week, _weekday = at.isocalendar()
    return year, week


def backups_to_keep(taken: Mapping[str, dt.datetime], *, keep_daily: int,
                    keep_weekly: int) -> set[str]:
    """The names of one series that the rule keeps (see the module docstring)."""
    if not taken:
        return set()
    newest = max(taken, key=lambda name: (taken[name], name))
    return ({newest}
            | _newest_per(taken, _day, keep_daily)
            | _newest_per(taken, _iso_week, keep_weekly))


def backups_to_delete(taken: Mapping[str, dt.datetime], *, keep_daily: int,
                      keep_weekly: int) -> set[str]:
    """The names of one series that the rule deletes: all the others."""
    return set(taken) - backups_to_keep(taken, keep_daily=keep_daily,
                                        keep_weekly=keep_weekly)
