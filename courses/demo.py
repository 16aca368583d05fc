"""Demo content for the training modules: topics, the course library, modules,
lessons (with quizzes, practice scripts, resources and drawn images) and English
translations of one module per theme.

Every module and lesson goes live the way any page does: the seed saves a
revision as the demo editor, submits it to the 课程临床审核 workflow and
approves it as the demo clinical reviewer, so review dates come from that
approval. Idempotent: pages are found by slug under their parent and changed
only when their content differs from what is live, so re-seeding unchanged
content records no new review; images and documents are found by title. The
writing lives in `courses.demo_content`, references and the crisis flag in
`courses.demo_references`.
"""

import io
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.blocks import StreamValue
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from courses.blocks import CalloutBlock
from courses.demo_content import DEMO_REVIEWER, INDEX, MODULES, SYNONYMS, TOPICS
from courses.demo_references import CRISIS_CONTENT, REFERENCES
from courses.images import BODY_IMAGE, CARD_COVER, PAGE_COVER, warm_renditions
from courses.models import (
    CourseIndexPage,
    LessonPage,
    ModulePage,
    Reviewer,
    SearchSynonym,
    Topic,
)
from courses.permissions import CLINICAL_REVIEWERS_GROUP
from courses.search.indexing import reindex_all
from courses.services import ensure_clinical_review

Image = get_image_model()
Document = get_document_model()

REVIEWER_EMAIL = "reviewer@demo.weiai.cn"
EDITOR_EMAIL = "editor@demo.weiai.cn"
# Earlier seeds attached a silent two-second MP3 to the breathing lesson.
SILENT_AUDIO_SUFFIX = "（演示音频）"

MODULE_FIELDS = ("title", "summary", "learning_outcomes", "content_warning", "cover_alt",
                 "audience", "age_band", "estimated_minutes", "is_crisis_content",
                 "references", "slug", "topic_id", "cover_image_id")
LESSON_FIELDS = ("title", "summary", "body", "slug")


def seed(*, scale: int = 1, stdout=None) -> None:
    with transaction.atomic():
        zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
        en, _ = Locale.objects.get_or_create(language_code="en")
        topics = _topics(zh, en)
        _synonyms()
        index_zh = _index(zh)
        index_en = _index_translation(index_zh, en)
        for index in (index_zh, index_en):
            if index is not None:
                ensure_clinical_review(index_page=index)
        review = _Review(reviewer=_reviewer_account())
        images = {slug: _topic_image(slug, t["colour"]) for slug, t in TOPICS.items()}
        count = 0
        with _quiet_workflow_emails():
            for spec in MODULES:
                module = _module(index_zh, spec, topics[spec["topic"]][0],
                                 images[spec["topic"]], review)
                count += 1
                if spec.get("en") and index_en is not None:
                    _module_translation(module, spec, topics[spec["topic"]][1], en, review)
                    count += 1
        Document.objects.filter(title__endswith=SILENT_AUDIO_SUFFIX).delete()
        indexed = reindex_all()
    _warm_renditions()
    if stdout:
        stdout.write(f"courses: {len(topics)} topics, {count} modules, {indexed} pages indexed"
                     f" ({review.approved} approved by the demo reviewer)")


