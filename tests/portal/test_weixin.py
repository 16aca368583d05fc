"""WeChat sign-in, QR code and in-WeChat browser, against a fake WeChat on loopback.

The fake server answers WeChat's authorize pages (by sending the browser back
with a code, as WeChat does once the person has agreed), the code exchange and
userinfo, with responses shaped like WeChat's own (recorded, ids replaced).
"""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.test import Client
from django.urls import reverse

from bookings.models import Booking
from portal import privacy, privacy_export
from portal.models import Consent, DataExport, FamilyProfile, Role, User
from tests.bookings.test_views_family import _details, book_url
from tests.bookings.web_setup import day_ahead, local, working_counsellor
from tests.factories import ChildFactory, FamilyFactory, TopicFactory

pytestmark = pytest.mark.django_db

WEB_APP = {"client_id": "wx-web-app", "secret": "web-secret", "settings": {"flow": "web"}}
MP_APP = {"client_id": "wx-mp-app", "secret": "mp-secret", "settings": {"flow": "mp"}}
IN_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2d) NetType/WIFI"
)
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0"

UNIONID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
WEB_OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
MP_OPENID = "oLVPpjqs2BhvzwPj5A-vTYAX3GLc"


def _token(access_token, openid, scope, unionid=None):
    answer = {"access_token": access_token, "expires_in": 7200,
              "refresh_token": f"refresh-{access_token}", "openid": openid, "scope": scope}
    if unionid:
        answer["unionid"] = unionid
    return answer


def _userinfo(openid, unionid=None):
    answer = {"openid": openid, "nickname": "小雨妈妈", "sex": 2, "language": "zh_CN",
              "province": "上海", "city": "浦东新区", "country": "中国",
              "headimgurl": "https://thirdwx.qlogo.cn/mmopen/abc/132", "privilege": []}
    if unionid:
        answer["unionid"] = unionid
    return answer


INVALID_CODE = {"errcode": 40029, "errmsg": "invalid code, rid: 6571f0a2-1c1e2b3f-4d5e6f70"}

# code -> (appid the code belongs to, token answer); access_token -> userinfo answer
CODES = {
    "web-code": ("wx-web-app", _token("AT-web", WEB_OPENID, "snsapi_login", UNIONID)),
    "mp-code": ("wx-mp-app", _token("AT-mp", MP_OPENID, "snsapi_userinfo")),
    "web-code-no-union": ("wx-web-app", _token("AT-web-old", WEB_OPENID, "snsapi_login")),
    "mp-code-no-union": ("wx-mp-app", _token("AT-mp-old", MP_OPENID, "snsapi_userinfo")),
}
PROFILES = {
    "AT-web": _userinfo(WEB_OPENID, UNIONID),
    "AT-mp": _userinfo(MP_OPENID, UNIONID),  # snsapi_userinfo: unionid in userinfo only
    "AT-web-old": _userinfo(WEB_OPENID),
    "AT-mp-old": _userinfo(MP_OPENID),
    "AT-broken": INVALID_CODE,
}
CODES["userinfo-fails"] = ("wx-web-app", _token("AT-broken", WEB_OPENID, "snsapi_login"))


class FakeWeChat(BaseHTTPRequestHandler):
    """WeChat's authorize pages, code exchange and userinfo; one code per use."""

    next_code = "web-code"
    requests: list

    def log_message(self, *args):
        pass

    def _json(self, payload):
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        # As WeChat: UTF-8 JSON served as text/plain without a charset.
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append((url.path, query))
        if url.path in ("/connect/qrconnect", "/connect/oauth2/authorize"):
            back = f"{query['redirect_uri']}&" + urlencode(
                {"code": type(self).next_code, "state": query.get("state", "")})
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", back)
            self.end_headers()
        elif url.path == "/sns/oauth2/access_token":
            appid, answer = CODES.get(query.get("code"), (None, INVALID_CODE))
            self._json(answer if appid == query.get("appid") else INVALID_CODE)
        elif url.path == "/sns/userinfo":
            self._json(PROFILES.get(query.get("access_token"),
                                    {"errcode": 40001, "errmsg": "invalid credential"}))
        else:
            self.send_error(HTTPStatus.NOT_FOUND)


