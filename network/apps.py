from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("服务点")

    def ready(self):
        from courses.caching import PageReplayer
        from network.privacy import NetworkPrivacy
        from network.templatetags import network_tags
        from portal import cache as caching
        from portal import privacy_registry, sections

        privacy_registry.register(NetworkPrivacy())

        # Public pages, replayed for anonymous visitors like the course pages
        # (kept under `courses.caching.PAGES`, which the network's rows retire:
        # `bookings.caching.INVALIDATION`).
        caching.register(PageReplayer(), "network:points", "network:point")
        caching.register_personal("network:points", "network:point")
        sections.register("home_near_you", network_tags.render_home_near_you)
