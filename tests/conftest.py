"""Shared fixtures: the demo site shell (home page, settings, locales)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_shell(db):
    """Home page (zh-hans and en), standard pages, crisis lines and demo accounts."""
    from portal import demo

    demo.seed()
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)