@pytest.fixture
def wechat(settings):
    """The fake WeChat on 127.0.0.1 with both apps configured."""
    FakeWeChat.requests = []
    FakeWeChat.next_code = "web-code"
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.WEIXIN_OPEN_BASE_URL = base
    settings.WEIXIN_API_BASE_URL = base
    settings.SOCIALACCOUNT_PROVIDERS = {"weixin": {"APPS": [WEB_APP, MP_APP]}}
    yield FakeWeChat
    server.shutdown()
    server.server_close()
    thread.join()


def _browser(agent=DESKTOP) -> Client:
    return Client(HTTP_USER_AGENT=agent)


def _authorize(client, wechat, code):
    """Press the WeChat button, let the fake WeChat agree, follow it back.

    Returns the authorize request WeChat saw and the callback's response.
    """
    wechat.next_code = code
    start = client.post(reverse("weixin_login"))
    assert start.status_code == HTTPStatus.FOUND
    authorize = start["Location"]
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(authorize.split("#")[0])  # noqa: S310 - loopback fake
    except urllib.error.HTTPError as redirect:
        back = redirect.headers["Location"]
    else:
        raise AssertionError("the fake WeChat did not send the browser back")
    parts = urlsplit(back)
    assert parts.netloc == "testserver"
    return authorize, client.get(f"{parts.path}?{parts.query}")


def _wechat_users():
    return User.objects.filter(socialaccount__provider="weixin").distinct()


def _sign_up(client, response, **data):
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("socialaccount_signup")
    return client.post(reverse("socialaccount_signup"),
                       {"guardian_name": "陈女士", "accept_privacy": "on", **data})


# --- the button ------------------------------------------------------------------------


def test_login_page_offers_wechat_when_configured(wechat, site_shell):
    html = _browser().get(reverse("account_login")).content.decode()
    assert f'action="{reverse("weixin_login")}"' in html
    assert "微信登录" in html


def test_login_page_in_english_says_sign_in_with_wechat(wechat, site_shell):
    html = _browser().get("/en/accounts/login/").content.decode()
    assert "Sign in with WeChat" in html


def test_unconfigured_wechat_shows_no_button_and_its_urls_answer_404(settings, site_shell):
    settings.SOCIALACCOUNT_PROVIDERS = {"weixin": {"APPS": []}}
    browser = _browser()
    html = browser.get(reverse("account_login")).content.decode()
    assert "微信登录" not in html
    assert 'action="/accounts/weixin/login/"' not in html
    assert browser.post(reverse("weixin_login")).status_code == HTTPStatus.NOT_FOUND
    callback = reverse("weixin_callback") + "?code=x&state=y"
    assert browser.get(callback).status_code == HTTPStatus.NOT_FOUND


def test_only_the_official_account_configured_shows_wechat_inside_wechat_only(
    wechat, settings, site_shell
):
    settings.SOCIALACCOUNT_PROVIDERS = {"weixin": {"APPS": [MP_APP]}}
    assert "微信登录" not in _browser(DESKTOP).get(reverse("account_login")).content.decode()
    assert _browser(DESKTOP).post(reverse("weixin_login")).status_code == HTTPStatus.NOT_FOUND
    assert "微信登录" in _browser(IN_WECHAT).get(reverse("account_login")).content.decode()


def test_apps_come_from_the_environment_only_in_complete_pairs():
    """Settings read at startup: a pair without its secret configures nothing."""
    env = {**os.environ, "WEIXIN_WEB_APP_ID": "wx-a", "WEIXIN_WEB_APP_SECRET": "s-a",
           "WEIXIN_MP_APP_ID": "wx-b", "WEIXIN_MP_APP_SECRET": ""}
    code = ("import json, portal.settings.base as b; print(json.dumps(["
            "b.SOCIALACCOUNT_PROVIDERS, b.CONTENT_SECURITY_POLICY['DIRECTIVES']"
            "['form-action']]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR,  # noqa: S603
                         capture_output=True, text=True, check=True).stdout
    providers, form_action = json.loads(out)
    assert providers == {"weixin": {"APPS": [
        {"client_id": "wx-a", "secret": "s-a", "settings": {"flow": "web"}}]}}
    # The sign-in form posts to the site, which redirects to WeChat's page.
    assert form_action == ["'self'", "https://open.weixin.qq.com"]


