"""一户一档: the household file, a case per child, assessments, plans, visits.

Every write goes through `cases.services`; nothing here is registered in the
Django admin or as an editable snippet. Narratives are encrypted at rest
(`cases.encryption.narrative`) and history (django-simple-history) keeps who
changed what, when; the history tables hold the same encrypted columns.
Who may read a case is `cases.permissions`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cases.encryption import narrative

USER = settings.AUTH_USER_MODEL


def staff_ref(verbose_name, *, optional: bool = True) -> models.ForeignKey:
    """A staff member who did something to a record (kept while it exists)."""
    return models.ForeignKey(USER, on_delete=models.PROTECT, null=optional,
                             blank=optional, related_name="+",
                             verbose_name=verbose_name)


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    CRITICAL = "critical", _("危急")


class Domain(models.TextChoices):
    """The seven domains an assessment scores and a plan's goals address."""

    SAFETY = "safety", _("安全")
    HEALTH = "health", _("健康")
    STUDY = "study", _("学习")
    DAILY_CARE = "daily_care", _("生活照料")
    EMOTIONS = "emotions", _("情绪")
    FAMILY = "family", _("家庭关系")
    LEGAL = "legal", _("法律")


@register_setting(icon="folder-open-inverse")
class CaseSettings(BaseSiteSetting):
    """Visit cadence by risk level, and how long closed cases are kept."""

    visit_days_critical = models.PositiveSmallIntegerField(
        _("危急：探访间隔（天）"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    visit_days_high = models.PositiveSmallIntegerField(
        _("高风险：探访间隔（天）"), default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    visit_days_medium = models.PositiveSmallIntegerField(
        _("中风险：探访间隔（天）"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    visit_days_low = models.PositiveSmallIntegerField(
        _("低风险：探访间隔（天）"), default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    retention_years = models.PositiveSmallIntegerField(
        _("结案后保存年限"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("结案满这个年限后，个案资料匿名化。"))

    panels = [
        MultiFieldPanel(
            [FieldPanel("visit_days_critical"), FieldPanel("visit_days_high"),
             FieldPanel("visit_days_medium"), FieldPanel("visit_days_low")],
            heading=_("探访频率"),
        ),
        FieldPanel("retention_years"),
    ]

    class Meta:
        verbose_name = _("个案设置")
        verbose_name_plural = _("个案设置")

    def __str__(self):
        return str(self._meta.verbose_name)

    def visit_interval_days(self, risk_level: str) -> int:
        """Days to the next visit; an unassessed case is visited as medium risk."""
        return {
            RiskLevel.CRITICAL: self.visit_days_critical,
            RiskLevel.HIGH: self.visit_days_high,
            RiskLevel.LOW: self.visit_days_low,
        }.get(risk_level, self.visit_days_medium)


class PointDirector(models.Model):
    """A child director (儿童主任) and a service point they answer for."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE,
                             related_name="directed_points", verbose_name=_("儿童主任"))
    point = models.ForeignKey("network.ServicePoint", on_delete=models.CASCADE,
                              related_name="directors", verbose_name=_("服务点"))

    class Meta:
        verbose_name = _("服务点儿童主任")
        verbose_name_plural = _("服务点儿童主任")
        constraints = [models.UniqueConstraint(fields=["user", "point"],
                                               name="pointdirector_once")]

    def __str__(self):
        return f"{self.user} · {self.point}"


class Household(models.Model):
    class Guardianship(models.TextChoices):
        BOTH_PARENTS = "both_parents", _("父母双方监护")
        ONE_PARENT = "one_parent", _("单亲监护")
        GRANDPARENTS = "grandparents", _("祖辈照料")
        RELATIVES = "relatives", _("其他亲属照料")
        UNATTENDED = "unattended", _("事实无人抚养")
        OTHER = "other", _("其他")

    point = models.ForeignKey("network.ServicePoint", on_delete=models.PROTECT,
                              related_name="households", verbose_name=_("服务点"))
    address = models.CharField(_("地址"), max_length=200)
    phone = PhoneNumberField(_("联系电话"), blank=True)
    guardianship = models.CharField(_("监护情况"), max_length=20,
                                    choices=Guardianship.choices)
    guardianship_note = narrative(_("监护情况说明"))
    opened_on = models.DateField(_("建档日期"))
    # Made only with the guardian's recorded consent (`household_link_account`).
    portal_account = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="households",
        verbose_name=_("家庭账户"))
    link_consent = models.ForeignKey(
        "portal.Consent", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("关联账户的同意记录"))
    created_by = staff_ref(_("建档人"), optional=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once the file is anonymised after the retention period
    # (`services.cases_anonymise_closed`); the counts, dates and states stay.
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("家庭档案")
        verbose_name_plural = _("家庭档案")
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["phone"], name="household_phone")]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:household", args=[self.pk])


class HouseholdMember(models.Model):
    class Relationship(models.TextChoices):
        CHILD = "child", _("孩子")
        MOTHER = "mother", _("母亲")
        FATHER = "father", _("父亲")
        GRANDPARENT = "grandparent", _("祖辈")
        SIBLING = "sibling", _("兄弟姐妹")
        RELATIVE = "relative", _("其他亲属")
        OTHER = "other", _("其他")

    household = models.ForeignKey(Household, on_delete=models.CASCADE,
                                  related_name="members")
    label = models.CharField(_("称呼"), max_length=40)
    relationship = models.CharField(_("与家庭的关系"), max_length=20,
                                    choices=Relationship.choices)
    is_guardian = models.BooleanField(_("监护人"), default=False)
    birth_year = models.PositiveSmallIntegerField(
        _("出生年份"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    child = models.ForeignKey("portal.Child", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+",
                              verbose_name=_("家庭账户里的孩子"))

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "pk"]

    def __str__(self):
        return self.label


class Case(models.Model):
    class Status(models.TextChoices):
        INTAKE = "intake", _("接案")
        ASSESSMENT = "assessment", _("评估")
        ACTIVE = "active", _("服务中")
        MONITORING = "monitoring", _("跟踪回访")
        CLOSED = "closed", _("已结案")

    household = models.ForeignKey(Household, on_delete=models.PROTECT,
                                  related_name="cases", verbose_name=_("家庭档案"))
    member = models.OneToOneField(HouseholdMember, on_delete=models.PROTECT,
                                  related_name="case", verbose_name=_("孩子"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.INTAKE)
    risk_level = models.CharField(_("风险等级"), max_length=10,
                                  choices=RiskLevel.choices, blank=True)
    assigned_worker = models.ForeignKey(USER, on_delete=models.PROTECT,
                                        related_name="assigned_cases",
                                        verbose_name=_("负责社工"))
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="supervised_cases",
                                   verbose_name=_("督导员"))
    opened_on = models.DateField(_("开案日期"))
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closure_reason = narrative(_("结案原因"))
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("批准结案"))
    next_visit_due = models.DateField(_("下次探访"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("个案")
        verbose_name_plural = _("个案")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="closed", closed_at__isnull=False,
                             closure_reason__isnull=False)
                           | (~Q(status="closed") & Q(closed_at__isnull=True))),
                name="case_closed_has_time_and_reason",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:case", args=[self.pk])


class Assessment(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    computed_risk = models.CharField(_("规则计算的风险等级"), max_length=10,
                                     choices=RiskLevel.choices)
    risk_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices)
    override_reason = narrative(_("调整风险等级的理由"))
    overridden_by = staff_ref(_("调整人"))
    note = narrative(_("评估摘要"))
    submitted_by = staff_ref(_("评估人"), optional=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    approved_by = staff_ref(_("审核人"))
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("个案评估")
        verbose_name_plural = _("个案评估")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_level=F("computed_risk")) | Q(override_reason__isnull=False),
                name="assessment_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(approved_by=F("submitted_by")),
                name="assessment_not_self_approved",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:assessment", args=[self.case_id, self.pk])


class DomainScore(models.Model):
    """One domain of an assessment: 0 no concern … 3 serious (`cases.risk`)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="scores")
    domain = models.CharField(_("领域"), max_length=20, choices=Domain.choices)
    score = models.PositiveSmallIntegerField(
        _("评分"), validators=[MinValueValidator(0), MaxValueValidator(3)])
    note = narrative(_("说明"))

    class Meta:
        verbose_name = _("领域评分")
        verbose_name_plural = _("领域评分")
        ordering = ["assessment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"],
                                    name="domainscore_once"),
            models.CheckConstraint(condition=Q(score__lte=3), name="domainscore_range"),
        ]

    def __str__(self):
        return f"{self.get_domain_display()} {self.score}"


class CasePlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        ACTIVE = "active", _("执行中")
        SUPERSEDED = "superseded", _("已被新版本取代")
        COMPLETED = "completed", _("已完成")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField(_("计划版本号"))
    # Optimistic concurrency: raised by every `plan_update` (`PlanConflict`).
    version = models.PositiveIntegerField(_("修改次数"), default=1)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    summary = narrative(_("计划概述"))
    review_due = models.DateField(_("复核日期"))
    created_by = staff_ref(_("制定人"), optional=False)
    submitted_by = staff_ref(_("提交人"))
    approved_by = staff_ref(_("审核人"))
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("个案计划")
        verbose_name_plural = _("个案计划")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="active"),
                                    name="caseplan_one_active_per_case"),
            models.UniqueConstraint(fields=["case", "number"], name="caseplan_number_once"),
            models.CheckConstraint(condition=~Q(approved_by=F("submitted_by")),
                                   name="caseplan_not_self_approved"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} v{self.number}"

    def get_absolute_url(self):
        return reverse("cases:plan", args=[self.case_id, self.pk])


class Goal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        ACHIEVED = "achieved", _("已达成")
        DROPPED = "dropped", _("已放弃")

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("领域"), max_length=20, choices=Domain.choices)
    text = models.CharField(_("目标"), max_length=300)
    target_date = models.DateField(_("目标日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(
        _("进展（0–4）"), default=0,
        validators=[MinValueValidator(0), MaxValueValidator(4)])
    # Learning as an intervention: modules prescribed to the guardian.
    modules = models.ManyToManyField("courses.ModulePage", blank=True, related_name="+",
                                     verbose_name=_("给监护人的课程"))
    # A pooled booking by topic; also what a counsellor's sessions link to.
    topic = models.ForeignKey("courses.Topic", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("咨询主题"))
    # Only goals marked so (of an active plan) reach the family's account page
    # and export, as plain words: never assessments, notes, visits or risk.
    shared_with_family = models.BooleanField(
        _("与家庭分享"), default=False,
        help_text=_("勾选后，家庭在自己的账户页面能看到这个目标推荐的学习内容。"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("计划目标")
        verbose_name_plural = _("计划目标")
        ordering = ["plan", "pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=4),
                                              name="goal_progress_range")]

    def __str__(self):
        return self.text


class PlannedService(models.Model):
    class Kind(models.TextChoices):
        STUDY = "study", _("助学")
        MEDICAL = "medical", _("助医")
        CLEANING = "cleaning", _("助洁")
        PSYCHOLOGICAL = "psychological", _("心理关爱")

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="services")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="services", verbose_name=_("对应目标"))
    kind = models.CharField(_("服务类型"), max_length=20, choices=Kind.choices)
    expert = models.ForeignKey("network.Expert", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("专家"))
    partner = models.ForeignKey("network.Partner", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("合作单位"))
    frequency = models.CharField(_("频率"), max_length=60)
    units_planned = models.PositiveSmallIntegerField(_("计划次数"))
    units_delivered = models.PositiveSmallIntegerField(_("已完成次数"), default=0)
    ended = models.BooleanField(_("已结束"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("计划服务")
        verbose_name_plural = _("计划服务")
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(expert__isnull=False, partner__isnull=True)
                           | Q(expert__isnull=True, partner__isnull=False)),
                name="plannedservice_one_provider",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return not self.ended and self.units_delivered < self.units_planned


class Visit(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("入户")
        PHONE = "phone", _("电话")
        SCHOOL = "school", _("学校")
        CHILDRENS_HOME = "childrens_home", _("儿童之家")
        ONLINE = "online", _("线上")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("方式"), max_length=20, choices=Kind.choices)
    planned_for = models.DateTimeField(_("计划时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    visitors = models.ManyToManyField(USER, blank=True, related_name="+",
                                      verbose_name=_("探访人员"))
    guardian_present = models.BooleanField(_("监护人在场"), default=False)
    observations = narrative(_("观察记录"))
    needs_found = narrative(_("发现的需求"))
    safety_concern = models.BooleanField(_("存在安全隐患"), default=False)
    next_due = models.DateField(_("下次探访"), null=True, blank=True)
    recorded_by = staff_ref(_("记录人"), optional=False)
    # The submitting form's idempotency key: a retried POST finds its visit.
    client_key = models.UUIDField(_("提交编号"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("探访")
        verbose_name_plural = _("探访")
        ordering = ["case", "-done_at", "-planned_for", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_for__isnull=False) | Q(done_at__isnull=False),
                name="visit_planned_or_done",
            ),
            models.UniqueConstraint(fields=["case", "client_key"],
                                    condition=Q(client_key__isnull=False),
                                    name="visit_client_key_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:visit", args=[self.case_id, self.pk])


class AccessGrant(models.Model):
    """Time-limited access to one case or one household for someone without a
    role that gives it; valid once a station head (not the grantee) approved."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="case_grants",
                             verbose_name=_("申请人"))
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="grants")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="grants")
    # Encrypted like the narratives: a reason names what is going on in the file.
    reason = EncryptedTextField(_("申请理由"))
    requested_at = models.DateTimeField(_("申请时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("撤销人"))

    class Meta:
        verbose_name = _("个案访问授权")
        verbose_name_plural = _("个案访问授权")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False, household__isnull=True)
                           | Q(case__isnull=True, household__isnull=False)),
                name="accessgrant_case_or_household",
            ),
            models.CheckConstraint(condition=~Q(approved_by=F("user")),
                                   name="accessgrant_not_self_approved"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("requested_at")),
                                   name="accessgrant_expires_after_request"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"
