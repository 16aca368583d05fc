from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("certificates/<str:code>/", views.certificate_verify, name="certificate"),
]
