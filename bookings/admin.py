"""Django admin (superusers only, /django-admin/): a read-mostly view of bookings.

Intake answers and the family's concern are left out: reading them must go
through the booking detail page, which writes the access log.
"""

from django.contrib import admin

from bookings.models import Booking, WaitlistEntry


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["reference", "counsellor", "session_type", "start", "status",
                    "is_urgent"]
    list_filter = ["status", "is_urgent", "session_type"]
    date_hierarchy = "start"
    exclude = ["intake_answers", "concern"]
    readonly_fields = ["family", "child", "counsellor", "session_type", "group_session",
                       "start", "end", "calendar_uid", "sequence", "reminder_sent_at",
                       "created_at", "cancelled_at"]
    list_select_related = ["counsellor", "session_type"]

    def has_add_permission(self, request):
        return False  # bookings are made through the booking services only


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["group_session", "family", "created_at", "promoted_at", "left_at"]
    list_select_related = ["group_session", "family"]
    readonly_fields = ["group_session", "family", "child", "created_at"]

    def has_add_permission(self, request):
        return False
