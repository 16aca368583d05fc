"""Demo casework: six invented households at three service points, at every
state of a case, with the four casework demo accounts.

Seeded after portal, courses, network and bookings (INSTALLED_APPS order, see
`portal.management.commands.seed_demo`): it needs the demo family, the
network's points and the 情绪疏导 module. Every name, address and phone number
is invented. Idempotent: a household is found by its (invented) address, and
one that exists is left as it is, so a second run changes nothing.

Every write goes through `cases.services`, as a worker's would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Case, Household, PointDirector
from courses.models import ModulePage, Topic
from network.models import ServicePoint
from portal.demo import DEMO_PASSWORD, _demo_totp
from portal.models import Consent, Role, User
from portal.roles import add_role
from portal.services import household_link_consent_give

HUB, WUTONG, XIANGZHANG = "station-hub", "home-wutongli", "home-xiangzhangyuan"
DIRECTOR_POINT = WUTONG

# email, display name, role (every one is staff and has the demo TOTP secret)
CASEWORK_ACCOUNTS = [
    ("socialworker@demo.weiai.cn", "许安（演示社工）", Role.SOCIAL_WORKER),
    ("director@demo.weiai.cn", "沈秀兰（演示儿童主任）", Role.CHILD_DIRECTOR),
    ("supervisor@demo.weiai.cn", "顾文（演示督导员）", Role.CHILD_SUPERVISOR),
    ("stationhead@demo.weiai.cn", "唐立（演示站长）", Role.STATION_HEAD),
]
FAMILY_EMAIL = "family@demo.weiai.cn"
EMOTIONS = "emotional-guidance"


@dataclass(frozen=True)
class Goal:
    domain: str
    text: str
    days: int  # target date, days after the plan
    module: bool = False  # prescribes the 情绪疏导 module
    shared: bool = False


@dataclass(frozen=True)
class Demo:
    point: str
    address: str
    guardianship: str
    members: tuple  # (label, relationship, is_guardian, birth_year)
    state: str
    opened_days_ago: int
    scores: dict = field(default_factory=dict)
    phone: str = ""
    note: str = ""
    worker: str = "socialworker@demo.weiai.cn"
    visits: tuple = ()  # (days ago, kind, observations)
    goals: tuple = ()
    closure: str = ""
    linked: bool = False


def _scores(**raised) -> dict:
    base = dict.fromkeys(("safety", "health", "study", "daily_care", "emotions",
                          "family", "legal"), 0)
    return base | raised


HOUSEHOLDS = [
    Demo(point=WUTONG, address="澄樾路 112 弄 6 号 302 室（演示）",
         guardianship=Household.Guardianship.GRANDPARENTS, phone="+8613800138001",
         note="父母在外地务工，由外婆照料；外婆身体尚可，但不太会辅导功课。",
         members=(("外婆（演示）", "grandparent", True, 1958),
                  ("小禾（演示）", "child", False, 2016)),
         state=Case.Status.ACTIVE, opened_days_ago=75,
         scores=_scores(emotions=2, study=1),
         visits=((40, "home", "孩子愿意聊学校的事，提到想念妈妈时会沉默。"),
                 (12, "childrens_home", "在儿童之家参加了绘本活动，和同伴相处融洽。")),
         goals=(Goal("emotions", "外婆学会在孩子难过时先倾听、再安慰", 60, module=True,
                     shared=True),
                Goal("study", "每周两次在儿童之家完成作业辅导", 90)),
         linked=True),
    Demo(point=WUTONG, address="澄樾路 88 弄 2 号 101 室（演示）",
         guardianship=Household.Guardianship.ONE_PARENT,
         members=(("妈妈（演示）", "mother", True, 1988),
                  ("小满（演示）", "child", False, 2014)),
         state=Case.Status.INTAKE, opened_days_ago=3,
         worker="director@demo.weiai.cn"),
    Demo(point=XIANGZHANG, address="汀兰路 240 弄 9 号 504 室（演示）",
         guardianship=Household.Guardianship.GRANDPARENTS,
         note="爷爷独自照顾孩子，近期爷爷住院一周。",
         members=(("爷爷（演示）", "grandparent", True, 1952),
                  ("小宇（演示）", "child", False, 2013)),
         state=Case.Status.ASSESSMENT, opened_days_ago=20,
         scores=_scores(daily_care=2, health=1),
         visits=((15, "home", "冰箱里食物不多，孩子自己会煮面条。"),)),
    Demo(point=HUB, address="鹭溪路 36 号 1201 室（演示）",
         guardianship=Household.Guardianship.BOTH_PARENTS,
         members=(("爸爸（演示）", "father", True, 1984),
                  ("妈妈（演示）", "mother", True, 1986),
                  ("小安（演示）", "child", False, 2012)),
         state=Case.Status.MONITORING, opened_days_ago=200,
         scores=_scores(family=1),
         visits=((150, "home", "父母争吵后孩子不愿回家，约定由社工陪同家庭沟通。"),
                 (30, "phone", "电话回访：家里气氛缓和，孩子按时上学。")),
         goals=(Goal("family", "每周一次全家一起吃晚饭并聊聊近况", 120),)),
    Demo(point=XIANGZHANG, address="汀兰路 18 弄 3 号 203 室（演示）",
         guardianship=Household.Guardianship.RELATIVES,
         members=(("姑姑（演示）", "relative", True, 1980),
                  ("小柯（演示）", "child", False, 2011)),
         state=Case.Status.CLOSED, opened_days_ago=400, scores=_scores(study=1),
         visits=((300, "school", "与班主任沟通，孩子出勤已恢复正常。"),),
         closure="孩子已随父母返沪生活，学习和情绪稳定，经督导评估结案。"),
    Demo(point=HUB, address="絮梧路 5 弄 11 号 602 室（演示）",
         guardianship=Household.Guardianship.ONE_PARENT,
         members=(("爸爸（演示）", "father", True, 1982),
                  ("小乐（演示）", "child", False, 2015)),
         state=Case.Status.ACTIVE, opened_days_ago=45,
         scores=_scores(emotions=1, safety=1),
         visits=((25, "home", "孩子放学后常独自在家到晚上八点。"),),
         goals=(Goal("safety", "放学后到儿童之家托管，直到爸爸下班", 45),)),
]


def seed(*, scale: int = 1, stdout=None) -> None:
    points = {p.slug: p for p in ServicePoint.objects.filter(
        slug__in=[HUB, WUTONG, XIANGZHANG])}
    if len(points) < 3:
        if stdout:
            stdout.write("cases: the network demo's points are missing; skipped")
        return
    with transaction.atomic():
        people = _accounts(points[DIRECTOR_POINT])
        made = sum(_household(spec, points, people) for spec in HOUSEHOLDS)
    if stdout:
        stdout.write(f"cases: {len(CASEWORK_ACCOUNTS)} casework accounts, "
                     f"{made} new demo households ({len(HOUSEHOLDS)} in all)")


def _accounts(director_point) -> dict[str, User]:
    people = {}
    for email, name, role in CASEWORK_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, display_name=name, is_staff=True)
            user.set_password(DEMO_PASSWORD)
            user.save()
        add_role(user, role)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True})
        _demo_totp(user)
        people[email] = user
    PointDirector.objects.get_or_create(user=people["director@demo.weiai.cn"],
                                        point=director_point)
    return people


def _household(spec: Demo, points, people) -> int:
    """Create one demo household with its case, unless it exists (0 or 1)."""
    if Household.objects.filter(address=spec.address).exists():
        return 0
    worker = people[spec.worker]
    supervisor = people["supervisor@demo.weiai.cn"]
    today = timezone.localdate()
    opened = today - dt.timedelta(days=spec.opened_days_ago)
    household = services.household_create(
        point=points[spec.point], address=spec.address, phone=spec.phone,
        guardianship=spec.guardianship, guardianship_note=spec.note, opened_on=opened,
        by=worker, confirmed_new=True,
        members=[services.MemberData(label=label, relationship=rel, is_guardian=guardian,
                                     birth_year=year)
                 for label, rel, guardian, year in spec.members],
    ).household
    child = household.members.get(relationship="child")
    case = services.case_open(household=household, member=child, assigned_worker=worker,
                              supervisor=supervisor, by=worker, opened_on=opened)
    if spec.state != Case.Status.INTAKE:
        case = services.case_transition(case=case, to=Case.Status.ASSESSMENT, by=worker)
        assessment = services.assessment_submit(case=case, scores=spec.scores, by=worker,
                                                note="入户评估后填写（演示）")
        if spec.state != Case.Status.ASSESSMENT:
            services.assessment_approve(assessment=assessment, by=supervisor)
    now = timezone.now()
    for days_ago, kind, observed in spec.visits:
        services.visit_record(case=case, kind=kind, visitors=[worker], by=worker,
                              done_at=now - dt.timedelta(days=days_ago),
                              guardian_present=kind == "home", observations=observed)
    if spec.state in (Case.Status.ACTIVE, Case.Status.MONITORING):
        _plan(case, spec, worker, supervisor, opened)
        case = services.case_transition(case=case, to=Case.Status.ACTIVE, by=worker)
        if spec.state == Case.Status.MONITORING:
            services.case_transition(case=case, to=Case.Status.MONITORING, by=worker)
        services.visit_plan(case=case, kind="home", by=worker,
                            planned_for=now + dt.timedelta(days=7))
    if spec.state == Case.Status.CLOSED:
        case = services.case_transition(case=case, to=Case.Status.ACTIVE, by=worker)
        services.case_close(case=case, reason=spec.closure, by=supervisor)
    if spec.linked:
        _link_family(household, worker)
    return 1


def _plan(case, spec: Demo, worker, supervisor, opened: dt.date) -> None:
    plan = services.plan_create_draft(case=case, by=worker,
                                      review_due=opened + dt.timedelta(days=90),
                                      summary="围绕孩子的情绪和日常照料，每月复核一次（演示）")
    module = _emotions_module()
    topic = Topic.objects.filter(slug=EMOTIONS,
                                 locale__language_code="zh-hans").first()
    for goal in spec.goals:
        made = services.goal_add(
            plan=plan, domain=goal.domain, text=goal.text, by=worker,
            target_date=opened + dt.timedelta(days=goal.days),
            topic=topic if goal.module else None,
            modules=[module] if goal.module and module else [])
        if goal.shared:
            services.goal_share_with_family(goal=made, shared=True, by=worker)
    services.plan_submit(plan=plan, by=worker)
    services.plan_approve(plan=plan, by=supervisor)


def _emotions_module() -> ModulePage | None:
    return (ModulePage.objects.live().filter(topic__slug=EMOTIONS,
                                             locale__language_code="zh-hans")
            .order_by("path").first())


def _link_family(household: Household, worker) -> None:
    """The demo family agreed to the link (recorded consent), then the worker
    linked the file: its account page shows the recommended module."""
    family = User.objects.filter(email=FAMILY_EMAIL).first()
    if family is None:
        return
    if not Consent.objects.filter(user=family, kind=Consent.Kind.HOUSEHOLD_LINK,
                                  withdrawn_at__isnull=True).exists():
        household_link_consent_give(user=family)
    services.household_link_account(household=household, account=family, by=worker)
