"""Schemathesis over /api/v1/openapi.json against the WSGI app, in-process.

No 5xx, ever; and every answer conforms to the schema's word: its status is
one the operation documents, its content type the one documented for that
status (schemathesis' ``status_code_conformance`` and
``content_type_conformance`` checks).

Bounded: a few dozen generated requests per operation, authenticated as a
family with a personal token, against a database with a counsellor, a
session type, a workshop and one of the family's own bookings.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    status_code_conformance,
)

from bookings import services
from bookings.models import Mode
from portal.models import ApiToken
from portal.wsgi import application
from tests.bookings.engine_setup import make_setup
from tests.factories import GroupSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_token(db):
    setup = make_setup()
    services.booking_create(family=setup.family, counsellor=setup.counsellor,
                            session_type=setup.session_type, start=setup.at(10),
                            mode=Mode.IN_PERSON, consent=True)
    GroupSessionFactory(capacity=1)
    _token, secret = ApiToken.issue(user=setup.family, name="schemathesis")
    return secret


@pytest.fixture
def keep_test_connection():
    """Calls go through the real WSGI handler, whose request signals close "old"
    connections — inside the test's transaction that would close the test's own
    connection. Django's test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_never_answers_5xx_and_answers_as_documented(api_token, keep_test_connection):
    """Every operation, inputs that fit the schema and inputs that do not: no server
    error, and only documented statuses and content types.

    Runs the operations' Hypothesis strategies directly: schemathesis' own
    pytest plugin does not support pytest 9 yet.
    """
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {api_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    seen = []

    strategies = [
        operation.as_strategy(generation_mode=mode)
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ]
    for strategy in strategies:

        @given(case=strategy)
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers=headers)
            seen.append(response.status_code)
            assert response.status_code < 500, (
                case.method, case.formatted_path, case.body, case.query,
                response.text[:500])
            case.validate_response(
                response, checks=[status_code_conformance, content_type_conformance],
                headers=headers)

        check()
    # The run reached the handlers, not just the auth wall.
    assert {200, 404, 422} <= set(seen)