# --- the two flows ---------------------------------------------------------------------


def test_qr_flow_asks_for_the_website_app_and_snsapi_login(wechat, site_shell):
    authorize, _response = _authorize(_browser(DESKTOP), wechat, "web-code")
    url = urlsplit(authorize)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/connect/qrconnect"
    assert (query["appid"], query["scope"], query["response_type"]) == (
        "wx-web-app", "snsapi_login", "code")
    assert query["redirect_uri"] == "http://testserver/accounts/weixin/login/callback/?flow=web"
    assert url.fragment == ""


def test_in_wechat_flow_asks_for_the_official_account_and_snsapi_userinfo(
    wechat, site_shell
):
    authorize, _response = _authorize(_browser(IN_WECHAT), wechat, "mp-code")
    url = urlsplit(authorize)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/connect/oauth2/authorize"
    assert (query["appid"], query["scope"]) == ("wx-mp-app", "snsapi_userinfo")
    assert url.fragment == "wechat_redirect"
    exchange = [q for path, q in wechat.requests if path == "/sns/oauth2/access_token"]
    assert [(q["appid"], q["secret"], q["code"]) for q in exchange] == [
        ("wx-mp-app", "mp-secret", "mp-code")]


def test_wechat_signup_shows_the_consent_and_makes_a_family_without_email(
    wechat, site_shell
):
    browser = _browser()
    _authorize_url, response = _authorize(browser, wechat, "web-code")
    page = browser.get(response["Location"]).content.decode()
    assert "用微信注册家庭账户" in page
    assert 'name="accept_privacy"' in page
    assert 'name="guardian_name"' in page
    assert 'name="email"' not in page
    assert 'name="phone"' not in page

    done = browser.post(reverse("socialaccount_signup"),
                        {"guardian_name": "陈女士", "accept_privacy": "on"})
    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    user = _wechat_users().get()
    assert (user.email, user.phone) == (None, None)
    assert user.has_role(Role.FAMILY)
    assert FamilyProfile.objects.get(user=user).guardian_name == "陈女士"
    consent = Consent.objects.get(user=user, kind=Consent.Kind.PRIVACY_NOTICE)
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("weixin", UNIONID)
    assert account.extra_data == {"openid": WEB_OPENID, "unionid": UNIONID,
                                  "nickname": "小雨妈妈"}
    assert browser.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_wechat_signup_without_the_privacy_consent_makes_no_account(wechat, site_shell):
    users_before = User.objects.count()
    browser = _browser()
    _authorize_url, response = _authorize(browser, wechat, "web-code")
    refused = _sign_up(browser, response, accept_privacy="")
    assert refused.status_code == HTTPStatus.OK
    assert "注册前请阅读并同意隐私政策。" in refused.content.decode()
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_same_person_by_qr_then_inside_wechat_is_one_user(wechat, site_shell):
    users_before = User.objects.count()
    web = _browser(DESKTOP)
    _authorize_url, response = _authorize(web, wechat, "web-code")
    _sign_up(web, response)
    user = _wechat_users().get()

    phone = _browser(IN_WECHAT)
    _authorize_url, response = _authorize(phone, wechat, "mp-code")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert phone.get(reverse("portal:account")).wsgi_request.user == user
    assert _wechat_users().count() == 1
    assert User.objects.count() == users_before + 1
    assert list(SocialAccount.objects.values_list("user", "uid")) == [(user.pk, UNIONID)]


def test_same_person_inside_wechat_then_by_qr_is_one_user(wechat, site_shell):
    users_before = User.objects.count()
    phone = _browser(IN_WECHAT)
    _authorize_url, response = _authorize(phone, wechat, "mp-code")
    _sign_up(phone, response)
    web = _browser(DESKTOP)
    _authorize_url, response = _authorize(web, wechat, "web-code")
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert _wechat_users().count() == 1
    assert User.objects.count() == users_before + 1
    assert SocialAccount.objects.get().uid == UNIONID


