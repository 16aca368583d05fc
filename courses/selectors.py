"""Reads for course pages, progress, search and the review report.

Every page context runs a fixed number of queries whatever the number of
modules, lessons and images: children and completions are fetched in one
query each, and cover images come with their renditions prefetched.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from courses.models import (
    AgeBand,
    Audience,
    Certificate,
    LessonCompletion,
    LessonPage,
    ModulePage,
    SearchEntry,
    Topic,
    paused_for_review_q,
)
from courses.search.segmentation import query_terms


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


# --- The review gate ------------------------------------------------------------
# A crisis module whose review lapsed is withheld from families everywhere:
# its pages answer 404 (`ModulePage.serve`), and it leaves listings, search,
# "continue learning" and the sitemap. Staff still find it in the admin.


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


def _outside(paths) -> Q:
    """Pages that are not one of `paths` nor below one (Q() when there are none)."""
    below = Q()
    for path in paths:
        below |= Q(path__startswith=path)
    return ~below if paths else Q()


def lesson_for_family(*, pk: int) -> LessonPage | None:
    """A live, public lesson a family may open (quiz marking, completion)."""
    lesson = LessonPage.objects.live().public().filter(pk=pk).first()
    if lesson is None or lesson.module.is_paused_for_review:
        return None
    return lesson


# --- Course index -----------------------------------------------------------------


def live_modules(*, index) -> QuerySet[ModulePage]:
    return (
        ModulePage.objects.live().public().child_of(index)
        .exclude(paused_for_review_q(today=timezone.localdate()))
        .select_related("topic")
        .prefetch_related(_cover_prefetch())
        .order_by("path")
    )


def course_index_context(*, index, request) -> dict:
    """Modules filtered by ?topic=&audience=&age=, with lesson counts and progress."""
    topics = list(Topic.objects.filter(locale_id=index.locale_id))
    topic_slugs = {t.slug for t in topics}
    selected = {
        "topic": request.GET.get("topic", ""),
        "audience": request.GET.get("audience", ""),
        "age": request.GET.get("age", ""),
    }
    modules = live_modules(index=index)
    if selected["topic"] in topic_slugs:
        modules = modules.filter(topic__slug=selected["topic"])
    else:
        selected["topic"] = ""
    if selected["audience"] in Audience.values:
        modules = modules.filter(audience=selected["audience"])
    else:
        selected["audience"] = ""
    if selected["age"] in AgeBand.values:
        modules = modules.filter(age_band__in=[selected["age"], AgeBand.ALL])
    else:
        selected["age"] = ""
    if any(request.GET.get(k) and not selected[k] for k in selected):
        # Unknown filter values show the full list; don't cache that under their URL.
        request.courses_page_cacheable = False
    modules = list(modules)
    lesson_paths = list(
        LessonPage.objects.live().public().descendant_of(index)
        .values_list("pk", "path")
    )
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


def _completed_lesson_ids(user, lesson_ids) -> set[int]:
    if not user.is_authenticated or not lesson_ids:
        return set()
    return set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids)
        .values_list("lesson_id", flat=True)
    )


# --- Module and lesson pages --------------------------------------------------


def module_lessons(module) -> list[LessonPage]:
    return list(
        LessonPage.objects.live().public().child_of(module).order_by("path")
        .only("id", "title", "slug", "url_path", "path", "depth", "locale_id",
              "summary", "live")
    )


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


# --- Progress across modules ---------------------------------------------------


def continue_learning(*, user, limit: int = 3) -> list[dict]:
    """Modules the user started and not finished, most recent first, with next lesson."""
    if not user.is_authenticated:
        return []
    # One read of the user's completions (at most one per lesson of the
    # library) gives both the modules, most recent first, and what is done.
    completions = list(
        LessonCompletion.objects.filter(user=user)
        .order_by("-completed_at").values_list("module_id", "lesson_id")
    )
    module_ids: list[int] = []
    for module_id, _lesson_id in completions:
        if module_id not in module_ids:
            module_ids.append(module_id)
    if not module_ids:
        return []
    modules = {
        m.pk: m for m in ModulePage.objects.live().filter(pk__in=module_ids)
        .exclude(paused_for_review_q(today=timezone.localdate()))
        .select_related("topic")
    }
    paths = {m.path: m for m in modules.values()}
    lessons_by_module: dict[int, list] = {pk: [] for pk in modules}
    lesson_q = Q()
    for path in paths:
        lesson_q |= Q(path__startswith=path, depth=len(path) // ModulePage.steplen + 1)
    if paths:
        for lesson in LessonPage.objects.live().filter(lesson_q).order_by("path"):
            module = paths.get(lesson.path[: -lesson.steplen])
            if module is not None:
                lessons_by_module[module.pk].append(lesson)
    done = {lesson_id for module_id, lesson_id in completions if module_id in modules}
    items = []
    for module_id in module_ids:
        module = modules.get(module_id)
        if module is None:
            continue
        lessons = lessons_by_module[module_id]
        remaining = [lsn for lsn in lessons if lsn.pk not in done]
        if not remaining:
            continue
        total = len(lessons)
        finished = total - len(remaining)
        items.append({
            "module": module,
            "next_lesson": remaining[0],
            "done": finished,
            "total": total,
            "percent": round(100 * finished / total) if total else 0,
        })
        if len(items) >= limit:
            break
    return items


def user_certificates(*, user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).order_by("-issued_at")


def certificate_by_code(*, code: str) -> Certificate | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return Certificate.objects.filter(code=code).first()


# --- Editorial ----------------------------------------------------------------


def review_due_modules(*, today=None) -> QuerySet[ModulePage]:
    """Modules whose `next_review` date has passed, and crisis modules never
    reviewed (both withheld from families when crisis content), oldest first."""
    today = today or timezone.localdate()
    return (
        ModulePage.objects.filter(Q(next_review__lt=today) | paused_for_review_q(today=today))
        .select_related("topic", "locale", "reviewer")
        .order_by(F("next_review").asc(nulls_first=True), "path")
    )


# --- Search -----------------------------------------------------------------


def current_locale_code() -> str:
    language = get_language() or "zh-hans"
    codes = set(Locale.objects.values_list("language_code", flat=True))
    return language if language in codes else "zh-hans"


def search_entries(*, query: str, language: str) -> tuple[list[str], QuerySet[SearchEntry]]:
    """(words to highlight, entries) for `query`.

    A word matches an entry's segmented text as a whole word, or through all
    of its sub-words. Entries holding every query word are returned when
    there are any; otherwise entries holding some of them, most words first
    (a question typed as a sentence still finds its lesson). Title matches
    rank first.
    """
    terms = query_terms(query)
    if not terms:
        return [], SearchEntry.objects.none()
    if any(len(word) > 1 for word, _ in terms):
        # Lone characters (做, 好) would match nearly everything in partial mode.
        terms = [(w, p) for w, p in terms if len(w) > 1] or terms
    hits = Value(0)
    title_hits = Value(0)
    for word, parts in terms:
        word_q = Q(segmented__contains=f" {word} ")
        if parts:
            parts_q = Q()
            for part in parts:
                parts_q &= Q(segmented__contains=f" {part} ")
            word_q |= parts_q
        hits = hits + Case(When(word_q, then=Value(1)), default=Value(0))
        title_hits = title_hits + Case(
            When(segmented_title__contains=f" {word} ", then=Value(1)), default=Value(0)
        )
    shown = Page.objects.live().public().filter(_outside(paused_module_paths()))
    entries = (
        SearchEntry.objects.filter(language=language, page__live=True)
        # Pages behind a login or password restriction, and withheld crisis
        # modules with their lessons, stay out of results.
        .filter(page__in=shown.values("pk"))
        .annotate(hits=ExpressionWrapper(hits, output_field=IntegerField()),
                  title_hits=ExpressionWrapper(title_hits, output_field=IntegerField()))
    )
    if entries.filter(hits=len(terms)).exists():
        entries = entries.filter(hits=len(terms))
    else:
        entries = entries.filter(hits__gt=0)
    entries = entries.select_related("topic", "page").order_by(
        "-hits", "-title_hits", "kind", "page__path"
    )
    highlight = []
    for word, parts in terms:
        highlight.append(word)
        highlight.extend(parts)
    return highlight, entries
