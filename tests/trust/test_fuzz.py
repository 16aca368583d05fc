"""Hypothesis fuzz of every form and API body: hostile input never gives a 500.

Form field names are read from the rendered pages (so new fields are fuzzed
too); values mix unicode, control characters (NUL, which PostgreSQL refuses
in text), huge and negative numbers, impossible dates, markup and very long
strings. The test client re-raises any server error, which fails the example.
"""

import datetime as dt
import json
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import ApiToken
from tests.factories import (
    AvailabilityRuleFactory,
    ChildFactory,
    CoordinatorFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
    SessionTypeFactory,
)
from tests.trust.conftest import with_totp

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

NASTY = st.sampled_from([
    "", " ", "0", "-1", "1e309", "NaN", "on", "true", "null", "[]", "{}",
    "2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31T23:59:59", "25:61",
    "\x00", "a\x00b", "\u202e", "\ud7ff", "١٢٣", "１２", "'; DROP TABLE x;--",
    "<script>alert(1)</script>", "../../etc/passwd", "a" * 5000, "危" * 400,
    str(2**63), str(-(2**63) - 1),
])
VALUE = st.one_of(
    NASTY,
    st.text(max_size=200),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=dt.date(1, 1, 1)).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True) | NASTY | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def field_names(html: str) -> list[str]:
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html))
    names.discard("csrfmiddlewaretoken")
    return sorted(names) or ["x"]


def form_data(names: list[str]):
    return st.dictionaries(st.sampled_from(names), VALUE | st.lists(VALUE, max_size=3),
                           max_size=len(names) + 1)


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code


@pytest.fixture
def world(site_shell):
    counsellor = CounsellorFactory()
    with_totp(counsellor.user)
    for weekday in range(7):
        AvailabilityRuleFactory(counsellor=counsellor, weekday=weekday,
                                start_time=dt.time(8), end_time=dt.time(20))
    session_type = SessionTypeFactory(counsellors=[counsellor])
    family = FamilyFactory()
    child = ChildFactory(family=family.family_profile)
    workshop = GroupSessionFactory(counsellors=[counsellor])
    _token, secret = ApiToken.issue(user=family, name="fuzz")
    return {"counsellor": counsellor, "session_type": session_type, "family": family,
            "child": child, "workshop": workshop, "secret": secret}


def logged_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fuzz_form(client: Client, page_url: str, post_url: str | None = None):
    page = client.get(page_url)
    assert page.status_code == HTTPStatus.OK, (page_url, page.status_code)
    names = field_names(page.content.decode())

    @FUZZ
    @given(data=form_data(names))
    def run(data):
        assert_no_server_error(client.post(post_url or page_url, data))

    run()


# --- web forms ----------------------------------------------------------------------


def test_signup_form(world):
    fuzz_form(Client(), reverse("account_signup"))


def test_login_form(world):
    fuzz_form(Client(), reverse("account_login"))


def test_child_form(world):
    client = logged_in(world["family"])
    fuzz_form(client, reverse("portal:child_add"))
    fuzz_form(client, reverse("portal:child_edit", args=[world["child"].pk]))


def test_family_profile_form(world):
    fuzz_form(logged_in(world["family"]), reverse("portal:profile_edit"))


def test_booking_flow(world):
    from bookings.selectors import free_slots

    client = logged_in(world["family"])
    url = reverse("bookings:book", args=[world["counsellor"].slug,
                                         world["session_type"].slug])
    today = timezone.localdate()  # the station's date, not the machine's
    slot = free_slots(counsellor=world["counsellor"], session_type=world["session_type"],
                      start_date=today + dt.timedelta(days=3),
                      end_date=today + dt.timedelta(days=6))[0]
    page = client.get(url, {"start": slot.start.isoformat()})
    assert page.status_code == HTTPStatus.OK
    names = field_names(page.content.decode())

    @FUZZ
    @given(data=form_data(names), keep_start=st.booleans(),
           step=st.sampled_from(["details", "edit", "review", "confirm"]) | VALUE)
    def run(data, keep_start, step):
        if keep_start:
            data = {**data, "start": slot.start.isoformat()}
        assert_no_server_error(client.post(url, {**data, "step": step}))

    run()

    @FUZZ
    @given(query=form_data(["start", "topic", "type", "date", "week"]))
    def run_get(query):
        assert_no_server_error(client.get(url, {k: v for k, v in query.items()
                                                if isinstance(v, str)}))
        assert_no_server_error(client.get(
            reverse("bookings:counsellor", args=[world["counsellor"].slug]),
            {k: v for k, v in query.items() if isinstance(v, str)}))

    run_get()


def test_availability_forms(world):
    client = logged_in(world["counsellor"].user)
    hours = reverse("bookings:counsellor_hours")
    for name in ("bookings:counsellor_rule_add", "bookings:counsellor_extra_add",
                 "bookings:counsellor_time_off_add"):
        fuzz_form(client, hours, reverse(name))


