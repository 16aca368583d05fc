"""When background work last ran: the worker, the reminder sweep, backups.

Each run calls `heartbeat_record`; the status page reads `last_beats`. A
backup run records `Heartbeat.Name.BACKUP` only after it succeeded, so the
time shown is the last *successful* backup.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal.models import Heartbeat

DETAIL_MAX = Heartbeat._meta.get_field("detail").max_length


def heartbeat_record(*, name: str, detail: str = "",
                     at: dt.datetime | None = None) -> Heartbeat:
    """Say that `name` ran at `at` (now); one row per name, overwritten."""
    beat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"at": at or timezone.now(), "detail": detail[:DETAIL_MAX]})
    return beat


def last_beats() -> dict[str, Heartbeat]:
    """Every recorded heartbeat by name, in one query."""
    return {beat.name: beat for beat in Heartbeat.objects.all()}
