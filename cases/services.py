"""Writes of casework: typed, keyword-only, atomic, raising `cases.errors`.

Every write names its author (``by``), who becomes the author of the history
row. Approvals (assessments, plans, closures) are a supervisor's and never the
author's own. Lock order where two rows are locked: the case, then the plan.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cases import errors, risk
from cases.errors import CaseError, PlanConflict
from cases.models import (
    AccessGrant,
    Assessment,
    Case,
    CasePlan,
    CaseSettings,
    DomainScore,
    Goal,
    Household,
    HouseholdMember,
    PlannedService,
    PointDirector,
    RiskLevel,
    Visit,
)
from cases.permissions import Basis, case_access, household_access, is_worker
from cases.selectors import likely_duplicates
from cases.tasks import alert_urgent
from portal.models import Consent, Role

# A grant lasts at most this long; a longer need asks again.
MAX_GRANT_DAYS = 30
# Fields `plan_update` may change.
PLAN_FIELDS = ("summary", "review_due")
GOAL_FIELDS = ("text", "target_date", "status", "progress", "topic", "shared_with_family")
# What may change on an ACTIVE plan: the delivery record (how far a goal got,
# how many units of a service were delivered, whether it ended) and whether a
# goal is shown to the family (`goal_share_with_family`). Everything else is
# the content a supervisor approved and changes only on a DRAFT plan; a
# submitted, superseded or completed plan, or any plan of a closed case,
# changes not at all.
GOAL_PROGRESS_FIELDS = ("status", "progress", "shared_with_family")
CASEWORK_ROLES = (Role.SOCIAL_WORKER, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR)
# Bases that may write (a grant only reads).
WRITE_BASES = (Basis.ASSIGNMENT, Basis.SUPERVISOR, Basis.SUPERVISOR_ROLE,
               Basis.POINT_DIRECTOR)


# --- helpers -----------------------------------------------------------------------


def _save(obj, by, **kwargs) -> None:
    """Validate, then save with `by` as the history row's author."""
    obj._history_user = by
    obj.full_clean(**kwargs)
    obj.save()


def _is_supervisor(user, case: Case) -> bool:
    return case.supervisor_id == user.pk or user.has_role(Role.CHILD_SUPERVISOR)


def _require_writer(by, case: Case, now: dt.datetime | None = None) -> None:
    basis = case_access(by, case, now=now or timezone.now())
    if basis is None or basis.kind not in WRITE_BASES:
        raise CaseError(errors.NOT_ALLOWED)


