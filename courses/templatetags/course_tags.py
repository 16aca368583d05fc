"""Course sections other apps show (home page, account page) and page helpers.

`render_home_themes` and `render_continue_learning` render portal's home
sections (registered in `portal.sections` by `CoursesConfig.ready`). The
"talk to a counsellor" section is the bookings app's to render (it registers
"topic_help"); without it, the station's contacts are shown.
"""


from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language
from wagtail.models import Locale

from courses import caching, selectors
from courses.models import CourseIndexPage, Topic
from portal import sections
from portal.fragments import shared_fragment

register = template.Library()

def _locale_code() -> str:
    language = get_language() or "zh-hans"
    return language if language in ("zh-hans", "en") else "zh-hans"


def _course_index(locale_code: str):
    return (
        CourseIndexPage.objects.live().filter(locale__language_code=locale_code).first()
        or CourseIndexPage.objects.live().first()
    )


def render_home_themes(context) -> str:
    """The five programme themes, each linking to the filtered course library.

    The same for every visitor: rendered once per page generation.
    """
    code = _locale_code()

    def render() -> str:
        topics = list(Topic.objects.filter(locale__language_code=code))
        if not topics:
            topics = list(Topic.objects.filter(locale=Locale.get_default()))
        return render_to_string(
            "courses/includes/home_themes.html",
            {"topics": topics, "index": _course_index(code)},
            request=context.get("request"),
        )

    return shared_fragment(name="home-themes", generation=caching.PAGES, key=(code,),
                           render=render, seconds=caching.timeout(),
                           lag=caching.GENERATION_LAG_SECONDS)


def render_continue_learning(context) -> str:
    """"Continue where you left off" for a signed-in learner; nothing otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    items = selectors.continue_learning(user=user)
    if not items:
        return ""
    return render_to_string(
        "courses/includes/continue_learning.html", {"items": items}, request=request
    )


@register.simple_tag(takes_context=True)
def continue_learning(context):
    return render_continue_learning(context)


@register.simple_tag(takes_context=True)
def home_themes(context):
    return render_home_themes(context)


@register.simple_tag(takes_context=True)
def learning_section(context):
    """The account page's learning section: modules in progress and certificates."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return render_to_string(
        "courses/includes/learning_section.html",
        {
            "items": selectors.continue_learning(user=user, limit=10),
            "certificates": list(selectors.user_certificates(user=user)),
        },
        request=request,
    )


@register.simple_tag(takes_context=True)
def topic_help(context, topic):
    """Counsellors and workshops on `topic` (bookings app), else station contacts."""
    return sections.render("topic_help", context, topic,
                           fallback="courses/includes/topic_help_fallback.html",
                           fallback_context={"topic": topic})


@register.filter
def audience_label(value: str) -> str:
    from courses.models import Audience

    try:
        return Audience(value).label
    except ValueError:
        return value


@register.filter
def age_band_label(value: str) -> str:
    from courses.models import AgeBand

    try:
        return AgeBand(value).label
    except ValueError:
        return value
