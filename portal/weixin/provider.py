from allauth.socialaccount.providers.weixin.provider import (
    WeixinAccount,
    WeixinProvider,
)

from portal.weixin.flows import FLOWS, PROVIDER_ID, WEB
from portal.weixin.views import UnionOAuth2Adapter

# What is kept of WeChat's profile (least data): the two keys and the nickname
# shown on the connections page; no avatar, sex or region.
KEPT_FIELDS = ("openid", "unionid", "nickname")


class UnionProvider(WeixinProvider):
    """allauth's `weixin` provider, one account per person across both flows.

    allauth keys WeChat accounts by `openid`, which is per AppID: the QR login
    and the in-WeChat login would make two accounts for one person. `unionid`
    is the same under every app bound to one Open Platform account, so it is
    the key whenever WeChat returns it (else `openid`, as before).
    """

    id = PROVIDER_ID
    name = "微信"
    account_class = WeixinAccount
    oauth2_adapter_class = UnionOAuth2Adapter

    @property
    def flow(self):
        return FLOWS[self.app.settings.get("flow", WEB)]

    def extract_uid(self, data):
        return data.get("unionid") or data["openid"]

    def extract_extra_data(self, data):
        return {key: data[key] for key in KEPT_FIELDS if data.get(key)}

    def extract_common_fields(self, data):
        # A WeChat nickname is not a name; the family gives one on the signup form.
        return {}

    def get_default_scope(self):
        return [self.flow.scope]


provider_classes = [UnionProvider]