def _require_open(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise CaseError(errors.CLOSED_CASE)


def _require_approver(by, case: Case, *, author_id: int | None) -> None:
    if not _is_supervisor(by, case):
        raise CaseError(errors.NOT_SUPERVISOR)
    if author_id == by.pk:
        raise CaseError(errors.SELF_APPROVAL)


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related(
        "household").get(pk=case.pk)


def case_settings() -> CaseSettings:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return CaseSettings.for_site(site) if site else CaseSettings()


# --- households ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberData:
    label: str
    relationship: str
    is_guardian: bool = False
    birth_year: int | None = None
    child: object | None = None


@dataclass
class HouseholdResult:
    """A created household, or (nothing saved) the files it may duplicate."""

    household: Household | None
    duplicates: list[Household] = field(default_factory=list)


@transaction.atomic
def household_create(*, point, address: str, guardianship: str, opened_on: dt.date,
                     members: Sequence[MemberData], by, phone: str = "",
                     guardianship_note: str = "",
                     confirmed_new: bool = False) -> HouseholdResult:
    """Open a household file with its members.

    A likely duplicate (same phone, or same address with a child of the same
    birth year: `likely_duplicates`) is returned, nothing saved, until the
    caller confirms it is another family (``confirmed_new``). Never merges.
    """
    if not any(by.has_role(r) for r in CASEWORK_ROLES):
        raise CaseError(errors.NOT_ALLOWED)
    household = Household(point=point, address=address.strip(), phone=phone,
                          guardianship=guardianship,
                          guardianship_note=guardianship_note, opened_on=opened_on,
                          created_by=by)
    household.full_clean()
    built = [HouseholdMember(household=household, label=m.label,
                             relationship=m.relationship, is_guardian=m.is_guardian,
                             birth_year=m.birth_year, child=m.child) for m in members]
    for member in built:
        member.full_clean(exclude=["household"])
    if not confirmed_new:
        years = [m.birth_year for m in built
                 if m.relationship == HouseholdMember.Relationship.CHILD and m.birth_year]
        found = list(likely_duplicates(phone=household.phone, address=household.address,
                                       child_birth_years=years))
        if found:
            return HouseholdResult(household=None, duplicates=found)
    _save(household, by)
    for member in built:
        member.household = household
        member.save()
    return HouseholdResult(household=household)


@transaction.atomic
def household_link_account(*, household: Household, account, by,
                           now: dt.datetime | None = None) -> Household:
    """Link the family's portal account, on the guardian's recorded consent
    (`portal.services.household_link_consent_give`), by someone who may
    write the household's file (`WRITE_BASES`; a grant only reads).

    A consent links one household: one already recorded on another file does
    not count again. `portal.models.Consent` has no field to name the
    household the guardian agreed to (``notice_version`` is the notice's
    version), so the record says "a household file", not which one; the
    one-consent-one-file rule and the worker's write access stand in for it.
    Withdrawing the consent unlinks (`cases.privacy.CasesPrivacy`)."""
    basis = household_access(by, household, now=now or timezone.now())
    if basis is None or basis.kind not in WRITE_BASES:
        raise CaseError(errors.NOT_ALLOWED)
    consent = Consent.objects.filter(
        user=account, kind=Consent.Kind.HOUSEHOLD_LINK, withdrawn_at__isnull=True,
    ).exclude(pk__in=Household.objects.exclude(pk=household.pk)
              .exclude(link_consent=None).values("link_consent")
              ).order_by("-given_at").first()
    if consent is None:
        raise CaseError(errors.CONSENT_REQUIRED, field="portal_account")
    household.portal_account, household.link_consent = account, consent
    _save(household, by)
    return household


# --- cases -----------------------------------------------------------------------


@transaction.atomic
def case_open(*, household: Household, member: HouseholdMember, assigned_worker, by,
              opened_on: dt.date, supervisor=None) -> Case:
    """A case for one child of `household`. The member's row is locked, so
    two workers opening a case for the same child at once get one case and
    a clear refusal, not a crash."""
    if not any(by.has_role(r) for r in CASEWORK_ROLES):
        raise CaseError(errors.NOT_ALLOWED)
    if member.household_id != household.pk:
        raise CaseError(errors.NOT_ALLOWED, field="member")
    HouseholdMember.objects.select_for_update().filter(pk=member.pk).first()
    if Case.objects.filter(member_id=member.pk).exists():
        raise CaseError(errors.CASE_EXISTS, field="member")
    if not (assigned_worker.has_role(Role.SOCIAL_WORKER)
            or assigned_worker.has_role(Role.CHILD_DIRECTOR)):
        raise CaseError(errors.NOT_SOCIAL_WORKER, field="assigned_worker")
    if supervisor is not None and not supervisor.has_role(Role.CHILD_SUPERVISOR):
        raise CaseError(errors.NOT_SUPERVISOR, field="supervisor")
    days = case_settings().visit_interval_days("")
    case = Case(household=household, member=member, assigned_worker=assigned_worker,
                supervisor=supervisor, opened_on=opened_on,
                next_visit_due=opened_on + dt.timedelta(days=days))
    try:
        with transaction.atomic():
            _save(case, by)
    except IntegrityError:
        raise CaseError(errors.CASE_EXISTS, field="member") from None
    return case


@transaction.atomic
def household_create_opening_case(*, by, opened_on: dt.date, **household
                                  ) -> tuple[HouseholdResult, Case | None]:
    """`household_create`, then a case for its first child assigned to the
    creator when they are a worker (a social worker or child director):
    their new file is one they can open at once. One transaction: a refused
    case leaves no household behind."""
    result = household_create(by=by, opened_on=opened_on, **household)
    worker = by.has_role(Role.SOCIAL_WORKER) or by.has_role(Role.CHILD_DIRECTOR)
    if result.household is None or not worker:
        return result, None
    child = result.household.members.filter(
        relationship=HouseholdMember.Relationship.CHILD).order_by("pk").first()
    if child is None:
        return result, None
    case = case_open(household=result.household, member=child, assigned_worker=by,
                     by=by, opened_on=opened_on)
    return result, case


# The states a case moves between by hand; closing and reopening have their
# own services (reason, approval).
TRANSITIONS = {
    Case.Status.INTAKE: {Case.Status.ASSESSMENT},
    Case.Status.ASSESSMENT: {Case.Status.ACTIVE},
    Case.Status.ACTIVE: {Case.Status.MONITORING},
    Case.Status.MONITORING: {Case.Status.ACTIVE},
}


@transaction.atomic
def case_transition(*, case: Case, to: str, by) -> Case:
    case = _lock_case(case)
    _require_writer(by, case)
    if to not in TRANSITIONS.get(case.status, set()):
        raise CaseError(errors.BAD_TRANSITION, field="status")
    case.status = to
    _save(case, by)
    return case


def can_reassign(user) -> bool:
    """Station heads and child supervisors assign the worker and supervisor."""
    return user.has_role(Role.STATION_HEAD) or user.has_role(Role.CHILD_SUPERVISOR)


@transaction.atomic
def case_reassign(*, case: Case, by, worker=None, supervisor=None) -> Case:
    """Give an open case another assigned worker (a social worker or child
    director) and/or supervisor of record (a child supervisor). A station
    head's or child supervisor's decision; the case's history keeps who held
    it before and who changed it."""
    if not can_reassign(by):
        raise CaseError(errors.NOT_REASSIGNER)
    case = _lock_case(case)
    _require_open(case)
    if worker is not None:
        if not is_worker(worker) or not worker.is_active:
            raise CaseError(errors.NOT_SOCIAL_WORKER, field="worker")
        case.assigned_worker = worker
    if supervisor is not None:
        if not supervisor.has_role(Role.CHILD_SUPERVISOR) or not supervisor.is_active:
            raise CaseError(errors.NOT_SUPERVISOR, field="supervisor")
        case.supervisor = supervisor
    _save(case, by)
    return case


@transaction.atomic
def point_director_set(*, user, point, by, directs: bool = True) -> bool:
    """Make `user` (a child director) answer for `point`, or no longer
    (``directs=False``): a station head's decision. Idempotent; returns
    whether anything changed."""
    if not by.has_role(Role.STATION_HEAD):
        raise CaseError(errors.NOT_STATION_HEAD)
    if not directs:
        return PointDirector.objects.filter(user=user, point=point).delete()[0] > 0
    if not user.has_role(Role.CHILD_DIRECTOR):
        raise CaseError(errors.NOT_CHILD_DIRECTOR, field="user")
    _row, created = PointDirector.objects.get_or_create(user=user, point=point)
    return created


def _open_services(case: Case) -> list[PlannedService]:
    return [s for s in PlannedService.objects.filter(
        plan__case=case, plan__status=CasePlan.Status.ACTIVE).order_by("pk")
        if s.is_open]


@transaction.atomic
def case_close(*, case: Case, reason: str, by, now: dt.datetime | None = None) -> Case:
    """Close on a supervisor's decision (not the assigned worker's own),
    with a reason, once no planned service is still running."""
    now = now or timezone.now()
    case = _lock_case(case)
    _require_open(case)
    _require_approver(by, case, author_id=case.assigned_worker_id)
    if not reason.strip():
        raise CaseError(errors.CLOSURE_REASON_REQUIRED, field="reason")
    running = _open_services(case)
    if running:
        names = "、".join(f"{s.get_kind_display()}（{s.units_delivered}/{s.units_planned}）"
                         for s in running)
        raise CaseError(errors.SERVICES_STILL_ACTIVE, field="reason",
                        params={"services": names})
    case.status, case.closed_at, case.closed_by = Case.Status.CLOSED, now, by
    case.closure_reason = reason.strip()
    _save(case, by)
    CasePlan.objects.filter(case=case, status=CasePlan.Status.ACTIVE).update(
        status=CasePlan.Status.COMPLETED)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by) -> Case:
    """Back to assessment; the closure stays in the case's history. An
    anonymised case stays closed: the retention run never visits it again,
    so new narratives on it would be kept for ever."""
    case = _lock_case(case)
    if case.status != Case.Status.CLOSED:
        raise CaseError(errors.BAD_TRANSITION, field="status")
    if case.anonymised_at is not None:
        raise CaseError(errors.ANONYMISED_CASE, field="status")
    if not _is_supervisor(by, case):
        raise CaseError(errors.NOT_SUPERVISOR)
    case.status, case.closed_at, case.closed_by, case.closure_reason = (
        Case.Status.ASSESSMENT, None, None, None)
    _save(case, by)
    return case


