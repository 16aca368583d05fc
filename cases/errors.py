"""Domain errors of casework, with the messages people read.

`CaseError` is a ValidationError with a field key where the input names one
(a form or the API shows it on that field) and a ``code``; the doors map it to
422 (or 409 for `PlanConflict`).
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

NOT_ALLOWED = _("你没有处理这个个案的权限。")
SELF_APPROVAL = _("不能审核自己提交的内容，请由另一位督导员审核。")
NOT_SUPERVISOR = _("只有儿童督导员可以审核。")
NOT_SOCIAL_WORKER = _("负责社工须是社工或儿童主任。")
BAD_TRANSITION = _("个案当前状态不能这样变更。")
CLOSED_CASE = _("个案已结案，请先重新开案。")
CASE_EXISTS = _("这个孩子已经有个案，请打开现有个案。")
ANONYMISED_CASE = _("这个个案已匿名化，不能重新开案；如需继续服务，请为孩子新建档案。")
CLOSURE_REASON_REQUIRED = _("请填写结案原因。")
SERVICES_STILL_ACTIVE = _("还有未完成的计划服务，请先完成或标记结束：%(services)s")
OVERRIDE_REASON_REQUIRED = _("调整风险等级须填写理由。")
SCORES_INVALID = _("请为七个领域各打一个 0–3 分。")
NOT_SUBMITTED = _("这份内容不在待审核状态。")
PLAN_NOT_DRAFT = _("只有草稿状态的计划可以修改或提交。")
PLAN_CONTENT_APPROVED = _("计划已批准生效，只能更新进度；其他修改请新建一份计划草稿并提交审核。")
PLAN_LOCKED = _("这份计划已提交、已被取代或已完成，不能再修改。")
PLAN_CONFLICT = _("计划已被他人修改，请查看对方的修改后再保存。")
REVIEW_BEFORE_OPENING = _("复核日期不能早于开案日期。")
TARGET_BEFORE_OPENING = _("目标日期不能早于开案日期。")
PROVIDER_ONE = _("请选择一位专家或一个合作单位（只选一个）。")
CREDENTIAL_EXPIRED = _("这位专家的资质已过期，不能安排服务。")
UNITS_INVALID = _("已完成次数不能超过计划次数。")
VISIT_IN_FUTURE = _("完成时间不能晚于现在。")
VISITORS_REQUIRED = _("请选择参与探访的人员。")
DUPLICATE_HOUSEHOLD = _("可能已有这个家庭的档案，请先核对；确认是不同家庭后再建档。")
CONSENT_REQUIRED = _("关联家庭账户须有监护人的同意记录。")
NOT_REASSIGNER = _("只有站长或儿童督导员可以改派个案。")
NOT_STATION_HEAD = _("只有站长可以指定服务点的儿童主任。")
NOT_CHILD_DIRECTOR = _("只能指定有儿童主任角色的人负责服务点。")
GRANT_REASON_REQUIRED = _("请填写申请理由。")
GRANT_EXPIRY_INVALID = _("到期时间须晚于现在，且不超过 %(days)s 天。")
GRANT_NOT_STATION_HEAD = _("只有站长可以批准访问申请。")
GRANT_SELF_APPROVAL = _("不能批准自己的访问申请。")
GRANT_NOT_PENDING = _("这份申请已经处理过了。")
GRANT_TARGET_ONE = _("请选择一个个案或一个家庭档案。")


class CaseError(ValidationError):
    """A refused casework action. ``field``: the input it is about, if any."""

    def __init__(self, message: str, *, field: str | None = None,
                 params: Mapping | None = None, code: str | None = None):
        text = gettext(message)
        if params:
            text = text % params
        code = code or _code_for(message)
        if field:
            super().__init__({field: ValidationError(text, code=code)})
        else:
            super().__init__(text, code=code)
        self.msgid, self.field, self.code = message, field, code


class PlanConflict(CaseError):
    """The plan changed since `expected` was read: both sides' values."""

    def __init__(self, *, expected: int, current: int, theirs: dict, mine: dict):
        super().__init__(PLAN_CONFLICT, code="plan_conflict")
        self.expected, self.current, self.theirs, self.mine = (
            expected, current, theirs, mine)


def _code_for(message: str) -> str:
    for name, value in globals().items():
        if name.isupper() and value == message:
            return name.lower()
    return "invalid"
