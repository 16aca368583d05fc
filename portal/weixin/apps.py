from django.apps import AppConfig


class WeixinConfig(AppConfig):
    """Registers the provider (allauth imports `portal.weixin.provider`)."""

    name = "portal.weixin"
    label = "portal_weixin"
    verbose_name = "WeChat sign-in"
