"""Coordinators' and editors' admin in Wagtail: service points and neighbourhoods;
the expert pool and the partner organisations (coordinators only: editors
hold no permission on them, `portal.roles`).

A point's weekly hours and its exceptions are edited on the point's own
form. A point without weekly hours is not shown to families
(`network.permissions`); the list and the form say so.
"""

from django import forms
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from network import selectors
from network.models import (
    EXPERT_LANGUAGES,
    Expert,
    Neighbourhood,
    Partner,
    ServicePoint,
)
from portal.timezones import station_today

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


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = _("合作单位")
    list_display = ["name", "kind", "agreement_ends"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]
    ordering = ["name"]
    panels = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("contact"),
        FieldPanel("agreement_ends"),
    ]


class ExpertForm(WagtailAdminModelForm):
    """Languages (a JSON list on the model) as plain checkboxes."""

    languages = forms.MultipleChoiceField(
        label=_("语言"),
        choices=EXPERT_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def credential_status(expert: Expert) -> str:
    if selectors.credential_valid(expert, on=station_today()):
        return str(_("有效"))
    return str(selectors.CREDENTIAL_EXPIRED_MESSAGE)


credential_status.short_description = _("资质")


class ExpertViewSet(SnippetViewSet):
    model = Expert
    icon = "user"
    menu_label = _("专家库")
    list_display = ["name", "role", "organisation", credential_status, "is_active"]
    list_filter = ["role", "is_active", "topics"]
    search_fields = ["name", "name_en"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("name_en"),
                    FieldPanel("slug"),
                    FieldPanel("role"),
                    FieldPanel("organisation"),
                    FieldPanel("is_active"),
                ],
                heading=_("基本信息"),
            ),
            FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            FieldPanel("points", widget=forms.CheckboxSelectMultiple),
            FieldPanel("languages"),
            MultiFieldPanel(
                [
                    FieldPanel("credential"),
                    FieldPanel("credential_en"),
                    FieldPanel("credential_expires"),
                ],
                heading=_("资质"),
            ),
            MultiFieldPanel(
                [FieldPanel("phone"), FieldPanel("email")],
                heading=_("联系方式（仅工作人员可见）"),
            ),
            FieldPanel("counsellor"),
        ],
        base_form_class=ExpertForm,
    )

    def get_queryset(self, request):
        return Expert.objects.select_related("organisation")


class NetworkAdminGroup(SnippetViewSetGroup):
    menu_label = _("服务网络")
    menu_icon = "site"
    menu_order = 240
    items = (ServicePointViewSet, NeighbourhoodViewSet, ExpertViewSet, PartnerViewSet)


register_snippet(NetworkAdminGroup)