# --- assessments ------------------------------------------------------------------


@transaction.atomic
def assessment_submit(*, case: Case, scores: Mapping[str, int], by,
                      notes: Mapping[str, str] | None = None, note: str = "",
                      now: dt.datetime | None = None) -> Assessment:
    """Record a structured assessment; its risk level follows `cases.risk`."""
    case = _lock_case(case)
    _require_open(case)
    _require_writer(by, case)
    try:
        level = risk.risk_level(dict(scores))
    except risk.ScoresError:
        raise CaseError(errors.SCORES_INVALID, field="scores") from None
    assessment = Assessment(case=case, computed_risk=level, risk_level=level, note=note,
                            submitted_by=by, submitted_at=now or timezone.now())
    _save(assessment, by)
    notes = notes or {}
    DomainScore.objects.bulk_create([
        DomainScore(assessment=assessment, domain=d, score=scores[d],
                    note=notes.get(d) or None) for d in risk.DOMAINS])
    return assessment


def _apply_risk(case: Case, level: str, by) -> None:
    case.risk_level = level
    _save(case, by)
    if level == RiskLevel.CRITICAL:
        alert_urgent(case, "critical_risk")


@transaction.atomic
def assessment_approve(*, assessment: Assessment, by,
                       now: dt.datetime | None = None) -> Assessment:
    case = _lock_case(assessment.case)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise CaseError(errors.NOT_SUBMITTED)
    _require_approver(by, case, author_id=assessment.submitted_by_id)
    assessment.status = Assessment.Status.APPROVED
    assessment.approved_by, assessment.approved_at = by, now or timezone.now()
    _save(assessment, by)
    _apply_risk(case, assessment.risk_level, by)
    return assessment


