"""Coordinators' and editors' admin in Wagtail: service points and neighbourhoods.

A point's weekly hours and its exceptions are edited on the point's own
form. A point without weekly hours is not shown to families
(`network.permissions`); the list and the form say so.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from network.models import Neighbourhood, ServicePoint

NO_HOURS_NOTE = _("没有开放时间的服务点不会向家庭显示。请至少添加一个每周开放时段。")


class ServicePointViewSet(SnippetViewSet):
    model = ServicePoint
    icon = "site"
    menu_label = _("服务点")
    list_display = ["name", "kind", "neighbourhood", "family_visibility", "is_active"]
    list_filter = ["kind", "neighbourhood", "is_active"]
    search_fields = ["name", "name_en", "address"]
    ordering = ["name"]
    panels = [
        HelpPanel(content=NO_HOURS_NOTE),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("name"),
                FieldPanel("name_en"),
                FieldPanel("slug"),
                FieldPanel("neighbourhood"),
                FieldPanel("is_active"),
            ],
            heading=_("基本信息"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("address_en"),
                FieldPanel("directions"),
                FieldPanel("directions_en"),
                FieldPanel("map_url"),
                FieldPanel("phone"),
            ],
            heading=_("地址与交通"),
        ),
        MultiFieldPanel(
            [FieldPanel("accessibility"), FieldPanel("accessibility_en")],
            heading=_("无障碍信息"),
        ),
        FieldPanel("photo"),
        InlinePanel("hours", heading=_("每周开放时间"), label=_("开放时段")),
        InlinePanel("exceptions", heading=_("特别安排"), label=_("特别安排")),
    ]

    def get_queryset(self, request):
        return ServicePoint.objects.select_related("neighbourhood").annotate(
            hours_count=Count("hours")
        )


class NeighbourhoodViewSet(SnippetViewSet):
    model = Neighbourhood
    icon = "home"
    menu_label = _("社区")
    list_display = ["name", "name_en", "slug"]
    ordering = ["name"]
    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug")]


class NetworkAdminGroup(SnippetViewSetGroup):
    menu_label = _("服务网络")
    menu_icon = "site"
    menu_order = 240
    items = (ServicePointViewSet, NeighbourhoodViewSet)


register_snippet(NetworkAdminGroup)
