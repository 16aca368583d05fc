"""Django admin (superusers only, /django-admin/): a read-only view of bookings.

Every change of a booking or a waitlist entry goes through bookings/services.py
(SEQUENCE, emails, waitlist promotion, the access log); the coordinator pages
call them. The admin only shows the rows: no add, change, delete or actions.

Intake answers and the family's concern are left out: reading them must go
through the booking detail page, which writes the access log.
"""

from django.contrib import admin

from bookings.models import Booking, WaitlistEntry
from portal.admin_site import ReadOnlyAdmin


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["reference", "counsellor", "session_type", "start", "status",
                    "is_urgent"]
    list_filter = ["status", "is_urgent", "session_type"]
    date_hierarchy = "start"
    exclude = ["intake_answers", "concern"]
    list_select_related = ["counsellor", "session_type"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ["group_session", "family", "created_at", "promoted_at", "left_at"]
    list_select_related = ["group_session", "family"]
