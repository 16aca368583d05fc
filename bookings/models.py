"""Counsellors, their availability, and bookings of sessions and workshops.

Weekday convention (named once, in `network.models.Weekday`, used everywhere):
Monday = 0 … Sunday = 6, exactly Python's `date.weekday()`. Never mix with ISO (Monday = 1).

The invariant "a counsellor is never booked twice at once" is held by the
database: on PostgreSQL an exclusion constraint over `[start, blocks_until)`
for active individual bookings (migration 0002, PostgreSQL only); on SQLite
writers are serialised by IMMEDIATE transactions and the service re-checks.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from bookings.permissions import BookingQuerySet, GroupSessionQuerySet
from network.models import ServicePoint, Weekday
from portal import languages

POINT_HELP = _("在哪个服务点；线上或电话可留空。")
LEGACY_LOCATION_HELP = _("旧的地点文字，已由“服务点”取代，只在没有选服务点时显示。")


def place_text(obj, language: str | None = None) -> str:
    """Where a session type or workshop takes place, as plain text in the
    language: its service point's name, else the legacy place text."""
    if obj is None:
        return ""
    if obj.point_id is not None:
        return languages.text(obj.point, "name", language)
    return languages.text(obj, "location", language)


def _point_field(help_text=POINT_HELP):
    return models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("服务点"), help_text=help_text,
    )


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("面谈")
    ONLINE = "online", _("线上视频")
    PHONE = "phone", _("电话")


def new_calendar_uid() -> str:
    """An opaque, stable iCalendar UID: random, never derived from personal data."""
    return f"{secrets.token_hex(16)}@{settings.CALENDAR_UID_DOMAIN}"


class Counsellor(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="counsellor",
    )
    display_name = models.CharField(_("显示名称"), max_length=60)
    display_name_en = models.CharField(_("英文显示名称"), max_length=80, blank=True)
    slug = models.SlugField(_("英文标识"), max_length=60, unique=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("照片"),
    )
    title = models.CharField(_("职业身份"), max_length=60, blank=True,
                             help_text=_("例如：社工师、家庭教育指导师、心理咨询师"))
    title_en = models.CharField(_("英文职业身份"), max_length=80, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    bio_en = models.TextField(_("英文简介"), blank=True)
    credentials = models.CharField(_("资质"), max_length=200, blank=True)
    credentials_en = models.CharField(_("英文资质"), max_length=240, blank=True)
    specialties = models.ManyToManyField(
        "courses.Topic", related_name="counsellors", blank=True,
        verbose_name=_("擅长主题"),
    )
    languages = models.JSONField(
        _("语言"), default=list, blank=True, help_text=_("语言代码列表，如 zh-hans、en。")
    )
    modes = models.JSONField(_("服务方式"), default=list, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("咨询师")
        verbose_name_plural = _("咨询师")
        ordering = ["display_name", "pk"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("bookings:counsellor", kwargs={"slug": self.slug})


class SessionType(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("个体")
        GROUP = "group", _("团体")

    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    slug = models.SlugField(_("英文标识"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices,
                            default=Kind.INDIVIDUAL)
    duration_minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=50)
    capacity = models.PositiveSmallIntegerField(_("名额"), default=1)
    buffer_after_minutes = models.PositiveSmallIntegerField(_("结束后缓冲（分钟）"),
                                                            default=10)
    modes = models.JSONField(_("服务方式"), default=list, blank=True)
    point = _point_field()
    location = models.CharField(_("地点"), max_length=200, blank=True,
                                help_text=LEGACY_LOCATION_HELP)
    location_en = models.CharField(_("英文地点"), max_length=240, blank=True,
                                   help_text=LEGACY_LOCATION_HELP)
    online_note = models.CharField(
        _("线上参加说明"), max_length=200, blank=True,
        help_text=_("不要在此填写会议密码；链接会在预约确认后发送。"),
    )
    description = models.TextField(_("说明"), blank=True)
    counsellors = models.ManyToManyField(
        Counsellor, related_name="session_types", blank=True,
        verbose_name=_("提供此服务的咨询师"),
    )
    # Per-type overrides of BookingPolicy; null means "use the site policy".
    min_notice_hours = models.PositiveSmallIntegerField(
        _("最少提前（小时）"), null=True, blank=True)
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("取消/改期截止（小时）"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务类型")
        verbose_name_plural = _("服务类型")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0),
                                   name="sessiontype_duration_positive"),
            models.CheckConstraint(condition=Q(capacity__gte=1),
                                   name="sessiontype_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP


class AvailabilityRule(models.Model):
    """Weekly working hours: several ranges a day are several rules."""

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE,
                                   related_name="rules")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    start_time = models.TimeField(_("开始"))
    end_time = models.TimeField(_("结束"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    point = _point_field(_("咨询师在哪个服务点接待；只做线上或电话时可留空。"))

    class Meta:
        verbose_name = _("每周时段")
        verbose_name_plural = _("每周时段")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")),
                                   name="rule_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="rule_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """Extra hours on one date, on top of the weekly rules."""

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE,
                                   related_name="extra_hours")
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始"))
    end_time = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("额外时段")
        verbose_name_plural = _("额外时段")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")),
                                   name="exception_end_after_start"),
        ]

    def __str__(self):
        return f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE,
                                   related_name="time_off")
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    reason = models.CharField(_("事由"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("休假")
        verbose_name_plural = _("休假")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")),
                                   name="timeoff_end_after_start"),
        ]

    def __str__(self):
        return f"{self.counsellor} {self.start:%Y-%m-%d}"


class StationClosure(models.Model):
    """Days (inclusive) the station is closed: at one service point, or at all
    of them (public holidays) when ``point`` is empty."""

    name = models.CharField(_("名称"), max_length=60)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    point = _point_field(_("只在这个服务点闭馆；留空表示全站闭馆。"))

    class Meta:
        verbose_name = _("站点闭馆")
        verbose_name_plural = _("站点闭馆")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")),
                                   name="closure_end_not_before_start"),
        ]

    def __str__(self):
        return self.name


