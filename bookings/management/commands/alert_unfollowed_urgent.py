"""Alert the coordinators about urgent bookings nobody has followed up in time.

Run from cron every 15 minutes::

    */15 * * * *  cd /srv/weiai && .venv/bin/python manage.py alert_unfollowed_urgent

or, without cron, ``alert_unfollowed_urgent --schedule`` starts a sweep task
that the worker runs and re-queues every 15 minutes (``make run`` does this).

An urgent booking is due once ``SiteSettings.urgent_response_hours`` have
passed since it came in without a closing follow-up record; each booking is
alerted once (``Booking.unfollowed_alert_sent_at``), however often this runs.
"""

import datetime as dt

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Alert coordinators about urgent bookings with no follow-up in time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true",
            help="Start the self-rescheduling sweep task (every 15 minutes, run by "
                 "the worker) instead of cron; harmless if it is already queued.",
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            from bookings.jobs import schedule_urgent_sweep

            started = schedule_urgent_sweep(delay=dt.timedelta(0))
            self.stdout.write("Unfollowed-urgent sweep queued." if started
                              else "Unfollowed-urgent sweep already queued.")
            return
        from bookings import services

        queued = services.urgent_unfollowed_alert()
        self.stdout.write(f"Unfollowed urgent alerts queued: {queued}")
