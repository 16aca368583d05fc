from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses import admin_views, selectors

from .models import Reviewer, SearchSynonym, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("主题")
    list_display = ["name", "slug", "sort_order"]


class ReviewerViewSet(SnippetViewSet):
    """Reviewer records are shown to families: only users given the snippet
    permissions (superusers by default) may add or change them."""

    model = Reviewer
    icon = "user"
    menu_label = _("临床审核人")
    list_display = ["name", "credential", "organisation", "user", "is_demo", "active"]
    list_filter = ["is_demo", "active"]


class SearchSynonymViewSet(SnippetViewSet):
    """Groups of terms the course search treats as one; editors keep them."""

    model = SearchSynonym
    icon = "search"
    menu_label = _("搜索同义词")
    list_display = ["name", "terms"]
    search_fields = ["name", "terms"]


register_snippet(TopicViewSet)
register_snippet(ReviewerViewSet)
register_snippet(SearchSynonymViewSet)


@hooks.register("register_admin_urls")
def review_due_urls():
    return [
        path("reports/review-due/", admin_views.review_due, name="courses_review_due"),
    ]


class ReviewDueMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_review_report(request.user)


@hooks.register("register_reports_menu_item")
def review_due_menu_item():
    return ReviewDueMenuItem(
        _("到期复核的课程"), reverse("courses_review_due"), icon_name="date", order=50
    )


class ReviewDuePanel(Component):
    name = "courses_review_due"
    order = 110
    template_name = "courses/admin/review_due_panel.html"

    def __init__(self, modules):
        self.modules = modules

    def get_context_data(self, parent_context=None):
        return {"modules": self.modules}


@hooks.register("construct_homepage_panels")
def add_review_due_panel(request, panels):
    if not admin_views.can_see_review_report(request.user):
        return
    modules = list(selectors.review_due_modules()[:10])
    if modules:
        panels.append(ReviewDuePanel(modules))


@hooks.register("before_serve_page", order=100)
def mark_page_cacheable(page, request, serve_args, serve_kwargs):
    """Every Wagtail page (home, standard pages, course pages) answered to an
    anonymous GET may be replayed by `courses.caching`. Runs after Wagtail's
    view-restriction hook (order 0): a restricted page answers a login redirect
    or a password form before this hook, so neither is ever stored."""
    if request.method in ("GET", "HEAD") and not request.user.is_authenticated:
        request.courses_page_cacheable = True
