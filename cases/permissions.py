"""Who may read a case: the one place that decides (need-to-know).

A case's content (the case, its assessments, plans and visits) is open to:

- its **assigned worker** (``assignment``) while they hold a worker role
  (social worker or child director: `WORKER_ROLES`);
- its **supervisor of record** (``supervisor``) while they hold the child
  supervisor role, and anyone holding that role, who supervises every point
  (``supervisor_role``);
- a **child director** of the household's service point (``point_director``,
  through `cases.models.PointDirector`);
- anyone holding an **access grant** for the case or its household that a
  station head approved, not revoked and not yet expired (``grant:<id>``).

Nobody else: not coordinators or editors, not station heads without a grant,
and not superusers either: the Django superuser flag is for running the site,
not for reading children's files, so a superuser asks for a grant like anyone
(the grant is logged and time-limited). Counsellors see only the goals linked
to their sessions with the family (`goals_visible_to_counsellor`), never
assessments or visits. Inactive and erased accounts see nothing. A role taken
away takes its access with it: being named on a case is not a basis alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from bookings.models import Booking
from cases.models import AccessGrant, Case, CasePlan, Goal, Household, PointDirector
from portal.models import Role

# The roles an assigned worker holds (`cases.services.case_open` checks the same).
WORKER_ROLES = (Role.SOCIAL_WORKER, Role.CHILD_DIRECTOR)


def is_worker(user) -> bool:
    return any(user.has_role(role) for role in WORKER_ROLES)


@dataclass(frozen=True)
class Basis:
    """What allowed a read; ``str()`` is what the access log keeps."""

    kind: str
    grant_id: int | None = None

    ASSIGNMENT = "assignment"
    SUPERVISOR = "supervisor"
    SUPERVISOR_ROLE = "supervisor_role"
    POINT_DIRECTOR = "point_director"
    GRANT = "grant"

    def __str__(self) -> str:
        return f"{self.kind}:{self.grant_id}" if self.grant_id else self.kind


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and not user.erased_at)


def valid_grants(user, *, now: dt.datetime) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.filter(
        user=user, approved_at__isnull=False, revoked_at__isnull=True, expires_at__gt=now,
    ).exclude(approved_by=user)


def _standing_basis(user, case: Case) -> Basis | None:
    """What `user`'s own work gives on `case`, grants aside."""
    if case.assigned_worker_id == user.pk and is_worker(user):
        return Basis(Basis.ASSIGNMENT)
    if case.supervisor_id == user.pk and user.has_role(Role.CHILD_SUPERVISOR):
        return Basis(Basis.SUPERVISOR)
    if user.has_role(Role.CHILD_SUPERVISOR):
        return Basis(Basis.SUPERVISOR_ROLE)
    if user.has_role(Role.CHILD_DIRECTOR) and PointDirector.objects.filter(
            user=user, point_id=case.household.point_id).exists():
        return Basis(Basis.POINT_DIRECTOR)
    return None


def case_access(user, case: Case, *, now: dt.datetime) -> Basis | None:
    """The basis on which `user` may read `case` at `now`, or None."""
    if not _signed_in(user):
        return None
    basis = _standing_basis(user, case)
    if basis is not None:
        return basis
    grant = valid_grants(user, now=now).filter(
        Q(case=case) | Q(household_id=case.household_id)).order_by("pk").first()
    if grant is not None:
        return Basis(Basis.GRANT, grant.pk)
    return None


def cases_visible_to(user, *, now: dt.datetime) -> QuerySet[Case]:
    """Every case `user` may read, as one query (plus the user's roles, read
    once): the same rules as `case_access`, as SQL."""
    if not _signed_in(user):
        return Case.objects.none()
    if user.has_role(Role.CHILD_SUPERVISOR):
        return Case.objects.all()
    # A child supervisor sees every case above; no role, no assignment.
    rule = Q(assigned_worker=user) if is_worker(user) else Q(pk__in=[])
    if user.has_role(Role.CHILD_DIRECTOR):
        rule |= Q(household__point__in=PointDirector.objects.filter(user=user)
                  .values("point"))
    grants = valid_grants(user, now=now)
    rule |= Exists(grants.filter(case=OuterRef("pk")))
    rule |= Exists(grants.filter(household=OuterRef("household")))
    return Case.objects.filter(rule)


def household_access(user, household: Household, *, now: dt.datetime) -> Basis | None:
    """Access to a household's file (its address, guardianship, members):
    the worker or supervisor of record of any of its cases (who visit the
    family), the child supervisor role, a director of its point, or a
    household grant. A grant for one child's case does not open it: the
    sibling cases listed there are the household's, not that case's. Which
    of its cases the page lists is `cases_visible_to`'s answer."""
    if not _signed_in(user):
        return None
    for case in household.cases.select_related("household"):
        basis = _standing_basis(user, case)
        if basis is not None:
            return basis
    if user.has_role(Role.CHILD_SUPERVISOR):
        return Basis(Basis.SUPERVISOR_ROLE)
    if user.has_role(Role.CHILD_DIRECTOR) and PointDirector.objects.filter(
            user=user, point_id=household.point_id).exists():
        return Basis(Basis.POINT_DIRECTOR)
    grant = valid_grants(user, now=now).filter(household=household).order_by("pk").first()
    return Basis(Basis.GRANT, grant.pk) if grant else None


def goals_visible_to_counsellor(user, household: Household) -> QuerySet[Goal]:
    """The goals of the household's active plans whose topic is the topic of
    a booking this counsellor holds with the family: with the household's
    linked account, or for one of its members' registered children; a
    cancelled booking links nothing."""
    if not _signed_in(user) or not user.has_role(Role.COUNSELLOR):
        return Goal.objects.none()
    family = Q(child__in=household.members.exclude(child=None).values("child"))
    if household.portal_account_id:
        family |= Q(family_id=household.portal_account_id)
    topics = Booking.objects.filter(
        family, counsellor__user=user, status__in=Booking.ACTIVE_STATUSES,
    ).exclude(topic=None).values("topic")
    return Goal.objects.filter(
        plan__case__household=household, plan__status=CasePlan.Status.ACTIVE,
        topic__in=topics,
    )
