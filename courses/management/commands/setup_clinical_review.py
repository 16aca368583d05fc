"""Bind the clinical review workflow to every course library page. Idempotent."""

from django.core.management.base import BaseCommand

from courses.models import CourseIndexPage
from courses.services import ensure_clinical_review


class Command(BaseCommand):
    help = "Create the 临床审核 workflow and bind it to the course library pages."

    def handle(self, *args, **options):
        count = 0
        for index in CourseIndexPage.objects.all():
            ensure_clinical_review(index_page=index)
            count += 1
        if count == 0:
            self.stderr.write("No course library page yet: create it, then run this again.")
            return
        self.stdout.write(self.style.SUCCESS(f"Clinical review bound to {count} page(s)."))
