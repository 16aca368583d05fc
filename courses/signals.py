"""Keep the search index in step with the CMS.

The anonymous page cache is retired by the same changes through the one
invalidation table (`bookings.caching.INVALIDATION`); its bump is repeated
once the transaction commits, so no search result cached meanwhile outlives
the index it came from.
"""

from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from courses.models import CourseIndexPage, LessonPage, ModulePage

COURSE_PAGES = (CourseIndexPage, ModulePage, LessonPage)


def _is_course_page(instance) -> bool:
    return isinstance(instance, COURSE_PAGES) or (
        isinstance(instance, Page)
        and instance.specific_class in COURSE_PAGES
    )


@receiver(page_published)
def on_publish(sender, instance, **kwargs):
    if _is_course_page(instance) and isinstance(instance.specific, ModulePage | LessonPage):
        from courses.search.indexing import index_page

        index_page(instance)
        if isinstance(instance.specific, ModulePage):
            # Lessons carry the module's topic and title in their entries.
            for lesson in LessonPage.objects.live().child_of(instance):
                index_page(lesson)


@receiver(page_unpublished)
def on_unpublish(sender, instance, **kwargs):
    if _is_course_page(instance):
        from courses.search.indexing import unindex_page

        unindex_page(instance)
        for descendant in Page.objects.descendant_of(instance):
            unindex_page(descendant)
