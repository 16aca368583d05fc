"""Quiz marking on the server, lesson completion, progress, certificates."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from courses import services
from courses.models import Certificate, LessonCompletion
from tests.courses.conftest import publish
from tests.factories import FamilyFactory, LessonPageFactory, quiz_block

WRONG, RIGHT = "0", "1"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def quiz_module(make_module):
    module = make_module(lessons=2, title="识别孩子的危机信号", slug="crisis-signs")
    lesson = publish(LessonPageFactory(
        parent=module, title="怎样开口询问", slug="how-to-ask",
        body=[("paragraph", "<p>平静、直接地询问。</p>"), quiz_block()],
    ))
    return module, lesson


def _quiz_id(lesson):
    return lesson.quiz_blocks()[0].id


def _post_quiz(client, lesson, answer):
    return client.post(reverse("courses:quiz", args=[lesson.pk]),
                       {"quiz": _quiz_id(lesson), "q-0": answer})


def test_wrong_answer_shows_its_feedback_and_the_right_answer(client, quiz_module):
    _, lesson = quiz_module
    response = _post_quiz(client, lesson, WRONG)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "答对 0 / 1 题。" in html
    assert "转移话题会让孩子觉得不被听见。" in html  # feedback of the chosen answer
    assert "（正确答案）" in html
    assert not LessonCompletion.objects.exists()


def test_right_answer_by_anonymous_visitor_is_marked_but_not_stored(client, quiz_module):
    _, lesson = quiz_module
    html = _post_quiz(client, lesson, RIGHT).content.decode()
    assert "答对 1 / 1 题。" in html and "全部答对" in html
    assert "直接、平静地询问不会“提醒”孩子" in html
    assert "登录后，通过自我检测会记录你的学习进度。" in html
    assert not LessonCompletion.objects.exists()


def test_passing_the_quiz_completes_the_lesson_for_a_signed_in_family(client, quiz_module):
    module, lesson = quiz_module
    family = FamilyFactory()
    client.force_login(family)
    html = _post_quiz(client, lesson, RIGHT).content.decode()
    assert "这一课已记为完成。" in html
    completion = LessonCompletion.objects.get(user=family, lesson=lesson)
    assert completion.via == "quiz" and completion.module_id == module.pk
    assert 'max="3" value="1"' in html  # the progress bar on the lesson page moved


def test_unanswered_quiz_is_refused_with_a_message(client, quiz_module):
    _, lesson = quiz_module
    response = client.post(reverse("courses:quiz", args=[lesson.pk]), {"quiz": _quiz_id(lesson)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请先为每道题选择答案。" in response.content.decode()


@pytest.mark.parametrize("payload", [{"quiz": "nope", "q-0": "1"},
                                     {"q-0": "1"}, {"quiz": "", "q-x": "zz"}])
def test_unknown_or_garbled_quiz_is_a_clear_400_not_a_500(client, quiz_module, payload):
    _, lesson = quiz_module
    response = client.post(reverse("courses:quiz", args=[lesson.pk]), payload)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "找不到这份自我检测" in response.content.decode()


def test_out_of_range_answer_counts_as_unanswered(client, quiz_module):
    _, lesson = quiz_module
    response = _post_quiz(client, lesson, "99")
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_quiz_of_an_unpublished_lesson_is_404(client, quiz_module):
    _, lesson = quiz_module
    lesson.unpublish()
    assert _post_quiz(client, lesson, RIGHT).status_code == HTTPStatus.NOT_FOUND


def test_quiz_needs_post(client, quiz_module):
    _, lesson = quiz_module
    response = client.get(reverse("courses:quiz", args=[lesson.pk]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_mark_complete_requires_sign_in(client, quiz_module):
    _, lesson = quiz_module
    response = client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    assert not LessonCompletion.objects.exists()


def test_completing_every_lesson_fills_the_bar_and_issues_a_verifiable_certificate(
    client, quiz_module
):
    module, _ = quiz_module
    family = FamilyFactory(display_name="王女士")
    client.force_login(family)
    lessons = list(module.get_children().live().specific())
    html = client.get(module.url).content.decode()
    assert 'max="3" value="0"' in html and "已学完 0 / 3 课" in html
    client.post(reverse("courses:lesson_complete", args=[lessons[0].pk]))
    client.post(reverse("courses:lesson_complete", args=[lessons[0].pk]))  # idempotent
    html = client.get(module.url).content.decode()
    assert 'max="3" value="1"' in html and "已学完 1 / 3 课" in html
    assert not Certificate.objects.exists()
    for lesson in lessons[1:]:
        client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    certificate = Certificate.objects.get(user=family, module=module)
    html = client.get(module.url).content.decode()
    assert 'max="3" value="3"' in html and "<strong>你已学完本模块。</strong>" in html
    assert "恭喜" not in html
    assert certificate.code in html
    assert len(certificate.code) == 10

    client.logout()
    page = client.get(f"/courses/certificates/{certificate.code}/")
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert "这是一份有效的证书。" in text and "王女士" in text and "识别孩子的危机信号" in text
    lookup = client.get("/courses/certificates/", {"code": certificate.code.lower()})
    assert lookup.status_code == HTTPStatus.FOUND
    assert lookup["Location"] == f"/courses/certificates/{certificate.code}/"


@pytest.mark.parametrize(("issued_at", "shown"), [
    # 23:50 on the last of January in Shanghai (15:50 UTC, same day).
    (dt.datetime(2027, 1, 31, 23, 50, tzinfo=SHANGHAI), "2027-01-31"),
    # 00:10 on 1 March in Shanghai: still 28 February in UTC.
    (dt.datetime(2027, 3, 1, 0, 10, tzinfo=SHANGHAI), "2027-03-01"),
    # A leap day.
    (dt.datetime(2028, 2, 29, 12, 0, tzinfo=SHANGHAI), "2028-02-29"),
])
def test_a_certificate_shows_the_local_date_it_was_issued(client, quiz_module, issued_at,
                                                         shown):
    module, _ = quiz_module
    family = FamilyFactory()
    with time_machine.travel(issued_at, tick=False):
        for lesson in module.get_children().live().specific():
            services.lesson_complete(user=family, lesson=lesson)
    certificate = Certificate.objects.get(user=family, module=module)
    assert certificate.issued_at == issued_at
    text = client.get(f"/courses/certificates/{certificate.code}/").content.decode()
    assert f'<time datetime="{shown}">{shown}</time>' in text


@pytest.mark.parametrize("code", ["NOPE123456", "x" * 40, "%3Cscript%3E"])
def test_unknown_certificate_code_is_404(client, site_shell, code):
    assert client.get(f"/courses/certificates/{code}/").status_code == HTTPStatus.NOT_FOUND


def test_unknown_code_in_lookup_form_says_so(client, site_shell):
    response = client.get("/courses/certificates/", {"code": "ZZZZZZZZZZ"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "没有找到这个验证码对应的证书" in response.content.decode()


def test_continue_learning_on_home_and_account_pages(client, quiz_module):
    module, _ = quiz_module
    family = FamilyFactory()
    client.force_login(family)
    first, second = list(module.get_children().live().specific())[:2]
    client.post(reverse("courses:lesson_complete", args=[first.pk]))
    home = client.get("/").content.decode()
    assert "从上次停下的地方继续" in home
    assert f'href="{second.url}"' in home and "已学完 1 / 3 课" in home
    account = client.get(reverse("portal:account")).content.decode()
    assert "我的学习" in account and "识别孩子的危机信号" in account


def test_other_users_progress_is_never_shown(client, quiz_module):
    module, _ = quiz_module
    first = module.get_children().live().specific().first()
    someone = FamilyFactory()
    LessonCompletion.objects.create(user=someone, lesson=first, module=module)
    client.force_login(FamilyFactory())
    html = client.get(module.url).content.decode()
    assert 'max="3" value="0"' in html
    assert "从上次停下的地方继续" not in client.get("/").content.decode()
