"""Scheduled jobs that drive write services: the urgent sweep (escalation of
unclaimed urgent intakes, alerts about unfollowed ones).

They live apart from `bookings.tasks` because the services queue the email
tasks defined there: tasks ← services ← jobs, one way, no import circle.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from bookings import services
from bookings.tasks import schedule_once

# A few minutes: the escalation of an unclaimed intake is due after 30 minutes
# of opening hours by default (BookingPolicy.urgent_escalation_minutes).
URGENT_SWEEP_INTERVAL = dt.timedelta(minutes=5)


@task()
def alert_unfollowed_urgent() -> int:
    """The unfollowed-urgent sweep as a task: alert, then queue the next sweep.

    The next sweep is queued even when this one fails (it is then marked
    FAILED and logged by the worker): one lock timeout or lost connection
    must not end the chase of unfollowed urgent bookings for good.
    """
    try:
        escalated = services.urgent_escalate()
        return escalated + services.urgent_unfollowed_alert()
    finally:
        schedule_urgent_sweep()


def schedule_urgent_sweep(*, delay: dt.timedelta = URGENT_SWEEP_INTERVAL) -> bool:
    """Queue the next unfollowed-urgent sweep unless one is waiting; True when queued."""
    return schedule_once(alert_unfollowed_urgent, delay=delay)
