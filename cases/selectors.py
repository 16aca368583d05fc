"""Reads of casework. Who may read is `cases.permissions`; every read of case
content is logged (`cases.audit.log_case_read`) by the door that shows it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, Max, Q, QuerySet, TextField
from encrypted_fields.fields import EncryptedFieldMixin

from bookings.models import Booking
from cases.models import (
    Assessment,
    Case,
    CasePlan,
    CaseSettings,
    Goal,
    Household,
    HouseholdMember,
    PlannedService,
    PointDirector,
    RiskLevel,
    Visit,
)
from cases.permissions import (
    Basis,
    case_access,
    cases_visible_to,
    goals_visible_to_counsellor,
    household_access,
)
from courses.models import LessonCompletion
from portal.errors import NotFound
from portal.models import Role


def likely_duplicates(*, phone, address: str, child_birth_years: Iterable[int],
                      exclude: Household | None = None) -> QuerySet[Household]:
    """Households that may be this family: the same phone, or the same
    address with a child member born the same year. A person decides; the
    files are never merged."""
    rule = Q(pk__in=[])
    if phone:
        rule |= Q(phone=phone)
    years = [y for y in child_birth_years if y]
    if address.strip() and years:
        rule |= Q(address=address.strip(), members__relationship=(
            HouseholdMember.Relationship.CHILD), members__birth_year__in=years)
    found = Household.objects.filter(rule).distinct().order_by("pk")
    return found.exclude(pk=exclude.pk) if exclude is not None else found


@dataclass(frozen=True)
class HistoryRow:
    """One field changed on one record: who, when, from what to what.

    ``redacted``: a narrative or free-text field (`is_free_text`); its values
    are left out (``old`` and ``new`` are None) and the page says only that
    it changed. The case page is read on a ``view_case`` log row, which does
    not cover a visit's observations or an assessment's notes: those are read,
    and logged, on their own pages."""

    at: dt.datetime
    user_id: int | None
    user_label: str
    record: str
    record_id: int
    field: str
    old: object
    new: object
    change: str  # "+" created, "~" changed, "-" deleted
    redacted: bool = False


def is_free_text(field) -> bool:
    """Narratives (encrypted) and free text: never shown in a history table.
    Structured values (choices, dates, numbers, people) are."""
    if isinstance(field, EncryptedFieldMixin):
        return True
    return isinstance(field, (CharField, TextField)) and not field.choices


def _history_row(model, name: str, old, new, common: dict) -> HistoryRow:
    field = model._meta.get_field(name)
    if is_free_text(field):
        return HistoryRow(field=str(field.verbose_name), old=None, new=None,
                          redacted=True, **common)
    return HistoryRow(field=str(field.verbose_name), old=old, new=new, **common)


def _records(case: Case):
    yield Case, Case.history.filter(id=case.pk)
    yield Assessment, Assessment.history.filter(case_id=case.pk)
    plans = list(CasePlan.objects.filter(case=case).values_list("pk", flat=True))
    yield CasePlan, CasePlan.history.filter(case_id=case.pk)
    yield Goal, Goal.history.filter(plan_id__in=plans)
    yield PlannedService, PlannedService.history.filter(plan_id__in=plans)
    yield Visit, Visit.history.filter(case_id=case.pk)


def case_history(case: Case) -> list[HistoryRow]:
    """"Who changed what, when" over the case and its records, newest first:
    a row per field that a save changed (a creation lists its set fields)."""
    rows: list[HistoryRow] = []
    for model, history in _records(case):
        label = str(model._meta.verbose_name)
        previous: dict[int, object] = {}
        for entry in history.select_related("history_user").order_by("history_date",
                                                                      "history_id"):
            user = entry.history_user
            common = {"at": entry.history_date, "user_id": entry.history_user_id,
                      "user_label": str(user) if user else "", "record": label,
                      "record_id": entry.id, "change": entry.history_type}
            before = previous.get(entry.id)
            if before is None:
                changes = [(f.name, None, getattr(entry, f.attname))
                           for f in model._meta.concrete_fields
                           if f.name != "id" and getattr(entry, f.attname) not in
                           (None, "")]
            else:
                delta = entry.diff_against(before)
                changes = [(c.field, c.old, c.new) for c in delta.changes]
            rows += [_history_row(model, name, old, new, common)
                     for name, old, new in changes]
            previous[entry.id] = entry
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows


# --- learning as part of the plan -----------------------------------------------------


@dataclass(frozen=True)
class ModuleLearning:
    """One prescribed module and the guardian's progress in it.

    ``quizzes_passed``: lessons the guardian completed by passing their
    self-check (`courses.models.LessonCompletion.Via.QUIZ`); courses keeps no
    other score (a quiz is marked on the server and only a pass is stored).
    """

    module: object
    lessons_total: int
    lessons_done: int
    quizzes_passed: int

    @property
    def completed(self) -> bool:
        return self.lessons_total > 0 and self.lessons_done >= self.lessons_total

    @property
    def percent(self) -> int:
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_done / self.lessons_total)


def _learning(goals: list[Goal], *, live_only: bool) -> dict[int, list[ModuleLearning]]:
    """Progress per goal of `goals` (their `plan__case__household` loaded):
    three queries whatever the number of goals and modules (modules,
    lessons, completions)."""
    from django.utils import timezone

    from courses.models import (
        LessonCompletion,
        LessonPage,
        ModulePage,
        paused_for_review_q,
    )

    if not goals:
        return {}
    links = Goal.modules.through.objects.filter(goal_id__in=[g.pk for g in goals])
    modules = ModulePage.objects.filter(
        pk__in=links.values("modulepage_id")).select_related("topic", "locale").order_by(
        "path")
    if live_only:
        modules = modules.live().exclude(paused_for_review_q(today=timezone.localdate()))
    by_goal: dict[int, list[int]] = {}
    for goal_id, module_id in links.order_by("pk").values_list("goal_id", "modulepage_id"):
        by_goal.setdefault(goal_id, []).append(module_id)
    modules = {m.pk: m for m in modules}
    paths = {m.path: m.pk for m in modules.values()}
    totals = dict.fromkeys(modules, 0)
    if paths:
        lesson_q = Q()
        for path in paths:
            lesson_q |= Q(path__startswith=path, depth=len(path) // ModulePage.steplen + 1)
        for path in LessonPage.objects.live().filter(lesson_q).values_list("path",
                                                                          flat=True):
            module_id = paths.get(path[:-ModulePage.steplen])
            if module_id is not None:
                totals[module_id] += 1
    accounts = {g.plan.case.household.portal_account_id for g in goals} - {None}
    done: dict[tuple[int, int], int] = {}
    passed: dict[tuple[int, int], int] = {}
    if accounts and modules:
        for user_id, module_id, via in LessonCompletion.objects.filter(
                user_id__in=accounts, module_id__in=list(modules)).values_list(
                "user_id", "module_id", "via"):
            done[user_id, module_id] = done.get((user_id, module_id), 0) + 1
            if via == LessonCompletion.Via.QUIZ:
                passed[user_id, module_id] = passed.get((user_id, module_id), 0) + 1
    result = {}
    for goal in goals:
        account = goal.plan.case.household.portal_account_id
        result[goal.pk] = [
            ModuleLearning(module=modules[m], lessons_total=totals[m],
                           lessons_done=min(done.get((account, m), 0), totals[m]),
                           quizzes_passed=passed.get((account, m), 0))
            for m in by_goal.get(goal.pk, []) if m in modules]
    return result


def plan_learning(plan: CasePlan) -> dict[int, list[ModuleLearning]]:
    """For the worker: each goal of `plan` with the guardian's progress in its
    prescribed modules (the household's linked account; none linked, none
    done). A fixed number of queries, whatever the number of goals."""
    goals = list(Goal.objects.filter(plan=plan).select_related(
        "plan__case__household").order_by("pk"))
    return _learning(goals, live_only=False)


def goal_learning(goal: Goal) -> list[ModuleLearning]:
    """Per prescribed module of `goal`: lessons done, completed, quizzes passed."""
    goal = Goal.objects.select_related("plan__case__household").get(pk=goal.pk)
    return _learning([goal], live_only=False).get(goal.pk, [])


@dataclass(frozen=True)
class FamilyRecommendations:
    """What a family's account page shows: modules (each once) with the
    family's own progress, and topics to book a session on. No goal text,
    no case detail."""

    modules: list[ModuleLearning]
    topics: list


def goals_shared_with_family(*, user) -> QuerySet[Goal]:
    """Goals of the active plans of the households linked to `user`'s
    account that a worker marked as shared with the family."""
    if not getattr(user, "is_authenticated", False):
        return Goal.objects.none()
    return Goal.objects.filter(
        plan__case__household__portal_account=user,
        plan__case__household__anonymised_at__isnull=True,
        plan__status=CasePlan.Status.ACTIVE, shared_with_family=True,
    ).exclude(status=Goal.Status.DROPPED).select_related(
        "plan__case__household", "topic").order_by("target_date", "pk")


def family_recommendations(*, user, language: str | None = None
                           ) -> FamilyRecommendations:
    """The account page's recommendations, in `language` where the module or
    topic has a translation. No query at all for an account without a shared
    goal (`accounts_with_shared_goals`), a fixed few otherwise."""
    if getattr(user, "pk", None) not in accounts_with_shared_goals():
        return FamilyRecommendations(modules=[], topics=[])
    goals = list(goals_shared_with_family(user=user))
    learning = _learning(goals, live_only=True)
    seen: set[int] = set()
    modules = []
    for goal in goals:
        for item in learning.get(goal.pk, []):
            if item.module.pk not in seen:
                seen.add(item.module.pk)
                modules.append(item)
    topics, topic_ids = [], set()
    for goal in goals:
        if goal.topic_id and goal.topic_id not in topic_ids:
            topic_ids.add(goal.topic_id)
            topics.append(goal.topic)
    if language:
        modules, topics = _localised(modules, topics, language)
    return FamilyRecommendations(modules=modules, topics=topics)


def _localised(modules: list[ModuleLearning], topics: list, language: str):
    """Each module and topic in `language` when a live translation exists."""
    from dataclasses import replace

    from courses.models import ModulePage, Topic

    keys = {m.module.translation_key for m in modules
            if m.module.locale.language_code != language}
    if keys:
        found = {p.translation_key: p for p in ModulePage.objects.live().filter(
            translation_key__in=keys, locale__language_code=language)}
        modules = [replace(m, module=found.get(m.module.translation_key, m.module))
                   for m in modules]
    if topics:
        found = {t.translation_key: t for t in Topic.objects.filter(
            translation_key__in=[t.translation_key for t in topics],
            locale__language_code=language)}
        topics = [found.get(t.translation_key, t) for t in topics]
    return modules, topics


# Retired by every save of a household, plan, goal or goal's modules
# (`CasesConfig.ready`): the accounts that may have recommendations.
FAMILY_LINKS = "cases:family-links"
FAMILY_LINKS_SECONDS = 300


def accounts_with_shared_goals() -> frozenset[int]:
    """Ids of the portal accounts linked to a household with a goal shared
    with the family in an active plan: read once per generation and process
    (`portal.cache`), so the account page of every other family asks no
    query for this section. A stale entry only costs a query; a link or a
    share is a save, which retires the generation."""
    from portal import cache as caching

    key = ("cases-family-links", caching.read(FAMILY_LINKS))
    found = caching.local_get(key)
    if found is None:
        found = frozenset(Household.objects.filter(
            portal_account__isnull=False, anonymised_at__isnull=True,
            cases__plans__status=CasePlan.Status.ACTIVE,
            cases__plans__goals__shared_with_family=True,
        ).values_list("portal_account_id", flat=True).distinct())
        caching.local_set(key, found, seconds=FAMILY_LINKS_SECONDS,
                          size=64 + 8 * len(found))
    return found


def family_goals_for_export(*, user) -> list[Goal]:
    """The plain-language goals shared with the family, of every plan that was
    approved (active, superseded, completed): what the export gives them."""
    return list(Goal.objects.filter(
        plan__case__household__portal_account=user, shared_with_family=True,
        plan__status__in=(CasePlan.Status.ACTIVE, CasePlan.Status.SUPERSEDED,
                          CasePlan.Status.COMPLETED),
    ).order_by("plan__case_id", "plan__number", "pk"))


# --- access grants ------------------------------------------------------------------


class GrantState:
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


def grant_state(grant, *, now: dt.datetime) -> str:
    if grant.revoked_at is not None:
        return GrantState.REVOKED
    if grant.expires_at <= now:
        return GrantState.EXPIRED
    return GrantState.ACTIVE if grant.approved_at is not None else GrantState.PENDING


def grants_of(*, user) -> QuerySet:
    """The grants `user` asked for, newest first."""
    from cases.models import AccessGrant

    return AccessGrant.objects.filter(user=user).select_related(
        "approved_by", "revoked_by").order_by("-requested_at", "-pk")


def grants_for_station_head(*, now: dt.datetime) -> tuple[QuerySet, QuerySet]:
    """(pending requests not yet expired, approved grants still running)."""
    from cases.models import AccessGrant

    base = AccessGrant.objects.filter(revoked_at__isnull=True, expires_at__gt=now
                                      ).select_related("user", "approved_by")
    return (base.filter(approved_at__isnull=True).order_by("requested_at", "pk"),
            base.filter(approved_at__isnull=False).order_by("expires_at", "pk"))


def grant_for_actor(*, user, pk: int, head: bool):
    """The grant `pk` if `user` may act on it (their own, or any for a
    station head), else None."""
    from cases.models import AccessGrant

    grants = AccessGrant.objects.all() if head else AccessGrant.objects.filter(user=user)
    return grants.filter(pk=pk).first()

# --- work lists ----------------------------------------------------------------------

# How far ahead "due" looks: visits within a week, plan reviews within two.
VISIT_DUE_DAYS = 7
REVIEW_DUE_DAYS = 14


def work_scope(user) -> QuerySet[Case]:
    """The open cases `user` works on: assigned to them, supervised by them
    (every case for a child supervisor), or at a point they direct. A grant
    lets a person read a case, not work on it, so grants are left out."""
    cases = Case.objects.exclude(status=Case.Status.CLOSED)
    if user.has_role(Role.CHILD_SUPERVISOR):
        return cases
    rule = Q(assigned_worker=user) | Q(supervisor=user)
    if user.has_role(Role.CHILD_DIRECTOR):
        rule |= Q(household__point__in=PointDirector.objects.filter(user=user)
                  .values("point"))
    return cases.filter(rule)


@dataclass
class WorkList:
    """What waits for one worker or supervisor today."""

    visits_overdue: list[Case]
    visits_due: list[Case]
    overdue_by_risk: list[Case]
    reviews_due: list[CasePlan]
    assessments_to_approve: list[Assessment]
    plans_to_approve: list[CasePlan]
    closable: list[Case]
    services_behind: list[PlannedService]

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f) for f in self.__dataclass_fields__)


def _case_rows(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related("household__point", "member", "assigned_worker")


def _since_last_visit_rule(settings: CaseSettings, today: dt.date) -> Q:
    """Cases whose last visit (or opening, if never visited) is older than
    their risk level's interval; an unassessed case counts as medium."""
    rule = Q(pk__in=[])
    for level in (*RiskLevel.values, ""):
        cut = today - dt.timedelta(days=settings.visit_interval_days(level))
        rule |= Q(risk_level=level) & (
            Q(last_visit__lt=cut) | Q(last_visit__isnull=True, opened_on__lt=cut))
    return rule


