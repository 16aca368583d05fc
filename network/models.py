"""The station's service points ("one station, many points", 一站多点).

The station hub in the community service centre, a children's home
(儿童之家) in each residential neighbourhood, and special sites. Texts keep
their Chinese in ``field`` and their English in ``field_en``
(`portal.languages`).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from phonenumber_field.modelfields import PhoneNumberField

from network.permissions import ServicePointQuerySet

# Mainland map services a point's map link may open (a plain link: nothing is
# loaded from them by the site).
MAP_HOSTS = frozenset(
    {
        "map.baidu.com",
        "uri.amap.com",
        "www.amap.com",
        "apis.map.qq.com",
        "map.qq.com",
    }
)

MAP_LINK_MESSAGE = _("地图链接须是百度地图、高德地图或腾讯地图的 http(s) 网址。")
HOURS_ORDER_MESSAGE = _("关门时间必须晚于开门时间。")
EXCEPTION_HOURS_MESSAGE = _("请填写特别开放时间，或勾选“当天不开放”。")
EXCEPTION_CLOSED_MESSAGE = _("当天不开放时不填写开放时间。")
HOME_NEEDS_NEIGHBOURHOOD_MESSAGE = _("儿童之家须注明所服务的社区。")


def validate_map_link(value: str) -> None:
    """An http(s) address on one of `MAP_HOSTS`, nothing else."""
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValidationError(MAP_LINK_MESSAGE, code="map_link") from None
    if (
        parts.scheme not in {"http", "https"}
        or (parts.hostname or "") not in MAP_HOSTS
        or parts.username
        or parts.password
    ):
        raise ValidationError(MAP_LINK_MESSAGE, code="map_link")


class Weekday(models.IntegerChoices):
    """Monday = 0, as `date.weekday()`: the one weekday numbering of every app."""

    MONDAY = 0, _("周一")
    TUESDAY = 1, _("周二")
    WEDNESDAY = 2, _("周三")
    THURSDAY = 3, _("周四")
    FRIDAY = 4, _("周五")
    SATURDAY = 5, _("周六")
    SUNDAY = 6, _("周日")


class Neighbourhood(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    slug = models.SlugField(_("英文标识"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class ServicePoint(ClusterableModel):
    class Kind(models.TextChoices):
        HUB = "hub", _("站点总部")
        HOME = "home", _("儿童之家")
        SPECIAL = "special", _("特色服务点")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    slug = models.SlugField(_("英文标识"), max_length=60, unique=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points",
        verbose_name=_("服务社区"),
        help_text=_("儿童之家必填；站点总部和特色服务点面向全街道时可留空。"),
    )
    address = models.CharField(_("地址"), max_length=200)
    address_en = models.CharField(_("英文地址"), max_length=240, blank=True)
    directions = models.TextField(_("怎么走"), blank=True)
    directions_en = models.TextField(_("英文怎么走"), blank=True)
    accessibility = models.TextField(_("无障碍信息"), blank=True)
    accessibility_en = models.TextField(_("英文无障碍信息"), blank=True)
    phone = PhoneNumberField(_("电话"), blank=True)
    map_url = models.URLField(
        _("地图链接"),
        max_length=500,
        blank=True,
        validators=[validate_map_link],
        help_text=_("百度地图、高德地图或腾讯地图的网址；页面只显示链接，不加载地图。"),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("照片"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务点")
        verbose_name_plural = _("服务点")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="home") | Q(neighbourhood__isnull=False),
                name="point_home_has_neighbourhood",
                violation_error_message=HOME_NEEDS_NEIGHBOURHOOD_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:point", kwargs={"slug": self.slug})

    def family_visibility(self) -> str:
        """What families see of this point, as the admin list says it."""
        count = getattr(self, "hours_count", None)
        has_hours = self.hours.exists() if count is None else count > 0
        if not self.is_active:
            return str(_("未启用，家庭看不到"))
        if not has_hours:
            return str(_("没有开放时间，家庭看不到"))
        return str(_("家庭可见"))

    family_visibility.short_description = _("家庭是否可见")

    def clean(self):
        super().clean()
        if self.kind == self.Kind.HOME and self.neighbourhood_id is None:
            raise ValidationError({"neighbourhood": HOME_NEEDS_NEIGHBOURHOOD_MESSAGE})


def _hours_error(opens, closes) -> None:
    if opens is not None and closes is not None and closes <= opens:
        raise ValidationError({"closes": HOURS_ORDER_MESSAGE})


class OpeningHours(models.Model):
    """Weekly opening hours: two ranges a day are two rows."""

    point = ParentalKey(ServicePoint, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    opens = models.TimeField(_("开门时间"))
    closes = models.TimeField(_("关门时间"))

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="hours_close_after_open",
                violation_error_message=HOURS_ORDER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="hours_weekday_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        _hours_error(self.opens, self.closes)


class OpeningException(models.Model):
    """One date that differs from the week: closed, or open at other hours."""

    point = ParentalKey(
        ServicePoint, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("日期"))
    closed = models.BooleanField(_("当天不开放"), default=False)
    opens = models.TimeField(_("开门时间"), null=True, blank=True)
    closes = models.TimeField(_("关门时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=120, blank=True)
    note_en = models.CharField(_("英文说明"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("特别安排")
        verbose_name_plural = _("特别安排")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "date"], name="exception_one_per_point_day"
            ),
            models.CheckConstraint(
                condition=(
                    Q(closed=True, opens__isnull=True, closes__isnull=True)
                    | Q(
                        closed=False,
                        opens__isnull=False,
                        closes__isnull=False,
                        closes__gt=F("opens"),
                    )
                ),
                name="exception_closed_or_hours",
                violation_error_message=EXCEPTION_HOURS_MESSAGE,
            ),
        ]

    def __str__(self):
        if self.closed:
            return f"{self.date} ×"
        return f"{self.date} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        if self.closed:
            if self.opens is not None or self.closes is not None:
                raise ValidationError({"opens": EXCEPTION_CLOSED_MESSAGE})
            return
        if self.opens is None or self.closes is None:
            raise ValidationError({"opens": EXCEPTION_HOURS_MESSAGE})
        _hours_error(self.opens, self.closes)


# --- the expert pool ----------------------------------------------------------------

# Languages an expert works in, as codes like `bookings.Counsellor.languages`
# (a JSON list): the site's two, and those families of the subdistrict ask for.
EXPERT_LANGUAGES = [
    ("zh-hans", _("中文")),
    ("en", "English"),
    ("wuu", _("上海话")),
    ("yue", _("粤语")),
    ("csl", _("中国手语")),
]


class Partner(models.Model):
    """A partner organisation of the station (issue 15 adds its service types
    and the referral rules)."""

    class Kind(models.TextChoices):
        PROCURATORATE = "procuratorate", _("检察院")
        SCHOOL = "school", _("学校")
        CLINIC = "clinic", _("医院或诊所")
        SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
        LAW_FIRM = "law_firm", _("律师事务所")
        COMMUNITY_COMMITTEE = "community_committee", _("居委会")
        OTHER = "other", _("其他")

    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    contact = models.TextField(
        _("联系方式"), blank=True, help_text=_("联系人、电话、邮箱；只有工作人员可见。")
    )
    agreement_ends = models.DateField(_("数据共享协议到期日"), null=True, blank=True)

    class Meta:
        verbose_name = _("合作单位")
        verbose_name_plural = _("合作单位")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Expert(models.Model):
    """One person (or partner organisation) of the station's pool.

    The link to a bookable counsellor names `bookings.Counsellor` by string:
    the reference resolves in the app registry, so this app's code imports
    nothing of bookings (which sits above it).
    """

    class Role(models.TextChoices):
        GROWTH_EXPERT = "growth_expert", _("成长专家")
        GROWTH_SPECIALIST = "growth_specialist", _("成长专员")
        GROWTH_ADVISER = "growth_adviser", _("成长顾问")
        SOCIAL_ORGANISATION = "social_organisation", _("合作社会组织")
        LAWYER = "lawyer", _("公益律师")
        SOCIAL_WORKER = "social_worker", _("专业社工")
        COUNSELLOR = "counsellor", _("咨询师")

    name = models.CharField(_("姓名或名称"), max_length=80)
    name_en = models.CharField(_("英文姓名或名称"), max_length=120, blank=True)
    slug = models.SlugField(_("英文标识"), max_length=60, unique=True)
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("所属机构"),
    )
    topics = models.ManyToManyField(
        "courses.Topic", related_name="experts", blank=True, verbose_name=_("擅长主题")
    )
    points = models.ManyToManyField(
        ServicePoint, related_name="experts", blank=True, verbose_name=_("服务点")
    )
    languages = models.JSONField(
        _("语言"),
        default=list,
        blank=True,
        help_text=_("语言代码列表，如 zh-hans、en。"),
    )
    credential = models.CharField(_("资质"), max_length=200, blank=True)
    credential_en = models.CharField(_("英文资质"), max_length=240, blank=True)
    credential_expires = models.DateField(
        _("资质有效期至"),
        null=True,
        blank=True,
        help_text=_("过期后不能再安排服务或接受预约。长期有效可留空。"),
    )
    phone = PhoneNumberField(_("电话"), blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    counsellor = models.OneToOneField(
        "bookings.Counsellor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
        verbose_name=_("可预约的咨询师资料"),
    )
    is_active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["role", "name"], name="expert_role_name")]

    def __str__(self):
        return self.name

    def credential_valid_on(self, day) -> bool:
        """Valid through `credential_expires` itself; no date: no expiry."""
        return self.credential_expires is None or self.credential_expires >= day
