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
