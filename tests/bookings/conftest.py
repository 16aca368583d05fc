"""Fixtures shared by the bookings tests."""

import pytest
from django_tasks_db.management.commands import db_worker


@pytest.fixture
def run_worker(monkeypatch):
    """Run django_tasks_db's own worker in batch mode: every ready task, then stop."""
    # The worker drops "old" connections between tasks; inside a test's
    # transaction that would drop the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        db_worker.Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run


@pytest.fixture
def pool():
    """Two counsellors of 情绪疏导 working 09:00–17:00 daily; 林晓舟 (the busier)
    already has a session on DAY at 15:00."""
    from tests.bookings.engine_setup import counsellor_with_hours, local
    from tests.bookings.pool_setup import DAY
    from tests.factories import BookingFactory, SessionTypeFactory, TopicFactory

    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    busy = counsellor_with_hours(display_name="林晓舟", specialties=[topic])
    idle = counsellor_with_hours(display_name="周一诺", specialties=[topic])
    service = SessionTypeFactory(counsellors=[busy, idle])
    BookingFactory(counsellor=busy, session_type=service, start=local(DAY, 15))
    return topic, service, busy, idle
