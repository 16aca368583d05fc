"""bookings.demo: the data the README promises, idempotent, scalable."""

import io
import time

import pytest
from django.utils import timezone

from bookings import demo, selectors
from bookings.models import (
    AvailabilityRule,
    Booking,
    Counsellor,
    GroupSession,
    SessionType,
    StationClosure,
    TimeOff,
)
from courses.models import Topic

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def seeded(site_shell):
    out = io.StringIO()
    demo.seed(scale=1, stdout=out)
    return out.getvalue()


def test_six_counsellors_three_session_types_the_first_signs_in(seeded):
    counsellors = list(Counsellor.objects.order_by("pk"))
    assert len(counsellors) == 6
    assert all("演示" in c.display_name for c in counsellors)
    assert counsellors[0].user.email == "counsellor@demo.weiai.cn"
    assert counsellors[0].user.has_usable_password()
    assert all(c.user and c.user.is_counsellor for c in counsellors)
    assert {(t.slug, t.duration_minutes, t.kind, t.capacity)
            for t in SessionType.objects.all()} == {
        ("individual-consultation", 50, "individual", 1),
        ("parent-workshop", 90, "group", 12),
        ("phone-check-in", 30, "individual", 1),
    }
    assert {len(c.languages) for c in counsellors} == {1, 2}
    assert len({tuple(c.modes) for c in counsellors}) >= 4
    assert TimeOff.objects.values("counsellor").distinct().count() == 5
    assert StationClosure.objects.filter(name__contains="演示").count() == 2
    assert "6 counsellors" in seeded


def test_every_theme_has_counsellors_and_upcoming_workshops(seeded):
    for slug in demo.TOPIC_NAMES:
        topic = Topic.objects.get(slug=slug, locale__language_code="zh-hans")
        assert selectors.counsellors_for(topic=topic).exists(), slug
        assert selectors.upcoming_workshops(topic=topic).count() >= 2, slug


def test_demo_families_have_past_bookings_with_attendance(seeded):
    past = Booking.objects.filter(start__lt=timezone.now(),
                                  family__email__in=["family@demo.weiai.cn",
                                                     "family2@demo.weiai.cn"])
    statuses = set(past.values_list("status", flat=True))
    assert {"attended", "no_show", "late_cancelled", "cancelled"} <= statuses
    assert past.count() == 24
    upcoming = Booking.objects.filter(start__gt=timezone.now(), group_session__isnull=True)
    assert upcoming.filter(is_urgent=True).count() == 1
    assert upcoming.count() == 2
    assert sorted(upcoming.values_list("family__email", flat=True)) == [
        "family2@demo.weiai.cn", "family@demo.weiai.cn"]


def test_counsellors_have_free_slots_ahead(seeded):
    individual = SessionType.objects.get(slug="individual-consultation")
    today = timezone.localdate()
    result = selectors.free_slots_for_counsellors(
        counsellors=individual.counsellors.all(), session_type=individual,
        start_date=today, end_date=today + timezone.timedelta(days=14))
    assert sum(1 for slots in result.values() if slots) >= 5


def test_seed_is_idempotent(seeded):
    counts = (Counsellor.objects.count(), GroupSession.objects.count(),
              Booking.objects.count(), TimeOff.objects.count(), SessionType.objects.count())
    demo.seed(scale=1)
    assert (Counsellor.objects.count(), GroupSession.objects.count(),
            Booking.objects.count(), TimeOff.objects.count(),
            SessionType.objects.count()) == counts


def test_scale_multiplies_and_stays_fast(seeded):
    started = time.monotonic()
    demo.seed(scale=20)
    elapsed = time.monotonic() - started
    assert Counsellor.objects.count() == 120
    assert GroupSession.objects.count() == 200
    assert Booking.objects.filter(calendar_uid__startswith="demo-past-").count() == 480
    assert elapsed < 60


def test_past_sessions_fall_inside_the_counsellors_weekly_hours(seeded):
    past = Booking.objects.filter(calendar_uid__startswith="demo-past-")
    for booking in past:
        local = timezone.localtime(booking.start)
        assert AvailabilityRule.objects.filter(
            counsellor=booking.counsellor, weekday=local.weekday(),
            start_time__lte=local.time(), end_time__gte=timezone.localtime(booking.end).time(),
        ).exists(), booking