def _reviewer_account():
    """The demo clinical reviewer: editor role + "clinical reviewers", demo TOTP,
    and a reviewer record marked as demo data (families see "示例审核人")."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
    from portal.models import Role, User
    from portal.roles import add_role

    user, created = User.objects.get_or_create(
        email=REVIEWER_EMAIL,
        defaults={"display_name": DEMO_REVIEWER["account_name"], "is_staff": True},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    elif user.display_name != DEMO_REVIEWER["account_name"]:
        user.display_name = DEMO_REVIEWER["account_name"]
        user.save(update_fields=["display_name"])
    add_role(user, Role.EDITOR)
    user.groups.add(Group.objects.get(name=CLINICAL_REVIEWERS_GROUP))
    EmailAddress.objects.update_or_create(
        user=user, email=REVIEWER_EMAIL, defaults={"verified": True, "primary": True}
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    Reviewer.objects.update_or_create(
        user=user,
        defaults={key: DEMO_REVIEWER[key] for key in (
            "name", "name_en", "credential", "credential_en", "organisation",
            "organisation_en")} | {"is_demo": True, "active": True,
                                   "registration_number": ""},
    )
    return user


@contextmanager
def _quiet_workflow_emails():
    """The seed's own submissions and approvals are news to nobody: Wagtail's
    workflow notification emails are off while it runs, then connected again."""
    from wagtail.admin.signal_handlers import register_signal_handlers
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import (
        task_submitted,
        workflow_approved,
        workflow_rejected,
        workflow_submitted,
    )

    for signal, sender, uid in (
        (task_submitted, TaskState, "group_approval_task_submitted_email_notification"),
        (workflow_submitted, WorkflowState, "workflow_state_submitted_email_notification"),
        (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification"),
        (workflow_approved, WorkflowState, "workflow_state_approved_email_notification"),
    ):
        signal.disconnect(sender=sender, dispatch_uid=uid)
    try:
        yield
    finally:
        register_signal_handlers()


class _Review:
    """Puts a seeded page live through the clinical review workflow."""

    def __init__(self, *, reviewer):
        from portal.models import User

        self.reviewer = reviewer
        self.editor = User.objects.filter(email=EDITOR_EMAIL).first() or reviewer
        self.approved = 0

    def submit_and_approve(self, page) -> None:
        """Save `page` as the editor's revision, submit it and approve it."""
        state = page.current_workflow_state
        if state is not None:
            # A review left open in the demo admin; the seed's text replaces it.
            state.cancel(user=self.editor)
        page.save_revision(user=self.editor)
        state = page.get_workflow().start(page, self.editor)
        task_state = state.current_task_state.specific
        task_state.task.specific.on_action(task_state, self.reviewer, "approve")
        page.refresh_from_db()
        self.approved += 1


def _without_ids(value):
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _snapshot(page, fields) -> dict:
    """What the seed controls of `page`, comparable before and after setting it."""
    data = {}
    for name in fields:
        value = getattr(page, name)
        if isinstance(value, StreamValue):
            value = _without_ids(value.get_prep_value())
        data[name] = value
    return data


def _put_live(page, fields, before, review) -> None:
    """Through review only if the seed changed something or the page is not live."""
    if not page.live or _snapshot(page, fields) != before:
        review.submit_and_approve(page)


# --- Topics and the library ---------------------------------------------------------


def _topics(zh, en) -> dict[str, tuple[Topic, Topic]]:
    result = {}
    for order, (slug, t) in enumerate(TOPICS.items()):
        topic_zh, _ = Topic.objects.update_or_create(
            slug=slug, locale=zh,
            defaults={"name": t["name"], "description": t["description"], "icon": t["icon"],
                      "colour": t["colour"], "sort_order": order},
        )
        topic_en = Topic.objects.filter(translation_key=topic_zh.translation_key,
                                        locale=en).first()
        if topic_en is None:
            topic_en = topic_zh.copy_for_translation(en)
        topic_en.slug = slug
        topic_en.name = t["name_en"]
        topic_en.description = t["description_en"]
        topic_en.icon, topic_en.colour, topic_en.sort_order = t["icon"], t["colour"], order
        topic_en.save()
        result[slug] = (topic_zh, topic_en)
    return result


def _synonyms() -> None:
    """The demo synonym groups, by name; a group editors changed keeps their terms."""
    for name, terms in SYNONYMS.items():
        SearchSynonym.objects.get_or_create(name=name, defaults={"terms": terms})


def _home(locale):
    from portal.models import HomePage

    return HomePage.objects.filter(locale=locale).first()


def _publish_index(index, before) -> None:
    # The library page holds no clinical content; it is published directly.
    if not index.live or _snapshot(index, ("title", "intro", "slug")) != before:
        index.save_revision().publish()


def _index(zh) -> CourseIndexPage:
    home = _home(zh)
    index = CourseIndexPage.objects.child_of(home).filter(slug="courses").first()
    if index is None:
        index = CourseIndexPage(title=INDEX["title"], slug="courses", locale=zh, live=False)
        home.add_child(instance=index)
    before = _snapshot(index, ("title", "intro", "slug"))
    index.title, index.intro = INDEX["title"], INDEX["intro"]
    _publish_index(index, before)
    return index


def _index_translation(index_zh, en):
    if _home(en) is None:
        return None
    index_en = CourseIndexPage.objects.filter(
        translation_key=index_zh.translation_key, locale=en
    ).first()
    if index_en is None:
        index_en = index_zh.copy_for_translation(en)
    before = _snapshot(index_en, ("title", "intro", "slug"))
    index_en.title, index_en.intro = INDEX["title_en"], INDEX["intro_en"]
    index_en.slug = "courses"
    _publish_index(index_en, before)
    return index_en


