"""Casework's part in the privacy rights (registered in `CasesConfig.ready`).

The household file and its cases are the station's records, kept under its
statutory duty (未成年人保护法, 未成年人网络保护条例), not the family's account
data: erasing a portal account unlinks the household from the account (and
its registered children) but keeps the file, and the erasure page says so.
The export gives the family the plain-language goals a worker shared with
them; never assessments, notes, visits or risk levels. Closed cases are
anonymised once `CaseSettings.retention_years` have passed
(`services.cases_anonymise_closed`, also run by `apply_retention`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases import selectors, services
from cases.models import Household
from portal.models import Consent
from portal.privacy_registry import PrivacyProvider, Statement, jsonable

# Every model of the app points at a person (a staff member or the family)
# except the settings; the station's records are answered for here.
_PERSONAL = frozenset({
    "household", "householdmember", "case", "assessment", "domainscore", "caseplan",
    "goal", "plannedservice", "visit", "accessgrant", "pointdirector",
    "historicalhousehold", "historicalcase", "historicalassessment",
    "historicalcaseplan", "historicalgoal", "historicalplannedservice",
    "historicalvisit",
})

ERASURE_NOTICE = _(
    "你的家庭在未成年人保护工作站有一份“一户一档”家庭档案。注销账户后，这份档案会与你的账户"
    "断开关联，但档案本身不会删除：工作站依法须保存儿童保护工作记录，结案满 %(years)s 年后"
    "才会匿名化。如对档案有疑问，请联系你的社工。"
)
STATEMENT_WHAT = _(
    "工作站为需要帮助的家庭建立的“一户一档”家庭档案：家庭成员、个案评估、服务计划和探访记录。"
)
STATEMENT_WHY = _(
    "这是工作站依照《未成年人保护法》和《未成年人网络保护条例》履行儿童保护职责的工作记录，"
    "不属于你的账户资料；注销账户只会断开档案与账户的关联。"
)

STATEMENT_HOW_LONG = _(
    "个案结案后保存 %(years)s 年，期满后匿名化：只保留不含个人信息的统计数字（人数、日期、状态）。"
)


class CasesPrivacy(PrivacyProvider):
    app_label = "cases"
    personal_models = _PERSONAL
    no_personal_data = frozenset({"casesettings"})
    export_order = 40

    def export(self, *, user) -> dict[str, Any]:
        goals = selectors.family_goals_for_export(user=user)
        if not goals:
            return {}
        return {"case_goals_shared_with_family": [
            {"goal": g.text, "domain": str(g.get_domain_display()),
             "target_date": jsonable(g.target_date),
             "status": str(g.get_status_display())}
            for g in goals]}

    def erase(self, *, user, now: dt.datetime) -> dict[str, int]:
        households = list(Household.objects.filter(portal_account=user).order_by("pk"))
        for household in households:
            services.household_unlink_account(household=household)
        return {"cases.household.unlinked": len(households)} if households else {}

    def consent_withdrawn(self, *, user, kind: str, now: dt.datetime) -> dict[str, int]:
        """Withdrawing the household-link consent unlinks the account (and its
        registered children) from every household file it was linked to."""
        if kind != Consent.Kind.HOUSEHOLD_LINK:
            return {}
        households = list(Household.objects.filter(portal_account=user).order_by("pk"))
        for household in households:
            services.household_unlink_account(
                household=household, reason=services.UNLINKED_ON_WITHDRAWAL)
        return {"cases.household.unlinked": len(households)} if households else {}

    def retention(self, *, cutoff: dt.datetime, now: dt.datetime) -> dict[str, int]:
        # The case file's own period (CaseSettings), not the portal's `cutoff`.
        return services.cases_anonymise_closed(now=now)

    def erasure_notice(self, *, user) -> str:
        if not Household.objects.filter(portal_account=user).exists():
            return ""
        return str(ERASURE_NOTICE) % {"years": _years()}

    def statement(self) -> Statement:
        return Statement(what=str(STATEMENT_WHAT), why=str(STATEMENT_WHY),
                         how_long=str(STATEMENT_HOW_LONG) % {"years": _years()})


def _years() -> int:
    return services.case_settings().retention_years
