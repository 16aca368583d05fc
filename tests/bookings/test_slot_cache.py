"""Free slots come from a cache keyed by schedule versions (helper G, issue 6):
every write shows at once, and a cached list still honours the moment asked."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Site

from bookings import selectors, services
from bookings.models import (
    AvailabilityRule,
    BookingPolicy,
    Mode,
    StationClosure,
    TimeOff,
)
from bookings.selectors import _compute_free_slots
from tests.bookings.engine_setup import local, make_setup
from tests.factories import GroupSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def starts(setup, now=None):
    return [s.start for s in selectors.free_slots(
        counsellor=setup.counsellor, session_type=setup.session_type,
        start_date=setup.day, end_date=setup.day, now=now)]


def uncached_starts(setup, now):
    rules = selectors.engine_policy(selectors.booking_policy(), setup.session_type)
    return [s.start for s in _compute_free_slots(
        counsellor_ids=[setup.counsellor.pk], session_type=setup.session_type,
        start_date=setup.day, end_date=setup.day, now=now, rules=rules,
    )[setup.counsellor.pk]]


def test_a_repeated_search_is_one_query_and_the_same_answer(django_assert_num_queries):
    setup = make_setup()
    first = starts(setup)
    assert first[0] == setup.at(9) and first[-1] == setup.at(16)
    with django_assert_num_queries(0):  # slots and policy remembered under the versions
        assert starts(setup) == first


def test_a_new_booking_is_reflected_at_once():
    setup = make_setup()
    assert setup.at(10) in starts(setup)
    services.booking_create(
        family=setup.family, counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(10), mode=Mode.IN_PERSON, consent=True,
    )
    after = starts(setup)
    assert setup.at(10) not in after and setup.at(9, 30) not in after
    assert setup.at(11) in after


def test_a_cancelled_booking_frees_the_slot_again():
    setup = make_setup()
    booking = services.booking_create(
        family=setup.family, counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(10), mode=Mode.IN_PERSON, consent=True,
    )
    assert setup.at(10) not in starts(setup)
    services.booking_cancel(booking=booking, by_user=setup.family)
    assert setup.at(10) in starts(setup)


def test_time_off_and_rule_changes_are_reflected_at_once():
    setup = make_setup()
    assert setup.at(9) in starts(setup)
    TimeOff.objects.create(counsellor=setup.counsellor, start=setup.at(8),
                           end=setup.at(12), reason="虚构的培训")
    assert starts(setup)[0] == setup.at(12)
    AvailabilityRule.objects.filter(counsellor=setup.counsellor).update(
        end_time=dt.time(14))  # a bulk update sends no signal...
    rule = AvailabilityRule.objects.get(counsellor=setup.counsellor,
                                        weekday=setup.day.weekday())
    rule.save()  # ...the service's save() does
    assert starts(setup)[-1] == setup.at(13)


def test_another_counsellors_change_keeps_this_answer_cached(django_assert_num_queries):
    setup, other = make_setup(), make_setup()
    starts(setup)
    TimeOff.objects.create(counsellor=other.counsellor, start=other.at(8), end=other.at(12))
    with django_assert_num_queries(0):
        starts(setup)
    assert starts(other)[0] == other.at(12)


def test_closures_policy_and_workshops_change_every_answer():
    setup = make_setup()
    assert starts(setup)
    closure = StationClosure.objects.create(name="虚构的闭站日", start_date=setup.day,
                                            end_date=setup.day)
    assert starts(setup) == []
    closure.delete()
    assert starts(setup)[0] == setup.at(9)
    GroupSessionFactory(counsellors=[setup.counsellor], start=setup.at(9),
                        end=setup.at(11))
    assert starts(setup)[0] == setup.at(11, 30)  # 90 min workshop + 10 min buffer
    policy = BookingPolicy.for_site(Site.objects.get(is_default_site=True))
    policy.slot_granularity_minutes = 60
    policy.save()
    assert starts(setup) == [setup.at(h) for h in range(12, 17)]


def test_a_cached_list_drops_slots_that_fell_inside_the_minimum_notice():
    setup = make_setup(days_ahead=1)
    notice = dt.timedelta(hours=selectors.booking_policy().min_notice_hours)
    early = local(setup.day, 9) - notice - dt.timedelta(hours=2)
    at_early = starts(setup, now=early)
    assert at_early[0] == setup.at(9)
    later = early + dt.timedelta(hours=3, minutes=10)  # same local day, 3 h on
    assert later.astimezone(local(setup.day, 0).tzinfo).date() == early.astimezone(
        local(setup.day, 0).tzinfo).date()
    cached = starts(setup, now=later)
    assert cached == uncached_starts(setup, later)
    assert cached[0] == setup.at(10, 30)
    assert all(s >= later + notice for s in cached)


def test_a_cached_list_still_ends_at_the_horizon_of_the_moment():
    setup = make_setup()
    horizon = dt.timedelta(days=selectors.booking_policy().horizon_days)
    # `now` such that the horizon falls at 12:00 on the searched day.
    now = local(setup.day, 12) - horizon
    cached_early = starts(setup, now=now - dt.timedelta(hours=1))
    assert cached_early[-1] == setup.at(11)
    assert starts(setup, now=now) == uncached_starts(setup, now)
    assert starts(setup, now=now)[-1] == setup.at(12)


def test_rescheduling_search_is_never_served_from_the_cache():
    setup = make_setup()
    booking = services.booking_create(
        family=setup.family, counsellor=setup.counsellor, session_type=setup.session_type,
        start=setup.at(10), mode=Mode.IN_PERSON, consent=True,
    )
    own = selectors.free_slots_for_counsellors(
        counsellors=[setup.counsellor], session_type=setup.session_type,
        start_date=setup.day, end_date=setup.day, exclude_booking_id=booking.pk,
    )[setup.counsellor.pk]
    assert setup.at(10) in [s.start for s in own]
    assert setup.at(10) not in starts(setup)
    assert timezone.now() < setup.at(9)


def test_api_slots_body_is_what_ninja_would_render(client):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from portal.models import ApiToken

    setup = make_setup()
    _token, secret = ApiToken.issue(user=setup.family, name="测试")
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.get("/api/v1/slots", {
        "counsellor": setup.counsellor.pk, "session_type": setup.session_type.pk,
        "start": setup.day.isoformat(), "end": setup.day.isoformat()}, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    slots = selectors.free_slots(counsellor=setup.counsellor,
                                 session_type=setup.session_type,
                                 start_date=setup.day, end_date=setup.day)
    expected = json.dumps([{"start": s.start, "end": s.end} for s in slots],
                          cls=DjangoJSONEncoder)
    assert response.content.decode() == expected
    assert response.json()[0] == {"start": f"{setup.day.isoformat()}T09:00:00+08:00",
                                  "end": f"{setup.day.isoformat()}T09:50:00+08:00"}
