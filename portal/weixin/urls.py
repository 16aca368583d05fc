from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from portal.weixin.provider import UnionProvider

urlpatterns = default_urlpatterns(UnionProvider)
