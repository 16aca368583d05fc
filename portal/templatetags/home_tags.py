"""Home-page sections. Each delegates to the app that owns the data, if present.

`portal` must not import `courses` or `bookings` models at import time; these
tags look the higher app's inclusion up at render time, so the home page keeps
working (with the station's contacts) before those parts exist.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

register = template.Library()

SECTIONS = {
    "themes": "courses.templatetags.course_tags.render_home_themes",
    "continue": "courses.templatetags.course_tags.render_continue_learning",
    "workshops": "bookings.templatetags.booking_tags.render_home_workshops",
}


def _render(name, context):
    try:
        renderer = import_string(SECTIONS[name])
    except ImportError:
        return render_to_string(
            "includes/section_placeholder.html", {"section": name},
            request=context.get("request"),
        )
    return renderer(context)


@register.simple_tag(takes_context=True)
def home_themes(context):
    return _render("themes", context)


@register.simple_tag(takes_context=True)
def home_continue_learning(context):
    return _render("continue", context)


@register.simple_tag(takes_context=True)
def home_upcoming_workshops(context):
    return _render("workshops", context)
