from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal import crisis
from portal.models import CrisisLine, SiteSettings


@receiver([post_save, post_delete], sender=CrisisLine)
@receiver([post_save], sender=SiteSettings)
def _crisis_lines_changed(**kwargs):
    crisis.invalidate()
