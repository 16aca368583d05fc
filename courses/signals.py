"""Keep the search index and the anonymous page cache in step with the CMS."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses import cache as page_cache
from courses.models import CourseIndexPage, LessonPage, ModulePage, Topic

COURSE_PAGES = (CourseIndexPage, ModulePage, LessonPage)


def _is_course_page(instance) -> bool:
    return isinstance(instance, COURSE_PAGES) or (
        isinstance(instance, Page)
        and instance.specific_class in COURSE_PAGES
    )


# Every Wagtail page (home, standard and course pages) is in the anonymous page
# cache (`courses.wagtail_hooks.mark_page_cacheable`): any page change retires
# it. Course pages are also (re)indexed for search, before the retirement so
# no cached search result outlives the index it came from.


@receiver(page_published)
def on_publish(sender, instance, **kwargs):
    if _is_course_page(instance) and isinstance(instance.specific, ModulePage | LessonPage):
        from courses.search.indexing import index_page

        index_page(instance)
        if isinstance(instance.specific, ModulePage):
            # Lessons carry the module's topic and title in their entries.
            for lesson in LessonPage.objects.live().child_of(instance):
                index_page(lesson)
    page_cache.invalidate()


@receiver(page_unpublished)
def on_unpublish(sender, instance, **kwargs):
    if _is_course_page(instance):
        from courses.search.indexing import unindex_page

        unindex_page(instance)
        for descendant in Page.objects.descendant_of(instance):
            unindex_page(descendant)
    page_cache.invalidate()


@receiver(post_page_move)
def on_move(sender, instance, **kwargs):
    page_cache.invalidate()


# Deleting any page deletes its base `Page` row, which sends this.
@receiver(post_delete, sender=Page)
def on_delete(sender, instance, **kwargs):
    page_cache.invalidate()


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
def on_topic_change(sender, instance, **kwargs):
    page_cache.invalidate()


def _site_settings_changed(sender, instance, **kwargs):
    page_cache.invalidate()


def connect_portal_signals() -> None:
    """Crisis lines and station contacts appear on every cached page."""
    from portal.models import CrisisLine, SiteSettings

    for model in (SiteSettings, CrisisLine):
        post_save.connect(_site_settings_changed, sender=model,
                          dispatch_uid=f"courses-cache-{model.__name__}-save")
        post_delete.connect(_site_settings_changed, sender=model,
                            dispatch_uid=f"courses-cache-{model.__name__}-delete")