# --- Modules and lessons -------------------------------------------------------------


def _module_fields(spec, lang: str) -> dict:
    text = spec if lang == "zh" else spec["en"]
    return {
        "title": text["title"],
        "summary": text["summary"],
        "learning_outcomes": "\n".join(text["outcomes"]),
        "content_warning": text.get("warning", ""),
        "cover_alt": text.get("cover_alt", ""),
        "audience": spec["audience"],
        "age_band": spec["age"],
        "estimated_minutes": spec["minutes"],
        "is_crisis_content": spec["slug"] in CRISIS_CONTENT,
        "references": [("reference", ref) for ref in REFERENCES.get(spec["slug"], [])],
    }


def _module(index, spec, topic, image, review) -> ModulePage:
    module = ModulePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    fields = _module_fields(spec, "zh")
    cover = _cover_image(spec["slug"], spec["title"], topic.colour)
    if module is None:
        module = ModulePage(slug=spec["slug"], topic=topic, locale=index.locale,
                            live=False, **fields)
        index.add_child(instance=module)
    before = _snapshot(module, MODULE_FIELDS)
    for key, value in fields.items():
        setattr(module, key, value)
    module.topic, module.cover_image = topic, cover
    _put_live(module, MODULE_FIELDS, before, review)
    for position, lesson_spec in enumerate(spec["lessons"]):
        _lesson(module, lesson_spec, position, spec, image, review, lang="zh")
    return module


def _module_translation(module_zh, spec, topic_en, en, review) -> ModulePage:
    module = ModulePage.objects.filter(
        translation_key=module_zh.translation_key, locale=en
    ).first()
    if module is None:
        module = module_zh.copy_for_translation(en)
    before = _snapshot(module, MODULE_FIELDS)
    for key, value in _module_fields(spec, "en").items():
        setattr(module, key, value)
    module.slug, module.topic = spec["slug"], topic_en
    module.cover_image = module_zh.cover_image
    _put_live(module, MODULE_FIELDS, before, review)
    lessons_zh = list(LessonPage.objects.child_of(module_zh).order_by("path"))
    for position, lesson_spec in enumerate(spec["en"]["lessons"]):
        lesson_zh = lessons_zh[position]
        lesson = LessonPage.objects.filter(
            translation_key=lesson_zh.translation_key, locale=en
        ).first()
        if lesson is None:
            lesson = lesson_zh.copy_for_translation(en)
        _fill_lesson(lesson, lesson_spec, position, spec, None, review, lang="en",
                     lesson_count=len(spec["en"]["lessons"]))
    return module


def _lesson(module, lesson_spec, position, spec, image, review, *, lang) -> LessonPage:
    lesson = LessonPage.objects.child_of(module).filter(slug=lesson_spec["slug"]).first()
    if lesson is None:
        lesson = LessonPage(slug=lesson_spec["slug"], title=lesson_spec["title"],
                            locale=module.locale, body=[], live=False)
        module.add_child(instance=lesson)
    _fill_lesson(lesson, lesson_spec, position, spec, image, review, lang=lang,
                 lesson_count=len(spec["lessons"]))
    return lesson


def _fill_lesson(lesson, ls, position, spec, image, review, *, lang, lesson_count) -> None:
    """Each lesson is reviewed on its own: Wagtail moderates page by page, and
    an approval of the module must not publish lesson drafts nobody opened."""
    before = _snapshot(lesson, LESSON_FIELDS)
    lesson.title = ls["title"]
    lesson.summary = ls.get("summary", "")
    lesson.body = _body(ls, position, spec, image, lang=lang, lesson_count=lesson_count)
    _put_live(lesson, LESSON_FIELDS, before, review)


def _callouts(ls) -> list:
    """`"callout": (kind, title, text)` and/or `"callouts": [...]`, kinds checked."""
    items = ([ls["callout"]] if "callout" in ls else []) + list(ls.get("callouts", []))
    for kind, _title, _text in items:
        if kind not in CalloutBlock.KINDS:
            raise ValueError(f"Unknown callout kind {kind!r} in lesson {ls['slug']!r}")
    return items


