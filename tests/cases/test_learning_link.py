"""Learning as part of the plan: modules a goal prescribes reach the linked
family's account page; their progress reaches the worker."""
# ruff: noqa: F811 - the fixtures imported from tests.cases.learning are parameters

import datetime as dt
from http import HTTPStatus

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cases import selectors, services
from courses.models import LessonPage
from courses.services import lesson_complete
from tests.cases.factories import OPENED, make_case
from tests.cases.learning import (  # noqa: F401  (fixtures)
    GOAL_TEXT,
    active_plan_with_goal,
    emotions_topic,
    family,
    link,
    make_module,
)
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

HEADING = "你的社工推荐的学习内容"


@pytest.fixture
def module(make_module):
    return make_module("和孩子一起认识情绪")


def lessons_of(module):
    return list(LessonPage.objects.child_of(module).live().order_by("path"))


@pytest.fixture
def shared_goal(worker, supervisor, module, emotions_topic, family):
    case, goal = active_plan_with_goal(worker=worker, supervisor=supervisor,
                                       modules=[module], topic=emotions_topic)
    link(case.household, family, worker)
    return goal


def account_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:account"))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_the_family_sees_the_prescribed_module_and_its_own_progress(
        client, shared_goal, module, family):
    lesson_complete(user=family, lesson=lessons_of(module)[0])
    html = account_page(client, family)
    assert HEADING in html
    assert "和孩子一起认识情绪" in html
    assert module.url in html
    assert "已学完 1 / 3 课" in html


def test_the_family_page_shows_no_case_detail(client, shared_goal, family):
    html = account_page(client, family)
    section = html.split(HEADING, 1)[1].split("</section>", 1)[0]
    assert "和孩子一起认识情绪" in section
    assert GOAL_TEXT not in html
    for detail in ("风险", "评估", "探访", "外婆", "小雨"):
        assert detail not in section


def test_the_family_gets_a_pooled_booking_link_for_the_goal_topic(
        client, shared_goal, family):
    html = account_page(client, family)
    assert "预约这个主题的咨询" in html
    assert f'{reverse("bookings:pooled")}?topic=emotional-guidance' in html


def test_a_goal_not_shared_with_the_family_does_not_show(
        client, worker, supervisor, module, family):
    case, _goal = active_plan_with_goal(worker=worker, supervisor=supervisor,
                                        modules=[module], shared=False)
    link(case.household, family, worker)
    assert HEADING not in account_page(client, family)


def test_a_plan_not_yet_approved_shows_nothing(client, worker, module, family):
    case = make_case(worker=worker)  # its plan stays a draft
    plan = services.plan_create_draft(case=case, review_due=OPENED, by=worker)
    goal = services.goal_add(plan=plan, domain="emotions", text=GOAL_TEXT,
                             target_date=OPENED, by=worker, modules=[module])
    services.goal_share_with_family(goal=goal, shared=True, by=worker)
    link(case.household, family, worker)
    assert HEADING not in account_page(client, family)


def test_another_family_sees_nothing(client, shared_goal):
    assert HEADING not in account_page(client, FamilyFactory())


def test_an_unlinked_household_shows_nothing_to_the_family(
        client, worker, supervisor, module, family):
    active_plan_with_goal(worker=worker, supervisor=supervisor, modules=[module])
    assert HEADING not in account_page(client, family)


def test_goal_learning_counts_lessons_and_quizzes_passed(shared_goal, module, family):
    first, *rest = lessons_of(module)
    lesson_complete(user=family, lesson=first, via="quiz")
    [item] = selectors.goal_learning(shared_goal)
    assert (item.module.pk, item.lessons_done, item.lessons_total, item.completed,
            item.quizzes_passed) == (module.pk, 1, 3, False, 1)
    for lesson in rest:
        lesson_complete(user=family, lesson=lesson)
    [item] = selectors.goal_learning(shared_goal)
    assert (item.completed, item.quizzes_passed, item.percent) == (True, 1, 100)


def test_no_linked_account_means_no_progress(worker, supervisor, module):
    _case, goal = active_plan_with_goal(worker=worker, supervisor=supervisor,
                                        modules=[module])
    [item] = selectors.goal_learning(goal)
    assert (item.lessons_done, item.lessons_total, item.completed) == (0, 3, False)


def test_another_familys_progress_does_not_count(shared_goal, module):
    lesson_complete(user=FamilyFactory(), lesson=lessons_of(module)[0])
    [item] = selectors.goal_learning(shared_goal)
    assert item.lessons_done == 0


