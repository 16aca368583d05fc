"""/calendar/: subscription feeds (outside the language prefix: calendar apps
fetch them) and the account page's feed buttons."""

from django.urls import path

from bookings import calendar_views

app_name = "calendar"

urlpatterns = [
    path("workshops.ics", calendar_views.workshops_feed, name="workshops"),
    path("feeds/create/", calendar_views.feed_create, name="feed_create"),
    path("feeds/rotate/", calendar_views.feed_rotate, name="feed_rotate"),
    path("feeds/revoke/", calendar_views.feed_revoke, name="feed_revoke"),
    path("<str:secret>.ics", calendar_views.personal_feed, name="feed"),
]