@register_setting(icon="date")
class BookingPolicy(BaseSiteSetting):
    slot_granularity_minutes = models.PositiveSmallIntegerField(
        _("时段间隔（分钟）"), default=30)
    min_notice_hours = models.PositiveSmallIntegerField(_("最少提前（小时）"), default=12)
    horizon_days = models.PositiveSmallIntegerField(_("可预约天数"), default=42)
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("取消/改期截止（小时）"), default=24,
        help_text=_("在此之内取消或改期记为“迟取消”。"))
    max_active_bookings = models.PositiveSmallIntegerField(
        _("每个家庭同时有效的预约上限"), default=3)
    reminder_hours = models.PositiveSmallIntegerField(_("提前提醒（小时）"), default=24)
    # Urgent intakes: unclaimed this many minutes of opening hours after they
    # came in, every coordinator is emailed again (`services.urgent_escalate`).
    urgent_escalation_minutes = models.PositiveSmallIntegerField(
        _("紧急登记无人认领多久后再次通知（开放时间内的分钟数）"), default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)])
    # The station's opening hours for that count (the same every open day;
    # a closure day still counts, so an escalation comes early, never late). Weekdays as digits, this module's convention
    # (Monday = 0 … Sunday = 6).
    open_weekdays = models.CharField(
        _("开放日"), max_length=7, default="012345",
        help_text=_("用数字写开放的日子：0=周一，1=周二 … 6=周日。例如周一到周六写 012345。"),
        validators=[RegexValidator(r"^[0-6]{1,7}$",
                                   _("请只用 0–6 的数字表示开放日，例如 012345。"))])
    opens_at = models.TimeField(_("每天开门时间"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("每天关门时间"), default=dt.time(17, 0))

    panels = [
        FieldPanel("slot_granularity_minutes"),
        FieldPanel("min_notice_hours"),
        FieldPanel("horizon_days"),
        FieldPanel("cancel_cutoff_hours"),
        FieldPanel("max_active_bookings"),
        FieldPanel("reminder_hours"),
        MultiFieldPanel([
            FieldPanel("urgent_escalation_minutes"),
            FieldPanel("open_weekdays"),
            FieldPanel("opens_at"),
            FieldPanel("closes_at"),
        ], heading=_("紧急登记")),
    ]

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("关门时间要晚于开门时间。")})

    class Meta:
        verbose_name = _("预约规则")

    def __str__(self):
        return str(_("预约规则"))


