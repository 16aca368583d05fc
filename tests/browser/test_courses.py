"""A family finds a module by searching in Chinese, passes a lesson's self-check,
and sees the module's progress bar move; module and lesson pages pass axe."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection

from tests.browser.conftest import axe_check, format_violations
from tests.factories import (
    PASSWORD,
    CourseIndexPageFactory,
    FamilyFactory,
    LessonPageFactory,
    ModulePageFactory,
    TopicFactory,
    quiz_block,
)

pytestmark = pytest.mark.browser


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _image(title):
    # live_server tests flush the database, data migrations' root collection too.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 180), (47, 111, 143)).save(buffer, "PNG")
    return Image.objects.create(title=title, width=320, height=180,
                                file=ImageFile(io.BytesIO(buffer.getvalue()), name="c.png"))


@pytest.fixture
def module(site_shell):
    index = _publish(CourseIndexPageFactory(parent=site_shell.root_page.specific))
    topic = TopicFactory(name="家庭关系调适", slug="family-relationships", colour="#2f6f8f")
    module = _publish(ModulePageFactory(
        parent=index, title="四个沟通小习惯", slug="four-habits", topic=topic,
        summary="好的亲子沟通来自每天的小习惯。", cover_image=_image("封面"),
        cover_alt="蓝色的柔和圆形图案", learning_outcomes="用倾听代替说教\n在冲突后修复关系",
    ))
    _publish(LessonPageFactory(
        parent=module, title="先听，再说", slug="listening-first",
        body=[
            ("paragraph", "<p>孩子说起学校的事，先听完再回应。良好的亲子沟通，往往从一句“然后呢？”开始。</p>"),
            ("image", {"image": _image("插图"), "alt": "家长和孩子面对面坐着聊天",
                       "caption": "先听，再说"}),
            ("callout", {"kind": "seek_help", "title": "需要帮助时",
                         "text": "<p>孩子有危险时，请立即拨打热线。</p>"}),
            quiz_block(),
        ],
    ))
    _publish(LessonPageFactory(parent=module, title="用“我”开头说感受", slug="i-statements"))
    return module


def _log_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/account/")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser_context(viewport={"width": 360, "height": 740})
def test_family_searches_in_chinese_passes_a_quiz_and_sees_progress(
    live_server, browser_page, module
):
    page = browser_page
    family = FamilyFactory(email="wang@example.cn")
    _log_in(page, live_server.url, family.email)

    page.goto(live_server.url + "/search/")
    page.get_by_label("想了解什么？").fill("亲子沟通")
    page.get_by_role("button", name="搜索").last.click()
    assert "找到" in page.get_by_role("status").first.inner_text()
    page.get_by_role("link", name="四个沟通小习惯").click()
    page.wait_for_url(live_server.url + "/courses/four-habits/")

    progress = page.get_by_test_id("module-progress").locator("progress")
    assert progress.get_attribute("value") == "0"
    assert "已学完 0 / 2 课" in page.get_by_test_id("module-progress").inner_text()
    assert _no_sideways_scroll(page)
    violations = axe_check(page)
    assert violations == [], format_violations(violations)

    page.get_by_role("link", name="开始第一课").click()
    page.wait_for_url(live_server.url + "/courses/four-habits/listening-first/")
    assert _no_sideways_scroll(page)
    violations = axe_check(page)
    assert violations == [], format_violations(violations)

    page.get_by_label("停下手头的事，认真听，并直接询问安全情况").check()
    page.get_by_role("button", name="提交答案").click()
    score = page.get_by_test_id("quiz-score")
    assert "答对 1 / 1 题。" in score.inner_text()
    assert "这一课已记为完成。" in score.inner_text()
    assert page.get_by_test_id("module-progress").locator("progress").get_attribute(
        "value") == "1"
    violations = axe_check(page)  # the marked quiz, with its feedback
    assert violations == [], format_violations(violations)

    page.get_by_role("link", name="四个沟通小习惯").first.click()
    page.wait_for_url(live_server.url + "/courses/four-habits/")
    assert page.get_by_test_id("module-progress").locator("progress").get_attribute(
        "value") == "1"
    assert "已学完 1 / 2 课" in page.get_by_test_id("module-progress").inner_text()
    page.get_by_role("link", name="继续学习").click()
    page.wait_for_url(live_server.url + "/courses/four-habits/i-statements/")


@pytest.mark.browser_context(viewport={"width": 360, "height": 740})
def test_anonymous_course_pages_pass_axe_and_fit_a_phone(live_server, browser_page, module):
    page = browser_page
    for path in ("/courses/", "/courses/four-habits/", "/courses/four-habits/listening-first/",
                 "/search/?q=%E4%BA%B2%E5%AD%90%E6%B2%9F%E9%80%9A"):
        page.goto(live_server.url + path)
        violations = axe_check(page)
        assert violations == [], f"{path}\n" + format_violations(violations)
        assert _no_sideways_scroll(page), path
