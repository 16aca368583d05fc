from django.apps import apps as global_apps
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from portal import crisis
from portal.models import CrisisLine, SiteSettings


@receiver([post_save, post_delete], sender=CrisisLine)
@receiver([post_save], sender=SiteSettings)
def _crisis_lines_changed(**kwargs):
    crisis.invalidate()
    # Again once the change is visible: a request that read the old rows
    # meanwhile must not keep them cached for the hour.
    transaction.on_commit(crisis.invalidate)


@receiver(post_migrate)
def _role_groups(sender, using="default", **kwargs):
    """After every migrate (and test-database flush): role groups and their
    permissions exist, so a fresh deployment has working roles without demo data.

    post_migrate is sent once per app, in INSTALLED_APPS order; permissions of
    later apps may not exist yet, so act on the last app's signal only.
    """
    with_models = [a for a in global_apps.get_app_configs() if a.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from portal.roles import ensure_groups

    ensure_groups()
