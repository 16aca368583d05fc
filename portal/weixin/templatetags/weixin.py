from django import template
from django.urls import reverse

from portal.weixin.views import weixin_app_for

register = template.Library()


@register.simple_tag(takes_context=True)
def weixin_login_url(context) -> str:
    """The WeChat sign-in URL when this browser's flow is configured, else ""."""
    request = context.get("request")
    if request is None or weixin_app_for(request) is None:
        return ""
    return reverse("weixin_login")
