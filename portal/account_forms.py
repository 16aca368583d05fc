"""allauth forms of the site (ACCOUNT_FORMS), beside the extra signup fields
in portal.forms.SignupConsentForm that allauth's own form inherits."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows import signup as signup_flows
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.adapters import SignupConflict

TOO_MANY_ATTEMPTS = "too_many_login_attempts"  # allauth's error code
EMAIL_OR_PHONE_REQUIRED = _("请填写电子邮箱或手机号码（至少一项）。")
PASSWORD_LOGIN_PAUSED = _("登录尝试过多，密码登录已暂时停用。")


class LoginForm(AllauthLoginForm):
    """allauth's login form, saying what still works when password sign-in is paused.

    After ACCOUNT_RATE_LIMITS["login_failed"] wrong passwords for an email,
    allauth refuses even the right password for a while. Anyone can type
    those wrong passwords, so the owner is not locked out: a code sent to
    their email still signs them in (ACCOUNT_LOGIN_BY_CODE_ENABLED; staff
    then give their TOTP code as always), and the sign-in page links to it
    (`password_login_paused`, templates/account/login.html).
    """

    password_login_paused = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth puts a "forgot your password?" link under the field; the page
        # has its own, beside sign-in by code (templates/account/login.html).
        self.fields["password"].help_text = ""

    def clean(self):
        try:
            return super().clean()
        except ValidationError as exc:
            if getattr(exc, "code", None) != TOO_MANY_ATTEMPTS:
                raise
            self.password_login_paused = True
            raise ValidationError(PASSWORD_LOGIN_PAUSED, code=TOO_MANY_ATTEMPTS) from exc


class SignupForm(AllauthSignupForm):
    """allauth's signup form, doing the same work for a known email as for a new one.

    With ACCOUNT_PREVENT_ENUMERATION a known address gets the same page and an
    "account already exists" email instead of a new account, but only a new
    account hashed the password: ~0.5 s against ~10 ms told an attacker which
    emails have accounts. The known path now hashes the submitted password
    with the configured hasher and throws the hash away. It happens here,
    not in the adapter's `send_account_already_exists_mail`, because that
    mail is skipped when the confirmation-mail rate limit is reached, which
    would open the timing gap again.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An email or a mobile number, or both (ACCOUNT_SIGNUP_FIELDS lists
        # "email*" for allauth's settings check; one of the two is enough).
        self.fields["email"].label = _("电子邮箱")
        if "phone" not in self.fields:  # phone sign-in switched off (DJANGO_SMS_DISABLED)
            return
        self.order_fields(["phone", "email"])
        self.fields["email"].required = False
        self.fields["email"].widget.attrs["placeholder"] = _("电子邮箱（选填，如填写手机号码）")
        self.fields["phone"].widget.attrs["placeholder"] = _("手机号码（选填，如填写电子邮箱）")

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and not self.has_error("phone") \
                and not self.has_error("email"):
            # On both fields: each is marked invalid and announced with it.
            for name in ("phone", "email"):
                self.add_error(name, ValidationError(EMAIL_OR_PHONE_REQUIRED,
                                                     code="email_or_phone"))
        return data

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or None)
        try:
            return super().try_save(request)
        except SignupConflict:
            # Another signup with this number (or email) was saved a moment
            # ago: the same answer as for an account that already existed.
            phone = self.cleaned_data.get("phone") or None
            return None, signup_flows.prevent_enumeration(
                request, email=self.cleaned_data.get("email") or None, phone=phone)


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's "send me a code" form, the mobile number first (most families)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["phone", "email"])
        self.fields["email"].label = _("电子邮箱")
        self.fields["email"].widget.attrs["placeholder"] = _("或者填写电子邮箱")
