from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from bookings.api import api
from portal import views
from portal.ops import metrics as ops_metrics
from portal.ops import status as ops_status
from portal.sitemaps import LocalizedSitemap

# Both admin logins go through allauth (rate limits, MFA): there is no second door.
admin_login_redirect = RedirectView.as_view(
    pattern_name="account_login", query_string=True, permanent=False
)

urlpatterns = [
    path("admin/login/", admin_login_redirect),
    path("django-admin/login/", admin_login_redirect),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": LocalizedSitemap}}),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("api/v1/", api.urls),
    path("calendar/", include("bookings.calendar_urls")),
    path("metrics", ops_metrics.metrics_view, name="metrics"),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("account/privacy/", include("portal.privacy_urls")),
    path("account/", include("portal.account_urls")),
    path("courses/", include("courses.urls")),
    path("search/", include("courses.search_urls")),
    path("bookings/", include("bookings.urls")),
    path("points/", include("network.urls")),
    path("staff/status/", ops_status.system_status, name="ops_status"),
    path("cases/grants/", include("cases.grant_urls")),
    path("cases/", include("cases.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler429 = "portal.views.too_many_requests"
handler500 = "portal.views.server_error"
