"""Keeps `SearchEntry` rows in step with published modules and lessons.

`text` keeps the original wording for snippets; `segmented` is normalised.
"""

from django.db import transaction

from courses.models import LessonPage, ModulePage, SearchEntry
from courses.search.segmentation import segment_for_index
from courses.text import stream_text
from portal.ops.progress import progress

MAX_TEXT = 20_000


def entry_text(page) -> tuple[str, str]:
    """(kind, plain text) of a module or lesson page, title excluded."""
    if isinstance(page, ModulePage):
        parts = [page.summary, page.learning_outcomes, page.topic.name,
                 stream_text(page.body)]
        return "module", "\n".join(p for p in parts if p)
    parts = [page.summary, stream_text(page.body)]
    return "lesson", "\n".join(p for p in parts if p)


@transaction.atomic
def index_page(page) -> SearchEntry | None:
    """Index a live module or lesson; drop the entry of anything else."""
    page = page.specific
    if not isinstance(page, ModulePage | LessonPage) or not page.live:
        SearchEntry.objects.filter(page_id=page.pk).delete()
        return None
    module = page if isinstance(page, ModulePage) else page.get_parent().specific
    kind, text = entry_text(page)
    text = text[:MAX_TEXT]
    entry, _ = SearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "language": page.locale.language_code,
            "kind": kind,
            "title": page.title,
            "topic": module.topic,
            "module_title": module.title if module is not page else "",
            "text": text,
            "segmented_title": segment_for_index(page.title),
            "segmented_summary": segment_for_index(page.summary),
            "segmented": segment_for_index(f"{page.title}\n{module.topic.name}\n{text}"),
        },
    )
    return entry


def unindex_page(page) -> None:
    SearchEntry.objects.filter(page_id=page.pk).delete()


def reindex_all(*, show_progress: bool = False) -> int:
    """Rebuild every entry; returns how many pages are indexed. With
    `show_progress`, a bar on a terminal (portal.ops.progress)."""
    SearchEntry.objects.all().delete()
    count = 0
    for model in (ModulePage, LessonPage):
        pages = model.objects.live().select_related("locale")
        for page in progress(pages, total=pages.count() if show_progress else None,
                             desc=model._meta.model_name, enabled=show_progress):
            if index_page(page) is not None:
                count += 1
    return count
