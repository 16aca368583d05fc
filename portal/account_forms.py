"""allauth forms of the site (ACCOUNT_FORMS), beside the extra signup fields
in portal.forms.SignupConsentForm that allauth's own form inherits."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


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

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or None)
        return super().try_save(request)
