"""Shared fixtures: the demo site shell (home page, settings, locales)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


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
