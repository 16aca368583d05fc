"""Courses' part in the privacy rights (registered in `CoursesConfig.ready`).

Progress and certificates are exported as rows; erasing the account deletes
them through the cascades of the user row. Pages carry editors' ids, not
family data.
"""

from __future__ import annotations

from typing import Any

from courses.models import Certificate, LessonCompletion, Reviewer
from portal.privacy_registry import PrivacyProvider, row

# The models whose rows point at a person, in the order the export lists them.
_PER_USER = (Reviewer, LessonCompletion, Certificate)


class CoursesPrivacy(PrivacyProvider):
    app_label = "courses"
    personal_models = frozenset(m._meta.model_name for m in _PER_USER)
    no_personal_data = frozenset({
        "topic", "clinicalreviewtask", "courseindexpage", "modulepage", "lessonpage",
        "searchentry", "searchsynonym",  # editors' synonym groups: words, no person
    })
    export_order = 20

    def export(self, *, user) -> dict[str, Any]:
        progress: dict[str, list[dict]] = {}
        for model in _PER_USER:
            rows = [row(obj) for obj in model.objects.filter(user=user).order_by("pk")]
            if rows:
                progress[model._meta.model_name] = rows
        return {"course_progress": progress}