class GroupSession(models.Model):
    """A scheduled workshop; its seats are bookings with `group_session` set."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已排期")
        CANCELLED = "cancelled", _("已取消")

    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT,
                                     related_name="group_sessions")
    counsellors = models.ManyToManyField(Counsellor, related_name="group_sessions",
                                         verbose_name=_("带领者"))
    topic = models.ForeignKey("courses.Topic", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="workshops",
                              verbose_name=_("主题"))
    title = models.CharField(_("标题"), max_length=100)
    title_en = models.CharField(_("英文标题"), max_length=120, blank=True)
    description = models.TextField(_("介绍"), blank=True)
    description_en = models.TextField(_("英文介绍"), blank=True)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("名额"))
    mode = models.CharField(_("方式"), max_length=20, choices=Mode.choices,
                            default=Mode.IN_PERSON)
    point = _point_field()
    location = models.CharField(_("地点"), max_length=200, blank=True,
                                help_text=LEGACY_LOCATION_HELP)
    location_en = models.CharField(_("英文地点"), max_length=240, blank=True,
                                   help_text=LEGACY_LOCATION_HELP)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.SCHEDULED)
    calendar_uid = models.CharField(max_length=120, unique=True, default=new_calendar_uid,
                                    editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("团体工作坊")
        verbose_name_plural = _("团体工作坊")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")),
                                   name="groupsession_end_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1),
                                   name="groupsession_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("bookings:workshop", kwargs={"pk": self.pk})


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认")
        CANCELLED = "cancelled", _("已取消")
        LATE_CANCELLED = "late_cancelled", _("迟取消")
        ATTENDED = "attended", _("已到场")
        NO_SHOW = "no_show", _("未到场")

    class UrgentState(models.TextChoices):
        NEW = "new", _("待联系")
        CONTACTED = "contacted", _("已联系，跟进中")
        RESOLVED = "resolved", _("已处理")

    # Statuses that hold the counsellor's time (and a workshop seat).
    ACTIVE_STATUSES = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)

    family = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
        related_name="bookings", verbose_name=_("家庭账户"),
    )
    child = models.ForeignKey("portal.Child", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="bookings",
                              verbose_name=_("孩子"))
    counsellor = models.ForeignKey(Counsellor, on_delete=models.PROTECT,
                                   related_name="bookings", verbose_name=_("咨询师"))
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT,
                                     related_name="bookings", verbose_name=_("服务类型"))
    group_session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, null=True,
                                      blank=True, related_name="seats",
                                      verbose_name=_("工作坊"))
    topic = models.ForeignKey("courses.Topic", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="bookings",
                              verbose_name=_("主题"))
    start = models.DateTimeField(_("开始时间"), db_index=True)
    end = models.DateTimeField(_("结束时间"))
    # end + the session type's buffer: the counsellor is busy until then.
    blocks_until = models.DateTimeField(editable=False)
    mode = models.CharField(_("方式"), max_length=20, choices=Mode.choices,
                            default=Mode.IN_PERSON)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.CONFIRMED, db_index=True)
    concern = models.TextField(_("希望得到帮助的事情"), blank=True, max_length=2000)
    intake_answers = models.JSONField(_("登记问答"), default=dict, blank=True)
    is_urgent = models.BooleanField(_("紧急"), default=False, db_index=True)
    # The risk screen said the child may be hurt, threatened or without care
    # now: the safeguarding lead is told, staff do not contact the guardian first.
    is_safeguarding = models.BooleanField(_("涉及儿童安全保护"), default=False)
    # Set by `services.urgent_follow_up_record` with a closing outcome; until
    # then an urgent booking stays in the staff queue.
    followed_up_at = models.DateTimeField(_("已跟进"), null=True, blank=True,
                                          editable=False)
    unfollowed_alert_sent_at = models.DateTimeField(null=True, blank=True,
                                                    editable=False)
    # The guardian's number for an urgent call-back, asked when the risk
    # screen is positive (E.164).
    contact_phone = PhoneNumberField(_("紧急联系电话"), blank=True)
    # The urgent workflow (services.urgent_*): who owns it, when it was
    # claimed, first reached, escalated; `followed_up_at` is its resolution.
    urgent_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("负责人"))
    urgent_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    urgent_contacted_at = models.DateTimeField(null=True, blank=True, editable=False)
    urgent_contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False)
    urgent_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False)
    urgent_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    calendar_uid = models.CharField(max_length=120, unique=True, default=new_calendar_uid,
                                    editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    is_late_change = models.BooleanField(_("截止时间内变更"), default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["start"]
        indexes = [models.Index(fields=["counsellor", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")),
                                   name="booking_end_after_start"),
            models.CheckConstraint(condition=Q(blocks_until__gte=F("end")),
                                   name="booking_blocks_until_after_end"),
            models.UniqueConstraint(
                fields=["family", "group_session"],
                condition=Q(status__in=["confirmed", "attended", "no_show"],
                            group_session__isnull=False),
                name="one_active_seat_per_family",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.counsellor} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("bookings:detail", kwargs={"pk": self.pk})

    @property
    def urgent_state(self) -> str:
        """new → contacted → resolved (`services.urgent_follow_up_record`)."""
        if self.followed_up_at is not None:
            return self.UrgentState.RESOLVED
        if self.urgent_contacted_at is not None:
            return self.UrgentState.CONTACTED
        return self.UrgentState.NEW

    def get_urgent_state_display(self) -> str:
        return self.UrgentState(self.urgent_state).label

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def reference(self) -> str:
        """The neutral reference shown in feeds and emails: no names."""
        return f"#{self.pk}"


class WaitlistEntry(models.Model):
    group_session = models.ForeignKey(GroupSession, on_delete=models.CASCADE,
                                      related_name="waitlist")
    family = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="waitlist_entries")
    child = models.ForeignKey("portal.Child", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("候补")
        verbose_name_plural = _("候补")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group_session", "family"],
                condition=Q(promoted_at__isnull=True, left_at__isnull=True),
                name="one_waiting_entry_per_family",
            ),
        ]

    def __str__(self):
        return f"{self.group_session} · {self.family}"


class SessionNote(models.Model):
    """A counsellor's private note; visible to the counsellor and coordinators."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, related_name="+")
    body = models.TextField(_("记录"), max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When its author last changed the text (`services.note_edit`); None if never.
    edited_at = models.DateTimeField(_("编辑时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("咨询记录")
        verbose_name_plural = _("咨询记录")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.booking} note"


class SessionNoteRevision(models.Model):
    """An earlier text of a session note: the body an edit replaced, when, by whom.

    Deleted with its note (erasure and retention delete notes).
    """

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE,
                             related_name="revisions")
    body = models.TextField(_("记录"), max_length=10_000)
    edited_at = models.DateTimeField(_("编辑时间"))
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, related_name="+")

    class Meta:
        verbose_name = _("咨询记录的早期版本")
        verbose_name_plural = _("咨询记录的早期版本")
        ordering = ["edited_at", "pk"]

    def __str__(self):
        return f"{self.note} revision"


