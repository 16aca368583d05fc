from django.urls import path

from bookings import api_token_views, calendar_views, views

app_name = "bookings"

urlpatterns = [
    # Families: choose a topic, a counsellor, a time; then details and confirm.
    path("", views.index, name="index"),
    path("counsellors/", views.counsellor_list, name="counsellors"),
    path("counsellors/<slug:slug>/", views.counsellor_detail, name="counsellor"),
    path("book/<slug:slug>/<slug:type_slug>/", views.book, name="book"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/calendar.ics", calendar_views.booking_ics, name="calendar_ics"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/follow-up/", views.follow_up_add, name="follow_up_add"),
    # Workshops and their waitlists.
    path("workshops/", views.workshop_list, name="workshops"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop"),
    path("workshops/<int:pk>/join/", views.workshop_join, name="workshop_join"),
    path("workshops/<int:pk>/leave/", views.workshop_leave, name="workshop_leave"),
    path("waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist_leave"),
    # Counsellors: their week and their hours.
    path("counsellor/week/", views.counsellor_week, name="counsellor_week"),
    path("counsellor/hours/", views.counsellor_hours, name="counsellor_hours"),
    path("counsellor/hours/rules/", views.rule_add, name="counsellor_rule_add"),
    path("counsellor/hours/extra/", views.exception_add, name="counsellor_extra_add"),
    path("counsellor/hours/time-off/", views.time_off_add, name="counsellor_time_off_add"),
    path("counsellor/hours/<slug:kind>/<int:pk>/delete/", views.schedule_delete,
         name="counsellor_schedule_delete"),
    # Coordinators.
    path("coordinator/", views.coordinator_bookings, name="coordinator_bookings"),
    path("coordinator/urgent/", views.coordinator_urgent, name="coordinator_urgent"),
    path("coordinator/closures/", views.coordinator_closures,
         name="coordinator_closures"),
    path("coordinator/closures/<int:pk>/delete/", views.coordinator_closure_delete,
         name="coordinator_closure_delete"),
    path("coordinator/reports/", views.coordinator_reports, name="coordinator_reports"),
    path("coordinator/reports/<slug:name>.csv", views.coordinator_report_csv,
         name="coordinator_report_csv"),
    # Personal API tokens (account page section).
    path("api-tokens/", api_token_views.api_token_create, name="api_token_create"),
    path("api-tokens/<int:pk>/revoke/", api_token_views.api_token_revoke,
         name="api_token_revoke"),
]