@transaction.atomic
def assessment_override(*, assessment: Assessment, risk_level: str, reason: str,
                        by) -> Assessment:
    """A supervisor sets another level than the rule's, with a reason."""
    case = _lock_case(assessment.case)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_approver(by, case, author_id=assessment.submitted_by_id)
    if risk_level not in RiskLevel.values:
        raise CaseError(errors.SCORES_INVALID, field="risk_level")
    if not reason.strip():
        raise CaseError(errors.OVERRIDE_REASON_REQUIRED, field="reason")
    assessment.risk_level, assessment.override_reason = risk_level, reason.strip()
    assessment.overridden_by = by
    _save(assessment, by)
    if assessment.status == Assessment.Status.APPROVED:
        _apply_risk(case, risk_level, by)
    return assessment


# --- plans ---------------------------------------------------------------------------


def _check_review_due(case: Case, review_due: dt.date) -> None:
    if review_due < case.opened_on:
        raise CaseError(errors.REVIEW_BEFORE_OPENING, field="review_due")


@transaction.atomic
def plan_create_draft(*, case: Case, review_due: dt.date, by,
                      summary: str = "") -> CasePlan:
    case = _lock_case(case)
    _require_open(case)
    _require_writer(by, case)
    _check_review_due(case, review_due)
    number = (case.plans.aggregate(n=Max("number"))["n"] or 0) + 1
    plan = CasePlan(case=case, number=number, review_due=review_due, summary=summary,
                    created_by=by)
    _save(plan, by)
    return plan


def _lock_plan(plan: CasePlan) -> tuple[Case, CasePlan]:
    case = _lock_case(plan.case)
    return case, CasePlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_submit(*, plan: CasePlan, by) -> CasePlan:
    case, plan = _lock_plan(plan)
    _require_writer(by, case)
    if plan.status != CasePlan.Status.DRAFT:
        raise CaseError(errors.PLAN_NOT_DRAFT)
    plan.status, plan.submitted_by = CasePlan.Status.SUBMITTED, by
    _save(plan, by)
    return plan


