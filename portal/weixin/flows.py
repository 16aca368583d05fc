"""The two WeChat sign-in flows and which one a browser can use."""

from dataclasses import dataclass

PROVIDER_ID = "weixin"
WEB = "web"
MP = "mp"
IN_WECHAT_MARKER = "MicroMessenger"


@dataclass(frozen=True)
class Flow:
    name: str
    authorize_path: str
    scope: str
    # WeChat's in-app browser only honours its authorize URL with this fragment.
    fragment: str = ""


FLOWS = {
    WEB: Flow(WEB, "/connect/qrconnect", "snsapi_login"),
    MP: Flow(MP, "/connect/oauth2/authorize", "snsapi_userinfo", "#wechat_redirect"),
}


def flow_for_request(request) -> str:
    """The in-WeChat flow inside WeChat's browser, the QR code anywhere else.

    The callback names its flow (`?flow=`, set in the redirect URI) so the code
    is exchanged with the AppID that issued it.
    """
    if request is None:
        return WEB
    named = request.GET.get("flow", "")
    if named in FLOWS:
        return named
    agent = request.headers.get("User-Agent", "")
    return MP if IN_WECHAT_MARKER in agent else WEB
