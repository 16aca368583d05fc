"""Clinical review: modules go live only after the 临床审核 task approves them."""

import datetime as dt
from http import HTTPStatus

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Workflow, WorkflowPage
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses.models import ModulePage
from courses.services import ensure_clinical_review
from tests.factories import EditorFactory, ModulePageFactory, UserFactory


def with_totp(user):
    """Staff reach the Wagtail admin only with TOTP set up (portal middleware)."""
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def gated_index(course_index):
    ensure_clinical_review(index_page=course_index)
    return course_index


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="clinical reviewers"))
    return user


def test_setup_is_idempotent_and_binds_the_workflow_to_the_library(gated_index):
    ensure_clinical_review(index_page=gated_index)
    workflow = Workflow.objects.get(name="课程临床审核")
    assert WorkflowPage.objects.get(page=gated_index).workflow == workflow
    tasks = [t.specific for t in workflow.tasks]
    assert [t.name for t in tasks] == ["临床审核"]
    assert [g.name for g in tasks[0].groups.all()] == ["clinical reviewers"]


def test_editor_cannot_publish_a_module_directly(gated_index):
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, live=False)
    perms = module.permissions_for_user(editor)
    assert perms.can_edit() is True
    assert perms.can_publish() is False
    assert gated_index.permissions_for_user(editor).can_publish_subpage() is False
    assert perms.can_submit_for_moderation() is True


def test_publish_button_in_the_admin_does_not_make_the_module_live(client, gated_index):
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, live=False, title="待审核的模块")
    client.force_login(with_totp(editor))
    edit_url = f"/admin/pages/{module.pk}/edit/"
    page = client.get(edit_url)
    assert page.status_code == HTTPStatus.OK
    assert 'name="action-publish"' not in page.content.decode()
    assert 'name="action-submit"' in page.content.decode()
    data = nested_form_data({
        "title": "待审核的模块（改）", "slug": module.slug, "topic": module.topic_id,
        "audience": "parents", "age_band": "all", "summary": "简介",
        "estimated_minutes": 20, "body": streamfield([]),
        "comments": inline_formset([]), "action-publish": "action-publish",
    })
    response = client.post(edit_url, data)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    module.refresh_from_db()
    assert module.live is False
    assert module.get_latest_revision().as_object().title == "待审核的模块（改）"


def test_module_goes_live_only_when_a_clinical_reviewer_approves(gated_index, reviewer):
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, live=False)
    revision = module.save_revision(user=editor)
    workflow = module.get_workflow()
    assert workflow.name == "课程临床审核"
    state = workflow.start(module, editor)
    module.refresh_from_db()
    assert module.live is False
    task_state = state.current_task_state.specific
    task = task_state.task.specific
    assert task.user_can_access_editor(module, editor) is False
    assert [a[0] for a in task.get_actions(module, editor)] == []
    assert "approve" in [a[0] for a in task.get_actions(module, reviewer)]
    task.on_action(task_state, reviewer, "approve")
    module.refresh_from_db()
    assert module.live is True
    assert module.live_revision_id == revision.pk


def test_reviewer_may_publish_directly(gated_index, reviewer):
    module = ModulePageFactory(parent=gated_index, live=False)
    assert module.permissions_for_user(reviewer).can_publish() is True


def test_review_due_report_lists_overdue_modules_for_editors(client, gated_index):
    today = timezone.localdate()
    overdue = ModulePageFactory(parent=gated_index, title="到期的模块",
                                last_reviewed=today - dt.timedelta(days=400),
                                next_review=today - dt.timedelta(days=3))
    ModulePageFactory(parent=gated_index, title="还没到期的模块")
    client.force_login(with_totp(EditorFactory()))
    response = client.get("/admin/reports/review-due/")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "到期的模块" in html and "还没到期的模块" not in html
    assert f"/admin/pages/{overdue.pk}/edit/" in html
    dashboard = client.get("/admin/").content.decode()
    assert "到期复核的课程" in dashboard and "到期的模块" in dashboard


def test_review_due_report_is_refused_to_families(client, gated_index):
    from tests.factories import FamilyFactory

    client.force_login(FamilyFactory())
    response = client.get("/admin/reports/review-due/")
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def test_overdue_module_page_says_it_is_under_review(client, make_module):
    today = timezone.localdate()
    module = make_module(lessons=1, last_reviewed=today - dt.timedelta(days=400),
                         next_review=today - dt.timedelta(days=1))
    html = client.get(module.url).content.decode()
    assert "正在复核中" in html
    assert "演示审核人" in html and "心理咨询师（演示）" in html
    fresh = make_module(lessons=1)
    assert "正在复核中" not in client.get(fresh.url).content.decode()


def test_next_review_must_follow_last_review(course_index, topic):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    module = ModulePage(title="日期错误", slug="bad-dates", topic=topic, summary="x",
                        last_reviewed=today, next_review=today - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        module.clean()
    assert "下次审核日期应晚于最近审核日期。" in str(exc.value)


def test_create_form_offers_submit_for_review_not_publish(client, gated_index):
    client.force_login(with_totp(EditorFactory()))
    response = client.get(f"/admin/pages/add/courses/modulepage/{gated_index.pk}/")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html