class UrgentFollowUp(models.Model):
    """Who followed up an urgent booking, when, and with what outcome."""

    class Outcome(models.TextChoices):
        SPOKE = "spoke", _("已联系上，仍在跟进")
        REACHED = "reached", _("已联系上，已评估并约定后续")
        EMERGENCY = "emergency", _("已协助就医或报警")
        SAFEGUARDING = "safeguarding", _("已交安全保护负责人 / 已报告公安")
        NO_ANSWER = "no_answer", _("未联系上（继续跟进）")

    class Asq(models.TextChoices):
        POSITIVE = "positive", _("孩子本人：ASQ 阳性")
        NEGATIVE = "negative", _("孩子本人：ASQ 阴性")
        NOT_ASKED = "not_asked", _("尚未直接询问孩子")

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("微信")
        IN_PERSON = "in_person", _("当面")
        OTHER = "other", _("其他")

    # Outcomes that resolve the intake (out of the queue); "spoke" marks it
    # contacted, "no answer" is logged and changes nothing.
    CLOSING = (Outcome.REACHED, Outcome.EMERGENCY, Outcome.SAFEGUARDING)

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE,
                                related_name="follow_ups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, related_name="+")
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices)
    asq = models.CharField(_("直接询问孩子（ASQ）"), max_length=20, choices=Asq.choices,
                           default=Asq.NOT_ASKED)
    channel = models.CharField(_("联系方式"), max_length=20, choices=Channel.choices,
                               default=Channel.PHONE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("紧急跟进")
        verbose_name_plural = _("紧急跟进")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.booking} {self.outcome}"


class CalendarFeed(models.Model):
    """A personal subscription feed. Only a SHA-256 of the URL secret is kept."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("家庭日程")
        COUNSELLOR = "counsellor", _("咨询师日程")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="calendar_feeds")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_accessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"],
                                    condition=Q(revoked_at__isnull=True),
                                    name="one_live_feed_per_user_kind"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind}"
