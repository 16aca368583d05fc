"""Training modules. `Topic` is the programme theme that bookings also use."""

import copy
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import AbstractGroupApprovalTask, Page, TranslatableMixin
from wagtail.search import index

from courses.blocks import CourseStreamBlock, ReferencesBlock
from courses.caching import GENERATION_LAG_SECONDS, PAGES
from courses.permissions import ClinicalReviewPermissionTester
from courses.search.synonyms import parse_terms
from courses.text import reading_minutes, stream_text
from portal import cache as caching


class Topic(TranslatableMixin, index.Indexed, models.Model):
    """One of the programme's five themes (心理危机干预, 积极生命教育, …)."""

    name = models.CharField(_("名称"), max_length=40)
    slug = models.SlugField(_("英文标识"), max_length=60)
    description = models.TextField(_("简介"), blank=True)
    icon = models.CharField(
        _("图标"), max_length=8, blank=True, help_text=_("一个表情符号或短字符。")
    )
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("图片"),
    )
    colour = models.CharField(
        _("颜色"), max_length=7, default="#2f6f6a",
        help_text=_("十六进制颜色，例如 #2f6f6a。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("icon"),
        FieldPanel("image"),
        FieldPanel("colour"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="topic_slug_locale"),
        ]

    def __str__(self):
        return self.name

    def text_in_language(self, field: str, language_code: str) -> str:
        """This topic's ``field`` in another locale's translation, "" when
        there is none (`portal.languages`); from the per-process name map,
        so a list of topics costs no query per row."""
        if field != "name" or topic_language(language_code) != language_code:
            return ""
        return topic_names(language_code).get(self.translation_key, "")


# Topic names are the same for every visitor: kept per process under the page
# generation, which any topic change retires (bookings.caching.INVALIDATION).
TOPICS_SECONDS = 300


def topic_language(language: str | None = None) -> str:
    """``language`` (the active one by default) if it has topics, else Chinese."""
    language = language or get_language() or "zh-hans"
    key = ("topic-language", caching.read(PAGES, lag=GENERATION_LAG_SECONDS), language)
    found = caching.local_get(key)
    if found is None:
        found = (language if Topic.objects.filter(locale__language_code=language).exists()
                 else "zh-hans")
        caching.local_set(key, found, seconds=TOPICS_SECONDS)
    return found


def topics_for_language(language: str | None = None):
    """Topics in the active language's locale, falling back to Chinese."""
    return (Topic.objects.filter(locale__language_code=topic_language(language))
            .order_by("sort_order", "pk"))


def topic_names(language: str | None = None) -> dict[str, str]:
    """Topic names in the active language (or its fallback), by translation key."""
    language = topic_language(language)
    key = ("topic-names", caching.read(PAGES, lag=GENERATION_LAG_SECONDS), language)
    names = caching.local_get(key)
    if names is None:
        names = {t.translation_key: t.name for t in topics_for_language(language)}
        caching.local_set(key, names, seconds=TOPICS_SECONDS)
    return names


class Reviewer(models.Model):
    """A person who clinically reviews modules, named to families on each module.

    Approving the 临床审核 task needs an active record linked to the
    approver's account; the approval names that record on the module.
    Demo records (`is_demo`) are shown to families only as a sample reviewer,
    never with a name or credential that could pass for a real clinician's.
    """

    name = models.CharField(_("姓名"), max_length=60)
    name_en = models.CharField(_("英文姓名"), max_length=80, blank=True)
    credential = models.CharField(
        _("资质"), max_length=120,
        help_text=_("例如：精神科主治医师、心理治疗师（中级）、中级社会工作师。"),
    )
    credential_en = models.CharField(_("英文资质"), max_length=160, blank=True)
    registration_number = models.CharField(
        _("执业或注册编号"), max_length=60, blank=True,
        help_text=_("有执业证书或注册编号时填写，会显示给家庭。"),
    )
    organisation = models.CharField(_("所在机构"), max_length=120, blank=True)
    organisation_en = models.CharField(_("英文机构名称"), max_length=160, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="clinical_reviewer", verbose_name=_("后台账户"),
        help_text=_("审核时使用的账户。只有关联了在任审核人记录的账户才能通过临床审核。"),
    )
    is_demo = models.BooleanField(
        _("演示数据"), default=False,
        help_text=_("演示用的审核人在页面上只显示为“示例审核人（演示数据，非真实临床人员）”。"),
    )
    active = models.BooleanField(_("在任"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("credential"),
        FieldPanel("credential_en"),
        FieldPanel("registration_number"),
        FieldPanel("organisation"),
        FieldPanel("organisation_en"),
        FieldPanel("user"),
        FieldPanel("is_demo"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("临床审核人")
        verbose_name_plural = _("临床审核人")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.credential}）"

    def _localized(self, field: str) -> str:
        if (get_language() or "").startswith("en"):
            return getattr(self, f"{field}_en") or getattr(self, field)
        return getattr(self, field)

    @property
    def display_name(self) -> str:
        return self._localized("name")

    @property
    def display_credential(self) -> str:
        return self._localized("credential")

    @property
    def display_organisation(self) -> str:
        return self._localized("organisation")


def reviewer_for(user) -> "Reviewer | None":
    """The active reviewer record of `user`'s account, if any (cached on the user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_courses_reviewer"):
        user._courses_reviewer = Reviewer.objects.filter(user=user, active=True).first()
    return user._courses_reviewer


class ClinicalReviewTask(AbstractGroupApprovalTask):
    """临床审核: group approval that only a credentialed reviewer may give.

    Members of the task's groups (and superusers) see the task, may request
    changes and may edit a page under review, as with Wagtail's group
    approval; approving also needs an active `Reviewer` record linked to the
    account, because the approval names that person to families and starts
    the module's review cycle (`courses.workflows.publish_approved`).
    """

    class Meta:
        verbose_name = _("临床审核任务")
        verbose_name_plural = _("临床审核任务")

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if reviewer_for(user) is None:
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and reviewer_for(user) is None:
            raise PermissionDenied
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("所选用户组中关联了在任临床审核人记录的成员可以通过；通过即记录审核日期和审核人。")


class Audience(models.TextChoices):
    PARENTS = "parents", _("家长和监护人")
    CHILDREN = "children", _("6–12岁儿童")
    TEENS = "teens", _("13–17岁青少年")
    TEACHERS = "teachers", _("老师")
    COUNSELLORS = "counsellors", _("咨询师和社工")


class AgeBand(models.TextChoices):
    ALL = "all", _("各年龄")
    EARLY = "0-5", _("0–5岁")
    CHILD = "6-12", _("6–12岁")
    TEEN = "13-17", _("13–17岁")


class CachedPageMixin:
    """Marks anonymous GET responses of course pages as cacheable.

    `courses.caching.PageReplayer` stores and replays them;
    signed-in users always get a fresh render with their own progress.
    """

    def serve(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and not request.user.is_authenticated:
            request.courses_page_cacheable = True
        return super().serve(request, *args, **kwargs)


def paused_for_review_q(*, today: dt.date) -> models.Q:
    """Modules withheld from families: crisis content whose review lapsed or never happened."""
    return models.Q(is_crisis_content=True) & (
        models.Q(next_review__isnull=True) | models.Q(next_review__lt=today)
    )


def paused_for_review_response(request, *, module) -> TemplateResponse:
    """What a family gets instead of a withheld module or lesson: a 404 that
    says why, with the ways to get help, and none of the module's content."""
    return TemplateResponse(
        request, "courses/paused_for_review.html",
        {"page": module, "self": module, "module": module},
        status=404,
    )


class ClinicalReviewMixin:
    """Modules and lessons go live only through clinical review (see courses.permissions)."""

    def permissions_for_user(self, user):
        return ClinicalReviewPermissionTester(user, self)


class CourseIndexPage(ClinicalReviewMixin, CachedPageMixin, Page):
    """The library of modules, at /courses/, filterable by topic, audience and age."""

    intro = models.TextField(_("导语"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["courses.ModulePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("课程目录")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(course_index_context(index=self, request=request))
        return context


class ModulePage(ClinicalReviewMixin, CachedPageMixin, Page):
    """A training module: a short course of ordered lessons on one topic."""

    requires_clinical_review = True  # courses.permissions: no direct publishing

    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="modules", verbose_name=_("主题")
    )
    audience = models.CharField(
        _("对象"), max_length=20, choices=Audience.choices, default=Audience.PARENTS
    )
    age_band = models.CharField(
        _("年龄段"), max_length=10, choices=AgeBand.choices, default=AgeBand.ALL
    )
    summary = models.TextField(_("简介"), max_length=600)
    learning_outcomes = models.TextField(
        _("学习收获"), blank=True, help_text=_("每行一条。")
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("预计学习时长（分钟）"), default=20
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("封面图片"),
    )
    cover_alt = models.CharField(_("封面替代文字"), max_length=200, blank=True)
    content_warning = models.TextField(
        _("内容提示"), blank=True,
        help_text=_("如果模块涉及可能引起不适的内容，请在这里说明；读者会先看到这段提示。"),
    )
    body = StreamField(CourseStreamBlock(), blank=True, verbose_name=_("模块介绍"))
    references = StreamField(
        ReferencesBlock(), blank=True, verbose_name=_("参考资料"),
        help_text=_("模块中每一处“研究发现”等依据都要列出来源；显示在模块页末尾。"),
    )
    is_crisis_content = models.BooleanField(
        _("危机内容"), default=False,
        help_text=_("涉及自杀、自伤或危机应对的模块请勾选：复核周期更短（见站点设置），"
                    "到期未复核时暂停向家庭展示，直到重新通过临床审核。"),
    )
    # Set only by the approval of the 临床审核 task (courses.workflows).
    last_reviewed = models.DateField(_("最近审核日期"), null=True, blank=True)
    next_review = models.DateField(_("下次审核日期"), null=True, blank=True)
    reviewer = models.ForeignKey(
        Reviewer, null=True, blank=True, on_delete=models.SET_NULL, related_name="modules",
        verbose_name=_("审核人"),
    )
    # Shown on the module page: loaded with it (portal.models.HomePage.route).
    route_select_related = ("topic", "reviewer", "cover_image")
    # A copy or a translation is new content: it carries no review it never had.
    exclude_fields_in_copy = ["reviewer", "last_reviewed", "next_review"]

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldPanel("audience"),
                FieldPanel("age_band"),
                FieldPanel("estimated_minutes"),
            ],
            heading=_("分类"),
        ),
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        FieldPanel("cover_image"),
        FieldPanel("cover_alt"),
        FieldPanel("content_warning"),
        FieldPanel("body"),
        FieldPanel("references"),
        MultiFieldPanel(
            [
                FieldPanel("is_crisis_content"),
                FieldPanel("reviewer", read_only=True),
                FieldPanel("last_reviewed", read_only=True),
                FieldPanel("next_review", read_only=True),
            ],
            heading=_("临床审核"),
            help_text=_("审核人和审核日期在临床审核通过时自动记录，不能手动修改。"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("课程模块")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review__isnull=True)
                | models.Q(last_reviewed__isnull=True)
                | models.Q(next_review__gt=models.F("last_reviewed")),
                name="module_next_review_after_last",
            )
        ]

    def clean(self):
        super().clean()
        if self.last_reviewed and self.next_review and self.next_review <= self.last_reviewed:
            raise ValidationError({"next_review": _("下次审核日期应晚于最近审核日期。")})

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    @property
    def library_url(self) -> str | None:
        """The course library's address (this module's parent page), without
        loading that page: its URL is this one's less the last segment."""
        url = self.url
        return url[: url.rstrip("/").rfind("/") + 1] if url else None

    def serve(self, request, *args, **kwargs):
        if self.is_paused_for_review:
            return paused_for_review_response(request, module=self)
        return super().serve(request, *args, **kwargs)

    @property
    def is_review_due(self) -> bool:
        return self.next_review is not None and self.next_review < timezone.localdate()

    @property
    def is_paused_for_review(self) -> bool:
        """A crisis module past (or without) its review date is not shown to families."""
        return self.is_crisis_content and (
            self.next_review is None or self.next_review < timezone.localdate()
        )

    def get_sitemap_urls(self, request=None):
        return [] if self.is_paused_for_review else super().get_sitemap_urls(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(module_context(module=self, request=request))
        return context


class LessonPage(ClinicalReviewMixin, CachedPageMixin, Page):
    """One lesson of a module; lessons follow the module's page order."""

    requires_clinical_review = True

    summary = models.CharField(_("简介"), max_length=300, blank=True)
    body = StreamField(CourseStreamBlock(), verbose_name=_("正文"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("课时")

    def serve(self, request, *args, **kwargs):
        if self.module.is_paused_for_review:
            return paused_for_review_response(request, module=self.module)
        return super().serve(request, *args, **kwargs)

    @cached_property
    def module(self) -> ModulePage:
        """The module above, read once per page generation in this process
        (a publish, a move or a topic change retires it)."""
        path = self.path[: -self.steplen]
        key = ("lesson-module", caching.read(PAGES, lag=GENERATION_LAG_SECONDS), path)
        module = caching.local_get(key)
        if module is None:
            module = ModulePage.objects.select_related("topic", "reviewer").get(path=path)
            caching.local_set(key, module, seconds=LESSON_LIST_SECONDS)
        # A copy of its own per request: callers may set attributes on it.
        return copy.copy(module)

    def get_sitemap_urls(self, request=None):
        if self.path[: -self.steplen] in paused_module_paths(request=request):
            return []
        return super().get_sitemap_urls(request)

    @cached_property
    def reading_minutes(self) -> int:
        return reading_minutes(f"{self.title}\n{self.summary}\n{stream_text(self.body)}")

    def quiz_blocks(self):
        return [block for block in self.body if block.block_type == "quiz"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(lesson=self, request=request))
        return context


class LessonCompletion(models.Model):
    """That a signed-in learner finished a lesson (button or passed self-check)."""

    class Via(models.TextChoices):
        MANUAL = "manual", _("标记完成")
        QUIZ = "quiz", _("通过自我检测")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="completions"
    )
    module = models.ForeignKey(
        ModulePage, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.MANUAL)
    completed_at = models.DateTimeField(_("完成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("课时完成记录")
        verbose_name_plural = _("课时完成记录")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="completion_once"),
        ]

    def __str__(self):
        return f"{self.user} · {self.lesson}"


class Certificate(models.Model):
    """A printable record that a learner completed a module, checkable by its code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    module = models.ForeignKey(
        ModulePage, on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(_("验证码"), max_length=16, unique=True)
    holder_name = models.CharField(_("学员称呼"), max_length=60)
    module_title = models.CharField(_("模块名称"), max_length=255)
    issued_at = models.DateTimeField(_("颁发时间"), default=timezone.now)

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="certificate_once"),
        ]

    def __str__(self):
        return f"{self.code} · {self.module_title}"

    def get_absolute_url(self):
        return reverse("courses:certificate", kwargs={"code": self.code})


class SearchEntry(models.Model):
    """A published module or lesson as segmented, simplified text.

    Wagtail's database backends and PostgreSQL full-text search treat a run of
    Chinese characters as one token, so 危机干预 inside a sentence is never
    found. Here the text is converted to Simplified Chinese, cut into words by
    jieba and stored space-joined (with a space at each end), so a word matches
    with a portable `LIKE '% word %'` on SQLite and PostgreSQL alike.
    """

    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, related_name="course_search_entry"
    )
    language = models.CharField(max_length=10, db_index=True)
    kind = models.CharField(max_length=10)
    title = models.CharField(max_length=255)
    topic = models.ForeignKey(Topic, null=True, on_delete=models.SET_NULL, related_name="+")
    module_title = models.CharField(max_length=255, blank=True)
    text = models.TextField(help_text="Plain text as written, for snippets.")
    segmented_title = models.TextField()
    # The summary's words: a match here ranks above one in the body only.
    segmented_summary = models.TextField(default=" ")
    segmented = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("搜索索引")
        verbose_name_plural = _("搜索索引")

    def __str__(self):
        return self.title


class SearchSynonym(models.Model):
    """A group of terms a search treats as one (自闭症 / 孤独症 / autism / ASD).

    A query holding any term of the group also finds pages that use another
    (`courses.search.synonyms`). Saving one retires the replayed search pages
    (`bookings.caching.INVALIDATION`).
    """

    name = models.CharField(_("名称"), max_length=60, help_text=_("方便编辑查找，例如“孤独症”。"))
    terms = models.TextField(
        _("同义词"),
        help_text=_("每行一个词，或用逗号、顿号分开，例如：自闭症、孤独症、autism、ASD。"),
    )

    panels = [FieldPanel("name"), FieldPanel("terms")]

    class Meta:
        verbose_name = _("搜索同义词")
        verbose_name_plural = _("搜索同义词")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if len(parse_terms(self.terms)) < 2:
            raise ValidationError({"terms": _("请至少填写两个词。")})

    def term_list(self) -> list[str]:
        return parse_terms(self.terms)


# --- Page contexts ------------------------------------------------------------
# The reads behind the pages' own get_context (Page behaviour stays on the
# Page). Every page context runs a fixed number of queries whatever the number
# of modules, lessons and images: children and completions are fetched in one
# query each, and cover images come with their renditions prefetched.
# `courses.selectors` holds the other reads and imports these; they live here
# so that this module needs no import of selectors (no circle).


def _cover_prefetch() -> Prefetch:
    return Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions())


@dataclass
class ModuleProgress:
    total: int = 0
    done: int = 0
    done_ids: set = field(default_factory=set)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

def paused_module_paths(*, request=None, today=None) -> frozenset[str]:
    """Tree paths of withheld modules (their lessons sit below them); one query,
    kept on `request` for the rest of it (the sitemap asks once per lesson)."""
    cached = getattr(request, "_courses_paused_paths", None)
    if cached is not None:
        return cached
    paths = frozenset(
        ModulePage.objects.filter(paused_for_review_q(today=today or timezone.localdate()))
        .values_list("path", flat=True)
    )
    if request is not None:
        request._courses_paused_paths = paths
    return paths

def live_modules(*, index) -> QuerySet[ModulePage]:
    return (
        ModulePage.objects.live().public().child_of(index)
        .exclude(paused_for_review_q(today=timezone.localdate()))
        .select_related("topic")
        .prefetch_related(_cover_prefetch())
        .order_by("path")
    )


def course_index_context(*, index, request) -> dict:
    """Modules filtered by ?topic=&audience=&age=, with lesson counts and progress.

    What every visitor sees (topics, the filtered modules with their covers,
    the lessons below) is read once per page generation, day and filter in
    this process; only the visitor's completions are read per request."""
    selected = {
        "topic": request.GET.get("topic", ""),
        "audience": request.GET.get("audience", ""),
        "age": request.GET.get("age", ""),
    }
    if selected["audience"] not in Audience.values:
        selected["audience"] = ""
    if selected["age"] not in AgeBand.values:
        selected["age"] = ""
    topics = _topics(index.locale_id)
    if selected["topic"] not in {t.slug for t in topics}:
        selected["topic"] = ""
    modules, lesson_paths = _index_listing(index, selected)
    if any(request.GET.get(k) and not selected[k] for k in selected):
        # Unknown filter values show the full list; don't cache that under their URL.
        request.courses_page_cacheable = False
    # Copies of their own: progress is set on them per visitor.
    modules = [copy.copy(module) for module in modules]
    done = _completed_lesson_ids(request.user, [pk for pk, _ in lesson_paths])
    steplen = ModulePage.steplen
    by_module: dict[str, ModuleProgress] = {m.path: ModuleProgress() for m in modules}
    for pk, path in lesson_paths:
        progress = by_module.get(path[:-steplen])
        if progress is not None:
            progress.total += 1
            if pk in done:
                progress.done += 1
    for module in modules:
        module.progress = by_module[module.path]
    return {
        "modules": modules,
        "topics": topics,
        "audiences": Audience.choices,
        "age_bands": [c for c in AgeBand.choices if c[0] != AgeBand.ALL],
        "selected": selected,
        "filtered": any(selected.values()),
    }


def _topics(locale_id) -> list[Topic]:
    key = ("topics", caching.read(PAGES, lag=GENERATION_LAG_SECONDS), locale_id)
    topics = caching.local_get(key)
    if topics is None:
        topics = list(Topic.objects.filter(locale_id=locale_id))
        caching.local_set(key, topics, seconds=LESSON_LIST_SECONDS)
    return topics


def _index_listing(index, selected: dict) -> tuple[list, list]:
    """`selected` holds only known values: at most one entry per filter."""
    key = ("course-index", caching.read(PAGES, lag=GENERATION_LAG_SECONDS), index.pk,
           timezone.localdate(), selected["topic"], selected["audience"], selected["age"])
    listing = caching.local_get(key)
    if listing is not None:
        return listing
    modules = live_modules(index=index)
    if selected["topic"]:
        modules = modules.filter(topic__slug=selected["topic"])
    if selected["audience"]:
        modules = modules.filter(audience=selected["audience"])
    if selected["age"]:
        modules = modules.filter(age_band__in=[selected["age"], AgeBand.ALL])
    lesson_paths = list(
        LessonPage.objects.live().public().descendant_of(index)
        .values_list("pk", "path")
    )
    listing = (list(modules), lesson_paths)
    caching.local_set(key, listing, seconds=LESSON_LIST_SECONDS)
    return listing


def _completed_lesson_ids(user, lesson_ids) -> set[int]:
    if not user.is_authenticated or not lesson_ids:
        return set()
    return set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids)
        .values_list("lesson_id", flat=True)
    )


# A module's lesson list is the same for every visitor and changes only when
# a page is published, unpublished, moved or deleted, or a view restriction
# changes: all retire the page generation (bookings.caching.INVALIDATION).
LESSON_LIST_SECONDS = 300


def module_lessons(module) -> list[LessonPage]:
    generation = caching.read(PAGES, lag=GENERATION_LAG_SECONDS)
    key = ("module-lessons", generation, module.pk)
    lessons = caching.local_get(key)
    if lessons is None:
        lessons = list(
            LessonPage.objects.live().public().child_of(module).order_by("path")
            .only("id", "title", "slug", "url_path", "path", "depth", "locale_id",
                  "summary", "live")
        )
        caching.local_set(key, lessons, seconds=LESSON_LIST_SECONDS)
    # A list of its own per request: callers may not share one another's.
    return list(lessons)


def module_progress(*, user, module, lessons=None) -> ModuleProgress:
    lessons = module_lessons(module) if lessons is None else lessons
    ids = [lesson.pk for lesson in lessons]
    done = _completed_lesson_ids(user, ids)
    return ModuleProgress(total=len(ids), done=len(done), done_ids=done)


def module_context(*, module, request) -> dict:
    lessons = module_lessons(module)
    progress = module_progress(user=request.user, module=module, lessons=lessons)
    certificate = None
    if progress.complete:
        certificate = Certificate.objects.filter(user=request.user, module=module).first()
    next_lesson = next((lsn for lsn in lessons if lsn.pk not in progress.done_ids), None)
    return {
        "module": module,
        "lessons": lessons,
        "progress": progress,
        "certificate": certificate,
        "next_lesson": next_lesson,
        "show_warning": bool(module.content_warning) and request.GET.get("ack") != "1",
        "topic": module.topic,
    }


def lesson_context(*, lesson, request) -> dict:
    module = lesson.module
    lessons = module_lessons(module)
    progress = module_progress(user=request.user, module=module, lessons=lessons)
    ids = [lsn.pk for lsn in lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else -1
    previous_lesson = lessons[position - 1] if position > 0 else None
    next_lesson = lessons[position + 1] if 0 <= position < len(lessons) - 1 else None
    return {
        "module": module,
        "lessons": lessons,
        "progress": progress,
        "position": position + 1,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "is_complete": lesson.pk in progress.done_ids,
        "topic": module.topic,
    }
