"""Reads of casework. Who may read is `cases.permissions`; every read of case
content is logged (`cases.audit.log_case_read`) by the door that shows it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cases.models import (
    Assessment,
    Case,
    CasePlan,
    Goal,
    Household,
    HouseholdMember,
    PlannedService,
    Visit,
)


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
    """One field changed on one record: who, when, from what to what."""

    at: dt.datetime
    user_id: int | None
    user_label: str
    record: str
    record_id: int
    field: str
    old: object
    new: object
    change: str  # "+" created, "~" changed, "-" deleted


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
                changes = [(f.verbose_name, None, getattr(entry, f.attname))
                           for f in model._meta.concrete_fields
                           if f.name != "id" and getattr(entry, f.attname) not in
                           (None, "")]
            else:
                delta = entry.diff_against(before)
                changes = [(model._meta.get_field(c.field).verbose_name, c.old, c.new)
                           for c in delta.changes]
            rows += [HistoryRow(field=str(name), old=old, new=new, **common)
                     for name, old, new in changes]
            previous[entry.id] = entry
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows
