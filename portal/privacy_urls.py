from django.urls import path

from portal import privacy_views as views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export_request, name="export_request"),
    path("export/<str:token>/download/", views.export_download, name="export_download"),
    path("consent/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consent/give/", views.consent_give, name="consent_give"),
    path("erase/", views.erase, name="erase"),
    path("erased/", views.erased, name="erased"),
    path("access-log/", views.access_log, name="access_log"),
]