@transaction.atomic
def plan_approve(*, plan: CasePlan, by, now: dt.datetime | None = None) -> CasePlan:
    """Activate a submitted plan; the case's active plan, if any, is
    superseded in the same transaction (one active plan: the database's
    ``caseplan_one_active_per_case`` holds it)."""
    case, plan = _lock_plan(plan)
    _require_open(case)
    if plan.status != CasePlan.Status.SUBMITTED:
        raise CaseError(errors.NOT_SUBMITTED)
    _require_approver(by, case, author_id=plan.submitted_by_id)
    for old in CasePlan.objects.select_for_update().filter(
            case=case, status=CasePlan.Status.ACTIVE):
        old.status = CasePlan.Status.SUPERSEDED
        _save(old, by)
    plan.status, plan.approved_by = CasePlan.Status.ACTIVE, by
    plan.approved_at = now or timezone.now()
    _save(plan, by)
    return plan


@transaction.atomic
def plan_update(*, plan: CasePlan, expected_version: int, by, **changes) -> CasePlan:
    """Change ``summary``/``review_due`` of a plan read at ``expected_version``
    (a draft or the active plan of an open case).

    Stale (someone saved since): `PlanConflict` with their values and these,
    nothing saved.
    """
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"plan_update cannot change {sorted(unknown)}")
    case, plan = _lock_plan(plan)
    _require_writer(by, case)
    _require_open(case)
    if plan.version != expected_version:
        raise PlanConflict(expected=expected_version, current=plan.version,
                           theirs={f: getattr(plan, f) for f in changes}, mine=changes)
    if plan.status not in (CasePlan.Status.DRAFT, CasePlan.Status.ACTIVE):
        raise CaseError(errors.PLAN_NOT_DRAFT)
    if "review_due" in changes:
        _check_review_due(case, changes["review_due"])
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.version += 1
    _save(plan, by)
    return plan


def _require_plan_content(case: Case, plan: CasePlan, changed: Iterable[str] = (),
                          progress: Iterable[str] = ()) -> None:
    """Refuse a write to `plan` unless the case is open and either the plan is
    a draft, or it is active and every changed field is a `progress` one."""
    _require_open(case)
    if plan.status == CasePlan.Status.DRAFT:
        return
    if plan.status == CasePlan.Status.ACTIVE:
        if progress and set(changed) <= set(progress):
            return
        raise CaseError(errors.PLAN_CONTENT_APPROVED)
    raise CaseError(errors.PLAN_LOCKED)


def _check_target(case: Case, target_date: dt.date) -> None:
    if target_date < case.opened_on:
        raise CaseError(errors.TARGET_BEFORE_OPENING, field="target_date")


@transaction.atomic
def goal_add(*, plan: CasePlan, domain: str, text: str, target_date: dt.date, by,
             topic=None, modules: Iterable = (), shared_with_family: bool = False) -> Goal:
    """Add a goal to a draft plan of an open case (an approved plan's goals
    are the supervisor's decision: a new goal goes in the next draft)."""
    case, plan = _lock_plan(plan)
    _require_writer(by, case)
    _require_plan_content(case, plan)
    _check_target(case, target_date)
    goal = Goal(plan=plan, domain=domain, text=text, target_date=target_date, topic=topic,
                shared_with_family=shared_with_family)
    _save(goal, by)
    goal.modules.set(list(modules))
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, by, modules: Iterable | None = None, **changes) -> Goal:
    """Change a goal. On a draft plan anything in `GOAL_FIELDS` and its
    modules; on the active plan only `GOAL_PROGRESS_FIELDS` (a value passed
    unchanged is no change, so the whole edit form may be posted); on any
    other plan, or a closed case, nothing (`CaseError`)."""
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"goal_update cannot change {sorted(unknown)}")
    case, plan = _lock_plan(goal.plan)
    _require_writer(by, case)
    changed = [name for name, value in changes.items()
               if getattr(goal, name) != value]
    modules = None if modules is None else list(modules)
    if modules is not None and ({m.pk for m in modules}
                                != set(goal.modules.values_list("pk", flat=True))):
        changed.append("modules")
    _require_plan_content(case, plan, changed, GOAL_PROGRESS_FIELDS)
    if "target_date" in changes:
        _check_target(case, changes["target_date"])
    for name, value in changes.items():
        setattr(goal, name, value)
    _save(goal, by)
    if modules is not None:
        goal.modules.set(modules)
    return goal


