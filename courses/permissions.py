"""The clinical review gate, enforced in Wagtail's own permission checks.

Modules and lessons go live only through the 临床审核 task of the
课程临床审核 workflow: nobody, superusers included, may publish them
directly, so every text a family reads was approved by a credentialed
reviewer and every module's review dates come from an approval
(`courses.workflows.publish_approved` publishes the approved revision).
Editors may hold `publish_page` site-wide (portal.roles grants it for the
other page types); the course library page itself may be published by
anyone with `publish_page` there. Wagtail's create, edit, bulk, copy,
revert and workflow views all ask `page.permissions_for_user(user)`.
"""

from wagtail.models import PagePermissionTester

CLINICAL_REVIEWERS_GROUP = "clinical reviewers"


class ClinicalReviewPermissionTester(PagePermissionTester):
    """For pages that say `requires_clinical_review` (modules and lessons).

    The page says so itself, so this module needs no import of the models
    (which import it)."""

    def can_publish(self):
        if getattr(self.page, "requires_clinical_review", False):
            return False
        return super().can_publish()

    def can_publish_subpage(self):
        # Every page type below a course page (modules, lessons) is reviewed.
        return False

    # Wagtail derives these from can_publish; they publish nothing.
    def can_set_view_restrictions(self):
        return super().can_publish()

    def can_unschedule(self):
        return super().can_publish()
