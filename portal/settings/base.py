"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import from here and
override. Everything that differs between deployments comes from the
environment, never from the repository.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# Former keys, newest first (comma-separated): sessions, signed links and the
# case narratives written under them still read after a key change.
SECRET_KEY_FALLBACKS = [
    k.strip() for k in os.environ.get("DJANGO_SECRET_KEY_FALLBACKS", "").split(",")
    if k.strip()
]
# Salts of the keys that encrypt case narratives at rest
# (django-fernet-encrypted-fields derives one key per SECRET_KEY x salt). The
# first encrypts; the others only decrypt, so a salt is rotated by putting a
# new one first. Dev and test settings fix a value; production requires one.
SALT_KEY = [
    s.strip() for s in os.environ.get("FIELD_ENCRYPTION_SALT", "").split(",")
    if s.strip()
]
DEBUG = False
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()
]

INSTALLED_APPS = [
    "portal",
    "courses",
    "network",
    "bookings",
    "cases",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "phonenumber_field",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "dbbackup",
    # django.contrib.admin with a superuser-only site (portal.admin_site).
    "portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "portal.middleware.HealthzMiddleware",
    # Operations (portal.ops): below the probe, so /healthz and /readyz cost
    # nothing more; above everything else, so replays are measured and logged.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "portal.ops.logs.RequestIdMiddleware",
    # 400 for a NUL byte in the path or query (PostgreSQL refuses it in text).
    "portal.middleware.NulByteGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    # Cache-Control: no-store, private on every answer with personal data; above
    # the fast paths below so their replays pass through it too.
    "portal.middleware.NoStoreMiddleware",
    # The one fast path (portal.cache): calendar feeds, repeated API slot
    # searches and anonymous pages answered before sessions, locale, CSRF,
    # auth and routing; security headers come from SecurityMiddleware above,
    # CSP/X-Frame-Options are stored with what is replayed.
    "portal.cache.ReplayMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Django's empty 405s as the site's framed page (not for the JSON API).
    "portal.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffMFAMiddleware",
    # The signed-in user as the author of case-record history rows.
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Per-view request metrics of the full path (replays never reach it).
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.site_shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default; DATABASE_URL (postgres://...) selects PostgreSQL.
# On SQLite, IMMEDIATE transactions take the write lock at BEGIN, which
# serialises concurrent booking writers (see PITFALLS.md).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "weiai",
            "OPTIONS": {
                # A miss while Redis is away, logged once (portal.cache).
                "CLIENT_CLASS": "portal.cache.OutageTolerantClient",
                # Local Redis answers in well under a millisecond: a second
                # means it is gone, and the site should go on without it.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1.0,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "weiai",
        }
    }
# The per-process store's byte budget (portal.cache), per worker.
CACHE_LOCAL_BYTES = 64 * 1024 * 1024
# Signed-in pages replayed to the same session while nothing was written
# (portal.cache.PersonalReplayer); False turns it off.
CACHE_PERSONAL_REPLAY = True
# Sessions read from the cache, written through to the database: a signed-in
# request costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
# Django's and allauth's backends, loading the user with its roles and TOTP
# flag in one query.
AUTHENTICATION_BACKENDS = [
    "portal.auth_backends.RoleModelBackend",
    "portal.auth_backends.RoleAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:account"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Email or a mainland mobile number (portal.account_forms.SignupForm asks for
# one of the two; "email*" stays for allauth's check, the form relaxes it).
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupConsentForm"
# Same work (one password hash) for a known email as for a new one.
# The login form links to sign-in by code when password sign-in is paused.
ACCOUNT_FORMS = {"signup": "portal.account_forms.SignupForm",
                 "login": "portal.account_forms.LoginForm",
                 "request_login_code": "portal.account_forms.RequestLoginCodeForm"}
# Five wrong passwords (from anyone) pause password sign-in for an email; the
# owner can still sign in with a code sent to that email. Staff with TOTP
# still give their TOTP code afterwards (allauth's MFA login stage).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/m/ip",
    # Codes by email: enough for the owner, not a mail bomb.
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "3/m/key",
    "change_password": "5/m/user",
    "change_email": "3/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # Every SMS a visitor's request sends (codes, "no account" notices), per
    # number as carriers and Aliyun allow, and per IP loose enough for a
    # school's or a mobile carrier's shared address (portal.adapters).
    "sms": "1/m/key,5/h/key,10/d/key,3/m/ip,15/h/ip,30/d/ip",
    # allauth's own check raises (a 500 at signup) where "sms" shows a message;
    # loose enough that "sms" always answers first.
    "verify_phone": "10/m/key,30/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "【未愛小屋】"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "未愛小屋"

# Staff (counsellor, coordinator, editor) sessions end after 30 idle minutes;
# every session ends after 12 hours whatever the activity (ASVS V3.3).
STAFF_IDLE_TIMEOUT_SECONDS = 30 * 60
# Paths (after any language prefix) that station staff reach only with TOTP
# set up (portal.middleware.StaffMFAMiddleware). Areas added later go here.
STAFF_AREA_PREFIXES = [
    "/admin/",
    "/django-admin/",
    "/bookings/counsellor/",
    "/bookings/coordinator/",
    "/account/privacy/access-log/",
    "/cases/",
]
SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# --- Backups (portal.ops.backup, `manage.py backup`) ------------------------
# Written to BACKUP_DIR, or to an S3-compatible bucket when BACKUP_S3_BUCKET is
# set (needs the `s3` extra: django-storages). Never inside MEDIA_ROOT: the
# media backup would archive the backups.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
if os.environ.get("BACKUP_S3_BUCKET"):
    BACKUP_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["BACKUP_S3_BUCKET"],
            "endpoint_url": os.environ.get("BACKUP_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("BACKUP_S3_REGION") or None,
            "access_key": os.environ.get("BACKUP_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("BACKUP_S3_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("BACKUP_S3_PREFIX", "weiai-backups"),
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    BACKUP_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BACKUP_DIR), "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700},
    }
STORAGES["dbbackup"] = BACKUP_STORAGE
# Rotation (portal.ops.backup_rotation): the newest backup of each of the last
# N days that have one, and of each of the last M ISO weeks.
BACKUP_KEEP_DAILY = int(os.environ.get("BACKUP_KEEP_DAILY", "14"))
BACKUP_KEEP_WEEKLY = int(os.environ.get("BACKUP_KEEP_WEEKLY", "8"))
# Encryption: the armored GPG *public* key (or a file holding it) and its
# fingerprint. The private key stays offline (README, "Backups").
BACKUP_GPG_PUBLIC_KEY = os.environ.get("BACKUP_GPG_PUBLIC_KEY", "")
BACKUP_GPG_PUBLIC_KEY_FILE = os.environ.get("BACKUP_GPG_PUBLIC_KEY_FILE", "")
DBBACKUP_GPG_RECIPIENT = os.environ.get("BACKUP_GPG_RECIPIENT", "") or None
# The keyring is made for one run and holds only that key.
DBBACKUP_GPG_ALWAYS_TRUST = True
DBBACKUP_SEND_EMAIL = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ------------------------------------------------------------------
# Every email goes through portal.mail (Auto-Submitted, the site's Message-ID),
# which delivers with EMAIL_DELIVERY_BACKEND.
EMAIL_BACKEND = "portal.mail.EmailBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "未愛小屋 <noreply@weiai.example.cn>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -------------------------------------------------------
# Emails and reminders are rows in the database until a worker has sent them,
# so a crash or restart loses none. Worker: `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Wagtail ----------------------------------------------------------------
WAGTAIL_SITE_NAME = "未愛小屋"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000")
SITE_BASE_URL = WAGTAILADMIN_BASE_URL
# The iCalendar UID domain; opaque and stable for the life of a deployment.
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "weiai.example.cn")
# Calendar feeds, per hour: requests per feed secret; per client IP, unknown-secret
# lookups and public workshop feed requests (bookings.feeds.rate_limits).
CALENDAR_FEED_RATE_PER_SECRET = int(os.environ.get("CALENDAR_FEED_RATE_PER_SECRET", "120"))
CALENDAR_FEED_RATE_PER_IP = int(os.environ.get("CALENDAR_FEED_RATE_PER_IP", "600"))
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "vtt", "srt", "mp3", "m4a", "mp4", "docx", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []  # every document downloads
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.uploads.HardenedImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Course modules and lessons go live only through clinical review; approving
# it records the review and publishes (courses.workflows).
WAGTAIL_FINISH_WORKFLOW_ACTION = "courses.workflows.publish_approved"

# --- Security headers (every environment) --------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https://player.bilibili.com", "https://v.qq.com"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Privacy: how long booking details and intake answers are kept before the
# retention command anonymises them (SiteSettings can shorten it).
PRIVACY_NOTICE_VERSION = "2026-11"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"portal": {"level": "INFO"}, "bookings": {"level": "INFO"}},
}

