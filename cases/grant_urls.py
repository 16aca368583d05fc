"""Access grants (`cases.views.grants`), included under /cases/grants/."""

from django.urls import path

from cases.views import grants

app_name = "case_grants"

urlpatterns = [
    path("", grants.mine, name="mine"),
    path("request/", grants.grant_request, name="request"),
    path("queue/", grants.queue, name="queue"),
    path("<int:pk>/approve/", grants.approve, name="approve"),
    path("<int:pk>/revoke/", grants.revoke, name="revoke"),
]
