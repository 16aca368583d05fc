"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.urls import path
from django.views.decorators.http import require_POST

from portal.urls import handler400, handler403, handler404, handler429, handler500
from portal.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("boom")


def bad(request):
    raise SuspiciousOperation("a tampered request")


def database_gone(request):
    raise OperationalError("connection refused")


@require_POST
def post_only(request):
    raise AssertionError("never reached by a GET")


urlpatterns = [path("bad/", bad), path("post-only/", post_only),
               *i18n_patterns(path("crash/", crash), path("database-gone/", database_gone),
                              prefix_default_language=False),
               *site_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler429", "handler500",
           "urlpatterns"]
