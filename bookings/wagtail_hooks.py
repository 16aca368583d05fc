"""Coordinators' admin in Wagtail: counsellors, session types, workshops, closures.

Counsellors edit their own hours and time off in the portal (bookings views);
here coordinators maintain profiles, what each counsellor offers, the
workshop calendar and the station's closures. Permissions come from the
coordinator role group (``portal.roles``).
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from bookings.models import Counsellor, GroupSession, Mode, SessionType, StationClosure


class _ListsForm(WagtailAdminModelForm):
    """Language and mode lists (JSON on the model) as plain checkboxes."""

    modes = forms.MultipleChoiceField(label=_("服务方式"), choices=Mode.choices,
                                      widget=forms.CheckboxSelectMultiple, required=False)


class CounsellorForm(_ListsForm):
    languages = forms.MultipleChoiceField(
        label=_("语言"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple,
        required=False)


class CounsellorViewSet(SnippetViewSet):
    model = Counsellor
    icon = "user"
    menu_label = _("咨询师")
    list_display = ["display_name", "title", "is_active"]
    list_filter = ["is_active", "specialties"]
    ordering = ["display_name"]
    edit_handler = ObjectList([
        MultiFieldPanel([FieldPanel("display_name"), FieldPanel("slug"), FieldPanel("user"),
                         FieldPanel("is_active")], heading=_("基本信息")),
        FieldPanel("photo"),
        FieldPanel("title"),
        FieldPanel("credentials"),
        FieldPanel("bio"),
        FieldPanel("bio_en"),
        FieldPanel("specialties", widget=forms.CheckboxSelectMultiple),
        FieldPanel("languages"),
        FieldPanel("modes"),
    ], base_form_class=CounsellorForm)


class SessionTypeViewSet(SnippetViewSet):
    model = SessionType
    icon = "time"
    menu_label = _("服务类型")
    list_display = ["name", "kind", "duration_minutes", "capacity", "is_active"]
    list_filter = ["kind", "is_active"]
    edit_handler = ObjectList([
        MultiFieldPanel([FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug"),
                         FieldPanel("kind"), FieldPanel("is_active")],
                        heading=_("基本信息")),
        MultiFieldPanel([FieldPanel("duration_minutes"), FieldPanel("buffer_after_minutes"),
                         FieldPanel("capacity")], heading=_("时长与名额")),
        FieldPanel("modes"),
        FieldPanel("location"),
        FieldPanel("online_note"),
        FieldPanel("description"),
        FieldPanel("counsellors", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("min_notice_hours"), FieldPanel("cancel_cutoff_hours")],
                        heading=_("单独的预约规则（留空则使用站点规则）")),
    ], base_form_class=_ListsForm)


class GroupSessionViewSet(SnippetViewSet):
    model = GroupSession
    icon = "group"
    menu_label = _("团体工作坊")
    list_display = ["title", "start", "capacity", "status"]
    list_filter = ["status", "topic"]
    ordering = ["-start"]
    panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("session_type"),
        FieldPanel("topic"),
        FieldPanel("counsellors", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("start"), FieldPanel("end")], heading=_("时间")),
        FieldPanel("capacity"),
        FieldPanel("mode"),
        FieldPanel("location"),
        FieldPanel("description"),
        FieldPanel("status"),
    ]


class StationClosureViewSet(SnippetViewSet):
    model = StationClosure
    icon = "warning"
    menu_label = _("站点闭馆")
    list_display = ["name", "start_date", "end_date"]
    ordering = ["-start_date"]
    panels = [FieldPanel("name"), FieldPanel("start_date"), FieldPanel("end_date")]


class BookingsAdminGroup(SnippetViewSetGroup):
    menu_label = _("预约管理")
    menu_icon = "date"
    menu_order = 250
    items = (CounsellorViewSet, SessionTypeViewSet, GroupSessionViewSet,
             StationClosureViewSet)


register_snippet(BookingsAdminGroup)