@transaction.atomic
def service_add(*, plan: CasePlan, kind: str, frequency: str, units_planned: int, by,
                expert=None, partner=None, goal: Goal | None = None) -> PlannedService:
    """Plan a service on a draft plan of an open case."""
    case, plan = _lock_plan(plan)
    _require_writer(by, case)
    _require_plan_content(case, plan)
    if (expert is None) == (partner is None):
        raise CaseError(errors.PROVIDER_ONE, field="expert")
    if expert is not None and not expert.credential_valid_on(timezone.localdate()):
        raise CaseError(errors.CREDENTIAL_EXPIRED, field="expert")
    service = PlannedService(plan=plan, kind=kind, frequency=frequency,
                             units_planned=units_planned, expert=expert, partner=partner,
                             goal=goal)
    _save(service, by)
    return service


@transaction.atomic
def service_update(*, service: PlannedService, by, units_delivered: int | None = None,
                   ended: bool | None = None, frequency: str | None = None
                   ) -> PlannedService:
    """Record delivery (``units_delivered``, ``ended``: allowed on a draft or
    the active plan) or change the ``frequency`` (approved content: a draft
    only). Nothing changes on another plan or a closed case."""
    case, plan = _lock_plan(service.plan)
    _require_writer(by, case)
    service = PlannedService.objects.select_for_update().get(pk=service.pk)
    changed = [name for name, value in (("units_delivered", units_delivered),
                                        ("ended", ended), ("frequency", frequency))
               if value is not None and getattr(service, name) != value]
    _require_plan_content(case, plan, changed, ("units_delivered", "ended"))
    if units_delivered is not None:
        if units_delivered > service.units_planned:
            raise CaseError(errors.UNITS_INVALID, field="units_delivered")
        service.units_delivered = units_delivered
    if ended is not None:
        service.ended = ended
    if frequency is not None:
        service.frequency = frequency
    _save(service, by)
    return service


# --- visits ------------------------------------------------------------------------


@transaction.atomic
def visit_plan(*, case: Case, kind: str, planned_for: dt.datetime, by) -> Visit:
    case = _lock_case(case)
    _require_open(case)
    _require_writer(by, case)
    visit = Visit(case=case, kind=kind, planned_for=planned_for, recorded_by=by)
    _save(visit, by)
    return visit


@transaction.atomic
def visit_record(*, case: Case, kind: str, done_at: dt.datetime, visitors: Sequence,
                 by, guardian_present: bool = False, observations: str = "",
                 needs_found: str = "", safety_concern: bool = False,
                 visit: Visit | None = None, now: dt.datetime | None = None,
                 client_key: uuid.UUID | None = None) -> Visit:
    """Record a visit made (a planned one, or a new one); the case's next
    visit falls due by its risk level (`CaseSettings`). A safety concern
    alerts the coordinators and the safeguarding lead at once.

    ``client_key`` is the submitting form's idempotency key: a retried
    submission with the same key returns the visit it already recorded,
    changing nothing and alerting no one twice (the case's row lock orders
    the retries; ``visit_client_key_once`` makes it true)."""
    now = now or timezone.now()
    case = _lock_case(case)
    _require_writer(by, case, now)
    if client_key is not None:
        done = Visit.objects.filter(case=case, client_key=client_key).first()
        if done is not None:
            return done
    _require_open(case)
    if done_at > now:
        raise CaseError(errors.VISIT_IN_FUTURE, field="done_at")
    if not visitors:
        raise CaseError(errors.VISITORS_REQUIRED, field="visitors")
    if visit is None:
        visit = Visit(case=case, recorded_by=by, client_key=client_key)
    elif visit.case_id != case.pk:
        raise CaseError(errors.NOT_ALLOWED)
    days = case_settings().visit_interval_days(case.risk_level)
    next_due = timezone.localdate(done_at) + dt.timedelta(days=days)
    visit.kind, visit.done_at, visit.guardian_present = kind, done_at, guardian_present
    visit.observations, visit.needs_found = observations, needs_found
    visit.safety_concern, visit.next_due = safety_concern, next_due
    _save(visit, by)
    visit.visitors.set(list(visitors))
    case.next_visit_due = next_due
    _save(case, by)
    if safety_concern:
        alert_urgent(case, "safety_concern")
    return visit


