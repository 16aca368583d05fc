"""The permission matrix: every URL that takes an id, slug or secret, tried by
family A/B, counsellor X/Y, coordinator, editor and an anonymous visitor.

Booking #1 belongs to family A with counsellor X. Others' objects answer 404
(never 403, which would confirm the object exists), anonymous visitors are
sent to the login (401 on the API), and a refused write changes nothing.
`test_every_id_taking_url_is_in_the_matrix` fails when a new such URL appears
without an entry here. The same actors then check that no personal answer may
be stored by a browser or proxy (`no-store`), and that public pages keep their
caching.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone
from django.utils.cache import has_vary_header

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
          allowed=("family_a", "counsellor_x", "coordinator"))


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


def test_note_edit_is_the_authors_alone(world):
    from bookings.models import SessionNote

    note = SessionNote.objects.create(booking=world["booking"],
                                      author=world["users"]["counsellor_x"], body="原文")

    def note_unchanged():
        kept = SessionNote.objects.get(pk=note.pk)
        assert (kept.body, kept.edited_at, kept.revisions.count()) == ("原文", None, 0)

    url = reverse("bookings:note_edit", args=[world["booking"].pk, note.pk])
    # Coordinators read every note but edit only their own.
    denied = {"family_a": NOT_YOURS, "family_b": NF, "counsellor_y": NF, "editor": NF,
              "coordinator": NOT_YOURS}
    check(world, method="get", url=url, denied=denied, allowed=("counsellor_x",))
    check(world, method="post", url=url, data={"body": "不该出现的修改"}, denied=denied,
          unchanged=note_unchanged, allowed=("counsellor_x",))


def test_waitlist_leave(world):
    from bookings.models import WaitlistEntry

    def still_waiting():
        assert WaitlistEntry.objects.get(pk=world["entry"].pk).left_at is None

    check(world, method="post",
          url=reverse("bookings:waitlist_leave", args=[world["entry"].pk]),
          data={"confirm": "1"},
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
          data={"confirm": "1"},  # the confirmed step: the one that deletes
          denied={"counsellor_y": NF, "family_a": NOT_YOURS, "family_b": NOT_YOURS,
                  "editor": NOT_YOURS, "coordinator": NOT_YOURS},
          unchanged=rule_kept, allowed=("counsellor_x",))


def test_urgent_claim_is_the_coordinators_alone(world):
    from bookings.models import Booking

    Booking.objects.filter(pk=world["booking"].pk).update(is_urgent=True)

    def unclaimed():
        assert Booking.objects.get(pk=world["booking"].pk).urgent_owner_id is None

    check(world, method="post",
          url=reverse("bookings:coordinator_urgent_claim", args=[world["booking"].pk]),
          denied=dict.fromkeys(("family_a", "family_b", "counsellor_x", "counsellor_y",
                                "editor"), NOT_YOURS),
          unchanged=unclaimed, allowed=("coordinator",))


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


def test_booking_follow_up(world):
    from bookings.models import UrgentFollowUp

    def none_recorded():
        booking_unchanged(world)()
        assert UrgentFollowUp.objects.count() == 0

    check(world, method="post",
          url=reverse("bookings:follow_up_add", args=[world["booking"].pk]),
          data={"outcome": "reached", "asq": "negative", "note": "不该出现的记录"},
          denied={"family_a": NOT_YOURS, "family_b": NF, "counsellor_y": NF,
                  "editor": NF},
          unchanged=none_recorded, allowed=("counsellor_x", "coordinator"))


# --- coverage -----------------------------------------------------------------------

COVERED = {
    "bookings:detail", "bookings:calendar_ics", "bookings:cancel", "bookings:reschedule",
    "bookings:attendance", "bookings:note_add", "bookings:note_edit",
    "bookings:follow_up_add",
    "bookings:coordinator_urgent_claim",
    "bookings:waitlist_leave",
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


# --- nobody keeps a copy (issue 10) ----------------------------------------------------
# Every page, download, feed and API answer that shows personal data says
# `Cache-Control: no-store, private` (portal.middleware.NoStoreMiddleware);
# anonymous public pages keep the caching they had, the anonymous page cache
# included, and a copy cached for an anonymous visitor never reaches a
# signed-in one, nor the other way round.

HIT = "X-Courses-Cache"



def _cache_control(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",")
            if part.strip()}


def assert_not_stored(response, what):
    directives = _cache_control(response)
    assert {"no-store", "private"} <= directives, (what, response.get("Cache-Control"))
    assert "public" not in directives, (what, response.get("Cache-Control"))


# (actor, url name, argument from the world): every page, download and API
# answer with personal data, opened by someone allowed to see it.
PERSONAL = [
    ("family_a", "portal:account", None),
    ("family_a", "portal:profile_edit", None),
    ("family_a", "portal:child_edit", "child"),
    ("family_a", "privacy:index", None),
    ("family_a", "privacy:export_download", "export"),
    ("family_a", "bookings:mine", None),
    ("family_a", "bookings:detail", "booking"),
    ("family_a", "bookings:calendar_ics", "booking"),
    ("family_a", "bookings:cancel", "booking"),
    ("family_a", "bookings:reschedule", "booking"),
    ("family_a", "account_email", None),
    ("family_a", "account_change_password", None),
    ("family_a", "mfa_index", None),
    ("family_a", "api:list_bookings", None),
    ("family_a", "api:get_booking", "booking_id"),
    ("family_a", "bookings:index", None),  # a public page, signed in
    ("counsellor_x", "bookings:detail", "booking"),  # intake answers and notes
    ("counsellor_x", "bookings:calendar_ics", "booking"),
    ("counsellor_x", "bookings:counsellor_week", None),
    ("counsellor_x", "bookings:counsellor_hours", None),
    ("coordinator", "bookings:detail", "booking"),
    ("coordinator", "bookings:calendar_ics", "booking"),
    ("coordinator", "bookings:coordinator_bookings", None),
    ("coordinator", "bookings:coordinator_urgent", None),
    ("coordinator", "bookings:coordinator_closures", None),
    ("coordinator", "bookings:coordinator_reports", None),
    ("coordinator", "bookings:coordinator_report_csv", "report"),
    ("coordinator", "privacy:access_log", None),
    ("coordinator", "network:experts", None),  # staff contact details of the pool
    ("coordinator", "wagtailadmin_home", None),
    # admin:index: superusers only (tests/trust/test_admin_door.py checks no-store).
    ("editor", "wagtailadmin_home", None),
    ("editor", "wagtailadmin_explore_root", None),
]


def _url(world, name: str, arg: str | None) -> str:
    kwargs = {
        None: {},
        "child": {"pk": world["child"].pk},
        "export": {"token": world["export"].token},
        "booking": {"pk": world["booking"].pk},
        "booking_id": {"booking_id": world["booking"].pk},
        "report": {"name": "attendance"},
    }[arg]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("actor", "name", "arg"), PERSONAL,
                         ids=[f"{a}-{n}" for a, n, _arg in PERSONAL])
def test_personal_pages_are_never_stored(world, actor, name, arg):
    url = _url(world, name, arg)
    response = client_for(world, actor).get(url)
    assert response.status_code == HTTPStatus.OK, (url, response.status_code)
    assert_not_stored(response, url)
    assert has_vary_header(response, "Cookie"), url


def test_api_answers_to_a_bearer_token_are_never_stored(world):
    response = Client().get(reverse("api:list_bookings"),
                            HTTP_AUTHORIZATION=f"Bearer {world['bearer']['family_a']}")
    assert response.status_code == HTTPStatus.OK
    assert_not_stored(response, "bearer")


def test_personal_feed_is_never_stored_on_the_full_path_replays_and_304(
    world, django_assert_num_queries
):
    url = reverse("calendar:feed", args=[world["feed_a"]])
    client = Client()
    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    assert world["booking"].calendar_uid in first.content.decode()
    assert_not_stored(first, "first poll")
    # Calendar apps send no cookie: a feed never varies on one.
    assert not has_vary_header(first, "Cookie")
    with django_assert_num_queries(0):  # replayed from the feed state (bookings.caching)
        repeat = client.get(url)
    assert repeat.status_code == HTTPStatus.OK
    assert repeat.content == first.content
    assert_not_stored(repeat, "repeat poll")
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED
    assert_not_stored(not_modified, "304")
    gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert_not_stored(gzipped, "gzip")


def test_email_confirmation_page_shows_the_address_and_is_never_stored(site_shell):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    from tests.factories import FamilyFactory

    user = FamilyFactory(email="confirm-me-4821@example.cn")
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": False, "primary": True})
    address.verified = False
    address.save()
    key = EmailConfirmationHMAC(address).key
    response = Client().get(reverse("account_confirm_email", args=[key]))
    assert response.status_code == HTTPStatus.OK
    assert "confirm-me-4821@example.cn" in response.content.decode()
    assert_not_stored(response, "confirm-email")


def test_sign_in_and_sign_out_answers_are_never_stored(site_shell):
    from tests.factories import PASSWORD, FamilyFactory

    user = FamilyFactory()
    client = Client()
    login = client.post(reverse("account_login"),
                        {"login": user.email, "password": PASSWORD})
    assert login.status_code == HTTPStatus.FOUND
    assert_not_stored(login, "login")
    logout = client.post(reverse("account_logout"))
    assert logout.status_code == HTTPStatus.FOUND
    assert_not_stored(logout, "logout")


# --- public pages keep their caching ------------------------------------------------


PUBLIC = ["/", "/en/", "/bookings/", "/bookings/counsellors/", "/bookings/workshops/",
          "/robots.txt", "/search/?q=%E6%83%85%E7%BB%AA"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_are_not_marked_no_store_for_anonymous_visitors(world, url):
    response = Client().get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert "no-store" not in _cache_control(response), (url, response["Cache-Control"])
    assert "private" not in _cache_control(response), (url, response["Cache-Control"])


def test_public_workshop_feed_keeps_its_public_caching(world):
    response = Client().get(reverse("calendar:workshops"))
    assert response.status_code == HTTPStatus.OK
    assert _cache_control(response) == {"public", "max-age=3600"}


def test_a_cached_anonymous_page_and_a_signed_in_page_never_swap_headers(world):
    anonymous = Client()
    miss = anonymous.get("/")
    hit = anonymous.get("/")
    assert hit[HIT] == "hit"
    assert miss.get("Cache-Control") == hit.get("Cache-Control")
    assert "no-store" not in _cache_control(hit)
    # A signed-in visitor never gets the anonymous copy, and their page says no-store.
    signed_in = client_for(world, "family_a").get("/")
    assert HIT not in signed_in
    assert_not_stored(signed_in, "/ signed in")
    # What a signed-in visitor was sent is never stored for an anonymous one.
    from portal import cache as portal_cache

    portal_cache.clear()  # every layer: else the next second decides hit or miss
    client_for(world, "family_a").get("/")
    first = Client().get("/")
    assert HIT not in first
    assert "no-store" not in _cache_control(first)
    again = Client().get("/")
    assert again[HIT] == "hit"
    assert "no-store" not in _cache_control(again)