def test_goal_share_is_refused_to_someone_without_the_case(shared_goal):
    from cases.errors import CaseError
    from portal.models import Role
    from tests.cases.factories import staff

    with pytest.raises(CaseError) as exc:
        services.goal_share_with_family(goal=shared_goal, shared=False,
                                        by=staff(Role.SOCIAL_WORKER))
    assert exc.value.code == "not_allowed"


PROGRESS = Template(
    "{% for goal in goals %}{% include 'cases/includes/recommended_progress.html' %}"
    "{% endfor %}")


def render_progress(goals) -> str:
    request = RequestFactory().get("/")
    return PROGRESS.render(Context({"goals": goals, "request": request}))


def test_the_worker_include_shows_the_guardians_progress(shared_goal, module, family):
    for lesson in lessons_of(module):
        lesson_complete(user=family, lesson=lesson, via="quiz")
    html = render_progress([shared_goal])
    assert "和孩子一起认识情绪" in html
    assert "已学完" in html
    assert "通过自我检测 3 次" in html


def test_the_worker_include_asks_a_fixed_number_of_queries(
        worker, supervisor, make_module, django_assert_num_queries):
    modules = [make_module(f"模块{n}") for n in range(3)]
    _c1, one = active_plan_with_goal(worker=worker, supervisor=supervisor,
                                     modules=modules[:1])
    _c2, many = active_plan_with_goal(worker=worker, supervisor=supervisor,
                                      modules=modules, goals=4)
    with django_assert_num_queries(5):
        render_progress([one])
    with django_assert_num_queries(5):
        html = render_progress(many)
    assert html.count('data-testid="goal-module"') == 12


def test_the_section_reads_in_english_too(client, shared_goal, family):
    client.force_login(family)
    html = client.get("/en" + reverse("portal:account")).content.decode()
    assert "Recommended by your social worker" in html
    assert "Book a session on this topic" in html


def test_a_worker_prescribes_and_shares_a_module_through_the_goal_form(
        client, worker, supervisor, module, emotions_topic, family):
    """The staff pages, end to end: the goal form prescribes the module, names
    the topic and shares it; once the plan is approved the family sees it,
    and the worker sees the guardian's progress on the case page."""
    import time_machine

    from tests.cases.conftest import NOW
    from tests.cases.web import client_for

    # Cache generations are clock readings: this test's clock runs, so the
    # plan's approval retires what the draft's page read.
    with time_machine.travel(NOW, tick=True):
        _prescribe_share_and_read(client, worker, supervisor, module, emotions_topic,
                                  family, client_for)


def _prescribe_share_and_read(client, worker, supervisor, module, emotions_topic,
                              family, client_for):
    case = make_case(worker=worker)
    link(case.household, family, worker)
    staff_client = client_for(worker)
    staff_client.post(reverse("cases:plan_new", args=[case.pk]),
                      {"review_due": (OPENED + dt.timedelta(days=90)).isoformat()})
    plan = case.plans.get()
    added = staff_client.post(reverse("cases:goal_add", args=[case.pk, plan.pk]), {
        "domain": "emotions", "text": "妈妈和孩子一起说出今天的心情",
        "target_date": (OPENED + dt.timedelta(days=60)).isoformat(),
        "modules": [module.pk], "topic": emotions_topic.pk, "shared_with_family": "on"})
    assert added.status_code == HTTPStatus.FOUND
    goal = plan.goals.get()
    assert list(goal.modules.all()) == [module]
    assert goal.topic == emotions_topic and goal.shared_with_family
    assert HEADING not in account_page(client, family)  # the plan is a draft
    staff_client.post(reverse("cases:plan_submit", args=[case.pk, plan.pk]))
    client_for(supervisor).post(reverse("cases:plan_approve", args=[case.pk, plan.pk]))
    plan.refresh_from_db()
    assert plan.status == plan.Status.ACTIVE
    lesson_complete(user=family, lesson=lessons_of(module)[0])
    html = account_page(client, family)
    assert HEADING in html and "和孩子一起认识情绪" in html
    assert "妈妈和孩子一起说出今天的心情" not in html
    case_page = staff_client.get(case.get_absolute_url()).content.decode()
    assert "和孩子一起认识情绪" in case_page
    assert "已学完 1 / " in case_page


def test_the_goal_form_offers_only_experts_with_a_valid_credential(worker):
    from cases.forms import ServiceForm
    from network.models import Expert

    valid = Expert.objects.create(name="钱安", slug="e-valid", role="counsellor",
                                  credential="社工师", credential_expires=None)
    Expert.objects.create(name="孙过", slug="e-lapsed", role="counsellor",
                          credential="社工师", credential_expires=OPENED - dt.timedelta(days=400))
    assert list(ServiceForm().fields["expert"].queryset) == [valid]
