"""Signed-in pages cost the same few queries at 1× and 20× data (issue 11).

A family, a counsellor and a coordinator, signed in, open their pages with a
small data set and again with twenty times as much (counsellors, workshops,
bookings, modules). Every page asks the same number of queries both times,
and at most `MAX_QUERIES`: the session comes from the cache, the user with
its roles and TOTP flag in one query, the footer and the crisis lines from the cache, the
shared parts of the CMS pages once per page generation.
"""

import datetime as dt
import zoneinfo
from http import HTTPStatus
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from bookings.selectors import free_slots
from courses.models import LessonCompletion
from tests.bookings.web_setup import booking_at, with_totp, working_counsellor
from tests.courses.conftest import publish
from tests.factories import (
    ChildFactory,
    CoordinatorFactory,
    CounsellorUserFactory,
    CourseIndexPageFactory,
    FamilyFactory,
    GroupSessionFactory,
    LessonPageFactory,
    ModulePageFactory,
    TopicFactory,
)

# Counts of the full path (signed-in replays ask none: test_personal_replay.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("full_path")]

STATION_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday morning: free slots, "upcoming" and the week hang on now.
NOW = dt.datetime(2027, 3, 10, 9, 0, tzinfo=STATION_TZ)
SCALE = 20
MAX_QUERIES = 10


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


class World:
    """The demo-like data, grown in steps of `add(n)`."""

    def __init__(self, site):
        self.topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
        self.index = publish(CourseIndexPageFactory(parent=site.root_page.specific))
        self.family = FamilyFactory()
        self.child = ChildFactory(family=self.family.family_profile)
        self.counsellor, self.session_type = working_counsellor(
            user=with_totp(CounsellorUserFactory()), specialties=[self.topic])
        self.coordinator = with_totp(CoordinatorFactory())
        self.module = self._module(0)
        self.lesson = self.module.get_children().first().specific
        self.added = 0

    def _module(self, n):
        module = publish(ModulePageFactory(parent=self.index, topic=self.topic,
                                           slug=f"m{n}", title=f"情绪疏导模块{n}"))
        for i in range(2):
            publish(LessonPageFactory(parent=module, slug=f"l{i}"))
        return module

    def add(self, n: int) -> None:
        for _ in range(n):
            self.added += 1
            k = self.added
            other, _type = working_counsellor(specialties=[self.topic])
            GroupSessionFactory(topic=self.topic, counsellors=[other],
                                start=NOW + dt.timedelta(days=2 + k % 20))
            # The family's own bookings, past and coming; other families'
            # bookings with the demo counsellor, some urgent.
            for days in (-(k + 1), k % 25 + 1):
                booking_at(NOW + dt.timedelta(days=days, hours=2 + k % 5),
                           family=self.family, child=self.child, counsellor=other,
                           session_type=_type,
                           status=Booking.Status.ATTENDED if days < 0
                           else Booking.Status.CONFIRMED)
            booking_at(NOW + dt.timedelta(days=k % 6, hours=1 + k % 7),
                       counsellor=self.counsellor, session_type=self.session_type,
                       is_urgent=k % 3 == 1)  # one already at 1×
            self._module(k)
        LessonCompletion.objects.get_or_create(
            user=self.family, lesson=self.lesson, module=self.module)

    def family_pages(self) -> dict[str, str]:
        slot = free_slots(counsellor=self.counsellor, session_type=self.session_type,
                          start_date=NOW.date() + dt.timedelta(days=1),
                          end_date=NOW.date() + dt.timedelta(days=7))[0]
        counsellor = f"/bookings/counsellors/{self.counsellor.slug}/"
        return {
            "home": "/",
            "search": "/search/?q=" + quote("情绪"),
            "counsellor list": "/bookings/counsellors/",
            "counsellor page": counsellor,
            "booking form": (f"/bookings/book/{self.counsellor.slug}/"
                             f"{self.session_type.slug}/?start="
                             + quote(slot.start.isoformat())),
            "my bookings": "/bookings/mine/",
            "account": "/account/",
        }

    def cms_pages(self) -> dict[str, str]:
        return {"module": self.module.url, "lesson": self.lesson.url}


STAFF_PAGES = {
    "counsellor": {"counsellor week": "/bookings/counsellor/week/"},
    "coordinator": {
        "coordinator bookings": "/bookings/coordinator/",
        "coordinator urgent": "/bookings/coordinator/urgent/",
        "coordinator closures": "/bookings/coordinator/closures/",
    },
}


def _queries(client, url) -> int:
    """Queries of a signed-in GET once the per-process copies are warm."""
    for _warm in range(2):
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(ctx.captured_queries)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _all_counts(world) -> dict[str, int]:
    family = _signed_in(world.family)
    pages = {**world.family_pages(), **world.cms_pages()}
    counts = {name: _queries(family, url) for name, url in pages.items()}
    counts["family robots.txt"] = _queries(family, "/robots.txt")
    for role, user in (("counsellor", world.counsellor.user),
                       ("coordinator", world.coordinator)):
        client = _signed_in(user)
        counts.update({name: _queries(client, url)
                       for name, url in STAFF_PAGES[role].items()})
        counts[f"{role} robots.txt"] = _queries(client, "/robots.txt")
    return counts


def test_signed_in_pages_take_the_same_few_queries_at_1x_and_20x_data(site_shell):
    world = World(site_shell)
    world.add(1)
    small = _all_counts(world)
    world.add(SCALE - 1)
    large = _all_counts(world)

    assert large == small
    over = {name: n for name, n in small.items() if n > MAX_QUERIES}
    assert over == {}


def test_the_signed_in_request_itself_costs_one_query(site_shell):
    """Session from the cache; the user with its roles and TOTP flag in one
    query; robots.txt renders nothing else."""
    world = World(site_shell)
    for user in (world.family, world.counsellor.user, world.coordinator):
        assert _queries(_signed_in(user), "/robots.txt") == 1


def test_roles_loaded_with_the_user_are_its_groups(site_shell):
    world = World(site_shell)
    family = _signed_in(world.family)
    counsellor = _signed_in(world.counsellor.user)
    assert family.get("/bookings/counsellor/week/").status_code == HTTPStatus.FORBIDDEN
    assert counsellor.get("/bookings/counsellor/week/").status_code == HTTPStatus.OK
    assert counsellor.get("/bookings/coordinator/").status_code == HTTPStatus.FORBIDDEN
