"""The review gate: a crisis module past its review date is withheld from
families (pages, listings, search, continue-learning, sitemap, page cache)
until a clinical reviewer approves it again. Every clock is pinned."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page

from courses import selectors
from courses.models import LessonCompletion
from courses.search.indexing import reindex_all
from courses.services import ensure_clinical_review
from tests.factories import FamilyFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.clock

REVIEWED = dt.date(2026, 3, 2)
NEXT_REVIEW = dt.date(2026, 6, 2)
# Shanghai noon, on the last day the review is current and on the day after.
ON_DUE_DAY = dt.datetime(2026, 6, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DAY_AFTER = dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PAUSED_TITLE = "本模块暂停展示，正在复核"


@pytest.fixture
def crisis_module(make_module):
    return make_module(
        lessons=2, title="识别孩子的危机信号", slug="recognising-crisis-signs",
        summary="留意变化，敢于开口。", is_crisis_content=True,
        last_reviewed=REVIEWED, next_review=NEXT_REVIEW,
    )


@pytest.fixture
def other_module(make_module):
    return make_module(lessons=1, title="亲子沟通的四个小习惯", slug="four-habits",
                       last_reviewed=REVIEWED, next_review=NEXT_REVIEW)


def _lesson(module):
    from courses.models import LessonPage

    return LessonPage.objects.child_of(module).order_by("path").first()


@time_machine.travel(ON_DUE_DAY, tick=False)
def test_crisis_module_is_shown_on_its_review_date(client, crisis_module):
    reindex_all()
    response = client.get(crisis_module.url)
    assert response.status_code == HTTPStatus.OK
    assert "留意变化，敢于开口。" in response.content.decode()
    assert client.get(_lesson(crisis_module).url).status_code == HTTPStatus.OK
    assert "识别孩子的危机信号" in client.get("/courses/").content.decode()
    results = client.get("/search/", {"q": "危机信号"}).content.decode()
    assert "识别孩子的危机信号" in results


@time_machine.travel(DAY_AFTER, tick=False)
def test_overdue_crisis_module_and_its_lessons_answer_404_without_content(
    client, crisis_module
):
    for url in (crisis_module.url, _lesson(crisis_module).url):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        assert PAUSED_TITLE in html
        assert "留意变化，敢于开口。" not in html
        assert "第1课" not in html
        assert 'href="tel:12356"' in html  # the ways to get help stay


@time_machine.travel(DAY_AFTER, tick=False)
def test_overdue_other_module_stays_with_a_under_review_note(client, other_module):
    response = client.get(other_module.url)
    assert response.status_code == HTTPStatus.OK
    assert "正在复核中" in response.content.decode()


@time_machine.travel(DAY_AFTER, tick=False)
def test_overdue_crisis_module_leaves_the_library_and_search(
    client, crisis_module, other_module
):
    reindex_all()
    library = client.get("/courses/").content.decode()
    assert "亲子沟通的四个小习惯" in library
    assert "识别孩子的危机信号" not in library
    # Neither the module nor its lessons (whose titles carry the module's).
    results = client.get("/search/", {"q": "危机信号"}).content.decode()
    assert "识别孩子的危机信号" not in results


@time_machine.travel(DAY_AFTER, tick=False)
def test_overdue_crisis_module_leaves_continue_learning_and_the_sitemap(
    client, crisis_module, other_module
):
    family = FamilyFactory()
    LessonCompletion.objects.create(user=family, lesson=_lesson(crisis_module),
                                    module=crisis_module)
    assert selectors.continue_learning(user=family) == []
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/courses/four-habits/" in sitemap
    assert "recognising-crisis-signs" not in sitemap


@time_machine.travel(DAY_AFTER, tick=False)
def test_quiz_and_completion_of_a_withheld_lesson_answer_404(client, crisis_module):
    lesson = _lesson(crisis_module)
    client.force_login(FamilyFactory())
    quiz = client.post(reverse("courses:quiz", args=[lesson.pk]), {"quiz": "x"})
    assert quiz.status_code == HTTPStatus.NOT_FOUND
    done = client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    assert done.status_code == HTTPStatus.NOT_FOUND
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_page_cached_before_midnight_is_not_replayed_after(client, crisis_module):
    with time_machine.travel(dt.datetime(2026, 6, 2, 23, 59, 30,
                                         tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        first = client.get("/courses/")
        assert "识别孩子的危机信号" in first.content.decode()
        assert client.get("/courses/")["X-Courses-Cache"] == "hit"
    with time_machine.travel(dt.datetime(2026, 6, 3, 0, 0, 30,
                                         tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        after = client.get("/courses/")
        assert "X-Courses-Cache" not in after
        assert "识别孩子的危机信号" not in after.content.decode()


def test_crisis_module_never_reviewed_is_withheld(client, make_module):
    with time_machine.travel(DAY_AFTER, tick=False):
        module = make_module(lessons=1, is_crisis_content=True,
                             last_reviewed=None, next_review=None)
        assert client.get(module.url).status_code == HTTPStatus.NOT_FOUND


def test_staff_still_see_the_withheld_module_in_the_review_report(
    client, course_index, crisis_module
):
    from tests.courses.test_workflow import with_totp
    from tests.factories import EditorFactory

    ensure_clinical_review(index_page=course_index)
    with time_machine.travel(DAY_AFTER, tick=False):
        client.force_login(with_totp(EditorFactory()))
        html = client.get("/admin/reports/review-due/").content.decode()
        assert "识别孩子的危机信号" in html and "已暂停展示" in html
        assert client.get(f"/admin/pages/{crisis_module.pk}/edit/").status_code \
            == HTTPStatus.OK


def test_re_approval_restores_the_module_with_new_dates(client, course_index, crisis_module):
    ensure_clinical_review(index_page=course_index)
    approver = UserFactory(is_staff=True)
    approver.groups.add(Group.objects.get(name="clinical reviewers"))
    ReviewerFactory(user=approver, name="王医生", credential="精神科主治医师")
    with time_machine.travel(DAY_AFTER, tick=False):
        assert client.get(crisis_module.url).status_code == HTTPStatus.NOT_FOUND
        module = Page.objects.get(pk=crisis_module.pk).specific
        module.save_revision(user=approver)
        state = module.get_workflow().start(module, approver)
        task_state = state.current_task_state.specific
        task_state.task.specific.on_action(task_state, approver, "approve")
        response = client.get(crisis_module.url)
        html = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        assert "最近审核: <time datetime=\"2026-06-03\">" in html
        assert "下次审核: <time datetime=\"2026-09-03\">" in html
        assert "审核人：王医生（精神科主治医师）" in html
        assert "识别孩子的危机信号" in client.get("/courses/").content.decode()


@time_machine.travel(DAY_AFTER, tick=False)
def test_withheld_module_lists_only_24_hour_lines_under_danger_now(client, crisis_module):
    html = client.get(crisis_module.url).content.decode()
    section = html[html.index('id="paused-help"'):html.index("</section>", html.index(
        'id="paused-help"'))]
    now = section[:section.index("其他求助渠道（非24小时）")]
    assert 'href="tel:12356"' in now and 'href="tel:962525"' in now
    # A daytime line is never under "if you are in danger now"; 120/110 come first.
    assert 'href="tel:12355"' not in now
    assert now.index('href="tel:120"') < now.index('href="tel:12356"')
    assert 'href="tel:12355"' in section  # still listed, apart, with its hours
