"""Accounts, consent, access logging and the site shell.

`portal` is the lowest app: its models import neither `courses` nor `bookings`.
"""

import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal import cache as page_cache
from portal.timezones import STATION_TZ_NAME


class Role(models.TextChoices):
    """Roles are Django groups of these names; see `portal.roles`."""

    FAMILY = "family", _("家庭")
    COUNSELLOR = "counsellor", _("咨询师")
    COORDINATOR = "coordinator", _("协调员")
    EDITOR = "editor", _("编辑")
    # Casework (the cases app): who may open which case is `cases.permissions`.
    SOCIAL_WORKER = "social_worker", _("社工")
    CHILD_DIRECTOR = "child_director", _("儿童主任")
    CHILD_SUPERVISOR = "child_supervisor", _("儿童督导员")
    STATION_HEAD = "station_head", _("站长")
    # Partner organisations' people: only what a referral shares (later).
    PARTNER = "partner", _("合作单位")


STAFF_ROLES = (
    Role.COUNSELLOR, Role.COORDINATOR, Role.EDITOR, Role.SOCIAL_WORKER,
    Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR, Role.STATION_HEAD,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        # A family may sign up with a mobile number (or WeChat) and no email.
        if not email and not extra_fields.get("phone"):
            raise ValueError("An email address or a mobile number is required.")
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an email address, a mobile number, or both.

    Both are unique when present and NULL when absent (so many accounts may
    have neither one of them), stored lower-cased / in E.164.
    """

    username = None
    email = models.EmailField(_("电子邮箱"), unique=True, null=True, blank=True)
    phone = PhoneNumberField(_("手机号码"), unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(_("手机号码已验证"), default=False)
    display_name = models.CharField(_("称呼"), max_length=60, blank=True)
    preferred_language = models.CharField(
        _("语言"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    display_timezone = models.CharField(
        _("显示时区"), max_length=64, default=STATION_TZ_NAME,
        help_text=_("预约时间按此时区显示；在海外的家庭可以改为所在地时区。"),
    )
    erased_at = models.DateTimeField(_("注销时间"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.email or self.masked_phone or f"#{self.pk}"

    def get_short_name(self):
        if self.display_name:
            return self.display_name
        if self.email:
            return self.email.split("@")[0]
        return self.masked_phone or f"#{self.pk}"

    @property
    def masked_phone(self) -> str:
        """The mobile number with its middle hidden (138****5678), for screens."""
        if not self.phone:
            return ""
        national = str(self.phone.national_number)
        return f"{national[:3]}****{national[-4:]}" if len(national) >= 7 else "****"

    def has_role(self, role: str) -> bool:
        # Group names are cached per instance: templates ask several times.
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names

    @property
    def is_family(self) -> bool:
        return self.has_role(Role.FAMILY)

    @property
    def is_counsellor(self) -> bool:
        return self.has_role(Role.COUNSELLOR)

    @property
    def is_caseworker(self) -> bool:
        """Has a casework work list (/cases/): the navigation shows it."""
        return any(self.has_role(r) for r in (
            Role.SOCIAL_WORKER, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR,
            Role.STATION_HEAD))

    @property
    def is_coordinator(self) -> bool:
        return self.is_superuser or self.has_role(Role.COORDINATOR)

    @property
    def is_editor(self) -> bool:
        return self.is_superuser or self.has_role(Role.EDITOR)

    @property
    def is_station_staff(self) -> bool:
        """Counsellors, coordinators and editors: MFA and idle timeout apply."""
        return (
            self.is_superuser
            or self.is_staff
            or any(self.has_role(r) for r in STAFF_ROLES)
        )


class FamilyProfile(models.Model):
    """The guardian's side of a family account."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("母亲")
        FATHER = "father", _("父亲")
        GRANDPARENT = "grandparent", _("祖辈")
        GUARDIAN = "guardian", _("其他监护人")
        SELF = "self", _("本人（年满14岁）")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_profile"
    )
    guardian_name = models.CharField(_("监护人称呼"), max_length=60, blank=True)
    relationship = models.CharField(
        _("与孩子的关系"), max_length=20, choices=Relationship.choices, blank=True
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    sms_notices = models.BooleanField(
        _("预约提醒和回电通知也发短信"), default=False,
        help_text=_("发到您登录用的已验证手机号码；短信只写时间和地点。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("家庭资料")
        verbose_name_plural = _("家庭资料")

    def __str__(self):
        return self.guardian_name or str(self.user)


class Child(models.Model):
    """A child in a family account: nickname, birth year, stage, needs — nothing more."""

    class SchoolStage(models.TextChoices):
        PRESCHOOL = "preschool", _("学龄前")
        PRIMARY = "primary", _("小学")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中/职校")
        OTHER = "other", _("其他")

    family = models.ForeignKey(
        FamilyProfile, on_delete=models.CASCADE, related_name="children"
    )
    nickname = models.CharField(_("昵称"), max_length=30)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"))
    school_stage = models.CharField(
        _("学段"), max_length=20, choices=SchoolStage.choices
    )
    needs = models.CharField(_("需要我们了解的情况"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("孩子")
        verbose_name_plural = _("孩子")
        ordering = ["birth_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__gte=1990) & models.Q(birth_year__lte=2100),
                name="child_birth_year_plausible",
            )
        ]

    def __str__(self):
        return self.nickname

    @property
    def age(self) -> int:
        return timezone.localdate().year - self.birth_year

    @property
    def needs_guardian_consent(self) -> bool:
        """PIPL Art. 31: under-14s' data needs the guardian's consent."""
        return self.age < 14


class Consent(models.Model):
    """A consent given (or withdrawn), with the notice version and time."""

    class Kind(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("隐私政策")
        SENSITIVE_DATA = "sensitive_data", _("敏感个人信息单独同意")
        GUARDIAN_UNDER_14 = "guardian_under_14", _("不满十四周岁儿童监护人同意")
        # The guardian agrees that the station's case file (一户一档) is linked
        # to this account.
        HOUSEHOLD_LINK = "household_link", _("同意关联一户一档")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    notice_version = models.CharField(_("文本版本"), max_length=20)
    given_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        ordering = ["-given_at"]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.notice_version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AccessLog(models.Model):
    """Append-only record of reads of sensitive data (intake, notes, exports).

    Rows are never updated or deleted by the application; `save()` refuses
    updates and the admin offers no change or delete.
    """

    class Action(models.TextChoices):
        VIEW_INTAKE = "view_intake", _("查看预约登记信息")
        VIEW_NOTES = "view_notes", _("查看咨询记录")
        EXPORT = "export", _("导出个人数据")
        ERASE = "erase", _("注销并删除个人数据")
        VIEW_CHILD = "view_child", _("查看孩子资料")
        VIEW_CASE = "view_case", _("查看个案")
        VIEW_PLAN = "view_plan", _("查看个案计划")
        VIEW_ASSESSMENT = "view_assessment", _("查看个案评估")
        VIEW_VISIT = "view_visit", _("查看探访记录")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    subject_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # What allowed the read, e.g. "assignment" or "grant:12" (case records).
    basis = models.CharField(_("访问依据"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Access log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access log entries cannot be deleted.")


class ApiToken(models.Model):
    """A personal bearer token for the API. Only a SHA-256 of the secret is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_api_tokens"
    )
    name = models.CharField(_("名称"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; the plain secret is returned once and never stored."""
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, token_hash=cls.hash_secret(secret), prefix=secret[:8]
        )
        return token, secret


# --- Site settings ------------------------------------------------------------


@register_setting(icon="warning")
class SiteSettings(BaseSiteSetting, ClusterableModel):
    """Crisis resources and the station's contacts, shown on every page and email."""

    station_name = models.CharField(
        _("站点名称"), max_length=100, default="街道未成年人保护工作站 · 未愛小屋"
    )
    station_name_en = models.CharField(_("英文站点名称"), max_length=120, blank=True)
    station_address = models.CharField(_("地址"), max_length=200, blank=True)
    station_address_en = models.CharField(_("英文地址"), max_length=240, blank=True)
    station_phone = models.CharField(_("站点电话"), max_length=30, blank=True)
    station_email = models.EmailField(_("站点邮箱"), blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    opening_hours_en = models.CharField(_("英文开放时间"), max_length=200, blank=True)
    # What a family is told after a positive risk screen, and when staff are
    # chased (`manage.py alert_unfollowed_urgent`).
    urgent_response_hours = models.PositiveSmallIntegerField(
        _("紧急登记回电时限（小时，开放时间内）"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("开放时间内提交的紧急登记，协调员在多少小时内给家庭打电话。"
                    "超过这个时间仍没有跟进记录，会再次提醒协调员。"),
    )
    urgent_response_out_of_hours = models.CharField(
        _("非开放时间的回电承诺"), max_length=120, default="下一个开放日上午 11:00 前",
        help_text=_("例如：下一个开放日上午 11:00 前。"),
    )
    urgent_response_out_of_hours_en = models.CharField(
        _("非开放时间的回电承诺（英文）"), max_length=120,
        default="by 11:00 on the next opening day",
    )
    nearest_emergency = models.CharField(
        _("最近的急诊"), max_length=200, blank=True,
        help_text=_("最近医院急诊的名称和地址（24 小时），危险时与 120/110 一起显示。"),
    )
    nearest_emergency_en = models.CharField(_("最近的急诊（英文）"), max_length=200,
                                            blank=True)
    safeguarding_lead_name = models.CharField(
        _("安全保护负责人"), max_length=60, blank=True,
        help_text=_("负责强制报告的人（姓名或岗位）。孩子可能正在受到伤害或无人照看时，"
                    "由这个人决定并向公安机关报告。"),
    )
    safeguarding_lead_email = models.EmailField(
        _("安全保护负责人邮箱"), blank=True,
        help_text=_("未填写时，这类提醒发给所有协调员。"),
    )
    safeguarding_lead_phone = models.CharField(_("安全保护负责人电话"), max_length=30,
                                               blank=True)
    crisis_intro = models.CharField(
        _("危机提示语"), max_length=200,
        default="如果你或孩子此刻有危险或想伤害自己，请立即拨打：",
    )
    retention_days = models.PositiveIntegerField(
        _("预约资料保存天数"), default=730,
        help_text=_("超过此天数的预约登记信息将被匿名化。"),
    )
    review_months = models.PositiveSmallIntegerField(
        _("课程复核周期（月）"), default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("临床审核通过后，多少个月后需要再次复核。"),
    )
    crisis_review_months = models.PositiveSmallIntegerField(
        _("危机内容复核周期（月）"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("涉及自杀、自伤或危机应对的模块（包括其中的热线号码和服务时间）"
                    "的复核周期；到期未复核的模块暂停向家庭展示。"),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("station_name"),
                FieldPanel("station_name_en"),
                FieldPanel("station_address"),
                FieldPanel("station_address_en"),
                FieldPanel("station_phone"),
                FieldPanel("station_email"),
                FieldPanel("opening_hours"),
                FieldPanel("opening_hours_en"),
            ],
            heading=_("站点信息"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("urgent_response_hours"),
                FieldPanel("urgent_response_out_of_hours"),
                FieldPanel("urgent_response_out_of_hours_en"),
                FieldPanel("nearest_emergency"),
                FieldPanel("nearest_emergency_en"),
                FieldPanel("safeguarding_lead_name"),
                FieldPanel("safeguarding_lead_email"),
                FieldPanel("safeguarding_lead_phone"),
            ],
            heading=_("紧急登记与安全保护"),
        ),
        FieldPanel("crisis_intro"),
        InlinePanel("crisis_lines", heading=_("危机求助热线"), min_num=1),
        FieldPanel("retention_days"),
        MultiFieldPanel(
            [FieldPanel("review_months"), FieldPanel("crisis_review_months")],
            heading=_("课程临床复核"),
        ),
    ]

    class Meta:
        verbose_name = _("站点设置")

    def __str__(self):
        return self.station_name


class CrisisLine(Orderable):
    setting = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="crisis_lines")
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    number = models.CharField(_("号码"), max_length=20)
    hours = models.CharField(_("服务时间"), max_length=60, blank=True)
    hours_en = models.CharField(_("英文服务时间"), max_length=60, blank=True)
    is_24h = models.BooleanField(
        _("24 小时服务"), default=False,
        help_text=_("只有 24 小时接听的号码会出现在“请立即拨打”的地方。"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("number"),
        FieldPanel("hours"),
        FieldPanel("hours_en"),
        FieldPanel("is_24h"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("热线")

    def __str__(self):
        return f"{self.name} {self.number}"

    @property
    def tel(self) -> str:
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


# --- Pages ------------------------------------------------------------------


class HomePage(Page):
    intro = models.CharField(_("导语"), max_length=250, blank=True)
    purpose = RichTextField(
        _("项目介绍"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("purpose")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("首页")

    def route(self, request, path_components):
        """Wagtail's route, without walking the tree level by level when it can.

        Wagtail loads each ancestor of the page asked for (two queries a
        level: a module's lesson costs six). Where no page type below the
        home page routes on its own (none overrides `route`), the page with
        this URL path is the answer: its id comes from the per-process store
        (`portal.cache`), filled on the first walk, and its row is read fresh
        and checked (same URL path, under this home page), so a moved,
        renamed or deleted page takes the full walk; `route([])` on it keeps
        Wagtail's own "live" check.
        """
        if not path_components or not _pages_route_by_default():
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        hint = page_cache.local_get(("route", url_path))
        if hint is not None:
            model, pk = hint
            # A page type may name the relations its page shows at once.
            related = getattr(model, "route_select_related", ())
            page = model.objects.select_related(*related).filter(pk=pk).first()
            if (page is not None and page.url_path == url_path
                    and page.path.startswith(self.path)):
                return page.route(request, [])
        result = super().route(request, path_components)
        page = result[0]
        page_cache.local_set(("route", url_path), (type(page), page.pk),
                             seconds=ROUTE_HINT_SECONDS, size=len(url_path) + 64)
        return result


ROUTE_HINT_SECONDS = 3600


@functools.cache
def _pages_route_by_default() -> bool:
    from wagtail.models import get_page_models

    return all(model.route is Page.route for model in get_page_models()
               if not issubclass(model, HomePage))


class StandardPage(Page):
    intro = models.CharField(_("导语"), max_length=250, blank=True)
    body = RichTextField(
        _("正文"), blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"],
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("普通页面")


# --- Privacy rights -------------------------------------------------------------


def export_upload_to(instance, filename):
    return f"private/exports/{instance.token}.zip"


class DataExport(models.Model):
    """A family's download of all their data, built by a background task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("生成中")
        READY = "ready", _("可下载")
        EXPIRED = "expired", _("已过期")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="data_exports")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe,
                             editable=False)
    status = models.CharField(max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    archive = models.FileField(upload_to=export_upload_to, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("数据导出")
        verbose_name_plural = _("数据导出")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class ErasureRecord(models.Model):
    """That an account was erased, and when — with no personal data in it."""

    erased_user_id = models.BigIntegerField(db_index=True)
    requested_by_self = models.BooleanField(default=True)
    at = models.DateTimeField(default=timezone.now)
    summary = models.JSONField(default=dict, blank=True,
                               help_text="Counts of rows erased or anonymised, per table.")

    class Meta:
        verbose_name = _("注销记录")
        verbose_name_plural = _("注销记录")
        ordering = ["-at"]

    def __str__(self):
        return f"user {self.erased_user_id} erased {self.at:%Y-%m-%d}"


class Heartbeat(models.Model):
    """The last time a piece of background work said it ran (portal.ops.heartbeats).

    One row per `name` (the task worker, the reminder sweep, a backup run),
    overwritten at each beat: the status page reads "when last", not a
    history. `detail` is a short operator-facing note, never personal data.
    """

    class Name(models.TextChoices):
        WORKER = "worker", _("任务进程")
        REMINDER_SWEEP = "reminder_sweep", _("提醒扫描")
        BACKUP = "backup", _("备份")

    name = models.CharField(_("名称"), max_length=40, unique=True)
    at = models.DateTimeField(_("时间"))
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("运行记录")
        verbose_name_plural = _("运行记录")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M}"
