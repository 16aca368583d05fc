"""seed_demo's course content: themes, modules, translations, review through the
workflow, references. Idempotent: re-seeding records no new review."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Revision, TaskState, WorkflowPage, WorkflowState

from courses import demo
from courses.demo_content import MODULES
from courses.demo_references import CRISIS_CONTENT, REFERENCES
from courses.models import LessonPage, ModulePage, SearchEntry, Topic
from courses.services import add_months

pytestmark = pytest.mark.clock

SLUGS = ["crisis-intervention", "positive-life-education", "family-relationships",
         "emotional-guidance", "autism"]


@pytest.fixture
def seeded(site_shell):
    demo.seed(scale=1)
    return site_shell


def _five_themes_in_both_languages():
    zh = Topic.objects.filter(locale__language_code="zh-hans")
    en = Topic.objects.filter(locale__language_code="en")
    assert [t.slug for t in zh] == SLUGS
    assert [t.name for t in zh] == ["心理危机干预", "积极生命教育", "家庭关系调适", "情绪疏导",
                                    "孤独症（自闭症）咨询与科普"]
    assert [t.slug for t in en] == SLUGS
    assert en.get(slug="autism").name == "Autism: understanding and support"


def _modules_cover_every_theme_with_three_to_five_lessons():
    modules = ModulePage.objects.live().filter(locale__language_code="zh-hans")
    assert modules.count() >= 12
    assert {m.topic.slug for m in modules} == set(SLUGS)
    for module in modules:
        assert 3 <= LessonPage.objects.live().child_of(module).count() <= 5, module.title
        assert module.slug.isascii()
    english = ModulePage.objects.live().filter(locale__language_code="en")
    assert {m.topic.slug for m in english} == set(SLUGS)
    assert all(m.topic.locale.language_code == "en" for m in english)


def _every_page_went_live_through_clinical_review():
    today = timezone.localdate()
    pages = list(ModulePage.objects.live()) + list(LessonPage.objects.live())
    approved = set(WorkflowState.objects.filter(
        status=WorkflowState.STATUS_APPROVED, workflow__name="课程临床审核",
        requested_by__email="editor@demo.weiai.cn",
    ).values_list("object_id", flat=True))
    assert {str(p.pk) for p in pages} <= approved
    # The review dates are those of each module's clinical approval (the day
    # of the seeding, which may have run through midnight), not of this check.
    approved_on = {
        int(object_id): timezone.localdate(finished_at)
        for object_id, finished_at in TaskState.objects.filter(
            status=TaskState.STATUS_APPROVED, task__name="临床审核",
            workflow_state__status=WorkflowState.STATUS_APPROVED,
        ).order_by("finished_at").values_list("workflow_state__object_id", "finished_at")
    }
    for module in ModulePage.objects.live().select_related("reviewer__user"):
        assert module.reviewer.is_demo is True, module.title
        assert module.reviewer.user.email == "reviewer@demo.weiai.cn"
        assert module.last_reviewed == approved_on[module.pk], module.title
        assert module.last_reviewed in (today, today - dt.timedelta(days=1)), module.title
        months = 3 if module.slug in CRISIS_CONTENT else 12
        assert module.next_review == add_months(module.last_reviewed, months), module.title
        assert module.is_crisis_content is (module.slug in CRISIS_CONTENT)
        assert len(module.references) == len(REFERENCES[module.slug]), module.title
    # Nothing is overdue, and no crisis module is withheld, right after seeding.
    assert not ModulePage.objects.filter(next_review__lt=today).exists()


def test_re_seeding_later_records_no_new_review_and_changes_nothing(seeded):
    # The seed's own submissions and approvals are news to nobody.
    staff = {"reviewer@demo.weiai.cn", "editor@demo.weiai.cn"}
    assert [m.subject for m in mail.outbox if staff & set(m.to)] == []
    counts = (ModulePage.objects.count(), LessonPage.objects.count(),
              SearchEntry.objects.count(), Revision.objects.count())
    reviewed = dict(ModulePage.objects.values_list("pk", "last_reviewed"))
    with time_machine.travel(timezone.now() + dt.timedelta(days=40)):
        demo.seed(scale=1)
    assert (ModulePage.objects.count(), LessonPage.objects.count(),
            SearchEntry.objects.count(), Revision.objects.count()) == counts
    assert dict(ModulePage.objects.values_list("pk", "last_reviewed")) == reviewed
    assert WorkflowPage.objects.filter(page__url_path__endswith="/courses/").count() == 2


def test_every_reference_belongs_to_a_module_and_cites_author_and_title():
    slugs = {spec["slug"] for spec in MODULES}
    assert set(REFERENCES) <= slugs
    assert CRISIS_CONTENT.issubset(slugs)
    for slug, references in REFERENCES.items():
        assert references, slug
        for ref in references:
            assert ref["author"] and ref["title"], slug
            assert ref["url"] == "" or ref["url"].startswith("https://doi.org/10."), ref


def test_demo_passes_callout_kinds_through_and_refuses_unknown_ones():
    spec = {"slug": "m", "en": {}}
    lesson = {"slug": "l", "body": ["正文"],
              "callout": ("get_help", "需要帮助时", "找我们聊聊。"),
              "callouts": [("seek_help", "现在就求助", "请拨打 120。")]}
    body = demo._body(lesson, 1, spec, None, lang="zh", lesson_count=3)
    assert [v["kind"] for t, v in body if t == "callout"] == ["get_help", "seek_help"]
    with pytest.raises(ValueError, match="Unknown callout kind 'urgent'"):
        demo._body({**lesson, "callout": ("urgent", "", "x")}, 1, spec, None, lang="zh",
                   lesson_count=3)


def _pages_render_in_both_languages(client):
    for path in ("/courses/", "/courses/naming-feelings/calm-breathing/",
                 "/en/courses/", "/en/courses/understanding-autism/common-myths/",
                 "/courses/recognising-crisis-signs/?ack=1"):
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
    html = client.get("/courses/naming-feelings/calm-breathing/").content.decode()
    # The practice is read, not played: no player with a silent file.
    assert "闻花吹蜡烛：三分钟放松呼吸" in html and "用鼻子慢慢吸气" in html
    assert "<audio" not in html
    assert not Document.objects.filter(title__endswith="（演示音频）").exists()
    assert ".webp" in client.get("/courses/").content.decode()
    module = client.get("/courses/recognising-crisis-signs/?ack=1").content.decode()
    assert "审核人：示例审核人（演示数据，非真实临床人员）" in module
    assert "Dazzi T, Gribble R, Wessely S, Fear NT (2014)." in module
    english = client.get("/en/courses/naming-feelings/").content.decode()
    # English UI (whichever catalogue provides the wording), English content.
    assert "Reviewed by a sample reviewer (demo data, not a real clinician)" in english
    assert "Name it to tame it" in english and "Lieberman MD" in english
    for chinese_label in ("开始第一课", "审核人", "课时", "分钟", "参考资料"):
        assert chinese_label not in english


def _home_page_shows_the_five_themes(client):
    html = client.get("/").content.decode()
    assert "五个学习主题" in html
    assert 'href="/courses/?topic=autism"' in html
    english = client.get("/en/").content.decode()
    assert "Emotional guidance" in english


def _search_finds_words_in_lessons(client):
    html = client.get("/search/", {"q": "亲子沟通"}).content.decode()
    assert "亲子沟通的四个小习惯" in html
    english = client.get("/en/search/", {"q": "breathing"}).content.decode()
    assert "Calm breathing" in english


def test_demo_content_is_complete_and_works_end_to_end(client, seeded):
    # One seeding for every check: seeding takes seconds.
    _five_themes_in_both_languages()
    _modules_cover_every_theme_with_three_to_five_lessons()
    _every_page_went_live_through_clinical_review()
    _pages_render_in_both_languages(client)
    _home_page_shows_the_five_themes(client)
    _search_finds_words_in_lessons(client)
    _reviewer_approves_and_editor_submits()


def _reviewer_approves_and_editor_submits():
    from portal.models import User

    module = ModulePage.objects.filter(locale__language_code="zh-hans").first()
    reviewer = User.objects.get(email="reviewer@demo.weiai.cn")
    editor = User.objects.get(email="editor@demo.weiai.cn")
    assert reviewer.display_name == "示例审核人（演示账号）"
    assert module.permissions_for_user(reviewer).can_publish() is False
    assert module.permissions_for_user(editor).can_publish() is False
    assert module.permissions_for_user(editor).can_submit_for_moderation() is True
