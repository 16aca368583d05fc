"""Load the demo content of every app. Idempotent; `--scale N` for benchmarks."""

import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.ops.progress import progress


def demo_modules() -> list[str]:
    """`<app>.demo` of every project app that has one, in INSTALLED_APPS order.

    That order is the import order of the apps (portal, courses, bookings), so
    each app's demo finds what it builds on: courses needs the site, bookings
    needs topics. Portal names no higher app here.
    """
    base = Path(settings.BASE_DIR).resolve()
    names = []
    for config in apps.get_app_configs():
        if Path(config.path).resolve().parent != base:
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is not None:
            names.append(name)
    return names


class Command(BaseCommand):
    help = "Create or update the demo site, content and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1,
                            help="Multiply counsellors, workshops and bookings (benchmarks).")

    def handle(self, *args, scale: int, **options):
        if not settings.SEED_DEMO_ALLOWED:
            raise CommandError(
                "seed_demo creates accounts with published passwords and TOTP secrets; "
                "these settings refuse it (DJANGO_ALLOW_DEMO_DATA=1 for a demo or "
                "benchmark database, never for the station's own).")
        if scale < 1:
            self.stderr.write("--scale must be at least 1")
            return
        # One step per app; at --scale 20 each takes a while.
        steps = progress(demo_modules(), desc="seed_demo", unit="app")
        for name in steps:
            steps.set_postfix_str(name)
            module = importlib.import_module(name)
            module.seed(scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
