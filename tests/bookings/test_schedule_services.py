"""Writes to working hours, extra hours, time off and closures, and their conflicts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bookings import schedule_services as ss
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    StationClosure,
    TimeOff,
)
from bookings.selectors import free_slots
from tests.bookings.web_setup import booking_at, day_ahead, local, working_counsellor
from tests.factories import CounsellorFactory, SessionTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_rule_add_creates_the_rule_and_opens_slots():
    counsellor = CounsellorFactory()
    session_type = SessionTypeFactory(counsellors=[counsellor])
    day = day_ahead(3)
    assert free_slots(counsellor=counsellor, session_type=session_type,
                      start_date=day, end_date=day) == []
    change = ss.rule_add(counsellor=counsellor, weekday=day.weekday(),
                         start_time=dt.time(14), end_time=dt.time(16))
    assert isinstance(change.obj, AvailabilityRule)
    assert change.conflicts == []
    starts = [s.start for s in free_slots(counsellor=counsellor, session_type=session_type,
                                          start_date=day, end_date=day)]
    assert starts == [local(day, 14), local(day, 14, 30), local(day, 15)]


def test_overlapping_rules_on_the_same_day_are_refused():
    counsellor = CounsellorFactory()
    ss.rule_add(counsellor=counsellor, weekday=2, start_time=dt.time(9),
                end_time=dt.time(12))
    with pytest.raises(ValidationError) as exc:
        ss.rule_add(counsellor=counsellor, weekday=2, start_time=dt.time(11),
                    end_time=dt.time(13))
    assert exc.value.message_dict == {"start_time": [str(ss.OVERLAPPING_RULE)]}
    # Back to back is fine, and so is another day.
    ss.rule_add(counsellor=counsellor, weekday=2, start_time=dt.time(12),
                end_time=dt.time(13))
    ss.rule_add(counsellor=counsellor, weekday=3, start_time=dt.time(11),
                end_time=dt.time(13))
    assert AvailabilityRule.objects.filter(counsellor=counsellor).count() == 3


def test_rules_in_disjoint_periods_may_share_hours():
    counsellor = CounsellorFactory()
    ss.rule_add(counsellor=counsellor, weekday=1, start_time=dt.time(9),
                end_time=dt.time(12), valid_to=dt.date(2027, 1, 31))
    ss.rule_add(counsellor=counsellor, weekday=1, start_time=dt.time(9),
                end_time=dt.time(12), valid_from=dt.date(2027, 2, 1))
    with pytest.raises(ValidationError):
        ss.rule_add(counsellor=counsellor, weekday=1, start_time=dt.time(10),
                    end_time=dt.time(11), valid_from=dt.date(2027, 1, 15),
                    valid_to=dt.date(2027, 2, 15))


def test_end_before_start_and_reversed_validity_are_refused():
    counsellor = CounsellorFactory()
    with pytest.raises(ValidationError) as exc:
        ss.rule_add(counsellor=counsellor, weekday=0, start_time=dt.time(12),
                    end_time=dt.time(9))
    assert exc.value.message_dict == {"end_time": [str(ss.END_BEFORE_START)]}
    with pytest.raises(ValidationError) as exc:
        ss.rule_add(counsellor=counsellor, weekday=0, start_time=dt.time(9),
                    end_time=dt.time(12), valid_from=dt.date(2027, 5, 1),
                    valid_to=dt.date(2027, 4, 1))
    assert exc.value.message_dict == {"valid_to": [str(ss.VALID_TO_BEFORE_FROM)]}
    with pytest.raises(ValidationError):
        ss.rule_add(counsellor=counsellor, weekday=9, start_time=dt.time(9),
                    end_time=dt.time(12))
    assert AvailabilityRule.objects.count() == 0


def test_deleting_a_rule_reports_the_bookings_left_outside_hours():
    counsellor, session_type = working_counsellor()
    day = day_ahead(4)
    booking = booking_at(local(day, 10), counsellor=counsellor, session_type=session_type)
    booking_at(local(day_ahead(5), 10), counsellor=counsellor, session_type=session_type)
    rule = AvailabilityRule.objects.get(counsellor=counsellor, weekday=day.weekday())
    change = ss.rule_delete(rule=rule)
    assert change.conflicts == [booking]
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()


def test_extra_hours_keep_a_booking_inside_hours():
    counsellor, session_type = working_counsellor()
    day = day_ahead(4)
    booking = booking_at(local(day, 10), counsellor=counsellor, session_type=session_type)
    extra = ss.exception_add(counsellor=counsellor, date=day, start_time=dt.time(9, 30),
                             end_time=dt.time(11)).obj
    rule = AvailabilityRule.objects.get(counsellor=counsellor, weekday=day.weekday())
    assert ss.rule_delete(rule=rule).conflicts == []
    assert ss.exception_delete(exception=extra).conflicts == [booking]
    assert AvailabilityException.objects.count() == 0


def test_overlapping_extra_hours_on_a_date_are_refused():
    counsellor = CounsellorFactory()
    day = day_ahead(4)
    ss.exception_add(counsellor=counsellor, date=day, start_time=dt.time(18),
                     end_time=dt.time(20))
    with pytest.raises(ValidationError) as exc:
        ss.exception_add(counsellor=counsellor, date=day, start_time=dt.time(19),
                         end_time=dt.time(21))
    assert exc.value.message_dict == {"start_time": [str(ss.OVERLAPPING_EXCEPTION)]}


def test_time_off_closes_slots_and_reports_overlapping_bookings():
    counsellor, session_type = working_counsellor()
    day = day_ahead(4)
    inside = booking_at(local(day, 10), counsellor=counsellor, session_type=session_type)
    booking_at(local(day, 15), counsellor=counsellor, session_type=session_type)
    change = ss.time_off_add(counsellor=counsellor, start=local(day, 9),
                             end=local(day, 12), reason="培训")
    assert change.conflicts == [inside]
    starts = [s.start for s in free_slots(counsellor=counsellor, session_type=session_type,
                                          start_date=day, end_date=day)]
    assert all(s >= local(day, 12) for s in starts)
    with pytest.raises(ValidationError) as exc:
        ss.time_off_add(counsellor=counsellor, start=local(day, 11), end=local(day, 13))
    assert exc.value.message_dict == {"start": [str(ss.OVERLAPPING_TIME_OFF)]}
    ss.time_off_delete(time_off=change.obj)
    assert TimeOff.objects.count() == 0


def test_time_off_needs_aware_times_that_end_after_they_start():
    counsellor = CounsellorFactory()
    with pytest.raises(ValueError, match="aware"):
        ss.time_off_add(counsellor=counsellor, start=dt.datetime(2027, 1, 1, 9),
                        end=dt.datetime(2027, 1, 1, 10))
    with pytest.raises(ValidationError):
        ss.time_off_add(counsellor=counsellor, start=local(day_ahead(), 10),
                        end=local(day_ahead(), 9))


def test_closure_reports_every_counsellors_bookings_that_day():
    lin, lin_type = working_counsellor()
    zhou, zhou_type = working_counsellor()
    day = day_ahead(6)
    first = booking_at(local(day, 9), counsellor=lin, session_type=lin_type)
    second = booking_at(local(day, 16), counsellor=zhou, session_type=zhou_type)
    booking_at(local(day_ahead(7), 9), counsellor=lin, session_type=lin_type)
    change = ss.closure_add(name="国庆", start_date=day, end_date=day)
    assert change.conflicts == [first, second]
    assert free_slots(counsellor=lin, session_type=lin_type, start_date=day,
                      end_date=day) == []
    ss.closure_delete(closure=change.obj)
    assert StationClosure.objects.count() == 0


def test_closure_with_an_empty_name_is_refused():
    with pytest.raises(ValidationError) as exc:
        ss.closure_add(name="", start_date=day_ahead(), end_date=day_ahead())
    assert "name" in exc.value.message_dict