def _behind_schedule(service: PlannedService, today: dt.date) -> bool:
    """Delivered fewer units than a steady pace from approval to review
    would have by today."""
    plan = service.plan
    start = plan.approved_at.date() if plan.approved_at else plan.review_due
    span = (plan.review_due - start).days
    if span <= 0:
        return service.units_delivered < service.units_planned
    elapsed = min(max((today - start).days, 0), span)
    expected = service.units_planned * elapsed // span
    return service.units_delivered < expected


def work_list(*, user, today: dt.date, settings: CaseSettings) -> WorkList:
    """The work list of `user` at `today`, in a fixed number of queries
    whatever the number of cases (the user's roles, then one per list)."""
    scope = work_scope(user)
    due_by = today + dt.timedelta(days=VISIT_DUE_DAYS)
    visits = list(_case_rows(scope.filter(next_visit_due__lte=due_by))
                  .order_by("next_visit_due", "pk"))
    late = list(_case_rows(scope).annotate(
        last_visit=Max("visits__done_at__date")).filter(
        _since_last_visit_rule(settings, today)).order_by("last_visit", "pk"))
    reviews = list(CasePlan.objects.filter(
        case__in=scope, status=CasePlan.Status.ACTIVE,
        review_due__lte=today + dt.timedelta(days=REVIEW_DUE_DAYS),
    ).select_related("case__member").order_by("review_due", "pk"))
    running = [s for s in PlannedService.objects.filter(
        plan__case__in=scope, plan__status=CasePlan.Status.ACTIVE, ended=False,
    ).select_related("plan__case__member", "expert", "partner").order_by("pk")
        if s.is_open and _behind_schedule(s, today)]
    assessments: list[Assessment] = []
    plans: list[CasePlan] = []
    closable: list[Case] = []
    if user.has_role(Role.CHILD_SUPERVISOR):
        assessments = list(Assessment.objects.filter(
            case__in=scope, status=Assessment.Status.SUBMITTED,
        ).exclude(submitted_by=user).select_related("case__member", "submitted_by")
            .order_by("submitted_at", "pk"))
        plans = list(CasePlan.objects.filter(
            case__in=scope, status=CasePlan.Status.SUBMITTED,
        ).exclude(submitted_by=user).select_related("case__member", "submitted_by")
            .order_by("pk"))
        open_services = PlannedService.objects.filter(
            plan__status=CasePlan.Status.ACTIVE, ended=False)
        closable = list(_case_rows(scope.filter(status=Case.Status.MONITORING))
                        .exclude(assigned_worker=user)
                        .exclude(plans__services__in=open_services)
                        .distinct().order_by("pk"))
    return WorkList(
        visits_overdue=[c for c in visits if c.next_visit_due < today],
        visits_due=[c for c in visits if c.next_visit_due >= today],
        overdue_by_risk=late, reviews_due=reviews,
        assessments_to_approve=assessments, plans_to_approve=plans,
        closable=closable, services_behind=running,
    )


