"""The invalidation table (bookings.caching.INVALIDATION): each declared model
change retires exactly the generations it names, and nothing else."""

import pytest
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Locale, PageViewRestriction

from bookings import caching
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    CalendarFeed,
    Counsellor,
    GroupSession,
    SessionType,
    StationClosure,
    TimeOff,
)
from courses.caching import PAGES
from portal import cache as portal_cache
from portal.fragments import PAGE_SHELL
from portal.models import ApiToken, CrisisLine, SiteSettings
from tests.factories import CounsellorFactory, FamilyFactory, TopicFactory

pytestmark = pytest.mark.django_db

C7 = caching.counsellor_key(7)
ALL = [PAGES, PAGE_SHELL, caching.STATION, caching.FEEDS, caching.FEED_LABELS,
       caching.WORKSHOPS, caching.TOKENS, C7]


def _retired_by(change) -> set[str]:
    before = portal_cache.read_many(ALL)
    change()
    after = portal_cache.read_many(ALL)
    return {key for key in ALL if before[key] != after[key]}


# Each row: an instance as the signal carries it, and what its save or
# delete must retire.
ROWS = [
    ("seat", Booking(counsellor_id=7, group_session_id=3), {PAGES, C7, caching.FEEDS}),
    ("booking", Booking(counsellor_id=7), {C7, caching.FEEDS}),
    ("rule", AvailabilityRule(counsellor_id=7), {C7}),
    ("exception", AvailabilityException(counsellor_id=7), {C7}),
    ("time off", TimeOff(counsellor_id=7), {C7, caching.FEEDS}),
    ("counsellor", Counsellor(pk=7), {PAGES, C7, caching.FEEDS, caching.FEED_LABELS}),
    ("workshop", GroupSession(),
     {PAGES, caching.WORKSHOPS, caching.STATION, caching.FEEDS}),
    # Services are listed on the service points' public pages: PAGES too.
    ("session type", SessionType(),
     {PAGES, caching.STATION, caching.FEEDS, caching.FEED_LABELS}),
    ("closure", StationClosure(), {caching.STATION}),
    ("policy", BookingPolicy(), {caching.STATION}),
    ("feed", CalendarFeed(), {caching.FEEDS}),
    ("api token", ApiToken(), {caching.TOKENS}),
    ("site settings", SiteSettings(), {PAGES, caching.FEEDS, caching.FEED_LABELS}),
    ("crisis line", CrisisLine(), {PAGES, caching.FEEDS, caching.FEED_LABELS}),
    ("view restriction", PageViewRestriction(), {PAGES}),
    ("locale", Locale(), {PAGES, PAGE_SHELL}),
]


@pytest.mark.parametrize(("name", "instance", "expected"), ROWS,
                         ids=[row[0] for row in ROWS])
@pytest.mark.parametrize("signal", [post_save, post_delete], ids=["save", "delete"])
def test_a_change_retires_the_declared_generations(name, instance, expected, signal):
    assert _retired_by(lambda: signal.send(
        sender=type(instance), instance=instance, created=False,
        update_fields=None, raw=False, using="default")) == expected


@pytest.mark.parametrize(("through", "expected"), [
    (Counsellor.specialties.through, {PAGES}),
    (GroupSession.counsellors.through, {PAGES, caching.STATION, caching.FEEDS}),
    (SessionType.counsellors.through, {PAGES, caching.STATION}),
], ids=["specialties", "workshop leads", "session type counsellors"])
def test_a_link_change_retires_the_declared_generations_once_done(through, expected):
    def send(action):
        return lambda: m2m_changed.send(sender=through, instance=None, action=action,
                                        reverse=False, model=None, pk_set=set(),
                                        using="default")

    assert _retired_by(send("pre_add")) == set()
    for action in ("post_add", "post_remove", "post_clear"):
        assert _retired_by(send(action)) == expected


def test_a_user_change_retires_feeds_and_tokens_but_signing_in_does_not():
    user = FamilyFactory()
    user.display_name = "改过的名字"
    assert _retired_by(user.save) == {caching.FEEDS, caching.TOKENS}
    assert _retired_by(lambda: user.save(update_fields=["last_login"])) == set()
    assert _retired_by(user.delete) == {caching.FEEDS, caching.TOKENS}


def test_a_topic_saved_or_deleted_retires_pages_and_feed_labels():
    topic = TopicFactory()
    topic.name = "改过的主题"
    expected = {PAGES, caching.FEEDS, caching.FEED_LABELS}
    assert _retired_by(topic.save) == expected
    assert _retired_by(topic.delete) == expected


def test_a_real_counsellor_save_retires_its_own_slots_only():
    counsellor = CounsellorFactory()
    mine, other = caching.counsellor_key(counsellor.pk), caching.counsellor_key(
        counsellor.pk + 1)
    before = portal_cache.read_many([mine, other])
    counsellor.save()
    after = portal_cache.read_many([mine, other])
    assert after[mine] != before[mine] and after[other] == before[other]


def test_publishing_a_page_retires_the_pages(site_shell):
    from portal.models import HomePage

    home = HomePage.objects.get(locale__language_code="zh-hans")
    assert _retired_by(lambda: home.save_revision().publish()) == {PAGES, PAGE_SHELL}
