"""`manage.py anonymise_closed_cases`: anonymise the case files closed longer
ago than `CaseSettings.retention_years`. Idempotent; `apply_retention` runs
the same service daily."""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from cases.models import Case
from cases.services import anonymisation_cutoff, cases_anonymise_closed


class Command(BaseCommand):
    help = ("Anonymise closed cases past the retention period (CaseSettings): clear "
            "narratives, addresses, phones and member labels; keep counts, dates and "
            "states. Safe to re-run.")

    def handle(self, *args, **options):
        now = timezone.now()
        due = Case.objects.filter(status=Case.Status.CLOSED, anonymised_at__isnull=True,
                                  closed_at__lt=anonymisation_cutoff(now=now)).count()
        # A progress bar only for a person at a terminal, not in cron's mail.
        with tqdm(total=due, unit="case", disable=not sys.stdout.isatty(),
                  file=sys.stdout) as bar:
            result = cases_anonymise_closed(now=now, progress=bar.update)
        for key in sorted(result):
            self.stdout.write(f"{key}: {result[key]}")
