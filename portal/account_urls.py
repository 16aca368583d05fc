from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.account, name="account"),
    path("family/", views.profile_edit, name="profile_edit"),
    path("children/add/", views.child_add, name="child_add"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:pk>/remove/", views.child_remove, name="child_remove"),
]
