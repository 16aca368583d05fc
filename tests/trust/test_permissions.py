"""The permission matrix: every URL that takes an id, slug or secret, tried by
family A/B, counsellor X/Y, coordinator, editor and an anonymous visitor.

Booking #1 belongs to family A with counsellor X. Others' objects answer 404
(never 403, which would confirm the object exists), anonymous visitors are
sent to the login (401 on the API), and a refused write changes nothing.
`test_every_id_taking_url_is_in_the_matrix` fails when a new such URL appears
without an entry here.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone

from portal.models import ApiToken, DataExport
from tests.factories import (
    AvailabilityRuleFactory,
    BookingFactory,
    ChildFactory,
    CoordinatorFactory,
    CounsellorFactory,
    EditorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
)
from tests.trust.conftest import with_totp

pytestmark = pytest.mark.django_db

ACTORS = ("family_a", "family_b", "counsellor_x", "counsellor_y", "coordinator",
          "editor", "anonymous")
NF = {HTTPStatus.NOT_FOUND}
NOT_YOURS = {HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN}  # other role entirely


@pytest.fixture
def world(site_shell):
    from bookings.feeds import feed_create, feed_secret
    from bookings.models import WaitlistEntry

    family_a, family_b = FamilyFactory(), FamilyFactory()
    counsellor_x, counsellor_y = CounsellorFactory(), CounsellorFactory()
    for c in (counsellor_x, counsellor_y):
        with_totp(c.user)
    session_type = SessionTypeFactory(counsellors=[counsellor_x, counsellor_y])
    booking = BookingFactory(family=family_a, counsellor=counsellor_x,
                             session_type=session_type, concern="A 的登记信息",
                             intake_answers={"risk": {"unsafe_now": False}})
    workshop = GroupSessionFactory(counsellors=[counsellor_x])
    entry = WaitlistEntry.objects.create(group_session=workshop, family=family_a)
    rule = AvailabilityRuleFactory(counsellor=counsellor_x)
    child = ChildFactory(family=family_a.family_profile)
    token_a, secret_a = ApiToken.issue(user=family_a, name="a")
    _token_b, secret_b = ApiToken.issue(user=family_b, name="b")
    _token_x, secret_x = ApiToken.issue(user=counsellor_x.user, name="x")
    feed_a = feed_create(user=family_a, kind="family")
    feed_b = feed_create(user=family_b, kind="family")
    export = DataExport.objects.create(user=family_a, status=DataExport.Status.READY,
                                       ready_at=timezone.now(),
                                       expires_at=timezone.now() + dt.timedelta(days=7))
    export.archive.save("a.zip", ContentFile(b"PK"), save=True)
    users = {
        "family_a": family_a, "family_b": family_b,
        "counsellor_x": counsellor_x.user, "counsellor_y": counsellor_y.user,
        "coordinator": with_totp(CoordinatorFactory()),
        "editor": with_totp(EditorFactory()), "anonymous": None,
    }
    return {
        "users": users, "booking": booking, "workshop": workshop, "entry": entry,
        "rule": rule, "child": child, "token_a": token_a, "export": export,
        "bearer": {"family_a": secret_a, "family_b": secret_b,
                   "counsellor_x": secret_x},
        "feed_a": feed_secret(feed_a), "feed_b": feed_secret(feed_b),
        "session_type": session_type,
    }


def client_for(world, actor: str) -> Client:
    client = Client()
    user = world["users"][actor]
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response):
    # A plain 404 is as good: it tells an anonymous visitor nothing either.
    if response.status_code == HTTPStatus.NOT_FOUND:
        return
    assert response.status_code == HTTPStatus.FOUND, response.status_code
    assert "/accounts/login/" in response["Location"]


def check(world, *, method: str, url: str, data=None, denied: dict[str, set],
          allowed: tuple[str, ...] = (), unchanged=None):
    """`denied` actors get one of their statuses; `allowed` ones anything but
    404/403; anonymous visitors are sent to log in. `unchanged()` is called
    after the denied attempts and must still hold."""
    for actor, statuses in denied.items():
        response = getattr(client_for(world, actor), method)(url, data or {})
        assert response.status_code in statuses, (actor, url, response.status_code)
    response = getattr(client_for(world, "anonymous"), method)(url, data or {})
    assert_login_redirect(response)
    if unchanged is not None:
        unchanged()
    for actor in allowed:
        response = getattr(client_for(world, actor), method)(url, data or {})
        assert response.status_code not in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN), (
            actor, url, response.status_code)


def booking_unchanged(world):
    def check_it():
        from bookings.models import Booking

        b = Booking.objects.get(pk=world["booking"].pk)
        assert b.status == Booking.Status.CONFIRMED
        assert b.start == world["booking"].start
        assert b.notes.count() == 0
    return check_it


# --- web pages ----------------------------------------------------------------------


def test_booking_detail(world):
    check(world, method="get", url=reverse("bookings:detail", args=[world["booking"].pk]),
          denied={"family_b": NF, "counsellor_y": NF, "editor": NF},
          allowed=("family_a", "counsellor_x", "coordinator"))


def test_booking_calendar_ics(world):
    check(world, method="get",
          url=reverse("bookings:calendar_ics", args=[world["booking"].pk]),
          denied={"family_b": NF, "counsellor_y": NF, "editor": NF},
          allowed=("family_a",))


def test_booking_cancel(world):
    check(world, method="post", url=reverse("bookings:cancel", args=[world["booking"].pk]),
          denied={"family_b": NF, "counsellor_y": NF, "editor": NF},
          unchanged=booking_unchanged(world), allowed=("family_a",))


def test_booking_reschedule(world):
    new_start = (world["booking"].start + dt.timedelta(days=1)).isoformat()
    check(world, method="post",
          url=reverse("bookings:reschedule", args=[world["booking"].pk]),
          data={"start": new_start},
          denied={"family_b": NF, "counsellor_y": NF, "editor": NF},
          unchanged=booking_unchanged(world), allowed=("family_a",))


def test_booking_attendance(world):
    check(world, method="post",
          url=reverse("bookings:attendance", args=[world["booking"].pk]),
          data={"attended": "1"},
          denied={"family_a": NOT_YOURS, "family_b": NF, "counsellor_y": NF,
                  "editor": NF},
          unchanged=booking_unchanged(world))


def test_booking_notes(world):
    check(world, method="post",
          url=reverse("bookings:note_add", args=[world["booking"].pk]),
          data={"body": "不该出现的记录"},
          denied={"family_a": NOT_YOURS, "family_b": NF, "counsellor_y": NF,
                  "editor": NF},
          unchanged=booking_unchanged(world), allowed=("counsellor_x",))


def test_waitlist_leave(world):
    from bookings.models import WaitlistEntry

    def still_waiting():
        assert WaitlistEntry.objects.get(pk=world["entry"].pk).left_at is None

    check(world, method="post",
          url=reverse("bookings:waitlist_leave", args=[world["entry"].pk]),
          denied={"family_b": NF, "counsellor_x": NOT_YOURS, "counsellor_y": NOT_YOURS,
                  "editor": NOT_YOURS},
          unchanged=still_waiting, allowed=("family_a",))


def test_api_token_revoke_on_the_web(world):
    def still_live():
        assert ApiToken.objects.get(pk=world["token_a"].pk).revoked_at is None

    check(world, method="post",
          url=reverse("bookings:api_token_revoke", args=[world["token_a"].pk]),
          denied=dict.fromkeys(("family_b", "counsellor_x", "counsellor_y", "coordinator", "editor"), NF),
          unchanged=still_live, allowed=("family_a",))


def test_counsellor_schedule_delete(world):
    from bookings.models import AvailabilityRule

    def rule_kept():
        assert AvailabilityRule.objects.filter(pk=world["rule"].pk).exists()

    check(world, method="post",
          url=reverse("bookings:counsellor_schedule_delete",
                      args=["rule", world["rule"].pk]),
          denied={"counsellor_y": NF, "family_a": NOT_YOURS, "family_b": NOT_YOURS,
                  "editor": NOT_YOURS, "coordinator": NOT_YOURS},
          unchanged=rule_kept, allowed=("counsellor_x",))


def test_child_edit_and_remove(world):
    from portal.models import Child

    others = {"family_b": NF, **dict.fromkeys(("counsellor_x", "counsellor_y", "coordinator", "editor"), NOT_YOURS)}
    check(world, method="get",
          url=reverse("portal:child_edit", args=[world["child"].pk]),
          denied=others, allowed=("family_a",))
    check(world, method="post",
          url=reverse("portal:child_remove", args=[world["child"].pk]),
          denied=others,
          unchanged=lambda: Child.objects.get(pk=world["child"].pk))


def test_export_download(world):
    others = dict.fromkeys(("family_b", "counsellor_x", "counsellor_y", "coordinator", "editor"), NF)
    check(world, method="get",
          url=reverse("privacy:export_download", args=[world["export"].token]),
          denied=others, allowed=("family_a",))


# --- secrets and the API ------------------------------------------------------------


def test_calendar_feed_secret_is_the_only_key(world):
    from bookings.models import Booking

    client = Client()
    own = client.get(reverse("calendar:feed", args=[world["feed_a"]]))
    assert own.status_code == HTTPStatus.OK
    assert world["booking"].calendar_uid in own.content.decode()
    other = client.get(reverse("calendar:feed", args=[world["feed_b"]]))
    assert other.status_code == HTTPStatus.OK
    assert world["booking"].calendar_uid not in other.content.decode()
    for guess in ("x" * 32, world["feed_a"][:-1] + "A", "workshops2"):
        assert client.get(reverse("calendar:feed", args=[guess])).status_code == 404
    assert Booking.objects.filter(family=world["users"]["family_a"]).count() == 1


def test_certificate_codes_that_do_not_exist_answer_404(world):
    response = Client().get(reverse("courses:certificate", args=["NOPE12345678"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def _api(world, actor: str | None, method: str, path: str, body: dict | None = None):
    headers = {}
    if actor is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world['bearer'][actor]}"
    client = Client()
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, body or {}, content_type="application/json", **headers)


@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("get", "", None),
    ("post", "/cancel", {"reason": "不是我的"}),
    ("post", "/reschedule", {"start": "2031-01-06T10:00:00+08:00"}),
])
def test_api_booking_endpoints(world, method, suffix, body):
    path = f"/api/v1/bookings/{world['booking'].pk}{suffix}"
    for actor in ("family_b", "counsellor_x"):
        response = _api(world, actor, method, path, body)
        assert response.status_code == HTTPStatus.NOT_FOUND, (actor, response.content)
    assert _api(world, None, method, path, body).status_code == HTTPStatus.UNAUTHORIZED
    booking_unchanged(world)()
    if method == "get":
        own = _api(world, "family_a", "get", path)
        assert own.status_code == HTTPStatus.OK
        assert own.json()["id"] == world["booking"].pk


# --- coverage -----------------------------------------------------------------------

COVERED = {
    "bookings:detail", "bookings:calendar_ics", "bookings:cancel", "bookings:reschedule",
    "bookings:attendance", "bookings:note_add", "bookings:waitlist_leave",
    "bookings:api_token_revoke", "bookings:counsellor_schedule_delete",
    "portal:child_edit", "portal:child_remove", "privacy:export_download",
    "calendar:feed", "courses:certificate", "api:get_booking", "api:cancel_booking",
    "api:reschedule_booking",
}
# Ids of public objects, or role-gated pages with no per-object owner.
PUBLIC_OR_ROLE_GATED = {
    "bookings:counsellor", "bookings:book", "bookings:workshop", "bookings:workshop_join",
    "bookings:workshop_leave",  # acts on the caller's own seat only
    "bookings:coordinator_closure_delete", "bookings:coordinator_report_csv",
    "api:join_workshop", "courses:quiz", "courses:lesson_complete",
    "api:not_found",  # the API's JSON 404 for any unknown path: no object behind it
}
OUR_NAMESPACES = ("bookings", "api", "calendar", "privacy", "portal", "courses")


def test_every_id_taking_url_is_in_the_matrix():
    found = set()

    def walk(patterns, prefix="", ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern),
                     ns + (f"{p.namespace}:" if p.namespace else ""))
            elif "<" in str(p.pattern) and ns.split(":")[0] in OUR_NAMESPACES:
                found.add(f"{ns}{p.name}")

    walk(get_resolver().url_patterns)
    assert found - COVERED - PUBLIC_OR_ROLE_GATED == set()
    assert found >= COVERED
