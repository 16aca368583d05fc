"""Start the task worker's heartbeat (a task the worker re-queues every 5 minutes).

    python manage.py worker_heartbeat

Run once after deploying (harmless if the chain is already queued); the
staff status page then shows whether the worker is alive.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from portal.tasks import schedule_heartbeat


class Command(BaseCommand):
    help = "Queue the worker heartbeat task unless it is already queued."

    def handle(self, *args, **options):
        started = schedule_heartbeat(delay=dt.timedelta(0))
        self.stdout.write("Worker heartbeat queued." if started
                          else "Worker heartbeat already queued.")
