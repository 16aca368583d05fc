"""Test settings: fast hashing, in-memory email, tasks queued in the database."""

from .base import *  # noqa: F403
from .base import BACKUP_STORAGE, DATABASES

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
SALT_KEY = ["test-only-field-salt"]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test environment replaces EMAIL_BACKEND with locmem; tests of the
# headers portal.mail adds put it back in front of this.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "dbbackup": BACKUP_STORAGE,
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ""}
ACCOUNT_RATE_LIMITS = False
# Tests serve static files from the finders; no collectstatic, no warning
# about a missing STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
