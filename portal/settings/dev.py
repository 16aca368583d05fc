"""Local development: debug pages, an insecure fixed key; mail printed to the
console unless an SMTP host is given; links to the address `make run` serves."""

import os

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, BACKUP_STORAGE, SALT_KEY, SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"  # noqa: S105
SALT_KEY = SALT_KEY or ["dev-only-field-salt"]

# `make run HOST=… PORT=…` passes its address as DJANGO_DEV_HOST/DJANGO_DEV_PORT
# (not HOST, which some shells set to the machine's name).
DEV_HOST = os.environ.get("DJANGO_DEV_HOST", "") or "127.0.0.1"
DEV_PORT = os.environ.get("DJANGO_DEV_PORT", "") or "8000"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
# A bind-all address is served on, never linked to: links use loopback.
_link_host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(DEV_HOST, DEV_HOST)  # noqa: S104 # nosec B104
if ":" in _link_host:
    _link_host = f"[{_link_host}]"
if _link_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, _link_host]
# Emailed links must open the site being served; SITE_BASE_URL, when set, wins
# (a tunnel or a proxy in front of runserver).
SITE_BASE_URL = os.environ.get("SITE_BASE_URL") or f"http://{_link_host}:{DEV_PORT}"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL

# SMTP when DJANGO_EMAIL_HOST is given (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS come from the environment, see base);
# otherwise every email is printed where `make run` runs.
EMAIL_DELIVERY_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("DJANGO_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "dbbackup": BACKUP_STORAGE,
}
