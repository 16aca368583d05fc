"""What finishing an approved workflow does (`WAGTAIL_FINISH_WORKFLOW_ACTION`).

Wagtail's default publishes the latest revision with the approver's
permissions. Modules and lessons cannot be published directly by anyone
(`courses.permissions`), so here the approval of the 临床审核 task is the
permission: the approved revision is published, and for a module the
approval is recorded first (reviewer, date, next review date), so the dates
families see are the dates of a real approval. Imported by Wagtail while
the app registry loads: no model imports at module level.
"""

from django.core.exceptions import PermissionDenied


def publish_approved(workflow_state, user=None):
    from wagtail.models import TaskState
    from wagtail.workflows import publish_workflow_state

    from courses import services
    from courses.models import ClinicalReviewTask, LessonPage, ModulePage

    page = workflow_state.content_object
    specific_class = getattr(page, "specific_class", None)
    if specific_class is None or not issubclass(specific_class, ModulePage | LessonPage):
        return publish_workflow_state(workflow_state, user=user)
    approval = (
        TaskState.objects.filter(
            workflow_state=workflow_state, status=TaskState.STATUS_APPROVED,
            task__in=ClinicalReviewTask.objects.all(),
        )
        .select_related("finished_by").order_by("-finished_at").first()
    )
    if approval is None:
        # A workflow without the 临床审核 task cannot put course pages live.
        raise PermissionDenied
    revision = page.get_latest_revision()
    if issubclass(specific_class, ModulePage):
        revision = services.module_review_record(
            revision=revision, approver=approval.finished_by,
            approved_at=approval.finished_at,
        )
    revision.publish(user=user, skip_permission_checks=True)
