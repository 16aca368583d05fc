"""Forms of the casework pages. They parse and validate input; services decide.

Every limit a service or the database would refuse (lengths, ranges, dates
far out of the calendar) is checked here first, so a person sees a field
error and nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from bookings.forms import aware_in_zone
from cases import risk
from cases.models import (
    Case,
    Domain,
    Goal,
    Household,
    HouseholdMember,
    PlannedService,
    RiskLevel,
    Visit,
)
from courses.models import ModulePage, Topic
from network import selectors as network_selectors
from network.models import Expert, Partner, ServicePoint
from portal import languages
from portal.models import Role

DATE_OUT_OF_RANGE = _("请填写2000年至2100年之间的日期。")
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
SCORE_CHOICES = [(str(n), str(n)) for n in range(risk.MAX_SCORE + 1)]
SCORE_HELP = _("0 没有问题，1 轻度，2 中度，3 严重")
NOTE_MAX = 2000


def _in_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(DATE_OUT_OF_RANGE, code="out_of_range")
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BoundedDateField(forms.DateField):
    widget = DateInput

    def clean(self, value):
        return _in_range(super().clean(value))


def _staff_with(*roles: str):
    return get_user_model().objects.filter(
        groups__name__in=roles, is_active=True, erased_at__isnull=True,
    ).distinct().order_by("pk")


def apply_errors(form: forms.Form, exc) -> None:
    """Put a service's `CaseError` on the field it names (or the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- households and cases ------------------------------------------------------------


class HouseholdForm(forms.Form):
    point = forms.ModelChoiceField(ServicePoint.objects.order_by("pk"),
                                   label=_("服务点"))
    address = forms.CharField(label=_("地址"), max_length=200)
    phone = PhoneNumberField(label=_("联系电话"), region="CN", required=False)
    guardianship = forms.ChoiceField(label=_("监护情况"),
                                     choices=Household.Guardianship.choices)
    guardianship_note = forms.CharField(label=_("监护情况说明"), required=False,
                                        max_length=NOTE_MAX, widget=forms.Textarea)
    opened_on = BoundedDateField(label=_("建档日期"))
    guardian_label = forms.CharField(label=_("监护人称呼"), max_length=40)
    guardian_relationship = forms.ChoiceField(
        label=_("监护人与孩子的关系"),
        choices=[c for c in HouseholdMember.Relationship.choices
                 if c[0] != HouseholdMember.Relationship.CHILD])
    child_label = forms.CharField(label=_("孩子称呼"), max_length=40)
    child_birth_year = forms.IntegerField(label=_("孩子出生年份"), min_value=1990,
                                          max_value=2100)
    confirmed_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CaseOpenForm(forms.Form):
    member = forms.ModelChoiceField(HouseholdMember.objects.none(), label=_("孩子"))
    assigned_worker = forms.ModelChoiceField(
        _staff_with(Role.SOCIAL_WORKER, Role.CHILD_DIRECTOR), label=_("负责社工"))
    supervisor = forms.ModelChoiceField(_staff_with(Role.CHILD_SUPERVISOR),
                                        label=_("督导员"), required=False)
    opened_on = BoundedDateField(label=_("开案日期"))

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.filter(
            relationship=HouseholdMember.Relationship.CHILD, case__isnull=True)
        for name in ("assigned_worker", "supervisor"):
            self.fields[name].label_from_instance = _person_label


class ReassignForm(forms.Form):
    """A new assigned worker and/or supervisor of record (blank: unchanged)."""

    worker = forms.ModelChoiceField(
        _staff_with(Role.SOCIAL_WORKER, Role.CHILD_DIRECTOR), label=_("负责社工"),
        required=False)
    supervisor = forms.ModelChoiceField(_staff_with(Role.CHILD_SUPERVISOR),
                                        label=_("督导员"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("worker", "supervisor"):
            self.fields[name].label_from_instance = _person_label


def _person_label(user) -> str:
    return user.display_name or user.email or f"#{user.pk}"


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("结案原因"), max_length=NOTE_MAX,
                             widget=forms.Textarea)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Case.Status.choices)


# --- assessments ------------------------------------------------------------------


class AssessmentForm(forms.Form):
    """A score 0–3 and a note for each of the seven domains, and a summary."""

    note = forms.CharField(label=_("评估摘要"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Domain.choices:
            self.fields[f"score_{value}"] = forms.TypedChoiceField(
                label=label, choices=SCORE_CHOICES, coerce=int,
                widget=forms.RadioSelect, help_text=SCORE_HELP)
            self.fields[f"note_{value}"] = forms.CharField(
                label=_("说明"), required=False, max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}))

    def domain_rows(self):
        return [(self[f"score_{d}"], self[f"note_{d}"]) for d in risk.DOMAINS]

    def scores(self) -> dict[str, int]:
        return {d: self.cleaned_data[f"score_{d}"] for d in risk.DOMAINS}

    def notes(self) -> dict[str, str]:
        return {d: self.cleaned_data[f"note_{d}"] for d in risk.DOMAINS}


class OverrideForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    reason = forms.CharField(label=_("调整风险等级的理由"), max_length=NOTE_MAX,
                             widget=forms.Textarea)


# --- plans ---------------------------------------------------------------------------


class PlanForm(forms.Form):
    review_due = BoundedDateField(label=_("复核日期"))
    summary = forms.CharField(label=_("计划概述"), required=False, max_length=NOTE_MAX,
                              widget=forms.Textarea)


class PlanEditForm(PlanForm):
    """The plan as read (`version`): a stale save is a conflict, not a write."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                                 max_value=2**31 - 1)


class GoalAddForm(forms.Form):
    """A new goal: open, at progress 0 (change both by editing it).

    A goal may prescribe training modules to the guardian and name a topic
    for a pooled booking; shared with the family, those (never the goal's
    case details) show on the family's account page."""

    domain = forms.ChoiceField(label=_("领域"), choices=Domain.choices)
    text = forms.CharField(label=_("目标"), max_length=300)
    target_date = BoundedDateField(label=_("目标日期"))
    modules = forms.ModelMultipleChoiceField(
        label=_("推荐给监护人的课程"), queryset=ModulePage.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("监护人在“我的账户”中看到这些课程，学习进度会显示在这个目标上。"))
    topic = forms.ModelChoiceField(
        label=_("可预约咨询的主题"), queryset=Topic.objects.none(), required=False,
        help_text=_("监护人可以按这个主题预约最早有空的咨询师。"))
    shared_with_family = forms.BooleanField(
        label=_("与家庭分享"), required=False,
        help_text=_("家庭会看到推荐的课程和预约主题，导出数据中有这个目标的文字；评估、走访记录和风险等级从不分享。请用家庭能读懂的话写目标。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = ModulePage.objects.live().filter(
            locale__language_code="zh-hans").order_by("path")
        self.fields["modules"].label_from_instance = lambda page: page.title
        self.fields["topic"].queryset = Topic.objects.filter(
            locale__language_code="zh-hans").order_by("sort_order", "pk")
        self.fields["topic"].label_from_instance = lambda topic: languages.text(topic, "name")


class GoalForm(GoalAddForm):
    status = forms.ChoiceField(label=_("状态"), choices=Goal.Status.choices,
                               initial=Goal.Status.OPEN)
    progress = forms.TypedChoiceField(
        label=_("进展（0–4）"), coerce=int, initial=0,
        choices=[(str(n), str(n)) for n in range(5)])


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("服务类型"), choices=PlannedService.Kind.choices)
    expert = forms.ModelChoiceField(Expert.objects.none(), label=_("专家"), required=False,
                                    help_text=_("只列出资质在有效期内的专家。"))
    partner = forms.ModelChoiceField(Partner.objects.order_by("pk"),
                                     label=_("合作单位"), required=False)
    frequency = forms.CharField(label=_("频率"), max_length=60,
                                help_text=_("例如：每周一次"))
    units_planned = forms.IntegerField(label=_("计划次数"), min_value=1, max_value=999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An expired credential cannot be assigned (the service refuses it too).
        self.fields["expert"].queryset = network_selectors.assignable_experts(
            on=timezone.localdate()).order_by("name", "pk")


class ServiceProgressForm(forms.Form):
    units_delivered = forms.IntegerField(label=_("已完成次数"), min_value=0,
                                         max_value=999)
    ended = forms.BooleanField(label=_("已结束"), required=False)


# --- visits ------------------------------------------------------------------------


class VisitForm(forms.Form):
    """A visit made, on a phone: one column, plain controls, no script."""

    client_key = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("方式"), choices=Visit.Kind.choices,
                             widget=forms.RadioSelect)
    done_at = forms.DateTimeField(
        label=_("完成时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
    visitors = forms.ModelMultipleChoiceField(
        get_user_model().objects.none(), label=_("探访人员"),
        widget=forms.CheckboxSelectMultiple)
    guardian_present = forms.BooleanField(label=_("监护人在场"), required=False)
    observations = forms.CharField(label=_("观察记录"), required=False,
                                   max_length=NOTE_MAX, widget=forms.Textarea)
    needs_found = forms.CharField(label=_("发现的需求"), required=False,
                                  max_length=NOTE_MAX, widget=forms.Textarea)
    safety_concern = forms.BooleanField(
        label=_("存在安全隐患"), required=False,
        help_text=_("勾选后，所有协调员和安全保护负责人会立即收到提醒。"))

    def __init__(self, *args, case: Case, user, zone, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", uuid.uuid4())
        kwargs["initial"].setdefault("visitors", [user.pk])
        super().__init__(*args, **kwargs)
        self.zone = zone
        people = Q(pk=user.pk) | Q(pk=case.assigned_worker_id)
        if case.supervisor_id:
            people |= Q(pk=case.supervisor_id)
        field = self.fields["visitors"]
        field.queryset = get_user_model().objects.filter(people).order_by("pk")
        field.label_from_instance = _person_label

    def clean_done_at(self):
        value = self.cleaned_data["done_at"]
        _in_range(value.date())
        return aware_in_zone(value, self.zone)
