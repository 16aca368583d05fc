"""Template tags of the calendar export: "add to calendar" links on a booking
page and the subscription section of the account page."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bookings import calendar as ical
from bookings import feeds
from bookings.models import CalendarFeed

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_links(context, booking) -> dict[str, str]:
    """`{% calendar_links booking as links %}`: links.ics / .google / .outlook."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return ical.add_to_calendar_links(booking=booking, viewer=viewer)


def feed_urls(secret: str) -> dict[str, str]:
    path = reverse("calendar:feed", kwargs={"secret": secret})
    https = settings.SITE_BASE_URL.rstrip("/") + path
    host_and_path = https.split("://", 1)[1]
    return {"https": https, "webcal": f"webcal://{host_and_path}"}


def qr_svg(data: str, *, title: str) -> str:
    """A QR code as inline SVG markup, drawn on the server (no script, no request).

    The input is our own URL and title; segno escapes the title.
    """
    qr = segno.make(data, error="m")
    return qr.svg_inline(scale=4, border=2, title=title, svgclass="calendar-qr",
                         dark="#1f2933", light="#ffffff")


@register.simple_tag(takes_context=True)
def calendar_feed_sections(context) -> list[dict]:
    """One entry per feed kind the signed-in user may have, with links and QR."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    labels = {
        CalendarFeed.Kind.FAMILY: _("我的预约与工作坊"),
        CalendarFeed.Kind.COUNSELLOR: _("我的咨询日程与休假"),
    }
    sections = []
    for kind in feeds.allowed_kinds(user):
        feed = feeds.live_feed(user=user, kind=kind)
        entry = {"kind": kind, "label": labels[kind], "feed": feed, "urls": None,
                 "qr": "", "stale": False}
        if feed is not None:
            secret = feeds.feed_secret_if_current(feed)
            if secret is None:
                entry["stale"] = True
            else:
                entry["urls"] = feed_urls(secret)
                entry["qr"] = mark_safe(  # noqa: S308 - segno output of our own URL  # nosec
                    qr_svg(entry["urls"]["webcal"],
                           title=_("订阅二维码：%(label)s") % {"label": labels[kind]})
                )
        sections.append(entry)
    return sections


@register.simple_tag
def workshops_feed_urls(topic=None) -> dict[str, str]:
    """`{% workshops_feed_urls topic as urls %}`: the public workshop feed links."""
    path = reverse("calendar:workshops")
    if topic:
        path += "?" + urlencode({"topic": topic.slug})
    https = settings.SITE_BASE_URL.rstrip("/") + path
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}