# --- access grants -------------------------------------------------------------------


def grant_request_check(*, reason: str, expires_at: dt.datetime,
                        now: dt.datetime) -> None:
    """The checks of a request that do not depend on its target: the request
    page runs them for a number that names no file too, so that an unknown
    number and a known one answer alike."""
    if not reason.strip():
        raise CaseError(errors.GRANT_REASON_REQUIRED, field="reason")
    if not now < expires_at <= now + dt.timedelta(days=MAX_GRANT_DAYS):
        raise CaseError(errors.GRANT_EXPIRY_INVALID, field="expires_at",
                        params={"days": MAX_GRANT_DAYS})


@transaction.atomic
def grant_request(*, user, reason: str, expires_at: dt.datetime, case: Case | None = None,
                  household: Household | None = None,
                  now: dt.datetime | None = None) -> AccessGrant:
    now = now or timezone.now()
    if (case is None) == (household is None):
        raise CaseError(errors.GRANT_TARGET_ONE, field="case")
    grant_request_check(reason=reason, expires_at=expires_at, now=now)
    grant = AccessGrant(user=user, case=case, household=household, reason=reason.strip(),
                        requested_at=now, expires_at=expires_at)
    grant.full_clean()
    grant.save()
    return grant


def _lock_grant(grant: AccessGrant) -> AccessGrant:
    return AccessGrant.objects.select_for_update().get(pk=grant.pk)


@transaction.atomic
def grant_approve(*, grant: AccessGrant, by, now: dt.datetime | None = None
                  ) -> AccessGrant:
    grant = _lock_grant(grant)
    if not by.has_role(Role.STATION_HEAD):
        raise CaseError(errors.GRANT_NOT_STATION_HEAD)
    if grant.user_id == by.pk:
        raise CaseError(errors.GRANT_SELF_APPROVAL)
    if grant.approved_at is not None or grant.revoked_at is not None:
        raise CaseError(errors.GRANT_NOT_PENDING)
    grant.approved_by, grant.approved_at = by, now or timezone.now()
    grant.save(update_fields=["approved_by", "approved_at"])
    return grant


@transaction.atomic
def grant_revoke(*, grant: AccessGrant, by, now: dt.datetime | None = None
                 ) -> AccessGrant:
    """The grantee gives it up, or a station head withdraws it."""
    grant = _lock_grant(grant)
    if grant.user_id != by.pk and not by.has_role(Role.STATION_HEAD):
        raise CaseError(errors.GRANT_NOT_STATION_HEAD)
    if grant.revoked_at is None:
        grant.revoked_at, grant.revoked_by = now or timezone.now(), by
        grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant



# --- sharing with the family, unlinking, anonymising ---------------------------------

ANONYMISED = "已匿名"
UNLINKED_ON_ERASURE = "family account erased"
UNLINKED_ON_WITHDRAWAL = "household-link consent withdrawn"
ANONYMISED_REASON = "anonymised after the retention period"


@transaction.atomic
def goal_share_with_family(*, goal: Goal, shared: bool, by) -> Goal:
    """Show (or stop showing) a goal's modules and topic on the family's
    account page and in its export. Only the goal's plain words and its
    learning: never assessments, notes, visits or risk."""
    case, _plan = _lock_plan(goal.plan)
    _require_writer(by, case)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    goal.shared_with_family = shared
    _save(goal, by)
    return goal


