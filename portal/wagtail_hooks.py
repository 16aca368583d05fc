"""Wagtail admin: the access log under Reports, for coordinators.

The log is read in the portal's own read-only viewer (privacy:access_log);
Wagtail only links to it, so there is no add, edit or delete anywhere.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class AccessLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_coordinator


@hooks.register("register_reports_menu_item")
def access_log_menu_item():
    return AccessLogMenuItem(
        _("访问记录"), reverse("privacy:access_log"), icon_name="history", order=60
    )
