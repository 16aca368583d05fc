"""Reads for progress, search, certificates and the review report.

The pages' own contexts (course index, module, lesson) are on the pages, in
`courses.models`: this module imports the models, never the reverse.
"""

import datetime as dt

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Locale, Page

from courses.models import (
    Certificate,
    LessonCompletion,
    LessonPage,
    ModulePage,
    SearchEntry,
    paused_for_review_q,
    paused_module_paths,
)
from courses.search.segmentation import query_terms

# --- The review gate ------------------------------------------------------------
# A crisis module whose review lapsed is withheld from families everywhere:
# its pages answer 404 (`ModulePage.serve`), and it leaves listings, search,
# "continue learning" and the sitemap. Staff still find it in the admin.


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


# How far ahead the review report looks for modules whose review falls due.
REVIEW_DUE_SOON_DAYS = 30


def review_due_soon_modules(*, today=None) -> QuerySet[ModulePage]:
    """Modules still current whose `next_review` falls within the next
    `REVIEW_DUE_SOON_DAYS` days (today included), soonest first: none of them
    is in `review_due_modules` on the same day."""
    today = today or timezone.localdate()
    return (
        ModulePage.objects.filter(
            next_review__gte=today,
            next_review__lte=today + dt.timedelta(days=REVIEW_DUE_SOON_DAYS),
        )
        .select_related("topic", "locale", "reviewer")
        .order_by("next_review", "path")
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
