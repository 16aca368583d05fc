"""Rebuild the segmented Chinese search index of modules and lessons."""

from django.core.management.base import BaseCommand

from courses.search.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the course search index (jieba-segmented, Simplified)."

    def handle(self, *args, **options):
        count = reindex_all(show_progress=True)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} pages."))
