"""Demo content for the training modules: topics, the course library, modules,
lessons (with quizzes, transcripts, resources and drawn images) and English
translations of one module per theme.

Idempotent: pages are found by slug under their parent and updated in place;
images and documents by title. The writing lives in `courses.demo_content`.
"""

import datetime as dt
import io
import struct

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from courses.demo_content import INDEX, MODULES, TOPICS
from courses.images import BODY_IMAGE, CARD_COVER, PAGE_COVER, warm_renditions
from courses.models import CourseIndexPage, LessonPage, ModulePage, Topic
from courses.permissions import CLINICAL_REVIEWERS_GROUP
from courses.search.indexing import reindex_all
from courses.services import ensure_clinical_review

Image = get_image_model()
Document = get_document_model()


def seed(*, scale: int = 1, stdout=None) -> None:
    with transaction.atomic():
        zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
        en, _ = Locale.objects.get_or_create(language_code="en")
        topics = _topics(zh, en)
        index_zh = _index(zh)
        index_en = _index_translation(index_zh, en)
        for index in (index_zh, index_en):
            if index is not None:
                ensure_clinical_review(index_page=index)
        images = {slug: _topic_image(slug, t["colour"]) for slug, t in TOPICS.items()}
        count = 0
        for spec in MODULES:
            module = _module(index_zh, spec, topics[spec["topic"]][0], images[spec["topic"]])
            count += 1
            if spec.get("en") and index_en is not None:
                _module_translation(module, spec, topics[spec["topic"]][1], en)
                count += 1
        _reviewer_account()
        indexed = reindex_all()
    _warm_renditions()
    if stdout:
        stdout.write(f"courses: {len(topics)} topics, {count} modules, {indexed} pages indexed")


REVIEWER_EMAIL = "reviewer@demo.weiai.cn"


