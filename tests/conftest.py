"""Shared fixtures: the demo site shell (home page, settings, locales), and
the moved clock (`WEIAI_TEST_CLOCK`) CI runs the `clock` tests at."""

import datetime as dt
import os

import pytest

CLOCK_ENV = "WEIAI_TEST_CLOCK"
_traveller = None


def clock_instant() -> dt.datetime | None:
    """The instant `WEIAI_TEST_CLOCK` names (ISO 8601 with a UTC offset), or None."""
    raw = os.environ.get(CLOCK_ENV, "").strip()
    if not raw:
        return None
    try:
        instant = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise pytest.UsageError(f"{CLOCK_ENV}={raw!r} is not an ISO 8601 date-time") from exc
    if instant.tzinfo is None:
        raise pytest.UsageError(f"{CLOCK_ENV}={raw!r} needs a UTC offset, e.g. +08:00")
    return instant


def pytest_configure(config):
    """With `WEIAI_TEST_CLOCK` set, the whole session (test database setup,
    fixtures, tests) runs on a clock started at that instant and ticking on.
    Tests that travel themselves (time_machine.travel) nest inside it."""
    global _traveller
    instant = clock_instant()
    if instant is not None and _traveller is None:
        import time_machine

        _traveller = time_machine.travel(instant, tick=True)
        _traveller.start()


@pytest.fixture(autouse=True)
def _each_test_starts_at_the_moved_clock():
    """And each test starts at that instant again: a run at 23:50 takes minutes,
    so a session clock alone would carry later tests past midnight, and a test
    that reads "today" twice could straddle it. Autouse, so it is set up before
    the test's other function fixtures (factories reading now() included)."""
    instant = clock_instant()
    if instant is None:
        yield
        return
    import time_machine

    with time_machine.travel(instant, tick=True):
        yield


def pytest_unconfigure(config):
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config):
    instant = clock_instant()
    if instant is None:
        return f"clock: real time ({CLOCK_ENV} not set)"
    return f"clock: {CLOCK_ENV}={instant.isoformat()} (each test starts there, ticking)"


def clear_all_caches():
    """Every cache layer, shared and per process (`portal.cache.clear`): a test
    must not meet the previous test's entries, or pass or fail by how long
    the requests took."""
    from portal import cache as caching

    caching.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_all_caches()
    yield
    clear_all_caches()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in zh-hans: a request in English must not leak into
    the next test's reverse() calls (the active language is per thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def full_path(settings):
    """Query counts of the full path: no replay of signed-in pages (which ask
    no query at all; tests/portal/test_personal_replay.py tests those)."""
    settings.CACHE_PERSONAL_REPLAY = False


@pytest.fixture
def site_shell(db):
    """Home page (zh-hans and en), standard pages, crisis lines and demo accounts."""
    from portal import demo

    demo.seed()
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.postgres` tests run on PostgreSQL and skip (visibly) on SQLite."""
    import os

    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (CI runs it there)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def sms_outbox():
    """The console SMS sender's outbox (portal.sms.outbox), empty at the start."""
    from portal import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(scope="session")
def gpg_keypair():
    """A GPG key pair for backup tests (tests.gpg_support)."""
    from tests.gpg_support import throwaway_keypair

    with throwaway_keypair() as pair:
        yield pair
