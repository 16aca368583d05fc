import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Child, FamilyProfile
from portal.services import CHILD_CONSENT_REQUIRED


class SignupConsentForm(forms.Form):
    """Extra fields on allauth's signup form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    guardian_name = forms.CharField(
        label=_("怎么称呼您"), max_length=60, required=False,
        help_text=_("可以只写姓氏，例如“王女士”。"),
    )
    accept_privacy = forms.BooleanField(
        label=_("我已阅读并同意《隐私政策》"), required=True,
        error_messages={"required": _("注册前请阅读并同意隐私政策。")},
    )

    def signup(self, request, user):
        """allauth calls this after the user is saved; consent is recorded by the adapter."""


CHILD_STAGE_CHOICES = Child.SchoolStage.choices


def _birth_year_bounds() -> tuple[int, int]:
    this_year = timezone.localdate().year
    return this_year - 24, this_year


class ChildForm(forms.Form):
    """Nickname, birth year, school stage, needs — nothing more (data minimisation)."""

    nickname = forms.CharField(
        label=_("孩子的昵称"), max_length=30,
        help_text=_("小名或昵称即可，不需要真实姓名。"),
        error_messages={"required": _("请填写孩子的昵称。")},
    )
    birth_year = forms.IntegerField(
        label=_("出生年份"), help_text=_("例如 2015。"),
        error_messages={"required": _("请填写出生年份。"),
                        "invalid": _("请用四位数字填写出生年份，例如 2015。")},
    )
    school_stage = forms.ChoiceField(
        label=_("学段"), choices=[("", _("请选择"))] + CHILD_STAGE_CHOICES,
        error_messages={"required": _("请选择学段。")},
    )
    needs = forms.CharField(
        label=_("需要我们了解的情况（选填）"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如孩子的兴趣、近来让您担心的事。请不要填写身份证号、学校名称等信息。"),
    )
    guardian_consent = forms.BooleanField(
        label=_("我是孩子的监护人，同意未愛小屋按《隐私政策》处理以上信息（孩子不满十四周岁时必选）"),
        required=False,
    )

    def __init__(self, *args, consent_on_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent_on_file = consent_on_file
        if consent_on_file:
            del self.fields["guardian_consent"]
        low, high = _birth_year_bounds()
        self.fields["birth_year"].widget.attrs.update(
            {"min": low, "max": high, "inputmode": "numeric"}
        )

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        low, high = _birth_year_bounds()
        if not low <= year <= high:
            raise forms.ValidationError(
                _("出生年份应在 %(low)s 到 %(high)s 之间。"),
                params={"low": low, "high": high},
            )
        return year

    def clean(self):
        data = super().clean()
        year = data.get("birth_year")
        if (
            year
            and not self.consent_on_file
            and timezone.localdate().year - year < 14
            and not data.get("guardian_consent")
        ):
            self.add_error("guardian_consent", CHILD_CONSENT_REQUIRED)
        return data


class FamilyProfileForm(forms.ModelForm):
    class Meta:
        model = FamilyProfile
        fields = ["guardian_name", "relationship", "phone", "sms_notices"]
        help_texts = {
            "guardian_name": _("可以只写姓氏，例如“王女士”。"),
            "phone": _("选填。只用于预约相关的联系。"),
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"\+?[0-9][0-9 \-]{5,18}", phone):
            raise forms.ValidationError(_("请填写有效的电话号码，只包含数字、空格或短横线。"))
        return phone
