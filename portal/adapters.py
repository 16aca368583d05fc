from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.translation import get_language

from portal import crisis, services


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

    def send_mail(self, template_prefix, email, context):
        """Every account email names the site and ends with the crisis lines."""
        context = {
            "crisis_text": crisis.as_text(language=get_language() or "zh-hans"),
            "site_base_url": settings.SITE_BASE_URL,
            **context,
        }
        super().send_mail(template_prefix, email, context)
