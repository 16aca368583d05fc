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
                        "FIELD_ENCRYPTION_SALT",
                        # set by tests/browser/conftest.py for Playwright; a deploy
                        # check rightly refuses it
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_overrides)
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    env.setdefault("FIELD_ENCRYPTION_SALT", GOOD_SALT)
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
