"""The access log: every read of intake answers, notes or an export is recorded.

A page that logs its reads may still be replayed to the same session
(`portal.cache.PersonalReplayer`): the rows it logged are kept with the copy
(`portal.cache.note_access`) and written again, with the replay's time and
address, by `log_replayed`. A replayed read is logged like any other.
"""

from django.utils import timezone

from portal import cache
from portal.models import AccessLog


def _fields(*, actor, action: str, subject_user_id, obj) -> dict:
    signed_in = getattr(actor, "is_authenticated", False)
    return {
        "actor_id": actor.pk if signed_in else None,
        "actor_label": getattr(actor, "email", "") or "",
        "action": action,
        "subject_user_id": subject_user_id,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
    }


def _address(request) -> str | None:
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def log_access(*, actor, action: str, subject_user_id: int | None = None,
               obj=None, request=None, basis: str = "") -> AccessLog:
    """Record that `actor` performed `action` (an `AccessLog.Action`) on `obj`,
    and what allowed it (`basis`, where a rule decides: case records)."""
    fields = _fields(actor=actor, action=action, subject_user_id=subject_user_id, obj=obj)
    fields["basis"] = basis
    row = AccessLog.objects.create(**fields, ip_address=_address(request))
    cache.note_access([fields])
    return row


def log_access_many(*, actor, action: str, objs, request=None) -> int:
    """`log_access` for each of `objs` (each with its `family_id` as the
    subject), in one INSERT: a list page showing intake content."""
    rows = [_fields(actor=actor, action=action,
                    subject_user_id=getattr(obj, "family_id", None), obj=obj)
            for obj in objs]
    ip = _address(request)
    AccessLog.objects.bulk_create([AccessLog(**fields, ip_address=ip) for fields in rows])
    cache.note_access(rows)
    return len(rows)


def log_replayed(rows, *, request) -> int:
    """The reads a replayed page logged on its full path, logged again now."""
    now, ip = timezone.now(), _address(request)
    AccessLog.objects.bulk_create(
        [AccessLog(**fields, at=now, ip_address=ip) for fields in rows])
    return len(rows)
