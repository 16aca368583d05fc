"""The home page's "near you" entry (`portal.sections` "home_near_you",
registered by `NetworkConfig.ready`): a choice of neighbourhood, sent as a
plain GET to the point list. No location is asked for."""

from django import template
from django.template.loader import render_to_string

from courses import caching as page_caching
from portal import sections
from portal.fragments import shared_fragment

register = template.Library()

POINT_SERVICES_FALLBACK = "network/includes/point_services_empty.html"


@register.simple_tag(takes_context=True)
def point_services(context, point):
    """The point's coming workshops and bookable services, rendered by the app
    that owns them (`portal.sections` "point_services"); the empty note when
    none is registered."""
    return sections.render("point_services", context, point,
                           fallback=POINT_SERVICES_FALLBACK)


def render_home_near_you(context) -> str:
    from network import selectors

    def render() -> str:
        return render_to_string(
            "network/includes/home_near_you.html",
            {"neighbourhoods": list(selectors.neighbourhoods())},
        )

    # The same for every visitor: kept under the page generation, which the
    # neighbourhoods' rows retire (`bookings.caching.INVALIDATION`).
    return shared_fragment(
        name="home-near-you",
        generation=page_caching.PAGES,
        render=render,
        seconds=page_caching.timeout(),
        lag=page_caching.GENERATION_LAG_SECONDS,
    )
