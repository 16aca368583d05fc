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

from courses.caching import GENERATION_LAG_SECONDS, PAGES
from courses.models import (
    Certificate,
    LessonCompletion,
    LessonPage,
    ModulePage,
    SearchEntry,
    SearchSynonym,
    paused_for_review_q,
    paused_module_paths,
)
from courses.search.segmentation import query_terms
from courses.search.synonyms import expand, group_terms
from portal import cache as caching

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


def synonym_groups() -> list:
    """Every `SearchSynonym` group, cut into query words.

    Kept per process under the page generation, which a synonym edit retires
    (`bookings.caching.INVALIDATION`), like the replayed search pages.
    """
    key = ("search-synonyms", caching.read(PAGES, lag=GENERATION_LAG_SECONDS))
    groups = caching.local_get(key)
    if groups is None:
        groups = group_terms(group.term_list() for group in SearchSynonym.objects.all())
        caching.local_set(key, groups, seconds=SYNONYM_SECONDS)
    return groups


def _term_q(field: str, term) -> Q:
    """`term` (a word and its sub-words) as a whole word of `field`, or all its sub-words."""
    word, parts = term
    word_q = Q(**{f"{field}__contains": f" {word} "})
    if parts:
        parts_q = Q()
        for part in parts:
            parts_q &= Q(**{f"{field}__contains": f" {part} "})
        word_q |= parts_q
    return word_q


def _concept_q(field: str, concept) -> Q:
    """Any alternative of `concept`, each needing all of its words in `field`."""
    found = Q()
    for alternative in concept:
        every = Q()
        for term in alternative:
            every &= _term_q(field, term)
        found |= every
    return found


SYNONYM_SECONDS = 300
# A concept in the title outweighs one in the summary, which outweighs the body.
TITLE_WEIGHT, SUMMARY_WEIGHT = 2, 1


def search_entries(*, query: str, language: str) -> tuple[list[str], QuerySet[SearchEntry]]:
    """(words to highlight, entries) for `query`.

    The query's words are grouped into concepts, a word or a span of words
    that is a term of a `SearchSynonym` group (then any term of that group
    matches). A word matches an entry's segmented text as a whole word, or
    through all of its sub-words. Entries holding every concept are returned
    when there are any; otherwise entries holding some of them, most concepts
    first (a question typed as a sentence still finds its lesson). Among
    those, concepts found in the title rank first, then in the summary.
    """
    terms = query_terms(query)
    if not terms:
        return [], SearchEntry.objects.none()
    if any(len(word) > 1 for word, _ in terms):
        # Lone characters (做, 好) would match nearly everything in partial mode.
        terms = [(w, p) for w, p in terms if len(w) > 1] or terms
    concepts = expand(terms, synonym_groups())
    hits = Value(0)
    weight = Value(0)
    for concept in concepts:
        hits = hits + Case(When(_concept_q("segmented", concept), then=Value(1)),
                           default=Value(0))
        weight = weight + Case(
            When(_concept_q("segmented_title", concept), then=Value(TITLE_WEIGHT)),
            When(_concept_q("segmented_summary", concept), then=Value(SUMMARY_WEIGHT)),
            default=Value(0),
        )
    shown = Page.objects.live().public().filter(_outside(paused_module_paths()))
    entries = (
        SearchEntry.objects.filter(language=language, page__live=True)
        # Pages behind a login or password restriction, and withheld crisis
        # modules with their lessons, stay out of results.
        .filter(page__in=shown.values("pk"))
        .annotate(hits=ExpressionWrapper(hits, output_field=IntegerField()),
                  weight=ExpressionWrapper(weight, output_field=IntegerField()))
    )
    if entries.filter(hits=len(concepts)).exists():
        entries = entries.filter(hits=len(concepts))
    else:
        entries = entries.filter(hits__gt=0)
    entries = entries.select_related("topic", "page").order_by(
        "-hits", "-weight", "kind", "page__path"
    )
    highlight: list[str] = []
    for concept in concepts:
        for alternative in concept:
            for word, parts in alternative:
                highlight.extend(w for w in (word, *parts) if w not in highlight)
    return highlight, entries


def other_language(language: str) -> str | None:
    """The site's other language (for results when this one has none)."""
    codes = set(Locale.objects.values_list("language_code", flat=True))
    for code in ("zh-hans", "en"):
        if code != language and code in codes:
            return code
    return None
