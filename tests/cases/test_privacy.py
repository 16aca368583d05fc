"""Casework and the family's privacy rights: erasure unlinks the household but
keeps the file (and says so), the export gives only the goals shared with the
family, the privacy page says what the station keeps, why and how long."""
# ruff: noqa: F811 - the fixtures imported from tests.cases.learning are parameters

import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, Household
from portal import privacy
from portal.models import ErasureRecord
from portal.privacy_export import export_payload
from tests.cases.conftest import NOW
from tests.cases.factories import CALM
from tests.cases.learning import (  # noqa: F401  (fixtures)
    GOAL_TEXT,
    active_plan_with_goal,
    family,
    link,
)
from tests.factories import PASSWORD, ChildFactory

pytestmark = pytest.mark.django_db

NOTICE = "注销账户后，这份档案会与你的账户断开关联，但档案本身不会删除"


@pytest.fixture
def linked(worker, supervisor, family):
    case, goal = active_plan_with_goal(worker=worker, supervisor=supervisor)
    household = case.household
    member = household.members.get(relationship="child")
    member.child = ChildFactory(family=family.family_profile)
    member.save()
    link(household, family, worker)
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker,
                                            note="评估：夜里常哭醒")
    services.visit_record(case=case, kind="home", done_at=NOW, visitors=[worker],
                          by=worker, observations="家中整洁，祖孙关系亲密")
    return {"case": case, "goal": goal, "household": household,
            "assessment": assessment}


def test_the_erasure_page_tells_a_linked_family_the_file_stays(client, linked, family):
    client.force_login(family)
    html = client.get(reverse("privacy:erase")).content.decode()
    assert NOTICE in html
    assert "结案满 10 年后才会匿名化" in html


def test_the_erasure_page_says_nothing_of_files_to_an_unlinked_family(client, site_shell):
    from tests.factories import FamilyFactory

    client.force_login(FamilyFactory())
    html = client.get(reverse("privacy:erase")).content.decode()
    assert NOTICE not in html


def test_erasure_unlinks_the_household_and_keeps_the_case(client, linked, family):
    client.force_login(family)
    response = client.post(reverse("privacy:erase"),
                           {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    household = Household.objects.get(pk=linked["household"].pk)
    assert (household.portal_account_id, household.link_consent_id) == (None, None)
    assert set(household.members.values_list("child", flat=True)) == {None}
    case = Case.objects.get(pk=linked["case"].pk)
    assert case.status == linked["case"].status
    assert case.visits.get().observations == "家中整洁，祖孙关系亲密"
    record = ErasureRecord.objects.get()
    assert record.summary["cases.household.unlinked"] == 1
    last = household.history.order_by("-history_date", "-history_id").first()
    assert last.history_change_reason == services.UNLINKED_ON_ERASURE


def test_the_export_gives_the_shared_goals_in_plain_words(linked, family, worker):
    payload = json.loads(json.dumps(export_payload(user=family)))
    assert payload["case_goals_shared_with_family"] == [{
        "goal": GOAL_TEXT, "domain": "情绪", "target_date": "2027-03-05",
        "status": "进行中"}]


def test_the_export_holds_no_assessment_visit_risk_or_unshared_goal(
        linked, family, worker, supervisor):
    hidden = "这个目标不分享给家庭"
    active_plan_with_goal(worker=worker, supervisor=supervisor, case=linked["case"],
                          shared=False, text=hidden)
    payload = export_payload(user=family)
    text = json.dumps(payload, ensure_ascii=False)
    for secret in ("夜里常哭醒", "家中整洁", hidden, "risk_level", "assessment"):
        assert secret not in text
    # The earlier (superseded) plan's shared goal is still the family's.
    assert [g["goal"] for g in payload["case_goals_shared_with_family"]] == [GOAL_TEXT]


def test_a_family_without_a_file_gets_no_case_section(site_shell):
    from tests.factories import FamilyFactory

    assert "case_goals_shared_with_family" not in export_payload(user=FamilyFactory())


def test_the_privacy_page_says_what_is_kept_why_and_how_long(client, linked, family):
    client.force_login(family)
    html = client.get(reverse("privacy:index")).content.decode()
    assert "站点依法保存的资料" in html
    assert "《未成年人保护法》" in html
    assert "个案结案后保存 10 年" in html


def test_the_stated_period_follows_the_case_settings(client, linked, family):
    settings = services.case_settings()
    settings.retention_years = 12
    settings.save()
    client.force_login(family)
    assert "个案结案后保存 12 年" in client.get(reverse("privacy:index")).content.decode()


def test_the_erasure_service_alone_unlinks_too(linked, family):
    privacy.account_erase(user=family)
    assert Household.objects.get(pk=linked["household"].pk).portal_account_id is None
