"""The access log of case content: every read of a case, plan, assessment or
visit, with the basis that allowed it (`cases.permissions.Basis`).

The rows name no subject account: the log is the audit of staff reads of a
child's file, not data about the family, so the household's linked account
never sees them in its own export (`portal.privacy_export`). A guardian
learning that a visit with a safety concern was read, and when, could put the
child at risk. The object type and id keep each read traceable to its case."""

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


def log_case_read(*, user, obj, basis: Basis, request=None) -> AccessLog:
    action = ACTIONS[type(obj)]
    return log_access(actor=user, action=action, subject_user_id=None, obj=obj,
                      request=request, basis=str(basis))
