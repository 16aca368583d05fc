from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与账户")

    def ready(self):
        from portal import privacy, privacy_registry, signals  # noqa: F401

        privacy_registry.register(privacy.PortalPrivacy())
