"""The public review record of a module (reviewer, last and next review) comes
only from a clinical approval and the review cycle in site settings; editors
see it and cannot change it; the review report lists modules past their date
and those due within 30 days."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth.models import Group
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses.models import ModulePage
from courses.services import ensure_clinical_review
from portal.models import SiteSettings
from tests.courses.test_workflow import with_totp
from tests.factories import (
    EditorFactory,
    ModulePageFactory,
    ReviewerFactory,
    UserFactory,
)

pytestmark = pytest.mark.clock

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
REPORT_URL = "/admin/reports/review-due/"


@pytest.fixture
def gated_index(course_index):
    ensure_clinical_review(index_page=course_index)
    return course_index


@pytest.fixture
def approver(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="clinical reviewers"))
    ReviewerFactory(user=user, name="李医生", credential="心理治疗师")
    return user


def _approve(module, *, editor, approver):
    module.save_revision(user=editor)
    task_state = module.get_workflow().start(module, editor).current_task_state.specific
    task_state.task.specific.on_action(task_state, approver, "approve")
    module.refresh_from_db()
    return module


def _unreviewed_module(parent):
    return ModulePageFactory(parent=parent, live=False, reviewer=None,
                             last_reviewed=None, next_review=None)


def test_approval_records_the_approver_station_date_and_the_settings_cycle(
    gated_index, approver
):
    settings = SiteSettings.objects.get()
    settings.review_months = 6
    settings.save()
    module = _unreviewed_module(gated_index)
    # 00:30 in Shanghai on 1 March 2028 is still 29 February in UTC.
    with time_machine.travel(dt.datetime(2028, 3, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        _approve(module, editor=EditorFactory(), approver=approver)
    assert module.live is True
    assert module.reviewer.user == approver
    assert module.reviewer.name == "李医生"
    assert module.last_reviewed == dt.date(2028, 3, 1)
    assert module.next_review == dt.date(2028, 9, 1)


def test_approval_on_29_february_is_due_again_on_28_february(gated_index, approver):
    assert SiteSettings.objects.get().review_months == 12
    module = _unreviewed_module(gated_index)
    with time_machine.travel(dt.datetime(2028, 2, 29, 9, 0, tzinfo=SHANGHAI), tick=False):
        _approve(module, editor=EditorFactory(), approver=approver)
    assert (module.last_reviewed, module.next_review) == (
        dt.date(2028, 2, 29), dt.date(2029, 2, 28))


def test_review_cycle_is_in_the_site_settings_panel(client, site_shell):
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    response = client.get(f"/admin/settings/portal/sitesettings/{site_shell.pk}/")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'name="review_months"' in html
    assert "课程复核周期（月）" in html


def test_editor_post_with_review_fields_leaves_the_review_record(client, gated_index):
    reviewer = ReviewerFactory(name="王医生")
    other = ReviewerFactory(name="冒名者")
    module = ModulePageFactory(parent=gated_index, live=False, title="复核记录",
                               reviewer=reviewer, last_reviewed=dt.date(2026, 1, 5),
                               next_review=dt.date(2027, 1, 5))
    client.force_login(with_totp(EditorFactory()))
    edit_url = f"/admin/pages/{module.pk}/edit/"
    page = client.get(edit_url).content.decode()
    assert "王医生" in page  # the current record is shown read-only
    data = nested_form_data({
        "title": "复核记录（改）", "slug": module.slug, "topic": module.topic_id,
        "audience": "parents", "age_band": "all", "summary": "简介",
        "estimated_minutes": 20, "body": streamfield([]), "references": streamfield([]),
        "comments": inline_formset([]),
        "last_reviewed": "2030-01-01", "next_review": "2031-01-01", "reviewer": other.pk,
    })
    response = client.post(edit_url, data)
    assert response.status_code == HTTPStatus.FOUND
    module.refresh_from_db()
    draft = module.get_latest_revision().as_object()
    assert draft.title == "复核记录（改）"  # the edit itself was saved
    for saved in (module, draft):
        assert saved.reviewer_id == reviewer.pk
        assert (saved.last_reviewed, saved.next_review) == (
            dt.date(2026, 1, 5), dt.date(2027, 1, 5))


@pytest.fixture
def modules_by_due_date(make_module):
    reviewed = dt.date(2025, 6, 1)
    due = {
        "已过期的模块": dt.date(2026, 6, 9),
        "今天到期的模块": dt.date(2026, 6, 10),
        "三十天后到期的模块": dt.date(2026, 7, 10),
        "三十一天后到期的模块": dt.date(2026, 7, 11),
    }
    for number, (title, next_review) in enumerate(due.items()):
        make_module(lessons=0, title=title, slug=f"due-{number}",
                    last_reviewed=reviewed, next_review=next_review)
    return due


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=SHANGHAI), tick=False)
def test_report_lists_overdue_and_due_within_30_days_apart(client, modules_by_due_date):
    client.force_login(with_totp(EditorFactory()))
    response = client.get(REPORT_URL)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    overdue = html[html.index('id="review-overdue"'):html.index('id="review-due-soon"')]
    due_soon = html[html.index('id="review-due-soon"'):]
    assert "已过复核日期" in overdue
    assert "30 天内到期" in due_soon
    assert "已过期的模块" in overdue and "已过期的模块" not in due_soon
    for title in ("今天到期的模块", "三十天后到期的模块"):
        assert title in due_soon and title not in overdue
    assert "三十一天后到期的模块" not in html
    assert "正常显示" in due_soon


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=SHANGHAI), tick=False)
def test_report_says_when_nothing_is_due_soon(client, site_shell):
    client.force_login(with_totp(EditorFactory()))
    html = client.get(REPORT_URL).content.decode()
    assert "目前没有到期需要复核的模块。" in html
    assert "未来 30 天内没有到期的模块。" in html


def test_a_copy_made_in_the_admin_carries_no_review_record(client, gated_index):
    module = ModulePageFactory(parent=gated_index, live=False, slug="original",
                               reviewer=ReviewerFactory(), last_reviewed=dt.date(2026, 1, 5),
                               next_review=dt.date(2027, 1, 5))
    client.force_login(with_totp(EditorFactory()))
    response = client.post(f"/admin/pages/{module.pk}/copy/", {
        "new_title": "复制的模块", "new_slug": "copied", "new_parent_page": gated_index.pk,
    })
    assert response.status_code == HTTPStatus.FOUND
    copy = ModulePage.objects.get(slug="copied")
    assert (copy.reviewer, copy.last_reviewed, copy.next_review) == (None, None, None)
    draft = copy.get_latest_revision().as_object()
    assert (draft.reviewer_id, draft.last_reviewed, draft.next_review) == (None, None, None)