def test_privacy_forms(world):
    client = logged_in(world["family"])
    fuzz_form(client, reverse("privacy:index"), reverse("privacy:consent_withdraw"))
    fuzz_form(client, reverse("privacy:erase"))
    coordinator = logged_in(with_totp(CoordinatorFactory()))

    @FUZZ
    @given(query=form_data(["action", "actor", "subject", "since", "until", "page"]))
    def run(query):
        assert_no_server_error(coordinator.get(
            reverse("privacy:access_log"),
            {k: v for k, v in query.items() if isinstance(v, str)}))

    run()


def test_search_query(world):
    client = Client()

    @FUZZ
    @given(q=VALUE, page=VALUE)
    def run(q, page):
        assert_no_server_error(client.get(reverse("search"), {"q": q, "page": page}))

    run()


# --- API bodies ----------------------------------------------------------------------

BOOKING_KEYS = ["counsellor", "session_type", "start", "mode", "child", "concern",
                "risk_answers", "consent", "topic"]


def api(client: Client, secret: str, method: str, path: str, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if method == "get":
        return client.get(path, body or {}, **headers)
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(path, raw, content_type="application/json", **headers)


def test_api_booking_bodies(world):
    client = Client()
    valid = {"counsellor": world["counsellor"].pk,
             "session_type": world["session_type"].pk}

    @FUZZ
    @given(body=st.one_of(
        st.dictionaries(st.sampled_from(BOOKING_KEYS) | st.text(max_size=8), JSON,
                        max_size=10),
        st.dictionaries(st.sampled_from(BOOKING_KEYS), JSON, max_size=9).map(
            lambda d: {**d, **valid}),
        JSON,
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    ))
    def run(body):
        assert_no_server_error(api(client, world["secret"], "post", "/api/v1/bookings",
                                   body))

    run()


def test_api_action_bodies(world):
    from tests.factories import BookingFactory

    booking = BookingFactory(family=world["family"], counsellor=world["counsellor"],
                             session_type=world["session_type"])
    client = Client()
    paths = [f"/api/v1/bookings/{booking.pk}/cancel",
             f"/api/v1/bookings/{booking.pk}/reschedule",
             f"/api/v1/workshops/{world['workshop'].pk}/join",
             "/api/v1/bookings/99999999999999999999/cancel"]

    @FUZZ
    @given(path=st.sampled_from(paths),
           body=st.dictionaries(st.sampled_from(["reason", "start", "child"])
                                | st.text(max_size=8), JSON, max_size=4) | JSON)
    def run(path, body):
        assert_no_server_error(api(client, world["secret"], "post", path, body))

    run()


def test_api_query_strings(world):
    client = Client()

    @FUZZ
    @given(path=st.sampled_from(["/api/v1/slots", "/api/v1/counsellors",
                                 "/api/v1/workshops", "/api/v1/bookings"]),
           query=st.dictionaries(
               st.sampled_from(["counsellor", "session_type", "start", "end", "topic",
                                "upcoming", "language", "mode"]), VALUE, max_size=6))
    def run(path, query):
        assert_no_server_error(api(client, world["secret"], "get", path, query))

    run()


def test_booking_detail_forms(world):
    from tests.factories import BookingFactory

    booking = BookingFactory(family=world["family"], counsellor=world["counsellor"],
                             session_type=world["session_type"])
    detail = reverse("bookings:detail", args=[booking.pk])
    family = logged_in(world["family"])
    for name in ("bookings:reschedule", "bookings:cancel"):
        fuzz_form(family, detail, reverse(name, args=[booking.pk]))
    counsellor = logged_in(world["counsellor"].user)
    for name in ("bookings:note_add", "bookings:attendance"):
        fuzz_form(counsellor, detail, reverse(name, args=[booking.pk]))


def test_workshop_and_token_forms(world):
    family = logged_in(world["family"])
    workshop = reverse("bookings:workshop", args=[world["workshop"].pk])
    fuzz_form(family, workshop, reverse("bookings:workshop_join",
                                        args=[world["workshop"].pk]))
    fuzz_form(family, reverse("portal:account"), reverse("bookings:api_token_create"))


def test_coordinator_forms(world):
    coordinator = logged_in(with_totp(CoordinatorFactory()))
    fuzz_form(coordinator, reverse("bookings:coordinator_closures"))

    @FUZZ
    @given(query=form_data(["start", "end", "status", "counsellor", "urgent", "page",
                            "period", "from", "to"]))
    def run(query):
        clean = {k: v for k, v in query.items() if isinstance(v, str)}
        for name in ("bookings:coordinator_bookings", "bookings:coordinator_reports"):
            assert_no_server_error(coordinator.get(reverse(name), clean))

    run()
