"""A plan whose goal prescribes a module to a linked family (shared by the
learning-link and privacy tests)."""

import datetime as dt

import pytest

from cases import services
from portal.services import household_link_consent_give
from tests.cases.factories import OPENED, make_case
from tests.courses.conftest import publish
from tests.factories import (
    CourseIndexPageFactory,
    FamilyFactory,
    LessonPageFactory,
    ModulePageFactory,
    TopicFactory,
)

GOAL_TEXT = "外婆每天晚饭后陪小雨说说今天的心情"


@pytest.fixture
def emotions_topic(db):
    return TopicFactory(name="情绪疏导", slug="emotional-guidance")


@pytest.fixture
def make_module(site_shell, emotions_topic):
    index = publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))

    def make(title: str, *, lessons: int = 3):
        module = publish(ModulePageFactory(parent=index, title=title,
                                           topic=emotions_topic))
        for i in range(lessons):
            publish(LessonPageFactory(parent=module, title=f"{title} 第{i + 1}课"))
        return module

    return make


@pytest.fixture
def family(db):
    return FamilyFactory(email="waipo@example.cn")


def link(household, account, by):
    household_link_consent_give(user=account)
    return services.household_link_account(household=household, account=account, by=by)


def active_plan_with_goal(*, worker, supervisor, modules=(), topic=None, shared=True,
                          case=None, text=GOAL_TEXT, goals=1):
    case = case or make_case(worker=worker)
    plan = services.plan_create_draft(case=case, review_due=OPENED + dt.timedelta(90),
                                      by=worker)
    made = []
    for n in range(goals):
        goal = services.goal_add(plan=plan, domain="emotions", text=text if n == 0
                                 else f"{text}（{n + 1}）",
                                 target_date=OPENED + dt.timedelta(60), by=worker,
                                 topic=topic, modules=modules)
        if shared:
            goal = services.goal_share_with_family(goal=goal, shared=True, by=worker)
        made.append(goal)
    services.plan_submit(plan=plan, by=worker)
    services.plan_approve(plan=plan, by=supervisor)
    return case, made[0] if goals == 1 else made
