"""Coordinators' admin in Wagtail: counsellors, session types, workshops, closures.

Counsellors edit their own hours and time off in the portal (bookings views);
here coordinators maintain profiles, what each counsellor offers, the
workshop calendar and the station's closures. Permissions come from the
coordinator role group (``portal.roles``).

A workshop's seats are bookings, so its create, edit and delete go through
``bookings.services`` (``workshop_create``, ``workshop_update``,
``workshop_delete``): Wagtail's create/edit/delete actions for GroupSession
are replaced in the action registry, the views turn a refused change into a
form error, and the snippet delete hooks (single and bulk) refuse to delete a
workshop families booked or wait for.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from bookings import services
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
        MultiFieldPanel([FieldPanel("display_name"), FieldPanel("display_name_en"),
                         FieldPanel("slug"), FieldPanel("user"), FieldPanel("is_active")],
                        heading=_("基本信息")),
        FieldPanel("photo"),
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("credentials"),
        FieldPanel("credentials_en"),
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
        FieldPanel("point"),
        # Legacy place texts, replaced by the point (shown where none is set).
        FieldPanel("location", read_only=True),
        FieldPanel("location_en", read_only=True),
        FieldPanel("online_note"),
        FieldPanel("description"),
        FieldPanel("counsellors", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("min_notice_hours"), FieldPanel("cancel_cutoff_hours")],
                        heading=_("单独的预约规则（留空则使用站点规则）")),
    ], base_form_class=_ListsForm)


# --- workshops: every write through bookings.services ------------------------------


def _workshop_values(action) -> tuple[dict, list | None]:
    """The fields a coordinator set, and the leaders (None: unchanged)."""
    if action.form is not None:
        data = action.form.cleaned_data
        values = {name: data[name] for name in services.WORKSHOP_FIELDS if name in data}
        leaders = list(data["counsellors"]) if "counsellors" in data else None
        return values, leaders
    return {name: getattr(action.instance, name) for name in services.WORKSHOP_FIELDS}, None


class WorkshopCreateAction(CreateAction):
    @transaction.atomic
    def _create(self, skip_permission_checks=False):
        self._clean_instance()
        values, leaders = _workshop_values(self)
        self.instance = services.workshop_create(by_user=self.user, values=values,
                                                 counsellors=leaders or [])
        if self.log_action:
            log(instance=self.instance, action=self.log_action, user=self.user,
                content_changed=True)
        return self.instance


class WorkshopEditAction(EditAction):
    @transaction.atomic
    def _edit(self, skip_permission_checks=False):
        self._clean_instance()
        values, leaders = _workshop_values(self)
        self.instance = services.workshop_update(
            group_session=self.instance, by_user=self.user, changes=values,
            counsellors=leaders)
        if self.log_action:
            log(instance=self.instance, action=self.log_action, user=self.user,
                content_changed=self.content_changed)
        return self.instance


class WorkshopDeleteAction(DeleteAction):
    @transaction.atomic
    def _delete(self):
        if self.log_action:
            log(instance=self.instance, action=self.log_action, user=self.user,
                deleted=True)
        services.workshop_delete(group_session=self.instance, by_user=self.user)


@hooks.register("register_actions")
def register_workshop_actions(registry):
    for action_class in (WorkshopCreateAction, WorkshopEditAction, WorkshopDeleteAction):
        registry.register(GroupSession, action_class)


class _RefusalAsFormError:
    """A change the service refuses is shown on the form, not as a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.BookingError as exc:
            field = "capacity" if exc.msgid == services.WORKSHOP_CAPACITY_BELOW_SEATS \
                else None
            form.add_error(field, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = exc.messages[0]
            return self.form_invalid(form)


class WorkshopCreateView(_RefusalAsFormError, CreateView):
    pass


class WorkshopEditView(_RefusalAsFormError, EditView):
    pass


@hooks.register("before_delete_snippet")
def refuse_deleting_booked_workshops(request, instances):
    """Single and bulk delete: a workshop with families is cancelled, not deleted."""
    for instance in instances:
        if not isinstance(instance, GroupSession):
            continue
        try:
            services.workshop_check_deletable(group_session=instance)
        except services.BookingError as exc:
            messages.error(request, exc.message)
            return redirect("wagtailsnippets_bookings_groupsession:edit", instance.pk)
    return None


class GroupSessionViewSet(SnippetViewSet):
    model = GroupSession
    add_view_class = WorkshopCreateView
    edit_view_class = WorkshopEditView
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
        FieldPanel("point"),
        # Legacy place texts, replaced by the point (shown where none is set).
        FieldPanel("location", read_only=True),
        FieldPanel("location_en", read_only=True),
        FieldPanel("description"),
        FieldPanel("description_en"),
        FieldPanel("status"),
    ]


class StationClosureViewSet(SnippetViewSet):
    model = StationClosure
    icon = "warning"
    menu_label = _("站点闭馆")
    list_display = ["name", "start_date", "end_date", "point"]
    ordering = ["-start_date"]
    panels = [FieldPanel("name"), FieldPanel("start_date"), FieldPanel("end_date"),
              FieldPanel("point")]


class BookingsAdminGroup(SnippetViewSetGroup):
    menu_label = _("预约管理")
    menu_icon = "date"
    menu_order = 250
    items = (CounsellorViewSet, SessionTypeViewSet, GroupSessionViewSet,
             StationClosureViewSet)


register_snippet(BookingsAdminGroup)
