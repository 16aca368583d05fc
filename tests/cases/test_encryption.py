"""Case narratives are unreadable at rest, in the history tables too, and
still read after a key rotation."""

import datetime as dt

import pytest
from django.db import connection

from cases import services
from cases.models import Assessment, Case, DomainScore, Visit
from tests.cases.conftest import NOW
from tests.cases.factories import CALM

pytestmark = pytest.mark.django_db

SECRET = "孩子说晚上常常一个人在家"


def raw(table: str, column: str, pk: int) -> str | None:
    """The column as stored, read past the model."""
    return raw_rows(table, column, pk)[0]


def raw_rows(table: str, column: str, pk: int) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",  # noqa: S608 - fixed names
            [pk])
        return [row[0] for row in cursor.fetchall()]


def test_narratives_are_encrypted_in_their_columns(case, worker, supervisor):
    visit = services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                                  by=worker, observations=SECRET, needs_found=SECRET)
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker, note=SECRET,
                                            notes={"safety": SECRET})
    services.case_close(case=case, reason=SECRET, by=supervisor)
    stored = [
        raw(Visit._meta.db_table, "observations", visit.pk),
        raw(Visit._meta.db_table, "needs_found", visit.pk),
        raw(Assessment._meta.db_table, "note", assessment.pk),
        raw(DomainScore._meta.db_table, "note",
            DomainScore.objects.get(assessment=assessment, domain="safety").pk),
        raw(Case._meta.db_table, "closure_reason", case.pk),
    ]
    for value in stored:
        assert value and value.startswith("gAAAA")  # a Fernet token
        assert SECRET not in value
    # And the model reads them back.
    assert Visit.objects.get().observations == SECRET
    assert Case.objects.get().closure_reason == SECRET


def history_raw(model, column: str, pk: int) -> list:
    return raw_rows(model.history.model._meta.db_table, column, pk)


def test_history_rows_hold_the_narratives_encrypted_too(case, worker, supervisor):
    visit = services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                                  by=worker, observations=SECRET)
    services.case_close(case=case, reason=SECRET, by=supervisor)
    observed = history_raw(Visit, "observations", visit.pk)
    reasons = [v for v in history_raw(Case, "closure_reason", case.pk) if v]
    assert observed and reasons
    for value in observed + reasons:
        assert SECRET not in value and value.startswith("gAAAA")
    assert visit.history.first().observations == SECRET


def test_a_value_written_under_the_old_salt_reads_after_rotation(
        case, worker, settings):
    visit = services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                                  by=worker, observations=SECRET)
    old = list(settings.SALT_KEY)
    settings.SALT_KEY = ["a-new-salt-for-2028", *old]
    assert Visit.objects.get(pk=visit.pk).observations == SECRET
    # New writes use the new (first) salt: they read once the old one is gone.
    services.visit_record(case=case, visit=visit, kind="home", done_at=NOW,
                          visitors=[worker], by=worker, observations="新的记录")
    settings.SALT_KEY = ["a-new-salt-for-2028"]
    assert Visit.objects.get(pk=visit.pk).observations == "新的记录"


def test_a_value_written_under_the_old_secret_key_reads_after_rotation(
        case, worker, settings):
    visit = services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                                  by=worker, observations=SECRET)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-next-secret-key-after-rotation"  # noqa: S105
    assert Visit.objects.get(pk=visit.pk).observations == SECRET


def test_without_the_old_key_the_value_stays_a_token(case, worker, settings):
    visit = services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                                  by=worker, observations=SECRET)
    settings.SALT_KEY = ["a-salt-that-never-wrote-it"]
    assert Visit.objects.get(pk=visit.pk).observations != SECRET


def test_plan_summaries_and_grant_reasons_are_encrypted_too(case, worker, supervisor):
    from cases.models import AccessGrant, CasePlan
    from portal.models import Role
    from tests.cases.factories import staff
    from tests.factories import CoordinatorFactory

    plan = services.plan_create_draft(case=case, review_due=case.opened_on, by=worker,
                                      summary=SECRET)
    services.plan_update(plan=plan, expected_version=1, by=worker, summary=SECRET + "。")
    grant = services.grant_request(user=CoordinatorFactory(), case=case, reason=SECRET,
                                   expires_at=NOW + dt.timedelta(days=1), now=NOW)
    stored = [raw(CasePlan._meta.db_table, "summary", plan.pk),
              raw(AccessGrant._meta.db_table, "reason", grant.pk),
              *history_raw(CasePlan, "summary", plan.pk)]
    assert len(stored) == 4
    for value in stored:
        assert value.startswith("gAAAA") and SECRET not in value
    assert CasePlan.objects.get().summary == SECRET + "。"
    # The station head's queue still reads the reason.
    from django.urls import reverse

    from tests.cases.web import client_for

    queue = client_for(staff(Role.STATION_HEAD)).get(reverse("case_grants:queue"))
    assert SECRET in queue.content.decode()


@pytest.mark.django_db(transaction=True)
def test_migration_0004_encrypts_the_plaintext_already_stored(worker):
    """Rows written while summaries and reasons were plaintext are encrypted
    by the migration, and read back the same; going back restores them."""
    from django.db.migrations.executor import MigrationExecutor

    from cases.models import AccessGrant, CasePlan
    from tests.cases.factories import make_case
    from tests.factories import CoordinatorFactory

    case = make_case(worker=worker)
    plan = services.plan_create_draft(case=case, review_due=case.opened_on, by=worker,
                                      summary=SECRET)
    empty = services.plan_create_draft(case=case, review_due=case.opened_on, by=worker)
    grant = services.grant_request(user=CoordinatorFactory(), case=case, reason=SECRET,
                                   expires_at=NOW + dt.timedelta(days=1), now=NOW)
    before, after = [("cases", "0003_learning_link_anonymise")], [
        ("cases", "0004_encrypt_plan_summary_grant_reason")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        assert raw("cases_caseplan", "summary", plan.pk) == SECRET
        assert raw("cases_caseplan", "summary", empty.pk) == ""
        assert raw("cases_accessgrant", "reason", grant.pk) == SECRET
        assert SECRET in raw_rows_by("cases_historicalcaseplan", "summary", plan.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    stored = [raw("cases_caseplan", "summary", plan.pk),
              raw("cases_accessgrant", "reason", grant.pk),
              *raw_rows_by("cases_historicalcaseplan", "summary", plan.pk)]
    for value in stored:
        assert value.startswith("gAAAA") and SECRET not in value
    assert raw("cases_caseplan", "summary", empty.pk) is None
    assert CasePlan.objects.get(pk=plan.pk).summary == SECRET
    assert AccessGrant.objects.get(pk=grant.pk).reason == SECRET


def raw_rows_by(table: str, column: str, pk: int) -> list:
    return raw_rows(table, column, pk)
