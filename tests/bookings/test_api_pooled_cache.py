"""Repeated pooled slot searches (`GET /api/v1/slots?topic=`) answered before
the middleware stack (bookings.caching), as named searches are.

A repeat is the full path's answer without a query; a booking, a counsellor
joining or leaving the pool, a closed point day or a revoked token shows on
the very next search.
"""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import Mode
from portal import tokens
from portal.models import ApiToken
from tests.bookings.engine_setup import counsellor_with_hours, local
from tests.bookings.pool_setup import DAY, NOW
from tests.factories import FamilyFactory

# Not marked `clock`: every test pins its own instant (the fixture below), so
# a moved clock (CI's `-m clock` runs) would only repeat the same run.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield


def _auth() -> dict:
    _token, secret = ApiToken.issue(user=FamilyFactory(), name="phone")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _search(service, auth, **extra):
    return Client().get("/api/v1/slots", {
        "topic": "emotional-guidance", "session_type": service.pk,
        "start": DAY.isoformat(), "end": DAY.isoformat(), **extra}, **auth)


def _starts(response) -> set[str]:
    assert response.status_code == HTTPStatus.OK, response.content
    return {s["start"] for s in response.json()}


def test_a_repeat_pooled_search_is_the_same_answer_without_a_query(pool):
    _topic, service, _busy, _idle = pool
    auth = _auth()
    first = _search(service, auth)
    assert first.status_code == HTTPStatus.OK
    with CaptureQueriesContext(connection) as queries:
        again = _search(service, auth)
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert again.content == first.content
    per_request = {"Content-Language", "X-Request-ID"}
    same = {k: v for k, v in first.headers.items() if k not in per_request}
    assert {k: v for k, v in again.headers.items() if k != "X-Request-ID"} == same
    assert again["Cache-Control"] == first["Cache-Control"]


def test_a_slot_both_counsellors_lose_is_gone_from_the_next_search(pool):
    _topic, service, busy, idle = pool
    auth = _auth()
    ten = local(DAY, 10).isoformat()
    assert ten in _starts(_search(service, auth))
    _search(service, auth)  # from the cache now
    for counsellor in (busy, idle):
        services.booking_create(
            family=FamilyFactory(), counsellor=counsellor, session_type=service,
            start=local(DAY, 10), mode=Mode.IN_PERSON, consent=True)
    assert ten not in _starts(_search(service, auth))


def test_a_counsellor_joining_the_pool_shows_on_the_next_search(pool):
    topic, service, busy, idle = pool
    auth = _auth()
    for counsellor in (busy, idle):
        services.booking_create(
            family=FamilyFactory(), counsellor=counsellor, session_type=service,
            start=local(DAY, 11), mode=Mode.IN_PERSON, consent=True)
    eleven = local(DAY, 11).isoformat()
    assert eleven not in _starts(_search(service, auth))
    _search(service, auth)
    # A third counsellor of the service takes up the topic: a specialty added
    # to someone outside the pool, whose own generation no one had read.
    newcomer = counsellor_with_hours(display_name="钱安然")
    service.counsellors.add(newcomer)
    assert eleven not in _starts(_search(service, auth))  # no topic yet
    newcomer.specialties.add(topic)
    assert eleven in _starts(_search(service, auth))


def test_a_counsellor_leaving_the_pool_shows_on_the_next_search(pool):
    _topic, service, busy, idle = pool
    auth = _auth()
    three = local(DAY, 15).isoformat()  # 林晓舟 is booked then; 周一诺 is free
    assert three in _starts(_search(service, auth))
    _search(service, auth)
    idle.is_active = False
    idle.save()
    assert three not in _starts(_search(service, auth))


def test_a_counsellor_taken_off_the_service_shows_on_the_next_search(pool):
    _topic, service, _busy, idle = pool
    auth = _auth()
    three = local(DAY, 15).isoformat()  # only 周一诺 is free then
    assert three in _starts(_search(service, auth))
    _search(service, auth)  # from the cache now
    service.counsellors.remove(idle)
    assert three not in _starts(_search(service, auth))


def test_a_credential_expiring_shows_on_the_next_search(pool):
    from network.models import Expert

    _topic, service, _busy, idle = pool
    expert = Expert.objects.create(name="周一诺", slug="expert-zhou", role="counsellor",
                                   counsellor=idle, credential="心理咨询师",
                                   credential_expires=NOW.date() + dt.timedelta(days=30))
    auth = _auth()
    three = local(DAY, 15).isoformat()
    assert three in _starts(_search(service, auth))
    _search(service, auth)
    expert.credential_expires = NOW.date() - dt.timedelta(days=1)
    expert.save()
    assert three not in _starts(_search(service, auth))


def test_a_revoked_token_gets_nothing_from_the_cache(pool):
    _topic, service, _busy, _idle = pool
    family = FamilyFactory()
    token, secret = ApiToken.issue(user=family, name="phone")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert _search(service, auth).status_code == HTTPStatus.OK
    assert _search(service, auth).status_code == HTTPStatus.OK
    tokens.api_token_revoke(user=family, token_id=token.pk)
    assert _search(service, auth).status_code == HTTPStatus.UNAUTHORIZED
    other = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    assert _search(service, other).status_code == HTTPStatus.UNAUTHORIZED


def test_unusual_pooled_queries_take_the_full_path_and_its_messages(pool):
    _topic, service, _busy, _idle = pool
    auth = _auth()
    assert _search(service, auth).status_code == HTTPStatus.OK
    unknown = _search(service, auth, topic="no-such-topic")
    assert unknown.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert _search(service, auth, mode="teleport").status_code == \
        HTTPStatus.UNPROCESSABLE_ENTITY
    twice = Client().get(
        f"/api/v1/slots?topic=emotional-guidance&topic=x&session_type={service.pk}"
        f"&start={DAY}&end={DAY}", **auth)
    # The last `topic` counts (as Django's QueryDict.get): "x" is no topic.
    assert twice.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert twice.json() == {"detail": [{"loc": ["query", "topic"], "msg": "没有这个主题。",
                                        "type": "unknown"}]}
    online = _search(service, auth, mode="online")
    assert online.status_code == HTTPStatus.OK


def test_an_expired_pooled_answer_is_not_served(pool):
    _topic, service, _busy, _idle = pool
    auth = _auth()
    first = _search(service, auth)
    # Past the answer's minute: the full path answers (and queries) again.
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False), \
            CaptureQueriesContext(connection) as queries:
        again = _search(service, auth)
    assert len(queries) > 0
    assert again.content == first.content
