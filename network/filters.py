"""The point list's filters: a plain GET form (django-filter), no script needed."""

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from network import selectors
from network.models import ServicePoint
from portal.languages import text


class NeighbourhoodField(forms.ModelChoiceField):
    """Neighbourhoods by slug, named in the page's language. A value that is
    no slug is refused before any lookup (PostgreSQL refuses NUL bytes)."""

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


class NeighbourhoodFilter(django_filters.ModelChoiceFilter):
    field_class = NeighbourhoodField


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
