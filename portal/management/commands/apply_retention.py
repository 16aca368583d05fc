"""`manage.py apply_retention`: the daily privacy clean-up. Safe to re-run."""

from django.core.management.base import BaseCommand

from portal.privacy import retention_apply, retention_days


class Command(BaseCommand):
    help = (
        "Anonymise bookings older than the retention period (SiteSettings), delete "
        "revoked calendar feeds and API tokens, and expire old data exports. "
        "Idempotent: safe to run daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        days = retention_days()
        result = retention_apply(show_progress=True)
        self.stdout.write(f"retention period: {days} days")
        for key in sorted(result):
            self.stdout.write(f"{key}: {result[key]}")
