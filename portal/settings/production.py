"""Production: gunicorn behind a TLS-terminating proxy, PostgreSQL, Redis.

Refuses to start without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and
FIELD_ENCRYPTION_SALT, and without a real SMS sender (Aliyun, every template
set) unless DJANGO_SMS_DISABLED=1 switches phone sign-in off.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ACCOUNT_RATE_LIMITS,
    ALLOWED_HOSTS,
    REDIS_URL,
    SALT_KEY,
    SECRET_KEY,
    SMS_ALIYUN,
    SMS_BACKEND,
)

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names.")
if not SALT_KEY or any(len(salt) < 16 for salt in SALT_KEY):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_SALT must list the case-encryption salts (comma-separated, "
        "current first), each a random value of at least 16 characters."
    )

DEBUG = False

# --- SMS (portal.sms; README "Phone sign-in and SMS") ------------------------
# Either Aliyun with its keys, signature and a Chinese template for every kind
# of message (a missing one would answer unknown numbers differently from
# known ones), or DJANGO_SMS_DISABLED=1: no phone sign-in or signup at all, no
# SMS sent. Never the console sender, which writes numbers and codes to the log.
if os.environ.get("DJANGO_SMS_DISABLED", "") == "1":
    PHONE_SIGNIN_ENABLED = False
    SMS_BACKEND = "portal.sms.DisabledSender"
    ACCOUNT_LOGIN_METHODS = {"email"}
    ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
    ACCOUNT_PHONE_VERIFICATION_ENABLED = False
    ACCOUNT_RATE_LIMITS = {k: v for k, v in ACCOUNT_RATE_LIMITS.items()
                           if k not in {"sms", "verify_phone"}}
else:
    if SMS_BACKEND != "portal.sms.AliyunSender":
        raise ImproperlyConfigured(
            "DJANGO_SMS_BACKEND must be portal.sms.AliyunSender in production "
            "(or set DJANGO_SMS_DISABLED=1 to switch phone sign-in off)."
        )
    _missing = [name for name, key in (("ALIYUN_SMS_ACCESS_KEY_ID", "access_key_id"),
                                       ("ALIYUN_SMS_ACCESS_KEY_SECRET", "access_key_secret"),
                                       ("ALIYUN_SMS_SIGN_NAME", "sign_name"))
                if not SMS_ALIYUN[key].strip()]
    _missing += [f"ALIYUN_SMS_TEMPLATE_{kind.upper()}"
                 for kind, codes in SMS_ALIYUN["templates"].items()
                 if not codes["zh-hans"].strip()]
    if _missing:
        raise ImproperlyConfigured(
            "Aliyun SMS is not fully configured; missing: " + ", ".join(_missing)
            + " (or set DJANGO_SMS_DISABLED=1 to switch phone sign-in off)."
        )

if not REDIS_URL:
    # Each gunicorn worker would keep its own copy of a session in local
    # memory: signing out on one worker would leave it live on the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
# /healthz and /readyz are probed over plain HTTP by the load balancer and the
# benchmarks.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# --- Operations (portal.ops) ------------------------------------------------
# Proxies in front that append to X-Forwarded-For: the client address for
# allauth's rate limits and the /metrics address list (portal.ops.metrics).
# One setting for both, also the per-IP "sms" limit; or the header a single
# proxy sets to the client address (e.g. X-Real-IP), when it sets one.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if os.environ.get("DJANGO_TRUSTED_CLIENT_IP_HEADER", "").strip():
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ["DJANGO_TRUSTED_CLIENT_IP_HEADER"].strip()
# Prometheus scrapes /metrics over the internal network, often plain HTTP.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]
# Only the addresses listed here (none by default: the bearer token then), since
# behind a proxy on this machine that sends no X-Forwarded-For every visitor
# would look like loopback; and the token only over HTTPS, where it cannot be
# read on the way.
METRICS_ALLOWED_IPS = [a.strip() for a in os.environ.get("METRICS_ALLOWED_IPS", "").split(",")
                       if a.strip()]
METRICS_TOKEN_HTTPS_ONLY = os.environ.get("METRICS_TOKEN_HTTPS_ONLY", "1") == "1"
# A backup anyone holding the files could read is refused (the GPG public key
# makes them unreadable on the server itself).
BACKUP_REQUIRE_ENCRYPTION = os.environ.get("BACKUP_ALLOW_UNENCRYPTED", "") != "1"
# seed_demo creates accounts with published passwords (a supervisor reads every
# case): never on a production database unless asked for by name.
SEED_DEMO_ALLOWED = os.environ.get("DJANGO_ALLOW_DEMO_DATA", "") == "1"
# One JSON object a line on stderr, each with the request id, personal data
# scrubbed (portal.ops.logs); DJANGO_LOG_FORMAT=plain for a terminal.
if os.environ.get("DJANGO_LOG_FORMAT", "json") == "json":
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "portal.ops.logs.RequestIdFilter"}},
        "formatters": {"json": {
            "()": "portal.ops.logs.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                 "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {"portal": {"level": "INFO"}, "bookings": {"level": "INFO"},
                    # Django's own handlers would write a second, plain line.
                    "django": {"handlers": ["console"], "level": "INFO",
                               "propagate": False}},
    }
