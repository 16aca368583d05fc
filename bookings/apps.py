from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("预约")

    def ready(self):
        from bookings import caching, signals  # noqa: F401  (connects the receivers)
        from bookings import metrics as booking_metrics
        from bookings.privacy import BookingsPrivacy
        from bookings.templatetags import booking_tags
        from portal import privacy_registry, sections
        from portal.ops import metrics

        caching.register()
        metrics.register_collector(booking_metrics.urgent_gauges)
        privacy_registry.register(BookingsPrivacy())
        sections.register("home_upcoming_workshops", booking_tags.render_home_workshops)
        sections.register("topic_help", booking_tags.render_topic_help)
        sections.register("point_services", booking_tags.render_point_services)
