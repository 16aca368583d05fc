from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils.translation import get_language

from portal import crisis, services, sms
from portal.phones import MainlandMobileField, normalise_mobile

# allauth's "code sent" notes, left out when the message was not sent.
_SENT_NOTES = frozenset({"account/messages/phone_verification_sent.txt",
                         "account/messages/login_code_sent.txt"})


class AccountAdapter(DefaultAccountAdapter):
    """Every signup is a family; the consent given on the form is recorded."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        # Email is optional (a phone signup): NULL, never "" (it is unique).
        user.email = user.email or None
        if commit:
            user.save()
            services.family_signup_completed(
                user=user,
                guardian_name=form.cleaned_data.get("guardian_name", ""),
                language=getattr(request, "LANGUAGE_CODE", "zh-hans"),
            )
        return user

    def get_login_redirect_url(self, request):
        """Staff land on their workspace, families on their account page; a safe
        `next` still wins (allauth asks this only without one)."""
        user = request.user
        if user.is_authenticated:
            if user.is_coordinator:
                return reverse("bookings:coordinator_bookings")
            if user.is_counsellor:
                return reverse("bookings:counsellor_week")
            if user.is_editor:
                return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        """Every account email names the site and ends with the crisis lines."""
        context = {
            "crisis_text": crisis.as_text(language=get_language() or "zh-hans"),
            "site_base_url": settings.SITE_BASE_URL,
            **context,
        }
        super().send_mail(template_prefix, email, context)

    # --- Phone sign-in (portal.sms): allauth's phone adapter API ----------------
    # User.phone (E.164) and User.phone_verified hold the number. Every SMS a
    # visitor's request causes goes through `_send_sms`: the "sms" rate limit
    # per number and per IP, then the sender; when it is not sent the page
    # says so neutrally, the same for known and unknown numbers.

    def get_login_stages(self):
        return [("portal.phones.EmailVerificationStage"
                 if path == "allauth.account.stages.EmailVerificationStage" else path)
                for path in super().get_login_stages()]

    def phone_form_field(self, **kwargs):
        return MainlandMobileField(**kwargs)

    def set_phone(self, user, phone, verified):
        user.phone = phone
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        if not user.phone:
            return None
        return user.phone.as_e164, user.phone_verified

    def set_phone_verified(self, user, phone):
        if user.phone and user.phone.as_e164 == normalise_mobile(phone):
            user.phone_verified = True
            user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone):
        from portal.models import User

        number = normalise_mobile(phone)
        return User.objects.filter(phone=number).first() if number else None

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        self._send_sms(phone, sms.Kind.CODE, language=user.preferred_language,
                       params={"code": code})

    def send_unknown_account_sms(self, phone, **kwargs):
        self._send_sms(phone, sms.Kind.NO_ACCOUNT)

    def send_account_already_exists_sms(self, phone):
        self._send_sms(phone, sms.Kind.ACCOUNT_EXISTS)

    def _send_sms(self, phone, kind, *, language=None, params=None):
        request = allauth_context.request
        language = language or getattr(request, "LANGUAGE_CODE", None) or get_language()
        if not ratelimit.consume(request, action="sms", key=phone):
            self._sms_not_sent(request, sms.SMS_TOO_MANY)
            return
        try:
            sms.send(phone=phone, kind=kind, language=language, params=params)
        except sms.SmsError:
            self._sms_not_sent(request, sms.SMS_NOT_SENT)

    def _sms_not_sent(self, request, message):
        request.weiai_sms_not_sent = True
        messages.error(request, message)

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None):
        if message_template in _SENT_NOTES and getattr(request, "weiai_sms_not_sent", False):
            return
        super().add_message(request, level, message_template, message_context,
                            extra_tags=extra_tags, message=message)
