from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

ALREADY_SIGNED_UP = _("这个微信刚刚已经注册了家庭账户，请再用微信登录一次。")


class SocialSignupForm(AllauthSocialSignupForm):
    """The last step of a WeChat signup: the guardian's name and the privacy
    consent (from ACCOUNT_SIGNUP_FORM_CLASS, portal.forms.SignupConsentForm),
    nothing else. WeChat gives no email or mobile number and booking needs
    neither; a family can add them on the account page later.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "email2", "phone"):
            self.fields.pop(name, None)
        self._has_phone_field = False

    def try_save(self, request):
        """One account per WeChat identity even on a double tap: the second
        signup meets the (provider, uid) unique key, makes nothing and is sent
        to sign in, which now finds the first."""
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            messages.info(request, ALREADY_SIGNED_UP)
            return None, HttpResponseRedirect(reverse("account_login"))
