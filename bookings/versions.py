"""Version numbers in the shared cache that writes replace.

The free-slot lists, the slot answers, the feed states and bodies are all
stored under the version numbers current when their rows were read. A write
that changes those rows replaces the number (`bump`), so nothing stored
before it is ever taken for current again. Shared by `bookings.slot_cache`,
`bookings.feed_cache` and `bookings.api_cache`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction


def fresh() -> int:
    return time.time_ns()


def bump(key: str) -> None:
    cache.set(key, fresh(), None)
    # Again once the write is visible to other connections: a value computed
    # meanwhile from the old rows must not stay current under the new number.
    transaction.on_commit(lambda: cache.set(key, fresh(), None))


def read_many(keys: Iterable[str]) -> dict[str, int]:
    """The current number under each key, in one or two cache calls; read them
    before the rows they guard."""
    keys = list(keys)
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        # add(), not set(): a number a writer put there meanwhile must win.
        for key in missing:
            cache.add(key, fresh(), None)
        found.update(cache.get_many(missing))
    # A number that cannot be read (no cache) is one nothing was stored
    # under, so no earlier value is ever taken for current.
    return {k: found.get(k) or fresh() for k in keys}


def read(key: str) -> int:
    return read_many([key])[key]
