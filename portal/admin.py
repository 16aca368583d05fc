"""Django admin: privacy records are visible to superusers and never editable.

The access log is append-only by design (AccessLog.save/delete refuse);
the admin offers no add, change or delete for it, for erasure records, or
for data exports (whose archives only their owner may download).
"""

from django.contrib import admin

from portal.admin_site import ReadOnlyAdmin
from portal.models import AccessLog, DataExport, ErasureRecord


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "subject_user_id", "object_type",
                    "object_id", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_id")
    date_hierarchy = "at"


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ("erased_user_id", "at", "requested_by_self")


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ("user", "status", "created_at", "ready_at", "expires_at")
    list_filter = ("status",)
    exclude = ("archive", "token")
