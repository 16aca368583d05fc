"""Load the demo content of every app. Idempotent; `--scale N` for benchmarks."""

import importlib.util

from django.core.management.base import BaseCommand

# Order matters: courses needs the site, bookings needs topics.
DEMO_MODULES = ["portal.demo", "courses.demo", "bookings.demo"]


class Command(BaseCommand):
    help = "Create or update the demo site, content and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1,
                            help="Multiply counsellors, workshops and bookings (benchmarks).")

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            self.stderr.write("--scale must be at least 1")
            return
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            module.seed(scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