def test_account_made_before_unionid_is_linked_and_rekeyed(wechat, site_shell):
    """Keyed by openid (app not yet bound to the Open Platform), then unionid comes."""
    users_before = User.objects.count()
    web = _browser(DESKTOP)
    _authorize_url, response = _authorize(web, wechat, "web-code-no-union")
    _sign_up(web, response)
    user = _wechat_users().get()
    assert SocialAccount.objects.get().uid == WEB_OPENID

    again = _browser(DESKTOP)
    _authorize_url, response = _authorize(again, wechat, "web-code")
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    account = SocialAccount.objects.get()
    assert (account.user, account.uid) == (user, UNIONID)

    phone = _browser(IN_WECHAT)
    _authorize_url, response = _authorize(phone, wechat, "mp-code")
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert _wechat_users().count() == 1
    assert User.objects.count() == users_before + 1


def test_account_keyed_by_openid_with_unionid_on_record_is_found_from_the_other_app(
    wechat, site_shell
):
    """As stock allauth left it: uid = the website app's openid, unionid in extra_data."""
    family = FamilyFactory()
    users_before = User.objects.count()
    SocialAccount.objects.create(user=family, provider="weixin", uid=WEB_OPENID,
                                 extra_data={"openid": WEB_OPENID, "unionid": UNIONID})
    phone = _browser(IN_WECHAT)
    _authorize_url, response = _authorize(phone, wechat, "mp-code")
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert phone.get(reverse("portal:account")).wsgi_request.user == family
    account = SocialAccount.objects.get()
    assert (account.user, account.uid) == (family, UNIONID)
    assert _wechat_users().count() == 1
    assert User.objects.count() == users_before


def test_without_unionid_the_two_apps_cannot_be_linked_and_say_nothing_wrong(
    wechat, site_shell
):
    """Apps not bound to one Open Platform account: each openid is its own account."""
    users_before = User.objects.count()
    phone = _browser(IN_WECHAT)
    _authorize_url, response = _authorize(phone, wechat, "mp-code-no-union")
    _sign_up(phone, response)
    account = SocialAccount.objects.get()
    assert account.uid == MP_OPENID
    again = _browser(IN_WECHAT)
    _authorize_url, response = _authorize(again, wechat, "mp-code-no-union")
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert _wechat_users().count() == 1
    assert User.objects.count() == users_before + 1


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["expired-code", "userinfo-fails"])
def test_wechat_refusing_the_code_shows_a_clear_message_not_an_error(
    wechat, site_shell, code
):
    users_before = User.objects.count()
    browser = _browser()
    _authorize_url, response = _authorize(browser, wechat, code)
    # allauth's answer to a failed third-party sign-in: 401 with the page.
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    html = response.content.decode()
    assert "微信没有确认这次登录" in html
    assert f'href="{reverse("account_login")}"' in html
    assert User.objects.count() == users_before


def test_wechat_refusal_in_english(wechat, site_shell):
    browser = _browser()
    browser.get("/en/accounts/login/")
    wechat.next_code = "expired-code"
    start = browser.post("/en/accounts/weixin/login/")
    assert start.status_code == HTTPStatus.FOUND
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = browser.get("/en/accounts/weixin/login/callback/?"
                           + urlencode({"flow": "web", "code": "expired-code",
                                        "state": state}))
    assert "WeChat did not confirm this sign-in" in response.content.decode()


def test_callback_with_a_forged_state_signs_nobody_in(wechat, site_shell):
    users_before = User.objects.count()
    browser = _browser()
    response = browser.get(reverse("weixin_callback") + "?flow=web&code=web-code&state=forged")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "微信没有确认这次登录" in response.content.decode()
    assert User.objects.count() == users_before
    assert [p for p, _q in wechat.requests if p == "/sns/oauth2/access_token"] == []


# --- a WeChat-only family --------------------------------------------------------------


@pytest.mark.clock
def test_wechat_only_family_books_a_session_and_no_email_is_attempted(
    wechat, site_shell, mailoutbox
):
    browser = _browser(IN_WECHAT)
    _authorize_url, response = _authorize(browser, wechat, "mp-code")
    _sign_up(browser, response)
    family = _wechat_users().get()
    topic = TopicFactory(name="情绪疏导", slug="emotional-guidance")
    counsellor, session_type = working_counsellor(display_name="林晓舟", specialties=[topic])
    child = ChildFactory(family=family.family_profile)
    start = local(day_ahead(), 10)

    response = browser.post(book_url(counsellor, session_type), _details(
        start, step="confirm", child=child.pk, topic=topic.slug))
    booking = Booking.objects.get(family=family)
    assert response["Location"] == reverse("bookings:detail", kwargs={"pk": booking.pk}) \
        + "?new=1"
    assert "预约成功" in browser.get(response["Location"]).content.decode()
    assert all(None not in message.to for message in mailoutbox)


