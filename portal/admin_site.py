"""The Django admin at /django-admin/: active superusers only, read-mostly.

It is a second door into tables the services own, so it admits only active
superusers with TOTP (StaffMFAMiddleware holds the same line by path, before
any view runs), and the models whose writes have rules (bookings, waitlists,
privacy records) are registered read-only. Images and documents are managed
in Wagtail only, where the upload limits of portal.uploads apply.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


def may_use_django_admin(user) -> bool:
    """Active superusers; the TOTP requirement is checked beside it."""
    return bool(user.is_active and user.is_superuser)


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # Imported here: this module is an AppConfig, loaded before the models.
        from portal.roles import has_totp

        user = request.user
        return may_use_django_admin(user) and has_totp(user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to superusers, never written through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _wagtail_managed_models():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return [get_image_model(), get_document_model()]


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the superuser-only site.

    After autodiscovery the image and document models that Wagtail apps
    register with the plain ModelAdmin are taken out again: their admin form
    would take a file past WAGTAILIMAGES_MAX_IMAGE_PIXELS and the content
    checks of portal.uploads.
    """

    default_site = "portal.admin_site.SuperuserAdminSite"

    def ready(self):
        super().ready()
        for model in _wagtail_managed_models():
            if admin.site.is_registered(model):
                admin.site.unregister(model)
