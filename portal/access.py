"""The access log: every read of intake answers, notes or an export is recorded."""

from portal.models import AccessLog


def log_access(*, actor, action: str, subject_user_id: int | None = None,
               obj=None, request=None) -> AccessLog:
    """Record that `actor` performed `action` (an `AccessLog.Action`) on `obj`."""
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
    return AccessLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        subject_user_id=subject_user_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=ip,
    )


def log_access_many(*, actor, action: str, objs, request=None) -> int:
    """`log_access` for each of `objs` (each with its `family_id` as the
    subject), in one INSERT: a list page showing intake content."""
    ip = (request.META.get("REMOTE_ADDR") or None) if request is not None else None
    signed_in = getattr(actor, "is_authenticated", False)
    rows = [AccessLog(
        actor=actor if signed_in else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        subject_user_id=getattr(obj, "family_id", None),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        ip_address=ip,
    ) for obj in objs]
    AccessLog.objects.bulk_create(rows)
    return len(rows)
