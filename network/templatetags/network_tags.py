"""The home page's "near you" entry (`portal.sections` "home_near_you",
registered by `NetworkConfig.ready`): a choice of neighbourhood, sent as a
plain GET to the point list. No location is asked for.

And the expert pool's tags: its counts by role (the coordinator dashboard
includes `network/includes/expert_pool_counts.html`), language labels and
the credential check of a directory row."""

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


@register.simple_tag
def expert_pool_counts() -> list[tuple[str, str, int]]:
    """`{% expert_pool_counts as rows %}`: (role, label, count) of the pool."""
    from network import selectors

    return selectors.pool_counts()


@register.filter
def expert_languages(codes) -> list[str]:
    """Labels of an expert's language codes, in order; unknown codes as they are."""
    from network.models import EXPERT_LANGUAGES

    labels = dict(EXPERT_LANGUAGES)
    return [str(labels.get(code, code)) for code in codes or []]


@register.filter
def credential_valid_on(expert, day) -> bool:
    from network import selectors

    return selectors.credential_valid(expert, on=day)
