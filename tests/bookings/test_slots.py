"""The pure slot engine: examples at the edges, and properties with Hypothesis."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.slots import (
    STATION_TZ,
    Closure,
    ExtraHours,
    Interval,
    LocalTimeError,
    Policy,
    Slot,
    WeeklyRule,
    aware_from_local,
    free_slots,
)

MONDAY = dt.date(2026, 12, 7)  # a Monday
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=STATION_TZ)
FIFTY = dt.timedelta(minutes=50)
NO_BUFFER = Policy(granularity_minutes=30, min_notice=dt.timedelta(hours=12),
                   horizon=dt.timedelta(days=42), buffer_after=dt.timedelta(0))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STATION_TZ)


def starts(slots):
    return [s.start.strftime("%m-%d %H:%M") for s in slots]


def test_weekly_rule_gives_aligned_slots_that_fit_inside_the_hours():
    slots = free_slots(
        start_date=MONDAY, end_date=MONDAY, duration=FIFTY, now=NOW, policy=NO_BUFFER,
        rules=[WeeklyRule(0, dt.time(9, 0), dt.time(11, 0))],
    )
    assert starts(slots) == ["12-07 09:00", "12-07 09:30", "12-07 10:00"]
    assert slots[0] == Slot(at(MONDAY, 9), at(MONDAY, 9, 50))
    assert slots[0].start.tzinfo == STATION_TZ


def test_rule_on_another_weekday_or_outside_its_validity_gives_nothing():
    common = {"start_date": MONDAY, "end_date": MONDAY, "duration": FIFTY, "now": NOW,
              "policy": NO_BUFFER}
    assert free_slots(**common, rules=[WeeklyRule(1, dt.time(9), dt.time(12))]) == []
    assert free_slots(**common, rules=[WeeklyRule(
        0, dt.time(9), dt.time(12), valid_from=MONDAY + dt.timedelta(days=1))]) == []
    assert free_slots(**common, rules=[WeeklyRule(
        0, dt.time(9), dt.time(12), valid_to=MONDAY - dt.timedelta(days=1))]) == []


def test_window_start_off_the_grid_rounds_up():
    slots = free_slots(
        start_date=MONDAY, end_date=MONDAY, duration=dt.timedelta(minutes=30), now=NOW,
        policy=NO_BUFFER, rules=[WeeklyRule(0, dt.time(9, 10), dt.time(10, 30))],
    )
    assert starts(slots) == ["12-07 09:30", "12-07 10:00"]


def test_touching_rules_merge_so_a_session_may_span_them():
    slots = free_slots(
        start_date=MONDAY, end_date=MONDAY, duration=dt.timedelta(minutes=90), now=NOW,
        policy=NO_BUFFER, rules=[WeeklyRule(0, dt.time(9), dt.time(10)),
                                 WeeklyRule(0, dt.time(10), dt.time(10, 30))],
    )
    assert starts(slots) == ["12-07 09:00"]


def test_extra_hours_add_a_window_on_their_date_only():
    tuesday = MONDAY + dt.timedelta(days=1)
    slots = free_slots(
        start_date=MONDAY, end_date=tuesday, duration=FIFTY, now=NOW, policy=NO_BUFFER,
        extra_hours=[ExtraHours(tuesday, dt.time(18), dt.time(19))],
    )
    assert starts(slots) == ["12-08 18:00"]


def test_busy_interval_with_buffer_blocks_overlapping_starts_back_to_back_allowed():
    policy = Policy(granularity_minutes=30, min_notice=dt.timedelta(0),
                    horizon=dt.timedelta(days=42), buffer_after=dt.timedelta(minutes=10))
    # An existing session 10:00–10:50 holding until 11:00 (its buffer).
    busy = [Interval(at(MONDAY, 10), at(MONDAY, 11))]
    slots = free_slots(
        start_date=MONDAY, end_date=MONDAY, duration=FIFTY, now=NOW, policy=policy,
        rules=[WeeklyRule(0, dt.time(9), dt.time(12))], busy=busy,
    )
    # 09:00 holds 09:00–10:00 (50 min + 10 buffer): ends exactly at 10:00, allowed.
    # 09:30 would hold until 10:30: refused. 11:00 starts when the hold ends.
    assert starts(slots) == ["12-07 09:00", "12-07 11:00"]


def test_time_off_blocks_and_closure_removes_the_whole_day():
    common = {"duration": FIFTY, "now": NOW, "policy": NO_BUFFER,
              "rules": [WeeklyRule(0, dt.time(9), dt.time(12)),
                        WeeklyRule(1, dt.time(9), dt.time(12))]}
    tuesday = MONDAY + dt.timedelta(days=1)
    slots = free_slots(start_date=MONDAY, end_date=tuesday, **common,
                       time_off=[Interval(at(MONDAY, 9), at(MONDAY, 11))],
                       closures=[Closure(tuesday, tuesday)])
    assert starts(slots) == ["12-07 11:00"]


def test_min_notice_and_horizon_bound_the_starts():
    now = at(MONDAY, 7)
    policy = Policy(granularity_minutes=60, min_notice=dt.timedelta(hours=3),
                    horizon=dt.timedelta(days=1, hours=3), buffer_after=dt.timedelta(0))
    slots = free_slots(
        start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=3), duration=FIFTY,
        now=now, policy=policy,
        rules=[WeeklyRule(d, dt.time(8), dt.time(12)) for d in range(7)],
    )
    # Not before 10:00 Monday (now + 3 h); not after 10:00 Tuesday (now + 27 h).
    assert starts(slots) == ["12-07 10:00", "12-07 11:00", "12-08 08:00",
                             "12-08 09:00", "12-08 10:00"]


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        free_slots(start_date=MONDAY, end_date=MONDAY, duration=FIFTY,
                   now=NOW.replace(tzinfo=None), policy=NO_BUFFER)


# --- properties ------------------------------------------------------------------

times = st.integers(min_value=0, max_value=23 * 4).map(
    lambda q: dt.time(q // 4, (q % 4) * 15))


@st.composite
def weekly_rules(draw):
    rules = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(times)
        length = draw(st.integers(1, 12)) * 30
        end_minutes = min(start.hour * 60 + start.minute + length, 23 * 60 + 59)
        end = dt.time(end_minutes // 60, end_minutes % 60)
        if end <= start:
            continue
        rules.append(WeeklyRule(draw(st.integers(0, 6)), start, end))
    return rules


@st.composite
def intervals(draw):
    day = MONDAY + dt.timedelta(days=draw(st.integers(-1, 14)))
    start = at(day, 0) + dt.timedelta(minutes=draw(st.integers(0, 24 * 60 - 1)))
    return Interval(start, start + dt.timedelta(minutes=draw(st.integers(1, 8 * 60))))


@st.composite
def extra_hours(draw):
    day = MONDAY + dt.timedelta(days=draw(st.integers(0, 13)))
    start = draw(times)
    end = dt.time(min(23, start.hour + draw(st.integers(1, 4))), start.minute)
    return ExtraHours(day, start, end) if end > start else ExtraHours(
        day, dt.time(8), dt.time(9))


policies = st.builds(
    Policy,
    granularity_minutes=st.sampled_from([5, 10, 15, 20, 30, 60]),
    min_notice=st.integers(0, 72).map(lambda h: dt.timedelta(hours=h)),
    horizon=st.integers(1, 20).map(lambda d: dt.timedelta(days=d)),
    buffer_after=st.sampled_from([0, 5, 10, 15, 30]).map(lambda m: dt.timedelta(minutes=m)),
)


@st.composite
def scenarios(draw):
    return {
        "start_date": MONDAY,
        "end_date": MONDAY + dt.timedelta(days=draw(st.integers(0, 13))),
        "duration": dt.timedelta(minutes=draw(st.sampled_from([30, 50, 60, 90]))),
        "now": at(MONDAY, 0) + dt.timedelta(minutes=draw(st.integers(-3 * 24 * 60,
                                                                     5 * 24 * 60))),
        "policy": draw(policies),
        "rules": draw(weekly_rules()),
        "extra_hours": draw(st.lists(extra_hours(), max_size=3)),
        "time_off": draw(st.lists(intervals(), max_size=3)),
        "busy": draw(st.lists(intervals(), max_size=6)),
        "closures": [
            Closure(d, d) for d in draw(st.lists(
                st.integers(0, 13).map(lambda n: MONDAY + dt.timedelta(days=n)),
                max_size=2))
        ],
    }


def inside_a_window(slot: Slot, sc) -> bool:
    day = slot.start.date()
    start, end = slot.start.timetz().replace(tzinfo=None), slot.end.timetz().replace(
        tzinfo=None)
    if slot.end.date() != day:
        return False
    windows = [(r.start, r.end) for r in sc["rules"] if r.applies_on(day)] + [
        (e.start, e.end) for e in sc["extra_hours"] if e.date == day]
    # Windows may touch; a slot covering touching windows is inside their union.
    minute = start
    covered = True
    while minute < end:
        if not any(ws <= minute < we for ws, we in windows):
            covered = False
            break
        minute = (dt.datetime.combine(day, minute) + dt.timedelta(minutes=1)).time()
        if minute == dt.time(0):
            break
    return covered


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_properties_of_every_offered_slot(sc):
    slots = free_slots(**sc)
    policy = sc["policy"]
    hold = sc["duration"] + policy.buffer_after
    assert slots == sorted(slots)
    for slot in slots:
        assert slot.start.tzinfo == STATION_TZ
        assert slot.end - slot.start == sc["duration"]
        local = slot.start.astimezone(STATION_TZ)
        assert sc["start_date"] <= local.date() <= sc["end_date"]
        assert (local.hour * 60 + local.minute) % policy.granularity_minutes == 0
        assert local.second == 0
        assert slot.start >= sc["now"] + policy.min_notice
        assert slot.start <= sc["now"] + policy.horizon
        assert not any(c.covers(local.date()) for c in sc["closures"])
        for interval in [*sc["busy"], *sc["time_off"]]:
            assert not interval.overlaps(slot.start, slot.start + hold), (slot, interval)
        assert inside_a_window(slot, sc), slot


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_without_anything_blocking_every_aligned_window_start_is_offered(sc):
    """Completeness: with no busy time, closures, notice, the first grid point of a
    window that fits the session is offered."""
    sc = {**sc, "busy": [], "time_off": [], "closures": [],
          "now": at(MONDAY, 0) - dt.timedelta(days=1),
          "policy": Policy(granularity_minutes=sc["policy"].granularity_minutes,
                           min_notice=dt.timedelta(0), horizon=dt.timedelta(days=60),
                           buffer_after=sc["policy"].buffer_after)}
    offered = {s.start for s in free_slots(**sc)}
    step = sc["policy"].granularity_minutes
    for rule in sc["rules"]:
        day = MONDAY + dt.timedelta(days=rule.weekday)
        if day > sc["end_date"]:
            continue
        first = -(-(rule.start.hour * 60 + rule.start.minute) // step) * step
        if first + sc["duration"].total_seconds() / 60 <= rule.end.hour * 60 + rule.end.minute:
            assert at(day, 0) + dt.timedelta(minutes=first) in offered


# --- local times in a viewer's zone ----------------------------------------------


def test_local_time_in_shanghai_is_attached_without_change():
    value = aware_from_local(dt.datetime(2026, 12, 7, 9, 30), "Asia/Shanghai")
    assert value == at(MONDAY, 9, 30)


def test_nonexistent_local_time_is_refused():
    # 2026-03-08 02:30 does not exist in New York (clocks jump 02:00 → 03:00).
    with pytest.raises(LocalTimeError) as exc:
        aware_from_local(dt.datetime(2026, 3, 8, 2, 30), "America/New_York")
    assert exc.value.code == "nonexistent"


def test_ambiguous_local_time_is_refused():
    # 2026-11-01 01:30 happens twice in New York (clocks turn back 02:00 → 01:00).
    with pytest.raises(LocalTimeError) as exc:
        aware_from_local(dt.datetime(2026, 11, 1, 1, 30), "America/New_York")
    assert exc.value.code == "ambiguous"


def test_ordinary_time_abroad_gets_that_zones_offset():
    value = aware_from_local(dt.datetime(2026, 7, 1, 9, 0), "Europe/London")
    assert value.utcoffset() == dt.timedelta(hours=1)
    assert value.tzinfo == ZoneInfo("Europe/London")


def test_unknown_zone_is_refused():
    with pytest.raises(LocalTimeError) as exc:
        aware_from_local(dt.datetime(2026, 7, 1, 9, 0), "Mars/Olympus")
    assert exc.value.code == "invalid_timezone"
