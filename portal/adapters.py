import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import crisis, services, sms
from portal.phones import MainlandMobileField, normalise_mobile

# allauth's "code sent" notes, left out when the message was not sent.
_SENT_NOTES = frozenset({"account/messages/phone_verification_sent.txt",
                         "account/messages/login_code_sent.txt"})

logger = logging.getLogger(__name__)

# Shown only after the code sent to the number was entered, i.e. to whoever
# holds that number (allauth's VerifyPhoneForm).
PHONE_TAKEN = _("这个手机号码已经用于另一个账户，不能再添加到这里。")


class SignupConflict(Exception):
    """A signup met an account made a moment ago with its number or email."""


class AccountAdapter(DefaultAccountAdapter):
    """Every signup is a family; the consent given on the form is recorded."""

    error_messages = {**DefaultAccountAdapter.error_messages, "phone_taken": PHONE_TAKEN}

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        # Email is optional (a phone signup): NULL, never "" (it is unique).
        user.email = user.email or None
        if commit:
            with transaction.atomic():
                if user.phone:
                    # A number nobody proved is not an account: this signup takes it.
                    services.phone_unverified_claims_release(phone=user.phone.as_e164)
                try:
                    with transaction.atomic():
                        user.save()
                except IntegrityError as exc:
                    # Two signups with one new number at once: the second one
                    # is told the account exists (SignupForm.try_save).
                    raise SignupConflict() from exc
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
        if not user.pk:
            user.phone = phone
            user.phone_verified = verified
        elif not services.phone_number_set(user=user, phone=normalise_mobile(phone) or phone,
                                           verified=verified):
            logger.warning("Number for user %s is held verified by another account", user.pk)

    def get_phone(self, user):
        if not user.phone:
            return None
        return user.phone.as_e164, user.phone_verified

    def set_phone_verified(self, user, phone):
        """A code sent to `phone` was entered: the number is this account's,
        added or changed (allauth's change flow ends here with the new one)."""
        number = normalise_mobile(phone)
        if number is None:
            return
        if user.phone and user.phone.as_e164 == number and user.phone_verified:
            return
        # The verify form already refused a number another account holds
        # verified (allauth's VerifyPhoneForm, via get_user_by_phone); this
        # only loses a race against a second account verifying it now.
        self.set_phone(user, number, True)

    def get_user_by_phone(self, phone):
        """The account whose number this is: verified only. An unverified number
        is a claim anyone can type at signup, so a code sent to it never signs
        into that account (the next account proving the number takes it)."""
        from portal.models import User

        number = normalise_mobile(phone)
        if not number:
            return None
        return User.objects.filter(phone=number, phone_verified=True).first()

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Wrong passwords pause sign-in per number, as allauth does per email
        (allauth keys on email/username only: every number shared one key)."""
        phone = credentials.get("phone")
        if phone and not credentials.get("email") and not credentials.get("username"):
            number = normalise_mobile(phone) or str(phone).strip()
            return f"{get_current_site(request).domain}:phone:{number}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    def generate_phone_verification_code(self, *, user, phone):
        """The "sms" limit is checked before allauth stores a new code: when
        it refuses a resend, allauth's resend views keep the code already sent
        (RateLimited) instead of replacing it by one that never arrives."""
        request = allauth_context.request
        if not self._sms_allowed(request, phone) and request.POST.get("action") == "resend":
            raise RateLimited()
        return super().generate_phone_verification_code(user=user, phone=phone)

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
        if not self._sms_allowed(request, phone):
            return
        try:
            sms.send(phone=phone, kind=kind, language=language, params=params)
        except sms.SmsError:
            self._sms_not_sent(request, sms.SMS_NOT_SENT)

    def _sms_allowed(self, request, phone):
        """Consume the "sms" limit once per request and number (a code is
        generated, then sent); the first refusal says so on the page."""
        decided = request.__dict__.setdefault("weiai_sms_allowed", {})
        if phone not in decided:
            decided[phone] = bool(ratelimit.consume(request, action="sms", key=phone))
            if not decided[phone]:
                self._sms_not_sent(request, sms.SMS_TOO_MANY)
        return decided[phone]

    def _sms_not_sent(self, request, message):
        request.weiai_sms_not_sent = True
        messages.error(request, message)

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None):
        if getattr(request, "weiai_sms_not_sent", False) and (
                message_template in _SENT_NOTES
                or (message is not None and message == self.error_messages["rate_limited"])):
            return
        super().add_message(request, level, message_template, message_context,
                            extra_tags=extra_tags, message=message)
