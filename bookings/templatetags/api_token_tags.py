"""Data for the account page's API token section."""

from django import template

from portal.models import ApiToken

register = template.Library()


@register.simple_tag(takes_context=True)
def api_tokens(context):
    """The signed-in user's tokens, live ones first (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at"))
