"""Hypothesis fuzz of every casework form: random strings, numbers, dates and
missing fields never give a 500, and never leave a half-saved record (a
household without its members, an assessment without its seven scores, a
visit without its visitors).

Field names are read from the rendered forms, so a new field is fuzzed too.
"""

import datetime as dt
import re

import pytest
from django.db.models import Count
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services
from cases.models import Assessment, Household, Visit
from network.models import Partner
from tests.cases.conftest import NOW, TODAY
from tests.cases.factories import CALM, make_case
from tests.cases.web import client_for

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
NASTY = st.sampled_from([
    "", " ", "0", "-1", "3", "4", "on", "1e309", "NaN", "2027-02-30", "2027-03-09",
    "2027-03-10T09:00", "9999-12-31T23:59", "0001-01-01", "\x00", "a\x00b", "\u202e",
    "<script>alert(1)</script>", "a" * 5000, "危" * 400, str(2**63), str(-(2**63)),
    "13912345678", "+8613912345678", "home", "critical", "study", "draft",
    "00000000-0000-0000-0000-000000000000",
])
VALUE = st.one_of(NASTY, st.text(max_size=120),
                  st.integers(min_value=-(2**70), max_value=2**70).map(str),
                  st.dates().map(str))


def field_names(html: str) -> list[str]:
    names = set(re.findall(r'<(?:input|select|textarea|button)[^>]*\bname="([^"]+)"',
                           html))
    names.discard("csrfmiddlewaretoken")
    return sorted(names) or ["x"]


def form_data(names):
    return st.dictionaries(st.sampled_from(names), VALUE | st.lists(VALUE, max_size=3),
                           max_size=len(names) + 1)


def assert_nothing_half_saved():
    assert not Household.objects.annotate(n=Count("members")).filter(n__lt=2).exists()
    assert not Assessment.objects.annotate(n=Count("scores")).exclude(n=7).exists()
    assert not Visit.objects.filter(done_at__isnull=False).annotate(
        n=Count("visitors")).filter(n=0).exists()


@pytest.fixture
def world(worker, supervisor):
    case = make_case(worker=worker, supervisor=supervisor)
    plan = services.plan_create_draft(case=case, review_due=TODAY, by=worker)
    goal = services.goal_add(plan=plan, domain="study", text="按时完成作业",
                             target_date=TODAY, by=worker)
    service = services.service_add(
        plan=plan, kind="study", frequency="每周一次", units_planned=4, by=worker,
        partner=Partner.objects.create(kind="school", name="澄樾小学"))
    assessment = services.assessment_submit(case=case, scores=CALM, by=worker)
    services.visit_record(case=case, kind="home", visitors=[worker], by=worker,
                          done_at=NOW - dt.timedelta(days=1))
    c, p = case.pk, plan.pk
    pages = {
        # name: (who posts, the form page, where it posts)
        "household_create": ("worker", reverse("cases:household_create"), None),
        "case_open": ("worker", reverse("cases:case_open", args=[case.household_id]),
                      None),
        "case_close": ("supervisor", reverse("cases:case_close", args=[c]), None),
        "assessment_new": ("worker", reverse("cases:assessment_new", args=[c]), None),
        "assessment_override": ("supervisor", assessment.get_absolute_url(),
                                reverse("cases:assessment_override",
                                        args=[c, assessment.pk])),
        "plan_new": ("worker", reverse("cases:plan_new", args=[c]), None),
        "plan_edit": ("worker", plan.get_absolute_url(),
                      reverse("cases:plan_edit", args=[c, p])),
        "goal_add": ("worker", plan.get_absolute_url(),
                     reverse("cases:goal_add", args=[c, p])),
        "goal_edit": ("worker", reverse("cases:goal_edit", args=[c, p, goal.pk]), None),
        "service_add": ("worker", plan.get_absolute_url(),
                        reverse("cases:service_add", args=[c, p])),
        "service_progress": ("worker", plan.get_absolute_url(),
                             reverse("cases:service_progress", args=[c, p, service.pk])),
        "visit_new": ("worker", reverse("cases:visit_new", args=[c]), None),
        "case_transition": ("worker", case.get_absolute_url(),
                            reverse("cases:case_transition", args=[c])),
    }
    return {"clients": {"worker": client_for(worker),
                        "supervisor": client_for(supervisor)}, "pages": pages}


@pytest.mark.parametrize("name", [
    "household_create", "case_open", "case_close", "assessment_new",
    "assessment_override", "plan_new", "plan_edit", "goal_add", "goal_edit",
    "service_add", "service_progress", "visit_new", "case_transition",
])
def test_a_hostile_post_to_a_case_form_never_fails_or_half_saves(world, name, site_shell):
    who, page, target = world["pages"][name]
    client = world["clients"][who]
    names = field_names(client.get(page).content.decode())

    @FUZZ
    @given(data=form_data(names))
    def post(data):
        response = client.post(target or page, data)
        assert response.status_code < 500
        assert_nothing_half_saved()

    post()
