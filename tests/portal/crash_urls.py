"""The site's URLs plus one view that crashes, for the 500-page test."""

from django.urls import path

from portal.urls import handler404, handler500
from portal.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash), *site_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
