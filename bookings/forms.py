"""Forms of the booking pages. They parse and validate input; services decide."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from bookings import intake, services
from bookings.models import (
    Booking,
    Counsellor,
    Mode,
    UrgentFollowUp,
    Weekday,
)
from courses.models import Topic, topics_for_language
from network.models import ServicePoint
from portal import languages
from portal.timezones import LocalTimeError, aware_from_local

NONEXISTENT_TIME = _("这个时间在所选时区不存在（夏令时调整），请换一个时间。")
AMBIGUOUS_TIME = _("这个时间在所选时区出现两次（夏令时结束），请换一个时间。")
BAD_SLOT = _("无法识别这个时间，请重新选择。")
CONSENT_MISSING = _("请勾选同意，我们才能保存登记信息。")
RISK_ANSWER_MISSING = _("请回答这个问题。")
DATE_OUT_OF_RANGE = _("请填写2000年至2100年之间的日期。")
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _refuse_far_dates(form, *names) -> None:
    for name in names:
        value = form.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            form.add_error(name, DATE_OUT_OF_RANGE)


def aware_in_zone(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Attach `zone` to a wall-clock time, refusing times DST skips or repeats."""
    try:
        return aware_from_local(value.replace(tzinfo=None), zone)
    except LocalTimeError as exc:
        message = NONEXISTENT_TIME if exc.code == "nonexistent" else AMBIGUOUS_TIME
        raise forms.ValidationError(message, code=exc.code) from exc


def parse_slot(value: str) -> dt.datetime | None:
    """An aware datetime from an ISO 8601 string with offset, else None.

    Years far from now are None too: the pages do date arithmetic on a slot
    (its end, the late-change cutoff, its day), which overflows at the ends
    of the calendar; the booking rules refuse anything past the horizon anyway.
    """
    try:
        parsed = dt.datetime.fromisoformat((value or "").strip().replace(" ", "+"))
    except ValueError:
        return None
    if timezone.is_naive(parsed) or not 2000 <= parsed.year <= 2200:
        return None
    return parsed


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


LANGUAGE_CHOICES = [("", _("不限")), ("zh-hans", _("普通话")), ("en", _("英语")),
                    ("wuu", _("上海话"))]


