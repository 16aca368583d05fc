"""The point list's and the expert directory's filters: plain GET forms
(django-filter), no script needed."""

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Topic, topics_for_language
from network import selectors
from network.models import EXPERT_LANGUAGES, Expert, ServicePoint
from portal.languages import text


class SlugRowField(forms.ModelChoiceField):
    """Rows by slug (neighbourhoods, points, topics), named in the page's
    language. A value that is no slug is refused before any lookup
    (PostgreSQL refuses NUL bytes)."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(
            r"[-a-zA-Z0-9_]+", str(value)
        ):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj):
        return text(obj, "name")


class SlugRowFilter(django_filters.ModelChoiceFilter):
    field_class = SlugRowField


NeighbourhoodFilter = SlugRowFilter


class PointFilter(django_filters.FilterSet):
    neighbourhood = NeighbourhoodFilter(
        label=_("社区"),
        queryset=selectors.neighbourhoods(),
        to_field_name="slug",
        empty_label=_("全部社区"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=ServicePoint.Kind.choices, empty_label=_("全部类型")
    )

    class Meta:
        model = ServicePoint
        fields = ["neighbourhood", "kind"]


class ExpertFilter(django_filters.FilterSet):
    """The staff directory's filters. `on` is the station's date that
    "credential valid" is judged on."""

    role = django_filters.ChoiceFilter(
        label=_("角色"), choices=Expert.Role.choices, empty_label=_("全部角色")
    )
    topic = SlugRowFilter(
        label=_("主题"),
        queryset=Topic.objects.none(),  # the page's language: set per form
        to_field_name="slug",
        empty_label=_("全部主题"),
        method="filter_topic",
    )
    point = SlugRowFilter(
        label=_("服务点"),
        queryset=ServicePoint.objects.filter(is_active=True).order_by("name", "pk"),
        to_field_name="slug",
        empty_label=_("全部服务点"),
        method="filter_point",
    )
    language = django_filters.ChoiceFilter(
        label=_("语言"),
        choices=EXPERT_LANGUAGES,
        empty_label=_("全部语言"),
        method="filter_language",
    )
    credential = django_filters.ChoiceFilter(
        label=_("资质"),
        choices=[("valid", _("有效")), ("expired", _("已过期"))],
        empty_label=_("全部"),
        method="filter_credential",
    )

    class Meta:
        model = Expert
        fields = ["role", "topic", "point", "language", "credential"]

    def __init__(self, *args, on, **kwargs):
        super().__init__(*args, **kwargs)
        self.on = on
        self.filters["topic"].queryset = topics_for_language()

    def filter_topic(self, queryset, name, value):
        # Any locale of the topic: experts are linked to the Chinese rows.
        return queryset.filter(topics__translation_key=value.translation_key)

    def filter_point(self, queryset, name, value):
        return queryset.filter(points=value)

    def filter_language(self, queryset, name, value):
        return selectors.experts_speaking(queryset, language=value)

    def filter_credential(self, queryset, name, value):
        return selectors.experts_with_credential(
            queryset, valid=value == "valid", on=self.on
        )
