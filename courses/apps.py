from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("培训课程")

    def ready(self):
        from courses import caching, signals  # noqa: F401  (connects the receivers)

        caching.register()
        if _under_gunicorn():
            # Load jieba's dictionary (1-2 s) at worker start, not in the first
            # search; with `gunicorn --preload` the workers share one copy.
            from courses.search.segmentation import _ensure_jieba

            _ensure_jieba()


def _under_gunicorn() -> bool:
    import os
    import sys

    return os.path.basename(sys.argv[0] or "").startswith("gunicorn")