class SlugChoiceField(forms.ModelChoiceField):
    """Looks a slug up only when it is one (PostgreSQL refuses NUL bytes)."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"[-a-zA-Z0-9_]+",
                                                                str(value)):
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return super().to_python(value)


class CounsellorFilterForm(forms.Form):
    topic = SlugChoiceField(
        label=_("主题"), queryset=Topic.objects.none(), required=False,
        to_field_name="slug", empty_label=_("全部主题"),
    )
    language = forms.ChoiceField(label=_("语言"), choices=LANGUAGE_CHOICES, required=False)
    mode = forms.ChoiceField(label=_("方式"), required=False,
                             choices=[("", _("不限")), *Mode.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics_for_language()


CHILD_MISSING = _("请选择为谁预约")
FOR_MYSELF = "self"  # the "for myself" choice when the family has children
DANGER_NOW_MISSING = _("请回答：现在是否有危险？")


class BookingDetailsForm(forms.Form):
    """Who the session is for, what it is about, the risk screen and consent."""

    start = forms.CharField(widget=forms.HiddenInput)
    child = forms.ModelChoiceField(
        label=_("为谁预约"), queryset=None, required=False,
        empty_label=_("为我自己"),
        help_text=_("可以在“我的账户”中添加孩子。"),
    )
    concern = forms.CharField(
        label=_("希望得到帮助的事情"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("简单写几句就好，也可以留空，见面时再谈。"),
    )
    mode = forms.ChoiceField(label=_("希望的方式"), choices=Mode.choices,
                             widget=forms.RadioSelect)
    contact_phone = PhoneNumberField(
        label=_("能马上联系到你的手机号"), region="CN", required=False,
        help_text=_("上面的回答里有“有”“是”“不确定”或“不想回答”时必填：协调员会打这个电话联系你。"),
        error_messages={"invalid": _("请填写正确的手机号，例如 139 1234 5678。")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                      "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("我同意未愛小屋为安排本次咨询而保存上述登记信息（属于敏感个人信息），"
                "仅咨询师和站点协调员可以查看。"),
        required=True, error_messages={"required": CONSENT_MISSING},
    )

    def __init__(self, *args, user, counsellor: Counsellor, session_type,
                 preferred_mode: str | None = None, **kwargs):
        """`preferred_mode` (a mode chosen earlier, e.g. in the counsellor
        filter) is preselected when this counsellor and service offer it."""
        super().__init__(*args, **kwargs)
        profile = getattr(user, "family_profile", None)
        from portal.models import Child

        children = list(Child.objects.filter(family=profile).order_by("pk")
                        if profile else Child.objects.none())
        self.children = {str(child.pk): child for child in children}
        if children:
            # With children to choose from, nothing is assumed: a booking for
            # the wrong person is worse than one more tap.
            self.fields["child"] = forms.ChoiceField(
                label=_("为谁预约"), widget=forms.RadioSelect, required=True,
                choices=[*((key, child.nickname) for key, child in self.children.items()),
                         (FOR_MYSELF, _("为我自己"))],
                error_messages={"required": CHILD_MISSING,
                                "invalid_choice": CHILD_MISSING},
            )
        else:
            self.fields["child"].queryset = Child.objects.none()
        modes = [m for m in (session_type.modes or []) if m in (counsellor.modes or [])]
        modes = modes or list(counsellor.modes or []) or [Mode.IN_PERSON]
        self.fields["mode"].choices = [(m, Mode(m).label) for m in modes if m in Mode]
        if len(self.fields["mode"].choices) == 1:
            self.fields["mode"].initial = self.fields["mode"].choices[0][0]
        elif preferred_mode in dict(self.fields["mode"].choices):
            self.fields["mode"].initial = preferred_mode
        english = (get_language() or "zh-hans").startswith("en")
        self.risk_keys = []
        for question in intake.QUESTIONS:
            name = f"risk_{question.key}"
            self.risk_keys.append((name, question.key))
            self.fields[name] = self._question_field(question, english=english)
        # Asked only after a positive answer on an acute item (see `needs_gate`).
        self.fields["risk_danger_now"] = self._question_field(
            intake.DANGER_NOW, english=english, required=False)
        if profile is not None and profile.phone and not self.is_bound:
            self.fields["contact_phone"].initial = profile.phone

    @staticmethod
    def _question_field(question, *, english: bool, required: bool = True):
        return forms.ChoiceField(
            label=question.en if english else question.zh,
            choices=[(value, en if english else zh)
                     for value, zh, en in question.answers],
            widget=forms.RadioSelect, required=required,
            error_messages={"required": RISK_ANSWER_MISSING},
        )

    def clean_start(self):
        start = parse_slot(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(BAD_SLOT)
        return start

    def clean_child(self):
        """The Child chosen, or None for the guardian themself."""
        value = self.cleaned_data["child"]
        if isinstance(value, str):
            return self.children.get(value)
        return value

    def clean(self):
        cleaned = super().clean()
        answered = all(name in cleaned for name, _key in self.risk_keys)
        # The service's rule, asked here first so the field shows the message.
        if answered and not cleaned.get("contact_phone") and \
                "contact_phone" not in self.errors and \
                services.contact_phone_required(self.risk_answers()):
            self.add_error("contact_phone", gettext(services.PHONE_REQUIRED))
        return cleaned

    def risk_fields(self):
        return [self[name] for name, _key in self.risk_keys]

    def other_fields(self):
        return [self["child"], self["concern"], self["mode"]]

    def risk_answers(self) -> dict:
        answers = {key: self.cleaned_data[name] for name, key in self.risk_keys}
        if self.cleaned_data.get("risk_danger_now"):
            answers[intake.DANGER_NOW_KEY] = self.cleaned_data["risk_danger_now"]
        return answers

    def assessment(self) -> intake.Assessment:
        return intake.assess(self.risk_answers())

    def needs_gate(self) -> bool:
        """An acute answer and no answer yet to "is there danger right now?"."""
        return self.assessment().acute and not self.cleaned_data.get("risk_danger_now")

    def danger_field(self):
        return self["risk_danger_now"]


class RescheduleForm(forms.Form):
    new_start = forms.CharField(widget=forms.HiddenInput)

    def clean_new_start(self):
        start = parse_slot(self.cleaned_data["new_start"])
        if start is None:
            raise forms.ValidationError(BAD_SLOT)
        return start


class NoteForm(forms.Form):
    body = forms.CharField(label=_("新增记录"), max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 5}))


class NoteEditForm(forms.Form):
    # Not required: an empty text gets the service's own message (NOTE_EMPTY).
    body = forms.CharField(label=_("记录"), max_length=10_000, required=False,
                           strip=False, widget=forms.Textarea(attrs={"rows": 8}))


class FollowUpForm(forms.Form):
    # Phone unless another is chosen (older forms and clients send none).
    channel = forms.ChoiceField(label=_("联系方式"), choices=UrgentFollowUp.Channel.choices,
                                widget=forms.RadioSelect, required=False,
                                initial=UrgentFollowUp.Channel.PHONE)
    outcome = forms.ChoiceField(label=_("跟进结果"), choices=UrgentFollowUp.Outcome.choices,
                                widget=forms.RadioSelect)
    asq = forms.ChoiceField(label=_("是否已直接询问孩子（ASQ）"),
                            choices=UrgentFollowUp.Asq.choices, widget=forms.RadioSelect,
                            initial=UrgentFollowUp.Asq.NOT_ASKED)
    note = forms.CharField(label=_("记录（可选，仅咨询师和协调员可见）"), max_length=10_000,
                           required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_channel(self):
        return self.cleaned_data["channel"] or UrgentFollowUp.Channel.PHONE


def _point_choices(field: forms.ModelChoiceField) -> None:
    """The active service points, labelled in the page's language."""
    field.queryset = ServicePoint.objects.filter(is_active=True).order_by("name", "pk")
    field.label_from_instance = lambda point: languages.text(point, "name")


class RuleForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("星期"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("开始"), widget=TimeInput())
    end_time = forms.TimeField(label=_("结束"), widget=TimeInput())
    valid_from = forms.DateField(label=_("生效日期（可选）"), required=False,
                                 widget=DateInput())
    valid_to = forms.DateField(label=_("截止日期（可选）"), required=False,
                               widget=DateInput())
    point = forms.ModelChoiceField(
        label=_("接待的服务点"), queryset=ServicePoint.objects.none(), required=False,
        empty_label=_("不在服务点（线上或电话）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _point_choices(self.fields["point"])

    def clean(self):
        data = super().clean()
        _refuse_far_dates(self, "valid_from", "valid_to")
        return data


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    start_time = forms.TimeField(label=_("开始"), widget=TimeInput())
    end_time = forms.TimeField(label=_("结束"), widget=TimeInput())

    def clean(self):
        data = super().clean()
        _refuse_far_dates(self, "date")
        return data


class WallClockField(forms.DateTimeField):
    """A naive wall-clock datetime; the form attaches the zone (and refuses gaps)."""

    widget = DateTimeLocalInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        for fmt in self.input_formats:
            try:
                return dt.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class TimeOffForm(forms.Form):
    """Start and end are wall-clock times in the counsellor's display zone."""

    start = WallClockField(label=_("开始"))
    end = WallClockField(label=_("结束"))
    reason = forms.CharField(label=_("事由（可选，仅站内可见）"), max_length=100,
                             required=False)

    def __init__(self, *args, zone: ZoneInfo, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def _aware(self, name):
        value = self.cleaned_data[name]
        if not EARLIEST.year <= value.year <= LATEST.year:
            raise forms.ValidationError(DATE_OUT_OF_RANGE)
        return aware_in_zone(value, self.zone)

    def clean_start(self):
        return self._aware("start")

    def clean_end(self):
        return self._aware("end")


class ClosureForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
    point = forms.ModelChoiceField(
        label=_("闭馆范围"), queryset=ServicePoint.objects.none(), required=False,
        empty_label=_("全站"), help_text=_("选“全站”时所有服务点都不开放预约。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _point_choices(self.fields["point"])

    def clean(self):
        data = super().clean()
        _refuse_far_dates(self, "start_date", "end_date")
        return data


class CoordinatorFilterForm(forms.Form):
    counsellor = forms.ModelChoiceField(label=_("咨询师"), queryset=Counsellor.objects.all(),
                                        required=False, empty_label=_("全部"))
    topic = forms.ModelChoiceField(label=_("主题"), queryset=Topic.objects.none(),
                                   required=False, empty_label=_("全部"))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), *Booking.Status.choices])
    date_from = forms.DateField(label=_("从"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("到"), required=False, widget=DateInput())
    urgent = forms.BooleanField(label=_("只看紧急"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(
            locale__language_code="zh-hans").order_by("sort_order", "pk")
        # Choices are labelled when rendered, so in the page's language.
        self.fields["counsellor"].label_from_instance = (
            lambda counsellor: languages.text(counsellor, "display_name"))
        self.fields["topic"].label_from_instance = lambda topic: languages.text(topic, "name")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        _refuse_far_dates(self, "date_from", "date_to")
        return data


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("从"), widget=DateInput())
    end = forms.DateField(label=_("到"), widget=DateInput())

    def clean(self):
        data = super().clean()
        _refuse_far_dates(self, "start", "end")
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                self.add_error("end", _("结束日期不能早于开始日期。"))
            elif (data["end"] - data["start"]).days > 3 * 366:
                self.add_error("end", _("一次最多查看三年。"))
        return data
