"""The clinical review gate, enforced in Wagtail's own permission checks.

Editors may hold `publish_page` site-wide (portal.roles grants it for the
other page types). For modules and lessons, publishing directly also needs
membership of the "clinical reviewers" group; everyone else submits to the
临床审核 workflow, whose approval publishes. Wagtail's create, edit, bulk
and workflow views all ask `page.permissions_for_user(user)`.
"""

from wagtail.models import PagePermissionTester

CLINICAL_REVIEWERS_GROUP = "clinical reviewers"


def is_clinical_reviewer(user) -> bool:
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_courses_is_reviewer"):
        user._courses_is_reviewer = user.groups.filter(
            name=CLINICAL_REVIEWERS_GROUP
        ).exists()
    return user._courses_is_reviewer


class ClinicalReviewPermissionTester(PagePermissionTester):
    def can_publish(self):
        from courses.models import LessonPage, ModulePage

        allowed = super().can_publish()
        if allowed and isinstance(self.page, ModulePage | LessonPage):
            return is_clinical_reviewer(self.user)
        return allowed

    def can_publish_subpage(self):
        allowed = super().can_publish_subpage()
        return allowed and is_clinical_reviewer(self.user)
