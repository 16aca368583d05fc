from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
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