# Phone numbers (django-phonenumber-field): mainland China unless written with
# a country code; stored in E.164.
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DB_FORMAT = "E164"

# --- WeChat sign-in (portal.weixin) -------------------------------------------
# allauth's socialaccount with one provider, "weixin", keyed by unionid. Each
# flow has its own app, configured only when both of its variables are set:
#   WEIXIN_WEB_APP_ID / WEIXIN_WEB_APP_SECRET  Open Platform website app (QR code)
#   WEIXIN_MP_APP_ID / WEIXIN_MP_APP_SECRET    Official Account (in-WeChat browser)
# With neither, the sign-in page shows no WeChat button and its URLs answer 404.
INSTALLED_APPS += ["allauth.socialaccount", "portal.weixin"]
SOCIALACCOUNT_ADAPTER = "portal.weixin.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "portal.weixin.forms.SocialSignupForm"}
# Never an account without the family seeing the privacy consent first.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "weixin": {
        "APPS": [
            {"client_id": os.environ[f"WEIXIN_{prefix}_APP_ID"],
             "secret": os.environ[f"WEIXIN_{prefix}_APP_SECRET"],
             "settings": {"flow": flow}}
            for flow, prefix in (("web", "WEB"), ("mp", "MP"))
            if os.environ.get(f"WEIXIN_{prefix}_APP_ID")
            and os.environ.get(f"WEIXIN_{prefix}_APP_SECRET")
        ]
    }
}
# WeChat's endpoints: authorize pages, and the code exchange and userinfo API.
WEIXIN_OPEN_BASE_URL = "https://open.weixin.qq.com"
WEIXIN_API_BASE_URL = "https://api.weixin.qq.com"
if SOCIALACCOUNT_PROVIDERS["weixin"]["APPS"]:
    # The sign-in form posts here and is redirected to WeChat's page.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(WEIXIN_OPEN_BASE_URL)