def test_data_export_of_a_wechat_family_names_the_wechat_link(wechat, site_shell):
    browser = _browser()
    _authorize_url, response = _authorize(browser, wechat, "web-code")
    _sign_up(browser, response)
    family = _wechat_users().get()
    data = privacy_export.export_payload(user=family)
    assert [(a["provider"], a["uid"]) for a in data["social_accounts"]] == [
        ("weixin", UNIONID)]


def test_export_of_a_family_without_email_is_built_and_mails_nobody(
    wechat, site_shell, mailoutbox, django_capture_on_commit_callbacks
):
    browser = _browser()
    _authorize_url, response = _authorize(browser, wechat, "web-code")
    _sign_up(browser, response)
    family = _wechat_users().get()
    export = privacy.export_request(user=family)
    with django_capture_on_commit_callbacks(execute=True):
        built = privacy_export.export_build(export_id=export.pk)
    assert built.status == DataExport.Status.READY
    assert mailoutbox == []


def test_connections_page_offers_wechat_once_and_lists_the_linked_account(
    wechat, site_shell
):
    browser = _browser()
    _authorize_url, response = _authorize(browser, wechat, "web-code")
    _sign_up(browser, response)
    page = browser.get(reverse("socialaccount_connections"))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    connect = f"{reverse('weixin_login')}?process=connect"
    assert html.count(f'href="{connect}"') == 1  # one entry for the two apps
    assert "小雨妈妈" in html
    # A link is a GET: it asks before leaving for WeChat (no login CSRF).
    confirm = browser.get(connect)
    assert confirm.status_code == HTTPStatus.OK
    assert "接下来会打开微信的授权页面。" in confirm.content.decode()


def test_wechat_sign_in_keeps_where_the_family_was_going(wechat, site_shell):
    browser = _browser()
    html = browser.get(reverse("account_login") + "?next=/bookings/").content.decode()
    assert '<input type="hidden" name="next" value="/bookings/">' in html
    wechat.next_code = "web-code"
    start = browser.post(reverse("weixin_login"), {"next": "/bookings/"})
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = browser.get(reverse("weixin_callback") + "?" + urlencode(
        {"flow": "web", "code": "web-code", "state": state}))
    done = _sign_up(browser, response)
    assert done["Location"] == "/bookings/"


def test_second_signup_of_the_same_wechat_makes_nothing_and_sends_to_sign_in(
    wechat, site_shell
):
    """A double tap: the first signup finished while the second was on the form."""
    browser = _browser()
    _authorize_url, response = _authorize(browser, wechat, "web-code")
    first = FamilyFactory()
    SocialAccount.objects.create(user=first, provider="weixin", uid=UNIONID)
    users_before = User.objects.count()
    second = _sign_up(browser, response)
    assert second.status_code == HTTPStatus.FOUND
    assert second["Location"] == reverse("account_login")
    page = browser.get(second["Location"]).content.decode()
    assert "这个微信刚刚已经注册了家庭账户，请再用微信登录一次。" in page
    assert User.objects.count() == users_before  # nothing half-saved


def test_a_rekey_racing_another_first_login_signs_in_to_the_account_it_keyed(db):
    """Two first logins at once: the other one keyed an account by this unionid
    a moment ago (simulated by inserting it), so this re-key meets the unique
    key and answers with that account instead of a 500."""
    from portal.weixin import linking

    family = FamilyFactory()
    earlier = SocialAccount.objects.create(user=family, provider="weixin", uid=WEB_OPENID,
                                           extra_data={"openid": WEB_OPENID})
    keyed = SocialAccount.objects.create(user=family, provider="weixin", uid=UNIONID,
                                         extra_data={"unionid": UNIONID})
    account = linking.weixin_account_rekey(account=earlier, uid=UNIONID,
                                           extra_data={"unionid": UNIONID})
    assert (account.pk, account.user) == (keyed.pk, family)
    earlier.refresh_from_db()
    assert earlier.uid == WEB_OPENID
