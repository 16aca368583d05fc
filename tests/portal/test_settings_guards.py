"""Production settings refuse to start misconfigured and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Q7x!9vPz#2mLr$8sTf@4hWn&6jBc*0dYe"  # 53 chars, varied
GOOD_SALT = "s4Lt-9vPz#2mLr$8sTf"
IMPORT = "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"


def _run(args, **env_overrides):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                        "FIELD_ENCRYPTION_SALT", "DJANGO_SMS_BACKEND", "DJANGO_SMS_DISABLED",
                        # set by tests/browser/conftest.py for Playwright; a deploy
                        # check rightly refuses it
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_overrides)
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    env.setdefault("FIELD_ENCRYPTION_SALT", GOOD_SALT)
    if not any(k.startswith(("ALIYUN_SMS_", "DJANGO_SMS_")) for k in env_overrides):
        env["DJANGO_SMS_DISABLED"] = "1"
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("env", "message"),
    [({}, "DJANGO_SECRET_KEY must be set"),
     ({"DJANGO_ALLOWED_HOSTS": "weiai.example.cn"}, "DJANGO_SECRET_KEY must be set"),
     ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "weiai.example.cn"},
      "at least 50 characters"),
     ({"DJANGO_SECRET_KEY": GOOD_KEY}, "DJANGO_ALLOWED_HOSTS must list"),
     ({"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": " , "},
      "DJANGO_ALLOWED_HOSTS must list"),
     ({"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "weiai.example.cn",
       "FIELD_ENCRYPTION_SALT": " , "}, "FIELD_ENCRYPTION_SALT must list"),
     ({"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "weiai.example.cn",
       "FIELD_ENCRYPTION_SALT": "short"}, "FIELD_ENCRYPTION_SALT must list")],
)
def test_production_settings_refuse_to_import_without_key_and_hosts(env, message):
    result = _run(["-c", IMPORT], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_import_with_key_and_hosts():
    result = _run(["-c", IMPORT], DJANGO_SECRET_KEY=GOOD_KEY,
                  DJANGO_ALLOWED_HOSTS="weiai.example.cn,www.weiai.example.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_check_deploy_is_clean():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="weiai.example.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_security_settings():
    code = (
        "import django; from django.conf import settings as s; django.setup();"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY,"
        " s.CSRF_TRUSTED_ORIGINS)"
    )
    result = _run(["-c", code], DJANGO_SECRET_KEY=GOOD_KEY,
                  DJANGO_ALLOWED_HOSTS="weiai.example.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "31536000 True True True True same-origin ['https://weiai.example.cn']"
    )


def test_responses_carry_security_headers(client, site_shell):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(("redis_url", "engine"), [
    ("", "django.contrib.sessions.backends.db"),
    ("redis://127.0.0.1:6379/9", "django.contrib.sessions.backends.cached_db"),
])
def test_production_keeps_sessions_in_the_database_only_without_redis(redis_url, engine):
    """Without a shared cache, a session copy in one worker's memory would
    outlive a sign-out on another worker."""
    code = ("import django; from django.conf import settings as s; django.setup();"
            "print(s.SESSION_ENGINE)")
    result = _run(["-c", code], DJANGO_SECRET_KEY=GOOD_KEY,
                  DJANGO_ALLOWED_HOSTS="weiai.example.cn", REDIS_URL=redis_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == engine


GOOD = {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "weiai.example.cn"}
KINDS = ("CODE", "NO_ACCOUNT", "ACCOUNT_EXISTS", "REMINDER", "CALLBACK")
ALIYUN = {"DJANGO_SMS_BACKEND": "portal.sms.AliyunSender",
          "ALIYUN_SMS_ACCESS_KEY_ID": "LTAI-test", "ALIYUN_SMS_ACCESS_KEY_SECRET": "secret",
          "ALIYUN_SMS_SIGN_NAME": "未愛小屋",
          **{f"ALIYUN_SMS_TEMPLATE_{kind}": f"SMS_{n}" for n, kind in enumerate(KINDS)}}
SMS_SETTINGS = ("import django; from django.conf import settings as s; django.setup();"
                "print(s.SMS_BACKEND, sorted(s.ACCOUNT_LOGIN_METHODS),"
                " 'phone' in str(s.ACCOUNT_SIGNUP_FIELDS), s.PHONE_SIGNIN_ENABLED)")


@pytest.mark.parametrize(("env", "message"), [
    ({}, "DJANGO_SMS_BACKEND must be portal.sms.AliyunSender"),
    ({"DJANGO_SMS_BACKEND": "portal.sms.ConsoleSender"},
     "DJANGO_SMS_BACKEND must be portal.sms.AliyunSender"),
    ({**ALIYUN, "ALIYUN_SMS_ACCESS_KEY_SECRET": ""}, "missing: ALIYUN_SMS_ACCESS_KEY_SECRET"),
    # Without the "no account" template an unknown number would get "not sent"
    # where a known one gets "code sent".
    ({**ALIYUN, "ALIYUN_SMS_TEMPLATE_NO_ACCOUNT": ""}, "missing: ALIYUN_SMS_TEMPLATE_NO_ACCOUNT"),
    ({**ALIYUN, "ALIYUN_SMS_TEMPLATE_REMINDER": " "}, "missing: ALIYUN_SMS_TEMPLATE_REMINDER"),
])
def test_production_refuses_to_start_without_a_complete_sms_sender(env, message):
    result = _run(["-c", IMPORT], **GOOD, DJANGO_SMS_DISABLED="", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_starts_with_aliyun_fully_configured():
    result = _run(["-c", SMS_SETTINGS], **GOOD, **ALIYUN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "portal.sms.AliyunSender ['email', 'phone'] True True"


def test_production_with_sms_disabled_has_no_phone_sign_in():
    result = _run(["-c", SMS_SETTINGS], **GOOD, DJANGO_SMS_DISABLED="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "portal.sms.DisabledSender ['email'] False False"


def test_production_reads_the_proxy_settings_from_the_environment():
    code = ("import django; from django.conf import settings as s; django.setup();"
            "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)")
    result = _run(["-c", code], **GOOD, DJANGO_TRUSTED_PROXY_COUNT="1",
                  DJANGO_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 X-Real-IP"


@pytest.mark.django_db
def test_without_phone_sign_in_the_account_page_offers_no_number(client, site_shell, settings):
    from tests.factories import FamilyFactory

    settings.PHONE_SIGNIN_ENABLED = False
    client.force_login(FamilyFactory())
    page = client.get("/account/").content.decode()
    assert "添加手机号码" not in page
    settings.PHONE_SIGNIN_ENABLED = True
    assert "添加手机号码" in client.get("/account/").content.decode()
