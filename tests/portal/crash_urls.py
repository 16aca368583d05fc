"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path
from django.views.decorators.http import require_POST

from portal.urls import handler400, handler403, handler404, handler429, handler500
from portal.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("boom")


def bad(request):
    raise SuspiciousOperation("a tampered request")


@require_POST
def post_only(request):
    raise AssertionError("never reached by a GET")


urlpatterns = [path("crash/", crash), path("bad/", bad), path("post-only/", post_only),
               *site_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler429", "handler500",
           "urlpatterns"]
