from django import forms
from django.utils.translation import gettext_lazy as _


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
