"""Writes for learning progress, quizzes, certificates and the review workflow."""

import calendar
import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupPagePermission, Revision, Site, Workflow, WorkflowPage

from courses.models import (
    Certificate,
    ClinicalReviewTask,
    LessonCompletion,
    LessonPage,
    ModulePage,
    reviewer_for,
)
from courses.permissions import CLINICAL_REVIEWERS_GROUP
from portal.timezones import station_date

NOT_LIVE = _("这个课时暂时无法学习。")
QUIZ_NOT_FOUND = _("找不到这份自我检测，请刷新页面后再试。")
QUIZ_NO_ANSWER = _("请先为每道题选择答案。")
MODULE_NOT_COMPLETE = _("完成本模块的全部课时后才能领取证书。")

CLINICAL_TASK_NAME = "临床审核"
CLINICAL_WORKFLOW_NAME = "课程临床审核"
# Used when no site settings exist yet (portal.SiteSettings holds the real ones).
DEFAULT_REVIEW_MONTHS = 12
DEFAULT_CRISIS_REVIEW_MONTHS = 3
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- Quiz marking ---------------------------------------------------------------


@dataclass
class QuestionResult:
    prompt: str
    correct: bool
    chosen: list[int]
    choices: list[dict] = field(default_factory=list)


@dataclass
class QuizResult:
    block_id: str
    questions: list[QuestionResult]

    @property
    def score(self) -> int:
        return sum(1 for q in self.questions if q.correct)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.score == self.total


def quiz_grade(*, lesson: LessonPage, block_id: str, answers: dict[int, list[str]]) -> QuizResult:
    """Mark one self-check block. `answers` maps question index to chosen indexes.

    Raises ValidationError for an unknown block or an unanswered question.
    Each choice comes back with its feedback and whether it was right, so the
    page can explain every answer, not only the score.
    """
    block = next((b for b in lesson.quiz_blocks() if b.id == block_id), None)
    if block is None:
        raise ValidationError(QUIZ_NOT_FOUND)
    results = []
    for index, question in enumerate(block.value["questions"]):
        raw = answers.get(index) or []
        try:
            chosen = sorted({int(v) for v in raw})
        except (TypeError, ValueError):
            chosen = []
        choices = list(question["choices"])
        chosen = [c for c in chosen if 0 <= c < len(choices)]
        if not chosen:
            raise ValidationError(QUIZ_NO_ANSWER)
        if not question["multiple"]:
            chosen = chosen[:1]
        right = {i for i, c in enumerate(choices) if c["correct"]}
        results.append(QuestionResult(
            prompt=question["prompt"],
            correct=set(chosen) == right,
            chosen=chosen,
            choices=[
                {"text": c["text"], "correct": c["correct"], "feedback": c["feedback"],
                 "chosen": i in chosen}
                for i, c in enumerate(choices)
            ],
        ))
    return QuizResult(block_id=block_id, questions=results)


# --- Progress and certificates --------------------------------------------------


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage,
                    via: str = LessonCompletion.Via.MANUAL) -> LessonCompletion:
    """Record that `user` finished `lesson` (idempotent); issue the certificate
    when it was the module's last unfinished lesson."""
    if not lesson.live:
        raise ValidationError(NOT_LIVE)
    module = ModulePage.objects.get(path=lesson.path[: -lesson.steplen])
    completion = LessonCompletion.objects.filter(user=user, lesson=lesson).first()
    if completion is None:
        completion = LessonCompletion(user=user, lesson=lesson, module=module, via=via)
        completion.full_clean()
        try:
            with transaction.atomic():
                completion.save()
        except IntegrityError:
            completion = LessonCompletion.objects.get(user=user, lesson=lesson)
    if _module_finished(user=user, module=module):
        certificate_issue(user=user, module=module)
    return completion


def _module_finished(*, user, module: ModulePage) -> bool:
    lesson_ids = set(LessonPage.objects.live().child_of(module).values_list("pk", flat=True))
    if not lesson_ids:
        return False
    done = set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids)
        .values_list("lesson_id", flat=True)
    )
    return done >= lesson_ids


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


@transaction.atomic
def certificate_issue(*, user, module: ModulePage) -> Certificate:
    """The user's certificate for `module` (created once, when every lesson is done)."""
    existing = Certificate.objects.filter(user=user, module=module).first()
    if existing is not None:
        return existing
    if not _module_finished(user=user, module=module):
        raise ValidationError(MODULE_NOT_COMPLETE)
    holder = user.display_name or str(_("学员"))
    certificate = Certificate(
        user=user, module=module, code=_new_code(), holder_name=holder[:60],
        module_title=module.title[:255],
    )
    certificate.full_clean()
    certificate.save()
    return certificate


# --- Clinical review workflow ----------------------------------------------------


@transaction.atomic
def ensure_clinical_review(*, index_page) -> Workflow:
    """Idempotently set up the clinical review gate on the course library.

    Editors may add and change modules but not publish them; members of
    the "clinical reviewers" group with a reviewer record approve through
    the 临床审核 task, whose approval records the review and publishes the
    page. Modules and lessons never go live unreviewed.
    """
    reviewers, _ = Group.objects.get_or_create(name=CLINICAL_REVIEWERS_GROUP)
    editors, _ = Group.objects.get_or_create(name="editor")
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    reviewers.permissions.add(admin_access)
    editors.permissions.add(admin_access)
    for group, codenames in (
        (editors, ["add_page", "change_page"]),
        (reviewers, ["add_page", "change_page", "publish_page"]),
    ):
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=index_page, permission=permission
            )
    task = ClinicalReviewTask.objects.filter(name=CLINICAL_TASK_NAME).first()
    if task is None:
        task = ClinicalReviewTask.objects.create(name=CLINICAL_TASK_NAME)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=CLINICAL_WORKFLOW_NAME)
    if not workflow.workflow_tasks.filter(task=task).exists():
        workflow.workflow_tasks.create(task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=index_page, defaults={"workflow": workflow})
    return workflow


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved on by whole months, kept inside the target month (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def review_cycle_months(*, crisis: bool) -> int:
    """Months until the next review, from the default site's settings."""
    from portal.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return DEFAULT_CRISIS_REVIEW_MONTHS if crisis else DEFAULT_REVIEW_MONTHS
    site_settings = SiteSettings.for_site(site)
    return site_settings.crisis_review_months if crisis else site_settings.review_months


@transaction.atomic
def module_review_record(*, revision: Revision, approver, approved_at) -> Revision:
    """Record a clinical approval on the module revision about to go live.

    Returns a new revision, saved as the approver's, that is the approved
    content with the review filled in: the approver's reviewer record,
    `last_reviewed` = the station's date of `approved_at`, and `next_review` a
    review cycle later (the crisis cycle for crisis content). Raises
    PermissionDenied when the approver has no active reviewer record.
    """
    reviewer = reviewer_for(approver)
    if reviewer is None:
        raise PermissionDenied
    module = revision.as_object()
    # The station's day, whatever zone the approving request had active.
    approved_on = station_date(approved_at)
    module.reviewer = reviewer
    module.last_reviewed = approved_on
    module.next_review = add_months(
        approved_on, review_cycle_months(crisis=module.is_crisis_content)
    )
    # The content was validated when it was saved for review; an approval
    # must not fail on it now.
    return module.save_revision(user=approver, log_action=False, clean=False)
