"""Queue the 24-hour reminders that are due (run from cron every 15 minutes).

    */15 * * * *  cd /srv/weiai && .venv/bin/python manage.py send_reminders

The worker (``manage.py db_worker``) sends them. A reminder is sent at most
once per booking (``Booking.reminder_sent_at``) and never for a session that
has already started, however often this command runs.
"""

from django.core.management.base import BaseCommand

from bookings.tasks import enqueue_due_reminders, send_booking_email


class Command(BaseCommand):
    help = "Queue reminder emails for bookings starting within the reminder window."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true",
            help="Send in this process instead of leaving them to the worker.",
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            from bookings.tasks import due_reminders

            sent = sum(send_booking_email.call(pk, "reminder")
                       for pk in due_reminders().values_list("pk", flat=True))
            self.stdout.write(f"Reminders sent: {sent}")
            return
        queued = enqueue_due_reminders()
        self.stdout.write(f"Reminders queued: {queued}")