def _body(ls, position, spec, image, *, lang, lesson_count) -> list:
    en = lang == "en"
    body = []
    for item in ls["body"]:
        if item.startswith("## "):
            body.append(("heading", {"text": item[3:]}))
        else:
            body.append(("paragraph", f"<p>{_escape(item)}</p>"))
        if len(body) == 2 and position == 0 and image is not None:
            body.append(("image", {
                "image": image,
                "alt": ls.get("image_alt") or ("装饰插图" if not en else "Decorative illustration"),
                "caption": ls.get("image_caption", ""),
            }))
    for kind, title, text in _callouts(ls):
        body.append(("callout", {"kind": kind, "title": title, "text": f"<p>{_escape(text)}</p>"}))
    if "audio" in ls:
        # No recording exists yet: the practice is read, not played. A player
        # with a silent file under a breathing title helps nobody.
        audio = ls["audio"]
        body.append(("heading", {"text": audio["title"]}))
        body.append(("paragraph", "".join(
            f"<p>{_escape(line)}</p>" for line in audio["transcript"].splitlines()
            if line.strip()
        )))
    if "quiz" in ls:
        body.append(("quiz", {
            "title": "Self-check" if en else "自我检测",
            "intro": ("Submit to see an explanation of each answer straight away; nothing "
                      "is stored unless you are signed in."
                      if en else "提交后马上看到每个答案的解释；不登录的话，答案不会保存。"),
            "questions": [
                {"prompt": prompt, "multiple": multiple,
                 "choices": [{"text": t, "correct": c, "feedback": f} for t, c, f in choices]}
                for prompt, multiple, choices in ls["quiz"]
            ],
        }))
    if position == lesson_count - 1:
        text = spec["en"] if en else spec
        resource = text.get("resource")
        if resource:
            title, lines = resource
            doc = _document(title, f"{spec['slug']}{'-en' if en else ''}-checklist.txt",
                            "\n".join([title, ""] + [f"□ {line}" for line in lines]))
            body.append(("resource", {
                "document": doc, "title": title,
                "description": ("A one-page checklist to print or keep on your phone."
                                if en else "一页纸清单，可以打印，也可以存在手机里。"),
            }))
        body.append(("talk_to_someone", {
            "text": ("If something here feels close to home, you don't have to work it out "
                     "alone." if en else "如果这里说的情况和你家很像，不必一个人琢磨，找我们聊聊。"),
        }))
    return body


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


# --- Generated media ----------------------------------------------------------------


def _png(width: int, height: int, colour: str, label: str) -> bytes:
    """A calm abstract picture: soft colour fields and circles, no text."""
    base = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    light = tuple(min(255, c + (255 - c) * 3 // 4) for c in base)
    img = PILImage.new("RGB", (width, height), light)
    draw = ImageDraw.Draw(img)
    seed = sum(ord(ch) for ch in label)
    for i in range(5):
        r = height // (3 + i % 3)
        x = (seed * (i + 3) * 37) % width
        y = (seed * (i + 5) * 17) % height
        tint = tuple(min(255, c + (255 - c) * (i + 1) // 7) for c in base)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tint)
    draw.rectangle((0, height - height // 8, width, height), fill=base)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _image(title: str, filename: str, colour: str, size=(960, 540)):
    image = Image.objects.filter(title=title).first()
    if image is None:
        data = _png(*size, colour, title)
        image = Image(title=title, file=ImageFile(io.BytesIO(data), name=filename),
                      width=size[0], height=size[1])
        image.save()
    return image


def _cover_image(slug: str, title: str, colour: str):
    return _image(f"封面：{title}", f"cover-{slug}.png", colour)


def _topic_image(slug: str, colour: str):
    return _image(f"插图：{TOPICS[slug]['name']}", f"illustration-{slug}.png", colour,
                  size=(800, 450))


def _document(title: str, filename: str, text: str):
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(filename, ContentFile(text.encode("utf-8")), save=False)
        document.save()
    return document


def _warm_renditions() -> None:
    """Generate the WebP renditions the templates ask for (covers and body images)."""
    for module in ModulePage.objects.filter(cover_image__isnull=False).select_related(
        "cover_image"
    ):
        warm_renditions(module.cover_image, CARD_COVER, PAGE_COVER)
    for image in Image.objects.filter(title__startswith="插图："):
        warm_renditions(image, BODY_IMAGE)