# --- the case page -------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event on a case's timeline."""

    at: dt.datetime
    kind: str  # visit, visit_planned, assessment, plan, booking, workshop, lesson
    title: str
    detail: str = ""
    url: str = ""


def _family_bookings(household: Household) -> QuerySet[Booking]:
    children = [m.child_id for m in household.members.all() if m.child_id]
    rule = Q(child_id__in=children)
    if household.portal_account_id:
        rule |= Q(family_id=household.portal_account_id)
    return Booking.objects.filter(rule).select_related(
        "session_type", "group_session", "topic")


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Visits, assessments, plan versions, and the family's bookings,
    workshop seats and finished lessons, newest first. The family's side
    names what and when only: no intake answers, no notes."""
    entries: list[TimelineEntry] = []
    for visit in case.visits.all():
        at = visit.done_at or visit.planned_for
        entries.append(TimelineEntry(
            at=at, kind="visit" if visit.done_at else "visit_planned",
            title=visit.get_kind_display(),
            detail=str(Visit._meta.get_field("safety_concern").verbose_name)
            if visit.safety_concern else "",
            url=visit.get_absolute_url()))
    for assessment in case.assessments.all():
        entries.append(TimelineEntry(
            at=assessment.submitted_at, kind="assessment",
            title=str(Assessment._meta.verbose_name),
            detail=f"{assessment.get_risk_level_display()} · "
                   f"{assessment.get_status_display()}",
            url=assessment.get_absolute_url()))
    created = dict(CasePlan.history.filter(case_id=case.pk, history_type="+")
                   .values_list("id", "history_date"))
    for plan in case.plans.all():
        entries.append(TimelineEntry(
            at=plan.approved_at or created.get(plan.pk) or case.updated_at,
            kind="plan", title=str(plan), detail=plan.get_status_display(),
            url=plan.get_absolute_url()))
    household = case.household
    for booking in _family_bookings(household):
        workshop = booking.group_session_id is not None
        entries.append(TimelineEntry(
            at=booking.start, kind="workshop" if workshop else "booking",
            title=str(booking.group_session.title if workshop
                      else booking.session_type.name),
            detail=booking.get_status_display()))
    if household.portal_account_id:
        for done in LessonCompletion.objects.filter(
                user_id=household.portal_account_id).select_related("lesson"):
            entries.append(TimelineEntry(at=done.completed_at, kind="lesson",
                                         title=done.lesson.title))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# --- one record, for its page --------------------------------------------------------


def case_for_viewer(*, user, pk: int, now: dt.datetime) -> tuple[Case, Basis]:
    """The case and what allows `user` to read it; `NotFound` when nothing
    does (a case one may not see and a missing one are the same answer)."""
    case = Case.objects.select_related(
        "household__point", "member", "assigned_worker", "supervisor").filter(
        pk=pk).first()
    basis = case_access(user, case, now=now) if case is not None else None
    if basis is None:
        raise NotFound
    return case, basis


def household_for_viewer(*, user, pk: int, now: dt.datetime) -> tuple[Household, Basis]:
    household = Household.objects.select_related("point").filter(pk=pk).first()
    basis = household_access(user, household, now=now) if household else None
    if basis is None:
        raise NotFound
    return household, basis


def household_cases_for_viewer(*, user, household: Household,
                               now: dt.datetime) -> QuerySet[Case]:
    """The household's cases `user` may read (`cases_visible_to`): the worker
    of one child's case sees that its siblings have a file only if their own
    rules open it."""
    return cases_visible_to(user, now=now).filter(household=household).select_related(
        "member", "assigned_worker").order_by("pk")


def household_for_counsellor(*, user, pk: int) -> tuple[Household, list[Goal]]:
    """A household and the goals linked to this counsellor's sessions with
    it; `NotFound` when there are none (nothing else of it is theirs)."""
    household = Household.objects.filter(pk=pk).first()
    goals = (list(goals_visible_to_counsellor(user, household)
                  .select_related("plan", "topic").order_by("plan", "pk"))
             if household else [])
    if not goals:
        raise NotFound
    return household, goals


def case_plans(case: Case) -> QuerySet[CasePlan]:
    return case.plans.select_related("approved_by", "submitted_by").order_by("-number")


def active_plan(case: Case) -> CasePlan | None:
    return (case.plans.filter(status=CasePlan.Status.ACTIVE)
            .prefetch_related("goals", "services__expert", "services__partner").first())


def plan_services(plan: CasePlan) -> QuerySet[PlannedService]:
    return plan.services.select_related("expert", "partner", "goal").order_by("pk")
