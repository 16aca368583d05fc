from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from portal import cache as caching
from portal import crisis
from portal.models import CrisisLine, SiteSettings

# portal's rows of the invalidation table (the apps above add theirs in
# bookings.caching.INVALIDATION).
caching.connect([
    caching.Retire(CrisisLine, (crisis.GENERATION,)),
    caching.Retire(SiteSettings, (crisis.GENERATION,)),
])


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
