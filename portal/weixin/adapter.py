from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp

from portal.weixin import linking
from portal.weixin.flows import PROVIDER_ID, WEB, flow_for_request


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """WeChat's two apps behind one provider, one account per person.

    SOCIALACCOUNT_PROVIDERS["weixin"]["APPS"] holds up to two apps, each with
    `settings={"flow": "web" | "mp"}`; a request uses the one its browser can
    open (portal.weixin.flows).
    """

    def get_app(self, request, provider, client_id=None):
        if provider != PROVIDER_ID or client_id is not None:
            return super().get_app(request, provider, client_id=client_id)
        apps = self.list_apps(request, provider=PROVIDER_ID)
        if not apps:
            raise SocialApp.DoesNotExist()
        wanted = flow_for_request(request)
        # Without the wanted flow any app still names the provider (the
        # connections page); the login views answer 404 (portal.weixin.views).
        return next((a for a in apps if a.settings.get("flow", WEB) == wanted), apps[0])

    def list_providers(self, request):
        """One WeChat entry, not one per app."""
        providers, seen_weixin = [], False
        for provider in super().list_providers(request):
            if provider.id == PROVIDER_ID:
                if seen_weixin:
                    continue
                seen_weixin = True
                provider = self.get_provider(request, PROVIDER_ID)
            providers.append(provider)
        return providers

    def pre_social_login(self, request, sociallogin):
        """Link the account this person already has instead of making a second."""
        account = sociallogin.account
        if account.provider != PROVIDER_ID or sociallogin.is_existing:
            return
        unionid = account.extra_data.get("unionid", "")
        openid = account.extra_data.get("openid", "")
        if not unionid or account.uid != unionid:
            return
        earlier = linking.earlier_weixin_account(openid=openid, unionid=unionid)
        if earlier is None:
            return
        sociallogin.account = linking.weixin_account_rekey(
            account=earlier, uid=unionid, extra_data=account.extra_data
        )
        sociallogin.user = sociallogin.account.user

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # No email from WeChat: NULL, not "" (the column is unique).
        user.email = user.email or None
        return user