def _reviewer_account() -> None:
    """A demo clinical reviewer (editor role + "clinical reviewers"), with demo TOTP."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
    from portal.models import Role, User
    from portal.roles import add_role

    user, created = User.objects.get_or_create(
        email=REVIEWER_EMAIL,
        defaults={"display_name": "许老师（演示临床审核人）", "is_staff": True},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    add_role(user, Role.EDITOR)
    user.groups.add(Group.objects.get(name=CLINICAL_REVIEWERS_GROUP))
    EmailAddress.objects.update_or_create(
        user=user, email=REVIEWER_EMAIL, defaults={"verified": True, "primary": True}
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


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


def _home(locale):
    from portal.models import HomePage

    return HomePage.objects.filter(locale=locale).first()


def _index(zh) -> CourseIndexPage:
    home = _home(zh)
    index = CourseIndexPage.objects.child_of(home).filter(slug="courses").first()
    if index is None:
        index = CourseIndexPage(title=INDEX["title"], slug="courses", locale=zh)
        home.add_child(instance=index)
    index.title, index.intro = INDEX["title"], INDEX["intro"]
    index.save_revision().publish()
    return index


def _index_translation(index_zh, en):
    if _home(en) is None:
        return None
    index_en = CourseIndexPage.objects.filter(
        translation_key=index_zh.translation_key, locale=en
    ).first()
    if index_en is None:
        index_en = index_zh.copy_for_translation(en)
    index_en.title, index_en.intro = INDEX["title_en"], INDEX["intro_en"]
    index_en.slug = "courses"
    index_en.save_revision().publish()
    return index_en


# --- Modules and lessons -------------------------------------------------------------


def _review_dates(spec) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    last_ago, next_in = spec.get("review", (60, 300))
    return today - dt.timedelta(days=last_ago), today + dt.timedelta(days=next_in)


def _module_fields(spec, lang: str) -> dict:
    text = spec if lang == "zh" else spec["en"]
    last, nxt = _review_dates(spec)
    return {
        "title": text["title"],
        "summary": text["summary"],
        "learning_outcomes": "\n".join(text["outcomes"]),
        "content_warning": text.get("warning", ""),
        "cover_alt": text.get("cover_alt", ""),
        "audience": spec["audience"],
        "age_band": spec["age"],
        "estimated_minutes": spec["minutes"],
        "last_reviewed": last,
        "next_review": nxt,
        "reviewer_name": spec["reviewer"][0] if lang == "zh" else spec["reviewer_en"][0],
        "reviewer_credential": (spec["reviewer"][1] if lang == "zh"
                                else spec["reviewer_en"][1]),
    }


def _module(index, spec, topic, image) -> ModulePage:
    module = ModulePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    fields = _module_fields(spec, "zh")
    cover = _cover_image(spec["slug"], spec["title"], topic.colour)
    if module is None:
        module = ModulePage(slug=spec["slug"], topic=topic, locale=index.locale, **fields)
        index.add_child(instance=module)
    for key, value in fields.items():
        setattr(module, key, value)
    module.topic, module.cover_image = topic, cover
    module.save_revision().publish()
    for position, lesson_spec in enumerate(spec["lessons"]):
        _lesson(module, lesson_spec, position, spec, image, lang="zh")
    return module


def _module_translation(module_zh, spec, topic_en, en) -> ModulePage:
    module = ModulePage.objects.filter(
        translation_key=module_zh.translation_key, locale=en
    ).first()
    if module is None:
        module = module_zh.copy_for_translation(en)
    for key, value in _module_fields(spec, "en").items():
        setattr(module, key, value)
    module.slug, module.topic = spec["slug"], topic_en
    module.cover_image = module_zh.cover_image
    module.save_revision().publish()
    lessons_zh = list(LessonPage.objects.child_of(module_zh).order_by("path"))
    for position, lesson_spec in enumerate(spec["en"]["lessons"]):
        lesson_zh = lessons_zh[position]
        lesson = LessonPage.objects.filter(
            translation_key=lesson_zh.translation_key, locale=en
        ).first()
        if lesson is None:
            lesson = lesson_zh.copy_for_translation(en)
        _fill_lesson(lesson, lesson_spec, position, spec, None, lang="en",
                     lesson_count=len(spec["en"]["lessons"]))
    return module


def _lesson(module, lesson_spec, position, spec, image, *, lang) -> LessonPage:
    lesson = LessonPage.objects.child_of(module).filter(slug=lesson_spec["slug"]).first()
    if lesson is None:
        lesson = LessonPage(slug=lesson_spec["slug"], title=lesson_spec["title"],
                            locale=module.locale, body=[])
        module.add_child(instance=lesson)
    _fill_lesson(lesson, lesson_spec, position, spec, image, lang=lang,
                 lesson_count=len(spec["lessons"]))
    return lesson


def _fill_lesson(lesson, ls, position, spec, image, *, lang, lesson_count) -> None:
    lesson.title = ls["title"]
    lesson.summary = ls.get("summary", "")
    lesson.body = _body(ls, position, spec, image, lang=lang, lesson_count=lesson_count)
    lesson.save_revision().publish()


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
    if "callout" in ls:
        kind, title, text = ls["callout"]
        body.append(("callout", {"kind": kind, "title": title, "text": f"<p>{_escape(text)}</p>"}))
    if "audio" in ls:
        audio = ls["audio"]
        slug = f"{spec['slug']}-{ls['slug']}{'-en' if en else ''}"
        transcript_doc = _document(f"{audio['title']}（文字稿）" if not en
                                   else f"{audio['title']} (transcript)",
                                   f"{slug}-transcript.txt", audio["transcript"])
        body.append(("audio", {
            "title": audio["title"],
            "file": _silent_audio(audio["title"], f"{slug}.mp3"),
            "transcript": audio["transcript"],
            "transcript_document": transcript_doc,
        }))
    if "quiz" in ls:
        body.append(("quiz", {
            "title": "Self-check" if en else "自我检测",
            "intro": ("Marked as soon as you submit; nothing is stored unless you are signed in."
                      if en else "提交后马上看到每个答案的解释。"),
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


def _silent_mp3(seconds: int = 2) -> bytes:
    """MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz): a valid, tiny file."""
    header = struct.pack(">I", 0xFFFB9064)
    frame = header + bytes(417 - len(header))
    return frame * (seconds * 38)


def _silent_audio(title: str, filename: str):
    doc_title = f"{title}（演示音频）"
    document = Document.objects.filter(title=doc_title).first()
    if document is None:
        document = Document(title=doc_title)
        document.file.save(filename, ContentFile(_silent_mp3()), save=False)
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
