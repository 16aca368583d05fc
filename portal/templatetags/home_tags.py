"""Home-page sections, rendered by the apps that own their data.

Courses and bookings register their renderers in `portal.sections`; portal
imports neither, and the home page keeps working (with the station's
contacts) before those parts exist.
"""

from django import template

from portal import sections

register = template.Library()

PLACEHOLDER = "includes/section_placeholder.html"


@register.simple_tag(takes_context=True)
def home_themes(context):
    return sections.render("home_themes", context, fallback=PLACEHOLDER,
                           fallback_context={"section": "themes"})


@register.simple_tag(takes_context=True)
def home_continue_learning(context):
    return sections.render("home_continue_learning", context, fallback=PLACEHOLDER,
                           fallback_context={"section": "continue"})


@register.simple_tag(takes_context=True)
def home_upcoming_workshops(context):
    return sections.render("home_upcoming_workshops", context, fallback=PLACEHOLDER,
                           fallback_context={"section": "workshops"})


@register.simple_tag(takes_context=True)
def home_near_you(context):
    return sections.render("home_near_you", context)


@register.simple_tag(takes_context=True)
def account_recommended_learning(context):
    """The account page's modules recommended by the family's social worker
    (casework renders it; nothing without it)."""
    return sections.render("account_recommended_learning", context)
