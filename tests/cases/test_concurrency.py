"""Two workers save the same plan from the same version at once (PostgreSQL,
real threads): one wins, the other gets the conflict with both values."""

import threading

import pytest
from django.db import connections

from cases import services
from cases.errors import PlanConflict
from cases.models import CasePlan
from portal.models import Role
from tests.cases.conftest import TODAY
from tests.cases.factories import make_case, staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_saves_from_one_version_one_wins_one_conflicts():
    worker = staff(Role.SOCIAL_WORKER)
    case = make_case(worker=worker)
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    texts = ["每周一次学业辅导", "每两周一次家访"]
    barrier = threading.Barrier(len(texts))
    results = [None] * len(texts)

    def save(index):
        try:
            stale = CasePlan.objects.get(pk=plan.pk)
            barrier.wait(timeout=30)
            services.plan_update(plan=stale, expected_version=1, by=worker,
                                 summary=texts[index])
            results[index] = ("ok", texts[index])
        except PlanConflict as exc:
            results[index] = ("conflict", exc.theirs["summary"], exc.mine["summary"])
        except Exception as exc:  # noqa: BLE001 - the test reports any escape
            results[index] = ("crashed", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    winners = [r for r in results if r[0] == "ok"]
    losers = [r for r in results if r[0] == "conflict"]
    assert len(winners) == 1 and len(losers) == 1, results
    won = winners[0][1]
    assert losers[0] == ("conflict", won, next(t for t in texts if t != won))
    plan.refresh_from_db()
    assert (plan.summary, plan.version) == (won, 2)
