"""Alert the coordinators about urgent intakes nobody claimed or followed up in time.

Run from cron every 5 minutes::

    */5 * * * *  cd /srv/weiai && .venv/bin/python manage.py alert_unfollowed_urgent

or, without cron, ``alert_unfollowed_urgent --schedule`` starts a sweep task
that the worker runs and re-queues every 5 minutes (``make run`` does this).

An urgent intake still unclaimed ``BookingPolicy.urgent_escalation_minutes``
(default 30) of opening hours after it came in is escalated: every
coordinator is emailed again, once (``Booking.urgent_escalated_at``).

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
            help="Start the self-rescheduling sweep task (every 5 minutes, run by "
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

        # The older safety net first: an escalation that fails must not skip it.
        queued = services.urgent_unfollowed_alert()
        self.stdout.write(f"Unfollowed urgent alerts queued: {queued}")
        escalated = services.urgent_escalate()
        self.stdout.write(f"Unclaimed urgent escalations queued: {escalated}")
