"""Pooled booking, pure: the union of free slots and the fair rule, by example
and with Hypothesis."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.pool import (
    NO_CANDIDATES,
    NoFreeCounsellor,
    PooledSlot,
    pick_counsellor,
    pooled_slots,
)
from bookings.slots import STATION_TZ, Slot

MONDAY = dt.date(2026, 12, 7)
FIFTY = dt.timedelta(minutes=50)
TOPICS = ("crisis", "family", "autism")


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STATION_TZ)


def slot(hour: int, minute: int = 0) -> Slot:
    return Slot(at(hour, minute), at(hour, minute) + FIFTY)


# --- the union, by example ------------------------------------------------------


def test_union_lists_each_slot_once_with_everyone_free_at_it():
    pooled = pooled_slots(
        {
            7: [slot(9), slot(10)],
            3: [slot(10), slot(11)],
            5: [],
        }
    )
    assert pooled == [
        PooledSlot(at(9), at(9, 50), (7,)),
        PooledSlot(at(10), at(10, 50), (3, 7)),
        PooledSlot(at(11), at(11, 50), (3,)),
    ]
    assert pooled[1].slot == slot(10)


def test_union_of_nobody_is_empty():
    assert pooled_slots({}) == []
    assert pooled_slots({1: [], 2: []}) == []


def test_a_slot_listed_twice_for_one_counsellor_names_them_once():
    assert pooled_slots({4: [slot(9), slot(9)]}) == [PooledSlot(at(9), at(9, 50), (4,))]


def test_slots_starting_together_but_ending_apart_are_refused():
    with pytest.raises(ValueError, match="end at different times"):
        pooled_slots({1: [slot(9)], 2: [Slot(at(9), at(10, 30))]})


# --- the fair rule, by example --------------------------------------------------

NOON = at(12)


def test_fewest_upcoming_sessions_wins_whatever_the_last_booking():
    load = {1: (3, None), 2: (1, NOON), 3: (2, None)}
    assert pick_counsellor([1, 2, 3], load) == 2


def test_equal_load_goes_to_the_longest_since_the_last_booking():
    load = {1: (2, NOON), 2: (2, NOON - dt.timedelta(days=3)), 3: (2, NOON)}
    assert pick_counsellor([1, 2, 3], load) == 2


def test_never_booked_counts_as_the_longest_since_a_booking():
    long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    load = {1: (0, long_ago), 2: (0, None)}
    assert pick_counsellor([1, 2], load) == 2


def test_equal_load_and_last_booking_go_to_the_smallest_pk():
    assert pick_counsellor([9, 4, 6], {9: (1, NOON), 4: (1, NOON), 6: (1, NOON)}) == 4
    assert pick_counsellor([9, 4, 6], {9: (0, None), 4: (0, None), 6: (0, None)}) == 4


def test_the_last_booking_is_compared_as_an_instant_not_as_wall_time():
    shanghai = dt.datetime(2026, 12, 1, 9, 0, tzinfo=STATION_TZ)  # 01:00 UTC
    utc = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
    assert pick_counsellor([1, 2], {1: (0, utc), 2: (0, shanghai)}) == 2


def test_only_the_candidates_are_considered():
    load = {1: (0, None), 2: (5, NOON)}
    assert pick_counsellor([2], load) == 2


def test_no_candidates_is_a_clear_error():
    with pytest.raises(NoFreeCounsellor, match=NO_CANDIDATES):
        pick_counsellor([], {1: (0, None)})
    assert NO_CANDIDATES == "No counsellor is free at this time."


def test_a_candidate_without_a_load_is_an_error_not_a_guess():
    with pytest.raises(KeyError, match="counsellor 2"):
        pick_counsellor([1, 2], {1: (4, NOON)})


# --- properties -----------------------------------------------------------------

slot_hours = st.sets(st.integers(min_value=8, max_value=19), max_size=8)
instants = st.none() | st.datetimes(
    min_value=dt.datetime(2026, 1, 1),
    max_value=dt.datetime(2026, 12, 31),
    timezones=st.just(dt.UTC),
)
loads = st.tuples(st.integers(min_value=0, max_value=6), instants)


@st.composite
def counsellors(draw):
    """{pk: (topics, free slots, load)} for a handful of counsellors."""
    pks = draw(st.sets(st.integers(min_value=1, max_value=60), min_size=1, max_size=7))
    return {
        pk: (
            draw(st.frozensets(st.sampled_from(TOPICS))),
            [slot(hour) for hour in sorted(draw(slot_hours))],
            draw(loads),
        )
        for pk in pks
    }


def pool_for(people, topic):
    """What the selector passes in: the free slots of those who cover ``topic``."""
    return {pk: free for pk, (topics, free, _) in people.items() if topic in topics}


@settings(max_examples=200, deadline=None)
@given(people=counsellors(), topic=st.sampled_from(TOPICS))
def test_union_has_each_start_once_and_exact_free_sets(people, topic):
    free = pool_for(people, topic)
    pooled = pooled_slots(free)
    starts = [p.start for p in pooled]
    assert starts == sorted(set(starts))
    assert {p.slot for p in pooled} == {s for slots in free.values() for s in slots}
    for p in pooled:
        assert set(p.counsellors) == {
            pk for pk, slots in free.items() if p.slot in slots
        }
        assert list(p.counsellors) == sorted(p.counsellors)


@settings(max_examples=200, deadline=None)
@given(people=counsellors(), topic=st.sampled_from(TOPICS))
def test_assigns_only_a_counsellor_with_the_topic_who_is_free_then(people, topic):
    load = {pk: person[2] for pk, person in people.items()}
    for p in pooled_slots(pool_for(people, topic)):
        chosen = pick_counsellor(p.counsellors, load)
        topics, free, _ = people[chosen]
        assert topic in topics
        assert p.slot in free


@settings(max_examples=200, deadline=None)
@given(people=counsellors(), data=st.data())
def test_the_choice_is_the_fair_minimum_whatever_the_order(people, data):
    load = {pk: person[2] for pk, person in people.items()}
    candidates = data.draw(st.permutations(list(people)))
    chosen = pick_counsellor(candidates, load)
    assert chosen == pick_counsellor(list(reversed(candidates)), load)
    assert chosen == pick_counsellor(sorted(candidates), dict(load))
    upcoming, last = load[chosen]
    for pk in candidates:
        other_upcoming, other_last = load[pk]
        assert upcoming <= other_upcoming
        if other_upcoming == upcoming:
            if last is not None:
                # Nobody never booked, and nobody booked longer ago, is passed over.
                assert other_last is not None
                assert last <= other_last
            if other_last == last:
                assert chosen <= pk


def assign(n, load, start):
    """`n` sequential bookings to counsellors free at every slot, a minute apart."""
    load = dict(load)
    for i in range(n):
        chosen = pick_counsellor(list(load), load)
        upcoming, _ = load[chosen]
        load[chosen] = (upcoming + 1, start + dt.timedelta(minutes=i))
    return load


@settings(max_examples=200, deadline=None)
@given(
    k=st.integers(min_value=1, max_value=8), n=st.integers(min_value=0, max_value=60)
)
def test_sequential_bookings_spread_evenly_over_an_always_free_pool(k, n):
    final = assign(n, dict.fromkeys(range(1, k + 1), (0, None)), at(9))
    counts = [upcoming for upcoming, _ in final.values()]
    assert sum(counts) == n
    assert max(counts) - min(counts) <= 1


@settings(max_examples=200, deadline=None)
@given(
    initial=st.dictionaries(
        st.integers(min_value=1, max_value=40), loads, min_size=1, max_size=6
    ),
    n=st.integers(min_value=0, max_value=40),
)
def test_sequential_bookings_never_widen_an_uneven_load(initial, n):
    final = assign(n, initial, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    before = [upcoming for upcoming, _ in initial.values()]
    after = [upcoming for upcoming, _ in final.values()]
    assert max(after) - min(after) <= max(max(before) - min(before), 1)
    # Each booking went to someone at the lowest count, so the lowest never falls.
    assert min(after) >= min(before)


def test_sequential_bookings_rotate_through_an_idle_pool_by_pk():
    load = dict.fromkeys((30, 10, 20), (0, None))
    order = []
    for i in range(6):
        chosen = pick_counsellor(list(load), load)
        order.append(chosen)
        load[chosen] = (load[chosen][0] + 1, at(9) + dt.timedelta(minutes=i))
    assert order == [10, 20, 30, 10, 20, 30]


def test_the_rule_imports_no_django_and_no_models():
    import ast
    import inspect

    from bookings import pool

    tree = ast.parse(inspect.getsource(pool))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {m for m in imported if m.startswith("django") or m.endswith("models")}
    assert "bookings.slots" in imported
