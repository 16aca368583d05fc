"""The access log of case content: every read of a case, plan, assessment or
visit, with the basis that allowed it (`cases.permissions.Basis`)."""

from __future__ import annotations

from cases.models import Assessment, Case, CasePlan, Visit
from cases.permissions import Basis
from portal.access import log_access
from portal.models import AccessLog

ACTIONS = {
    Case: AccessLog.Action.VIEW_CASE,
    CasePlan: AccessLog.Action.VIEW_PLAN,
    Assessment: AccessLog.Action.VIEW_ASSESSMENT,
    Visit: AccessLog.Action.VIEW_VISIT,
}


def _subject(obj) -> int | None:
    """The household's portal account, so the family's own export lists the
    reads of its file."""
    case = obj if isinstance(obj, Case) else obj.case
    return case.household.portal_account_id


def log_case_read(*, user, obj, basis: Basis, request=None) -> AccessLog:
    action = ACTIONS[type(obj)]
    return log_access(actor=user, action=action, subject_user_id=_subject(obj), obj=obj,
                      request=request, basis=str(basis))
