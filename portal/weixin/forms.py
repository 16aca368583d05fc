from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm


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
