from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("", views.point_list, name="points"),
    # Two segments: no point slug can shadow it.
    path("staff/experts/", views.expert_directory, name="experts"),
    path("<slug:slug>/", views.point_detail, name="point"),
]
