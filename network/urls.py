from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("", views.point_list, name="points"),
    path("<slug:slug>/", views.point_detail, name="point"),
]
