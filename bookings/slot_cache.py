"""Cached free slots, keyed by schedule versions (issue 6: slot search speed).

Every counsellor has a schedule version in the cache, and the station has
one more; any write that can change someone's free slots replaces a version
(`bookings.signals`): a counsellor's rules, exceptions, time off, bookings
and the counsellor row bump theirs; closures, the booking policy, session
types and workshops bump the station's. A cached list is only ever read
under the versions it was computed with, so a change shows at once.

"Now" moves while a list sits in the cache: lists are computed for the
whole day (as if it were local midnight, with no minimum notice and a day
of extra horizon), and `filter_for_now` drops, at every read, the slots
inside the minimum notice or beyond the horizon at the actual moment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable

from bookings import versions as version_numbers

STATION_KEY = "bookings:slots:v:station"
# Entries are cheap to recompute; a day bounds the memory of old versions.
TIMEOUT_SECONDS = 24 * 3600


def counsellor_key(counsellor_id: int) -> str:
    return f"bookings:slots:v:c{counsellor_id}"


def versions(counsellor_ids: Iterable[int]) -> tuple[int, dict[int, int]]:
    """(station version, {counsellor id: version}) in one or two cache calls."""
    ids = list(counsellor_ids)
    found = version_numbers.read_many([STATION_KEY, *(counsellor_key(c) for c in ids)])
    return found[STATION_KEY], {cid: found[counsellor_key(cid)] for cid in ids}


def bump_counsellor(counsellor_id: int | None) -> None:
    if counsellor_id:
        version_numbers.bump(counsellor_key(counsellor_id))


def bump_station() -> None:
    version_numbers.bump(STATION_KEY)


def entry_key(*, counsellor_id: int, version: int, station: int, session_type_id: int,
              start_date: dt.date, end_date: dt.date, day: dt.date, shape: str) -> str:
    raw = (f"{counsellor_id}|{version}|{station}|{session_type_id}|{start_date}|"
           f"{end_date}|{day}|{shape}")
    return "bookings:slots:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


# --- Per-process copy of recent lists -------------------------------------------
# Keys carry the versions, read from the shared cache at every search, so a
# process never uses a list older than the latest write; this only saves the
# second round trip and unpickling ~500 slots.
LOCAL_ENTRIES = 512
_entries: OrderedDict[str, list] = OrderedDict()
_entries_lock = threading.Lock()


def local_get(key: str) -> list | None:
    with _entries_lock:
        value = _entries.get(key)
        if value is not None:
            _entries.move_to_end(key)
        return value


def local_put(key: str, value: list) -> None:
    with _entries_lock:
        _entries[key] = value
        _entries.move_to_end(key)
        while len(_entries) > LOCAL_ENTRIES:
            _entries.popitem(last=False)
