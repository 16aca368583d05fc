"""Queue the 24-hour reminders that are due (run from cron every 15 minutes).

    */15 * * * *  cd /srv/weiai && .venv/bin/python manage.py send_reminders

Without cron, ``send_reminders --schedule`` starts a sweep task that the
worker runs and re-queues every 15 minutes (``make run`` does this).

The worker (``manage.py db_worker``) sends them. A reminder is sent at most
once per booking (``Booking.reminder_sent_at``) and never for a session that
has already started, however often this command runs.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from bookings.tasks import enqueue_due_reminders, send_booking_email


class Command(BaseCommand):
    help = "Queue reminder emails for bookings starting within the reminder window."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true",
            help="Send in this process instead of leaving them to the worker.",
        )
        parser.add_argument(
            "--schedule", action="store_true",
            help="Start the self-rescheduling sweep task (every 15 minutes, run by "
                 "the worker) instead of cron; harmless if it is already queued.",
        )

    def handle(self, *args, now: bool = False, schedule: bool = False, **options):
        if schedule:
            from bookings.tasks import schedule_reminder_sweep

            started = schedule_reminder_sweep(delay=dt.timedelta(0))
            self.stdout.write("Reminder sweep queued." if started
                              else "Reminder sweep already queued.")
            return
        if now:
            from bookings.tasks import due_reminders

            sent = sum(send_booking_email.call(pk, "reminder")
                       for pk in due_reminders().values_list("pk", flat=True))
            self.stdout.write(f"Reminders sent: {sent}")
            return
        queued = enqueue_due_reminders()
        self.stdout.write(f"Reminders queued: {queued}")
