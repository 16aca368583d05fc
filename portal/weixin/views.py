"""OAuth2 adapter and views of the WeChat provider.

Endpoints come from settings (`WEIXIN_OPEN_BASE_URL`, `WEIXIN_API_BASE_URL`)
at request time, so tests point them at a fake server on loopback.
"""

import functools
import json

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2CallbackView,
    OAuth2LoginView,
)
from allauth.socialaccount.providers.weixin.client import WeixinOAuth2Client
from allauth.socialaccount.providers.weixin.views import WeixinOAuth2Adapter
from django.conf import settings
from django.http import Http404
from django.utils.http import urlencode

from portal.weixin.flows import FLOWS, PROVIDER_ID, WEB, flow_for_request


class UnionClient(WeixinOAuth2Client):
    fragment = ""

    def get_redirect_url(self, authorization_url, scope, extra_params):
        return super().get_redirect_url(authorization_url, scope, extra_params) + self.fragment


class UnionOAuth2Adapter(WeixinOAuth2Adapter):
    provider_id = PROVIDER_ID
    client_class = UnionClient
    # WeChat documents the code exchange as a GET with query parameters.
    access_token_method = "GET"  # noqa: S105  # nosec B105

    @property
    def access_token_url(self):
        return f"{settings.WEIXIN_API_BASE_URL}/sns/oauth2/access_token"

    @property
    def profile_url(self):
        return f"{settings.WEIXIN_API_BASE_URL}/sns/userinfo"

    @property
    def authorize_url(self):
        return settings.WEIXIN_OPEN_BASE_URL + self._flow().authorize_path

    def _flow(self, app=None):
        app = app or self.get_provider().app
        return FLOWS[app.settings.get("flow", WEB)]

    def get_callback_url(self, request, app):
        url = super().get_callback_url(request, app)
        return f"{url}?{urlencode({'flow': self._flow(app).name})}"

    def get_client(self, request, app):
        client = super().get_client(request, app)
        client.fragment = self._flow(app).fragment
        return client

    def complete_login(self, request, app, token, **kwargs):
        response = kwargs.get("response") or {}
        params = {"access_token": token.token, "openid": response.get("openid", "")}
        with get_adapter().get_requests_session() as session:
            answer = session.get(self.profile_url, params=params)
            answer.raise_for_status()
        try:
            # WeChat sends UTF-8 JSON as text/plain without a charset, which
            # requests would read as Latin-1.
            profile = json.loads(answer.content.decode("utf-8"))
        except ValueError as exc:
            raise OAuth2Error("WeChat userinfo is not JSON") from exc
        if not isinstance(profile, dict) or profile.get("errcode") or not profile.get("openid"):
            raise OAuth2Error(f"WeChat userinfo refused: {answer.content[:200]!r}")
        if not profile.get("unionid") and response.get("unionid"):
            profile["unionid"] = response["unionid"]
        return self.get_provider().sociallogin_from_response(request, profile)


def weixin_app_for(request) -> SocialApp | None:
    """The configured app of the flow this request can use, or None."""
    wanted = flow_for_request(request)
    for app in get_adapter().list_apps(request, provider=PROVIDER_ID):
        if app.settings.get("flow", WEB) == wanted:
            return app
    return None


def _configured(view):
    """404 where no app of the request's flow is configured (no WeChat here)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if weixin_app_for(request) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


oauth2_login = _configured(OAuth2LoginView.adapter_view(UnionOAuth2Adapter))
oauth2_callback = _configured(OAuth2CallbackView.adapter_view(UnionOAuth2Adapter))
