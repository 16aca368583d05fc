"""The sitemap lists every live public page in every content language."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap


class LocalizedSitemap(Sitemap):
    """Wagtail's sitemap covers the site root's tree only; the English tree is
    a sibling (a translation of the root), so include every translation's tree."""

    def items(self):
        from wagtail.models import Page

        root = self.get_wagtail_site().root_page
        roots = Page.objects.filter(translation_key=root.translation_key).values_list(
            "path", flat=True
        )
        in_a_tree = Q(pk__in=[])
        for path in roots:
            in_a_tree |= Q(path__startswith=path)
        return (
            Page.objects.filter(in_a_tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
