"""Pooled booking: "the next available counsellor for this topic", pure.

No models are imported here, as in `bookings.slots`. The caller
(``bookings.pool_selectors``) picks the counsellors who cover the topic, asks
the slot engine for each one's free slots and passes them in, keyed by
counsellor id; :func:`pooled_slots` offers their union. On booking,
:func:`pick_counsellor` chooses among the counsellors free at the chosen slot
by the fair rule, from each one's load read in one query
(``pool_selectors.counsellor_load``).

The fair rule, in order:

1. the fewest upcoming sessions;
2. then the longest since the last booking was made (never booked counts as
   the longest of all);
3. then the smallest key (the counsellor's pk), so the choice is never left to
   the order the candidates arrive in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from bookings.slots import Slot

K = TypeVar("K", bound=Hashable)

NO_CANDIDATES = "No counsellor is free at this time."
LOAD_MISSING = "The load of counsellor {key!r} is missing."
MIXED_DURATIONS = (
    "Slots starting at {start} end at different times: one session type only."
)

# Sorts before any aware datetime: never booked is the longest since a booking.
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


class NoFreeCounsellor(ValueError):
    """`pick_counsellor` was given no one to choose from."""


@dataclass(frozen=True, order=True)
class PooledSlot(Generic[K]):
    """A slot of the pool and the counsellors free at it (sorted, never empty)."""

    start: dt.datetime
    end: dt.datetime
    counsellors: tuple[K, ...]

    @property
    def slot(self) -> Slot:
        return Slot(start=self.start, end=self.end)


# (upcoming sessions, when the last booking was made or None)
Load = tuple[int, dt.datetime | None]


def pooled_slots(free_by_counsellor: Mapping[K, Iterable[Slot]]) -> list[PooledSlot[K]]:
    """The union of every counsellor's free slots, each slot once, sorted by start.

    Each carries exactly the counsellors whose own list holds it. Slots of one
    session type share their duration, so a start appears once; slots that
    start together but end apart are refused (``ValueError``), since no single
    booking could be offered for both.
    """
    free_at: dict[dt.datetime, tuple[dt.datetime, set[K]]] = {}
    for key, slots in free_by_counsellor.items():
        for slot in slots:
            end, keys = free_at.setdefault(slot.start, (slot.end, set()))
            if end != slot.end:
                raise ValueError(MIXED_DURATIONS.format(start=slot.start.isoformat()))
            keys.add(key)
    return [
        PooledSlot(start=start, end=end, counsellors=tuple(sorted(keys)))
        for start, (end, keys) in sorted(free_at.items())
    ]


def fair_order(key: K, load: Load) -> tuple:
    """The sort key of the fair rule: smaller is picked first."""
    upcoming, last_booked_at = load
    return (upcoming, last_booked_at is not None, last_booked_at or _NEVER, key)


def pick_counsellor(candidates: Iterable[K], load: Mapping[K, Load]) -> K:
    """The counsellor the fair rule assigns among ``candidates`` (those free at
    the slot): see the module docstring.

    ``load`` maps each candidate to (upcoming sessions, when their last booking
    was made, or None). Raises `NoFreeCounsellor` for no candidates and
    ``KeyError`` for a candidate without a load: guessing "no bookings" would
    quietly give them the next session.
    """
    chosen = None
    best = None
    for key in candidates:
        if key not in load:
            raise KeyError(LOAD_MISSING.format(key=key))
        order = fair_order(key, load[key])
        if best is None or order < best:
            chosen, best = key, order
    if best is None:
        raise NoFreeCounsellor(NO_CANDIDATES)
    return chosen
