"""The clinical review gate: the reviewers' group, the 临床审核 task and its workflow.

Binding the workflow to the course library page happens in
`courses.services.ensure_clinical_review` (seed_demo and the
`setup_clinical_review` command), since the page does not exist yet here.
"""

from django.db import migrations

GROUP = "clinical reviewers"
TASK = "临床审核"
WORKFLOW = "课程临床审核"


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    group, _ = Group.objects.get_or_create(name=GROUP)
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(name=TASK, content_type=content_type)
    task.groups.add(group)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task,
                                       defaults={"sort_order": 0})


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_pages_progress_search"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
