"""Background tasks of the privacy features (django-tasks, database backend).

Tasks take ids and plain values, never model instances: a queued row must
stay meaningful after a restart, and must carry no personal data.
"""

from django_tasks import task


@task()
def build_data_export(export_id: int) -> str:
    """Build a family's export archive and email them the download link."""
    from portal.privacy import export_build

    export = export_build(export_id=export_id)
    return export.status if export is not None else "missing"


@task()
def send_erasure_cancellation_notice(*, counsellor_user_id: int, booking_id: int,
                                     start: str, session_type: str,
                                     is_urgent: bool = False) -> bool:
    """Tell a counsellor that a future session was cancelled by an erasure."""
    from portal.privacy import send_cancellation_notice

    return send_cancellation_notice(
        counsellor_user_id=counsellor_user_id, booking_id=booking_id, start=start,
        session_type=session_type, is_urgent=is_urgent,
    )
