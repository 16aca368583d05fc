"""Mainland mobile numbers for sign-in: parsing, the form field, the login stage.

A family types its number the way it is printed (138 1234 5678, +86 138…,
0086-138…); it is kept in E.164 (+8613812345678). Only mainland mobile
numbers can receive the station's SMS (Aliyun's domestic service).
"""

from __future__ import annotations

import phonenumbers
from allauth.account.stages import EmailVerificationStage
from django import forms
from django.utils.translation import gettext_lazy as _

INVALID_MOBILE = _("请填写有效的中国大陆手机号码，例如 13812345678。")
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE,
                 phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_mobile(value: str) -> str | None:
    """`value` as an E.164 mainland mobile number, or None when it is not one."""
    text = (value or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if (not phonenumbers.is_valid_number(number)
            or phonenumbers.region_code_for_number(number) != "CN"
            or phonenumbers.number_type(number) not in _MOBILE_TYPES):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class MainlandMobileField(forms.CharField):
    """allauth's phone field for mainland mobiles; cleans to E.164 text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("手机号码"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "type": "tel", "autocomplete": "tel-national", "inputmode": "tel",
            "placeholder": _("手机号码"),
        }))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        number = normalise_mobile(value)
        if number is None:
            raise forms.ValidationError(INVALID_MOBILE, code="invalid_phone")
        return number


class EmailVerificationStage(EmailVerificationStage):
    """allauth's mandatory email verification, for accounts that have an email.

    An account signed up with a mobile number only has its number verified by
    SMS (allauth's phone verification stage, before this one) and no address
    to verify.
    """

    def handle(self):
        user = self.login.user
        if not self.login.email and not (user and user.email):
            return None, True
        return super().handle()
