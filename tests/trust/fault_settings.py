"""Production settings for the fault tests' gunicorn, with test secrets.

The one difference: static files without the collectstatic manifest (the
tests do not run collectstatic; pages and the 503 page load static paths).
"""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
