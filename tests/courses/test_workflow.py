"""Clinical review: modules go live only after the 临床审核 task approves them,
and the approval records who reviewed them and when."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import Workflow, WorkflowPage
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses.models import ClinicalReviewTask, ModulePage
from courses.services import ensure_clinical_review
from tests.factories import (
    EditorFactory,
    LessonPageFactory,
    ModulePageFactory,
    ReviewerFactory,
    UserFactory,
)

pytestmark = pytest.mark.clock

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def with_totp(user):
    """Staff reach the Wagtail admin only with TOTP set up (portal middleware)."""
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def gated_index(course_index):
    ensure_clinical_review(index_page=course_index)
    return course_index


def _reviewer_account(**record):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="clinical reviewers"))
    ReviewerFactory(user=user, **record)
    return user


@pytest.fixture
def reviewer(db):
    return _reviewer_account(name="王医生", credential="精神科主治医师",
                             registration_number="110310000012345",
                             organisation="某区精神卫生中心")


def _submit(page, editor):
    page.save_revision(user=editor)
    state = page.get_workflow().start(page, editor)
    return state.current_task_state.specific


def _approve(page, editor, reviewer):
    task_state = _submit(page, editor)
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    page.refresh_from_db()
    return page


def test_setup_is_idempotent_and_binds_the_workflow_to_the_library(gated_index):
    ensure_clinical_review(index_page=gated_index)
    workflow = Workflow.objects.get(name="课程临床审核")
    assert WorkflowPage.objects.get(page=gated_index).workflow == workflow
    tasks = [t.specific for t in workflow.tasks]
    assert [t.name for t in tasks] == ["临床审核"]
    assert isinstance(tasks[0], ClinicalReviewTask)
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
        "estimated_minutes": 20, "body": streamfield([]), "references": streamfield([]),
        "comments": inline_formset([]), "action-publish": "action-publish",
    })
    response = client.post(edit_url, data)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    module.refresh_from_db()
    assert module.live is False
    assert module.get_latest_revision().as_object().title == "待审核的模块（改）"


def test_module_goes_live_only_when_a_clinical_reviewer_approves(gated_index, reviewer):
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, live=False, title="待审核的模块")
    task_state = _submit(module, editor)
    assert module.get_workflow().name == "课程临床审核"
    module.refresh_from_db()
    assert module.live is False
    task = task_state.task.specific
    assert task.user_can_access_editor(module, editor) is False
    assert [a[0] for a in task.get_actions(module, editor)] == []
    assert "approve" in [a[0] for a in task.get_actions(module, reviewer)]
    task.on_action(task_state, reviewer, "approve")
    module.refresh_from_db()
    assert module.live is True
    assert module.title == "待审核的模块"
    assert module.live_revision.user == reviewer


def test_approval_records_the_reviewer_and_dates_from_the_approval(gated_index, reviewer):
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, live=False, reviewer=None,
                               last_reviewed=None, next_review=None)
    # 07:30 in Shanghai is still 31 January in UTC.
    with time_machine.travel(dt.datetime(2026, 2, 1, 7, 30, tzinfo=SHANGHAI), tick=False):
        _approve(module, editor, reviewer)
    assert module.reviewer.user == reviewer
    assert module.last_reviewed == dt.date(2026, 2, 1)
    assert module.next_review == dt.date(2027, 2, 1)  # normal cycle: 12 months


def test_crisis_content_gets_the_shorter_cycle_from_site_settings(gated_index, reviewer):
    from portal.models import SiteSettings

    settings = SiteSettings.objects.get()
    assert settings.crisis_review_months == 3
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, live=False, is_crisis_content=True)
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        _approve(module, editor, reviewer)
        assert (module.last_reviewed, module.next_review) == (
            dt.date(2026, 11, 30), dt.date(2027, 2, 28))
        settings.crisis_review_months = 1
        settings.save()
        _approve(module, editor, reviewer)
        assert module.next_review == dt.date(2026, 12, 30)


def test_editors_cannot_set_review_dates_or_the_reviewer(client, gated_index):
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, live=False)
    client.force_login(with_totp(editor))
    html = client.get(f"/admin/pages/{module.pk}/edit/").content.decode()
    assert 'name="is_crisis_content"' in html
    for field in ("last_reviewed", "next_review", "reviewer"):
        assert f'name="{field}"' not in html


def test_lesson_approval_publishes_it_and_leaves_the_module_dates(gated_index, reviewer):
    editor = EditorFactory()
    module = ModulePageFactory(parent=gated_index, last_reviewed=dt.date(2026, 1, 5),
                               next_review=dt.date(2027, 1, 5))
    module.save_revision().publish()
    lesson = LessonPageFactory(parent=module, live=False)
    _approve(lesson, editor, reviewer)
    assert lesson.live is True
    module.refresh_from_db()
    assert (module.last_reviewed, module.next_review) == (
        dt.date(2026, 1, 5), dt.date(2027, 1, 5))


def test_group_member_without_a_reviewer_record_cannot_approve(gated_index):
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name="clinical reviewers"))
    module = ModulePageFactory(parent=gated_index, live=False)
    task_state = _submit(module, EditorFactory())
    task = task_state.task.specific
    assert [a[0] for a in task.get_actions(module, member)] == ["reject"]
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, member, "approve")
    module.refresh_from_db()
    assert module.live is False


def test_nobody_publishes_course_pages_directly(gated_index, reviewer):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    module = ModulePageFactory(parent=gated_index, live=False)
    lesson = LessonPageFactory(parent=module, live=False)
    for user in (reviewer, superuser):
        for page in (module, lesson):
            perms = page.permissions_for_user(user)
            assert perms.can_publish() is False
            assert perms.can_submit_for_moderation() is True
        assert gated_index.permissions_for_user(user).can_publish_subpage() is False
    assert gated_index.permissions_for_user(reviewer).can_publish() is True


def test_approving_in_the_admin_publishes_the_module(client, gated_index, reviewer):
    module = ModulePageFactory(parent=gated_index, live=False, title="管理后台里通过")
    task_state = _submit(module, EditorFactory())
    client.force_login(with_totp(reviewer))
    response = client.post(
        f"/admin/pages/workflow/action/{module.pk}/approve/{task_state.pk}/",
        {"comment": "内容和热线已核对。"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/admin/pages/{module.pk}/edit/"
    module.refresh_from_db()
    assert module.live is True
    assert module.reviewer.user == reviewer
    assert module.last_reviewed == timezone.localdate()


def test_admin_refuses_approval_by_a_member_without_a_reviewer_record(client, gated_index):
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name="clinical reviewers"))
    module = ModulePageFactory(parent=gated_index, live=False)
    task_state = _submit(module, EditorFactory())
    client.force_login(with_totp(member))
    response = client.post(
        f"/admin/pages/workflow/action/{module.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    # Wagtail's admin answers a refused action with a redirect to its dashboard.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"
    module.refresh_from_db()
    assert module.live is False


def test_the_library_page_itself_is_published_on_approval(gated_index, reviewer):
    gated_index.intro = "新的导语"
    _approve(gated_index, EditorFactory(), reviewer)
    assert gated_index.live_revision.as_object().intro == "新的导语"


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
                         next_review=today - dt.timedelta(days=1),
                         reviewer=ReviewerFactory(name="王医生", registration_number="",
                                                  organisation=""))
    html = client.get(module.url).content.decode()
    assert "正在复核中" in html
    assert "审核人：王医生（精神科主治医师）</li>" in html
    fresh = make_module(lessons=1)
    assert "正在复核中" not in client.get(fresh.url).content.decode()


def test_reviewer_shows_credential_registration_number_and_organisation(client, make_module):
    module = make_module(lessons=1, reviewer=ReviewerFactory(
        name="王医生", credential="精神科主治医师", registration_number="110310000012345",
        organisation="某区精神卫生中心"))
    html = client.get(module.url).content.decode()
    assert ("审核人：王医生（精神科主治医师） · 执业或注册编号：110310000012345"
            " · 某区精神卫生中心") in html


def test_demo_reviewer_is_shown_only_as_a_sample(client, make_module):
    module = make_module(lessons=1, reviewer=ReviewerFactory(
        name="许老师", credential="心理治疗师", is_demo=True))
    html = client.get(module.url).content.decode()
    assert "审核人：示例审核人（演示数据，非真实临床人员）" in html
    assert "许老师" not in html and "心理治疗师" not in html


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
