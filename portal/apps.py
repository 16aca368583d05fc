from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与账户")

    def ready(self):
        from django.contrib.sessions.models import Session
        from django_tasks_db.models import DBTaskResult

        from portal import cache, privacy, privacy_registry, signals  # noqa: F401
        from portal.access import log_replayed
        from portal.models import AccessLog, Heartbeat
        from portal.ops import metrics

        privacy_registry.register(privacy.PortalPrivacy())
        cache.watch_writes(sessions=[Session._meta.db_table],
                           quiet=[AccessLog._meta.db_table, DBTaskResult._meta.db_table,
                                  Heartbeat._meta.db_table],
                           logged=[AccessLog._meta.db_table])
        metrics.install_database_metrics()
        # A replayed access-logged read is logged again (portal.access).
        cache.set_access_writer(log_replayed)
        # The account page and robots.txt, signed in.
        cache.register_personal("portal:account", "robots_txt")
