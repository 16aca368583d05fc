"""Booking sections other apps show: home-page workshops, a module's help box,
the account page's bookings, and small display helpers for booking templates.

`render_home_workshops` and `render_topic_help` render sections of portal's home
page and courses' module pages (registered in `portal.sections` by
`BookingsConfig.ready`), so they take the template context and return HTML.
"""

import datetime as dt
import zlib

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import permissions
from courses import caching as page_caching
from portal.fragments import shared_fragment
from portal.timezones import user_zone, zone_label

register = template.Library()


def _request(context):
    return context.get("request")


def _shared(name: str, key: tuple, render) -> str:
    """`render()`, the same for every visitor, kept under the page generation
    (seats taken retire it too: `bookings.caching.INVALIDATION`)."""
    return shared_fragment(name=name, generation=page_caching.PAGES, key=key,
                           render=render, seconds=page_caching.timeout(),
                           lag=page_caching.GENERATION_LAG_SECONDS)


def render_home_workshops(context) -> str:
    """The next three workshops with seats left, or a quiet note when none."""
    from bookings import selectors

    def render() -> str:
        workshops = list(selectors.upcoming_workshops(limit=3))
        return render_to_string(
            "bookings/includes/home_workshops.html",
            {"workshops": workshops},
            request=_request(context),
        )

    return _shared("home-workshops", (), render)


def _default_locale_topic(topic):
    """Counsellors' specialties are Chinese-locale topics; map a translation to it."""
    from courses.models import Topic

    if topic is None or getattr(topic, "locale", None) is None:
        return topic
    if topic.locale.language_code == "zh-hans":
        return topic
    original = Topic.objects.filter(
        translation_key=topic.translation_key, locale__language_code="zh-hans"
    ).first()
    return original or topic


def render_topic_help(context, topic) -> str:
    """"Talk to a counsellor about this": matching counsellors and workshops."""
    from bookings import selectors

    def render() -> str:
        original = _default_locale_topic(topic)
        counsellors = list(
            selectors.counsellors_for(topic=original)[:3]
        ) if original is not None else []
        workshops = (list(selectors.upcoming_workshops(topic=original, limit=3))
                     if original else [])
        return render_to_string(
            "bookings/includes/topic_help.html",
            {"topic": original, "counsellors": counsellors, "workshops": workshops},
            request=_request(context),
        )

    return _shared("topic-help", (getattr(topic, "pk", None),), render)


@register.simple_tag(takes_context=True)
def home_workshops(context):
    return render_home_workshops(context)


@register.simple_tag(takes_context=True)
def topic_help(context, topic):
    return render_topic_help(context, topic)


@register.simple_tag(takes_context=True)
def account_bookings(context):
    """The account page section: next bookings for families, links for staff."""
    from bookings import selectors
    from bookings.models import Booking

    request = _request(context)
    user = getattr(request, "user", None) or context.get("user")
    upcoming = []
    if user is not None and user.is_authenticated:
        upcoming = list(
            selectors.family_bookings(user=user).filter(
                start__gte=timezone.now(), status=Booking.Status.CONFIRMED
            ).order_by("start")[:3]
        )
    zone = user_zone(user)
    with timezone.override(zone):
        return render_to_string(
            "bookings/includes/account_bookings.html",
            {"upcoming": upcoming, "display_zone_label": zone_label(zone), "user": user},
            request=request,
        )


@register.filter
def seats_left(workshop) -> int:
    return permissions.seats_left(workshop)


@register.filter
def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
              "Nov", "Dec")


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


@register.filter
def day(value) -> str:
    """A date (or a datetime in the active zone) as "12月3日 周三" / "Wed 3 Dec"."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if _english():
        return f"{_WEEKDAYS_EN[value.weekday()]} {value.day} {_MONTHS_EN[value.month - 1]}"
    return f"{value.month}月{value.day}日 周{_WEEKDAYS_ZH[value.weekday()]}"


@register.filter
def when(value) -> str:
    """A datetime in the active zone as "12月3日 周三 14:00" / "Wed 3 Dec 14:00"."""
    if value in (None, ""):
        return ""
    local = timezone.localtime(value)
    return f"{day(local.date())} {local:%H:%M}"


@register.filter
def clock(value) -> str:
    """Just the wall-clock time in the active zone."""
    if value in (None, ""):
        return ""
    return f"{timezone.localtime(value):%H:%M}"


@register.simple_tag(takes_context=True)
def note_edit_state(context, note) -> str:
    """`{% note_edit_state note as state %}`: "editable" while the viewer may
    edit the note, "locked" once its edit window is over, else "" (another
    person's note, still open to its author). The rule is the service's
    (`services.note_edit_refusal`)."""
    from bookings import services

    request = _request(context)
    refusal = services.note_edit_refusal(note=note, by_user=getattr(request, "user", None))
    if refusal is None:
        return "editable"
    if services.note_locked(note):
        return "locked"
    return ""


# Counsellor cards: a few of the languages families ask for, by the codes
# `Counsellor.languages` holds; any other code is shown as it is.
LANGUAGE_LABELS = {
    "zh-hans": _("中文"), "zh": _("中文"), "en": "English", "yue": _("粤语"),
    "wuu": _("上海话"),
}
AVATAR_TONES = 8  # .avatar-tone-0 … -7 in bookings.css, each with white text at AA


@register.filter
def language_labels(codes) -> list[str]:
    """Labels for a list of language codes, in order, without repeats."""
    labels = []
    for code in codes if isinstance(codes, list) else []:
        label = str(LANGUAGE_LABELS.get(str(code).lower(), code))
        if label not in labels:
            labels.append(label)
    return labels


@register.filter
def avatar_tone(slug) -> int:
    """A colour for an initial avatar, the same for a slug on every page and process."""
    return zlib.crc32(str(slug).encode()) % AVATAR_TONES


@register.simple_tag
def place(*objs):
    """Where the first of ``objs`` (session types, workshops) that names a
    place takes place: its service point's name in the page's language,
    linked to the point's page while families may open it; else the legacy
    place text. Chinese on an English page sits in a ``lang`` span."""
    from django.utils.html import format_html

    from portal import languages

    for obj in objs:
        if obj is None or obj == "":
            continue
        point = obj.point if getattr(obj, "point_id", None) else None
        if point is not None:
            name = languages.html(point, "name")
            if point.is_active and point.hours.all():
                return format_html('<a href="{}">{}</a>', point.get_absolute_url(), name)
            return name
        text = languages.html(obj, "location")
        if text:
            return text
    return ""


def render_point_services(context, point) -> str:
    """A service point's coming workshops and the services booked there
    (`portal.sections` "point_services", shown on `network`'s point page)."""
    from bookings import selectors

    def render() -> str:
        return render_to_string(
            "bookings/includes/point_services.html",
            {"point": point, **selectors.point_offer(point_id=point.pk)},
            request=_request(context),
        )

    # Per point, under the page generation (workshops and session types
    # retire it: `bookings.caching.INVALIDATION`).
    return _shared("point-services", (point.pk,), render)