@transaction.atomic
def household_unlink_account(*, household: Household, by=None,
                             reason: str = UNLINKED_ON_ERASURE) -> Household:
    """Unlink the family's portal account (and its registered children) from
    the household file; the file itself stays (the station's statutory duty).
    ``by`` is None when the family's own erasure asks for it."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    household.members.exclude(child=None).update(child=None)
    household.portal_account, household.link_consent = None, None
    household._change_reason, household._history_user = reason, by
    # No full_clean: an older file's other fields must never block a
    # family's erasure; only the two links change.
    household.save(update_fields=["portal_account", "link_consent"])
    return household


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def anonymisation_cutoff(*, now: dt.datetime) -> dt.datetime:
    """Cases closed before this instant are past `CaseSettings.retention_years`."""
    return _years_before(now, case_settings().retention_years)


def _clear_history(model, lookup: Mapping, values: Mapping) -> None:
    """The history copies hold the same narratives: they go as well."""
    model.history.filter(**lookup).update(**values)


def _anonymise_case(case: Case, *, now: dt.datetime) -> None:
    plans = CasePlan.objects.filter(case=case)
    plan_ids = list(plans.values_list("pk", flat=True))
    Assessment.objects.filter(case=case).update(note=None)
    Assessment.objects.filter(case=case, override_reason__isnull=False).update(
        override_reason=ANONYMISED)
    DomainScore.objects.filter(assessment__case=case).update(note=None)
    Visit.objects.filter(case=case).update(observations=None, needs_found=None)
    plans.update(summary="")
    Goal.objects.filter(plan_id__in=plan_ids).update(text=ANONYMISED)
    AccessGrant.objects.filter(case=case).update(reason=ANONYMISED)
    _clear_history(Assessment, {"case_id": case.pk},
                   {"note": None, "override_reason": None})
    _clear_history(Visit, {"case_id": case.pk},
                   {"observations": None, "needs_found": None})
    _clear_history(CasePlan, {"case_id": case.pk}, {"summary": ""})
    _clear_history(Goal, {"plan_id__in": plan_ids}, {"text": ANONYMISED})
    _clear_history(Case, {"id": case.pk}, {"closure_reason": None})
    # The database holds that a closed case has a reason: a neutral one.
    case.closure_reason, case.anonymised_at = ANONYMISED, now
    case._change_reason = ANONYMISED_REASON
    _save(case, None)


def _anonymise_household(household: Household, *, now: dt.datetime) -> None:
    household.members.update(label=ANONYMISED, child=None)
    AccessGrant.objects.filter(household=household).update(reason=ANONYMISED)
    _clear_history(Household, {"id": household.pk},
                   {"address": ANONYMISED, "phone": "", "guardianship_note": None,
                    "portal_account_id": None, "link_consent_id": None})
    household.address, household.phone, household.guardianship_note = (
        ANONYMISED, "", None)
    household.portal_account, household.link_consent = None, None
    household.anonymised_at = now
    household._change_reason = ANONYMISED_REASON
    _save(household, None)


def cases_anonymise_closed(*, now: dt.datetime | None = None,
                           progress=None) -> dict[str, int]:
    """Anonymise the cases closed longer ago than `CaseSettings.retention_years`.

    Clears every narrative (closure reason, assessment and domain notes,
    visit records, plan summaries, goal texts, grant reasons) in the records
    and their history copies; once every case of a household is anonymised,
    the household's address, phone and guardianship note go, its members'
    labels become "已匿名", and its links to portal accounts and children are
    removed. Counts, dates, states, risk levels, domains and birth years stay
    for the statistics. Each case is one transaction; a save with the reason
    writes the history row. Idempotent. ``progress`` (optional) is called once
    per case (the command's progress bar).
    """
    now = now or timezone.now()
    cutoff = anonymisation_cutoff(now=now)
    due = list(Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=cutoff,
                                   anonymised_at__isnull=True)
               .order_by("pk").values_list("pk", flat=True))
    counts = {"cases.case.anonymised": 0, "cases.household.anonymised": 0}
    for case_id in due:
        with transaction.atomic():
            case = _lock_case(Case(pk=case_id))
            if case.anonymised_at is None and case.status == Case.Status.CLOSED:
                _anonymise_case(case, now=now)
                counts["cases.case.anonymised"] += 1
            household = Household.objects.select_for_update().get(pk=case.household_id)
            if (household.anonymised_at is None
                    and not household.cases.filter(anonymised_at__isnull=True).exists()):
                _anonymise_household(household, now=now)
                counts["cases.household.anonymised"] += 1
        if progress is not None:
            progress()
    return counts
