"""Editors and clinical reviewers in the Wagtail admin, on a phone (issue 12):
an editor changes a module and submits it for clinical review; a reviewer
with a credential approves it in the workflow UI; the public module page then
shows the approval date and the reviewer; the editor cannot type the review
record; the review-due report lists an overdue module and one due within 30
days, each under its own label. Axe (serious/critical) on the public pages,
the admin edit form and the report."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group

from courses.models import ModulePage
from courses.services import ensure_clinical_review
from portal.timezones import STATION_TZ
from tests.bookings.web_setup import with_totp
from tests.browser.test_booking_flow import (
    _assert_accessible,
    _fits_the_screen,
    _sign_in,
)
from tests.factories import (
    CourseIndexPageFactory,
    EditorFactory,
    ModulePageFactory,
    ReviewerFactory,
    UserFactory,
)

# Run in a process of their own (`make test` runs `-m own_process` after the
# rest): after any other live-server test in the same process, Wagtail answers
# the editor's "submit for review" with "你没有权限访问" although the editor's
# permissions read back right in the test (can_edit, access_admin, groups).
# Not found yet what state survives the flush; the product is not involved
# (alone, or first, the journey passes every time).
pytestmark = [pytest.mark.browser, pytest.mark.own_process]

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=STATION_TZ)  # a Monday morning


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _submit(page, control) -> None:
    with page.expect_navigation():
        control.click()


@pytest.fixture
def library(site_shell):
    """A gated course library: one module past its review date, one due in 19 days."""
    index = _publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))
    ensure_clinical_review(index_page=index)
    old_reviewer = ReviewerFactory(name="王医生", credential="精神科主治医师")
    overdue = _publish(
        ModulePageFactory(
            parent=index,
            title="理解孩子的情绪",
            slug="emotions",
            reviewer=old_reviewer,
            last_reviewed=dt.date(2026, 2, 20),
            next_review=dt.date(2027, 2, 20),
        )
    )
    due_soon = _publish(
        ModulePageFactory(
            parent=index,
            title="四个沟通小习惯",
            slug="four-habits",
            reviewer=old_reviewer,
            last_reviewed=dt.date(2026, 3, 20),
            next_review=dt.date(2027, 3, 20),
        )
    )
    _publish(
        ModulePageFactory(
            parent=index,
            title="睡前的安静时间",
            slug="bedtime",
            reviewer=old_reviewer,
            last_reviewed=dt.date(2026, 12, 1),
            next_review=dt.date(2027, 12, 1),
        )
    )
    editor = with_totp(EditorFactory())
    approver = with_totp(UserFactory(is_staff=True))
    approver.groups.add(Group.objects.get(name="clinical reviewers"))
    ReviewerFactory(
        user=approver,
        name="李雨桐",
        credential="心理治疗师（中级）",
        registration_number="",
        organisation="",
    )
    return {
        "overdue": overdue,
        "due_soon": due_soon,
        "editor": editor,
        "approver": approver,
    }


def _review_record(page) -> str:
    return page.locator(".review-info").inner_text()


def test_an_edit_goes_live_through_clinical_review_and_dates_the_public_page(
    live_server, browser_page, library
):
    module = library["overdue"]
    page = browser_page
    # Before: the family sees the old review, flagged as being re-reviewed.
    page.goto(live_server.url + module.url)
    record = _review_record(page)
    assert "审核人：王医生（精神科主治医师）" in record
    assert "最近审核: 2026-02-20" in record
    assert "正在复核中" in record
    _assert_accessible(page)

    # The editor changes the summary and submits it for clinical review.
    _sign_in(page, live_server, library["editor"])
    page.goto(f"{live_server.url}/admin/pages/{module.pk}/edit/")
    form = page.locator("form[data-edit-form], form#page-edit-form").first
    # The review record is shown, not editable: no field for it at all.
    for name in ("last_reviewed", "next_review", "reviewer"):
        assert form.locator(f'[name="{name}"]').count() == 0, name
    assert "王医生" in form.inner_text()
    _assert_accessible(page)  # the Wagtail edit form, on a phone
    page.locator("#id_summary").fill("孩子发脾气时，先接住情绪，再讲道理。")
    page.locator("footer .w-dropdown__toggle").click()
    _submit(page, page.get_by_role("button", name="提交给课程临床审核"))
    module.refresh_from_db()
    # What Wagtail said, should the submission not have been taken.
    said = page.locator(".messages, .help-critical, .error-message").all_inner_texts()
    assert module.workflow_in_progress, (page.url, said)
    assert module.summary != "孩子发脾气时，先接住情绪，再讲道理。"  # not live yet
    # The public page is unchanged while the review is pending.
    page.context.clear_cookies()
    page.goto(live_server.url + module.url)
    assert "最近审核: 2026-02-20" in _review_record(page)

    # The reviewer approves in the workflow UI of the edit page.
    _sign_in(page, live_server, library["approver"])
    page.goto(f"{live_server.url}/admin/pages/{module.pk}/edit/")
    approve = page.get_by_role("button", name="批准 和发布", exact=True)
    if not approve.is_visible():
        page.locator("footer .w-dropdown__toggle").click()
    _submit(page, approve)
    module = ModulePage.objects.get(pk=module.pk)
    assert module.live and not module.workflow_in_progress
    assert module.last_reviewed == NOW.date()

    # The family's page: the new summary, the approval date, the reviewer.
    page.context.clear_cookies()
    page.goto(live_server.url + module.url)
    assert page.get_by_text("孩子发脾气时，先接住情绪，再讲道理。").first.is_visible()
    record = _review_record(page)
    assert "审核人：李雨桐（心理治疗师（中级））" in record
    assert "最近审核: 2027-03-01" in record
    assert "下次审核: 2028-03-01" in record
    assert "王医生" not in record and "正在复核中" not in record
    assert _fits_the_screen(page)
    _assert_accessible(page)


def test_the_review_due_report_labels_overdue_and_due_within_30_days(
    live_server, browser_page, library
):
    page = browser_page
    _sign_in(page, live_server, library["editor"])
    page.goto(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/reports/review-due/")
    assert page.get_by_role("heading", level=1).inner_text().strip() == "到期复核的课程"
    overdue = page.locator('section[aria-labelledby="review-overdue"]')
    soon = page.locator('section[aria-labelledby="review-due-soon"]')
    assert overdue.get_by_role("heading", level=2).inner_text() == "已过复核日期"
    assert soon.get_by_role("heading", level=2).inner_text() == "30 天内到期"
    overdue_rows = overdue.locator("tbody tr").all_inner_texts()
    soon_rows = soon.locator("tbody tr").all_inner_texts()
    assert len(overdue_rows) == 1 and len(soon_rows) == 1
    assert "理解孩子的情绪" in overdue_rows[0] and "2027-02-20" in overdue_rows[0]
    assert "显示“正在复核中”" in overdue_rows[0]
    assert "四个沟通小习惯" in soon_rows[0] and "2027-03-20" in soon_rows[0]
    assert "正常显示" in soon_rows[0]
    assert "睡前的安静时间" not in overdue.inner_text() + soon.inner_text()
    # Wagtail's admin frame passes axe too (no serious or critical violation).
    _assert_accessible(page)
