"""Scheduled jobs that drive write services: the urgent sweep (escalation of
unclaimed urgent intakes, alerts about unfollowed ones).

They live apart from `bookings.tasks` because the services queue the email
tasks defined there: tasks ← services ← jobs, one way, no import circle.
"""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from bookings import services
from bookings.tasks import schedule_once

# A few minutes: the escalation of an unclaimed intake is due after 30 minutes
# of opening hours by default (BookingPolicy.urgent_escalation_minutes).
URGENT_SWEEP_INTERVAL = dt.timedelta(minutes=5)
logger = logging.getLogger("weiai.urgent")


@task()
def alert_unfollowed_urgent() -> int:
    """The unfollowed-urgent sweep as a task: alert, then queue the next sweep.

    The next sweep is queued even when this one fails (it is then marked
    FAILED and logged by the worker): one lock timeout or lost connection
    must not end the chase of unfollowed urgent bookings for good.
    """
    try:
        # Each on its own: one failing must not skip the other; the task
        # still ends FAILED (and logged by the worker) when either failed.
        failures: list[Exception] = []
        queued = _run(services.urgent_escalate, failures)
        queued += _run(services.urgent_unfollowed_alert, failures)
        if failures:
            raise failures[0]
        return queued
    finally:
        schedule_urgent_sweep()


def _run(sweep, failures: list) -> int:
    try:
        return sweep()
    except Exception as exc:  # noqa: BLE001 - re-raised by the caller after the other sweep
        logger.exception("urgent sweep %s failed", getattr(sweep, "__name__", sweep))
        failures.append(exc)
        return 0


def schedule_urgent_sweep(*, delay: dt.timedelta = URGENT_SWEEP_INTERVAL) -> bool:
    """Queue the next unfollowed-urgent sweep unless one is waiting; True when queued."""
    return schedule_once(alert_unfollowed_urgent, delay=delay)
