from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate"),
    path("lessons/<int:pk>/quiz/", views.quiz_submit, name="quiz"),
    path("lessons/<int:pk>/complete/", views.lesson_complete, name="lesson_complete"),
]
