from django.urls import path

from bookings import api_token_views, calendar_views
from bookings.views import coordinator, counsellor, family, pooled, workshops

app_name = "bookings"

urlpatterns = [
    # Families: choose a topic, a counsellor, a time; then details and confirm.
    path("", family.index, name="index"),
    path("counsellors/", family.counsellor_list, name="counsellors"),
    path("counsellors/<slug:slug>/", family.counsellor_detail, name="counsellor"),
    path("book/<slug:slug>/<slug:type_slug>/", family.book, name="book"),
    # Or the next available counsellor for a topic (the pool, the fair rule).
    path("pooled/", pooled.pooled_times, name="pooled"),
    path("pooled/book/", pooled.pooled_book, name="pooled_book"),
    path("mine/", family.mine, name="mine"),
    path("<int:pk>/", family.detail, name="detail"),
    path("<int:pk>/cancel/", family.cancel, name="cancel"),
    path("<int:pk>/reschedule/", family.reschedule, name="reschedule"),
    path("<int:pk>/calendar.ics", calendar_views.booking_ics, name="calendar_ics"),
    path("<int:pk>/attendance/", counsellor.attendance, name="attendance"),
    path("<int:pk>/notes/", counsellor.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/edit/", counsellor.note_edit, name="note_edit"),
    path("<int:pk>/follow-up/", counsellor.follow_up_add, name="follow_up_add"),
    # Workshops and their waitlists.
    path("workshops/", workshops.workshop_list, name="workshops"),
    path("workshops/<int:pk>/", workshops.workshop_detail, name="workshop"),
    path("workshops/<int:pk>/join/", workshops.workshop_join, name="workshop_join"),
    path("workshops/<int:pk>/leave/", workshops.workshop_leave, name="workshop_leave"),
    path("waitlist/<int:pk>/leave/", workshops.waitlist_leave, name="waitlist_leave"),
    # Counsellors: their week and their hours.
    path("counsellor/week/", counsellor.counsellor_week, name="counsellor_week"),
    path("counsellor/hours/", counsellor.counsellor_hours, name="counsellor_hours"),
    path("counsellor/hours/rules/", counsellor.rule_add, name="counsellor_rule_add"),
    path("counsellor/hours/extra/", counsellor.exception_add, name="counsellor_extra_add"),
    path("counsellor/hours/time-off/", counsellor.time_off_add, name="counsellor_time_off_add"),
    path("counsellor/hours/<slug:kind>/<int:pk>/delete/", counsellor.schedule_delete,
         name="counsellor_schedule_delete"),
    # Coordinators.
    path("coordinator/", coordinator.coordinator_bookings, name="coordinator_bookings"),
    path("coordinator/urgent/", coordinator.coordinator_urgent, name="coordinator_urgent"),
    path("coordinator/urgent/<int:pk>/claim/", coordinator.coordinator_urgent_claim,
         name="coordinator_urgent_claim"),
    path("coordinator/closures/", coordinator.coordinator_closures,
         name="coordinator_closures"),
    path("coordinator/closures/<int:pk>/delete/", coordinator.coordinator_closure_delete,
         name="coordinator_closure_delete"),
    path("coordinator/reports/", coordinator.coordinator_reports, name="coordinator_reports"),
    path("coordinator/reports/<slug:name>.csv", coordinator.coordinator_report_csv,
         name="coordinator_report_csv"),
    # Personal API tokens (account page section).
    path("api-tokens/", api_token_views.api_token_create, name="api_token_create"),
    path("api-tokens/<int:pk>/revoke/", api_token_views.api_token_revoke,
         name="api_token_revoke"),
]
