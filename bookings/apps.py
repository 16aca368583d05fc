from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("预约")

    def ready(self):
        from bookings import caching, signals  # noqa: F401  (connects the receivers)

        caching.register()