# Phone sign-in and SMS (portal.sms). Codes: 5 minutes, single use, 3 tries.
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 5 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
SMS_BACKEND = os.environ.get("DJANGO_SMS_BACKEND", "portal.sms.ConsoleSender")
# False: no phone sign-in or signup (production's DJANGO_SMS_DISABLED=1).
PHONE_SIGNIN_ENABLED = True
SMS_ALIYUN = {
    "access_key_id": os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", ""),
    "access_key_secret": os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", ""),
    "sign_name": os.environ.get("ALIYUN_SMS_SIGN_NAME", ""),
    "endpoint": os.environ.get("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com"),
    "connect_timeout_ms": int(os.environ.get("ALIYUN_SMS_CONNECT_TIMEOUT_MS", "3000")),
    "read_timeout_ms": int(os.environ.get("ALIYUN_SMS_READ_TIMEOUT_MS", "5000")),
    # Template codes by kind (portal.sms.Kind) and language; English falls back
    # to Chinese: ALIYUN_SMS_TEMPLATE_CODE, ALIYUN_SMS_TEMPLATE_CODE_EN, ...
    "templates": {
        kind: {
            "zh-hans": os.environ.get(f"ALIYUN_SMS_TEMPLATE_{kind.upper()}", ""),
            "en": os.environ.get(f"ALIYUN_SMS_TEMPLATE_{kind.upper()}_EN", ""),
        }
        for kind in ("code", "no_account", "account_exists", "reminder", "callback")
    },
}

# --- Operations (portal.ops; README "Operating the platform") ---------------
# /metrics: these addresses or networks, or `Authorization: Bearer` with
# METRICS_BEARER_TOKEN; 403 for anyone else. Behind a proxy the client address
# is what ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER say.
METRICS_ALLOWED_IPS = [
    a.strip() for a in os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",")
    if a.strip()
]
METRICS_BEARER_TOKEN = os.environ.get("METRICS_BEARER_TOKEN", "")
METRICS_TOKEN_HTTPS_ONLY = False
BACKUP_REQUIRE_ENCRYPTION = False
# Demo data (published passwords): development and tests; production refuses.
SEED_DEMO_ALLOWED = True
# The status page (/staff/status/) is a staff area: TOTP first.
STAFF_AREA_PREFIXES = [*STAFF_AREA_PREFIXES, "/staff/"]
# The deployed commit, shown on the status page and sent with error reports.
APP_GIT_COMMIT = os.environ.get("GIT_COMMIT", "")[:40]
# Error reports to Sentry or a self-hosted GlitchTip when SENTRY_DSN is set,
# personal data scrubbed before anything leaves (portal.ops.sentry).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from portal.ops.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
                release=APP_GIT_COMMIT)
