from allauth.account.adapter import DefaultAccountAdapter

from portal import services


class AccountAdapter(DefaultAccountAdapter):
    """Every signup is a family; the consent given on the form is recorded."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.family_signup_completed(
                user=user,
                guardian_name=form.cleaned_data.get("guardian_name", ""),
                language=getattr(request, "LANGUAGE_CODE", "zh-hans"),
            )
        return user
