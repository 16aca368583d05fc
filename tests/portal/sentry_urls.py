"""The site's URLs plus a view that fails holding personal data, for the
error-report scrubbing test."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def fail_with_personal_data(request):
    email, phone = request.POST["email"], request.POST["phone"]
    concern = request.POST["concern"]  # noqa: F841 (a local the report must not carry)
    raise ValueError(f"could not book for {email} ({phone})")


urlpatterns = [path("sentry-fail/", fail_with_personal_data), *site_urlpatterns]
