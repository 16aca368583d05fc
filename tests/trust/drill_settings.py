"""Settings of the restore drill's `manage.py` runs: the test settings with
media files on disk (DJANGO_MEDIA_ROOT), so that a backup in one process and
a restore in another see the same files."""

from portal.settings.test import *  # noqa: F403
from portal.settings.test import STORAGES

STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
