"""Family pages of pooled booking: "the next available counsellor" for a topic.

Choose a topic and a mode (in person or online) -- in person, optionally a
service point to meet at -- see the pool's free times for
the next four weeks, pick one, fill in the same details form as a named
booking, review, confirm; the fair rule assigns the counsellor
(`services.booking_create_pooled`) and the confirmation names them.

Every page works without JavaScript. Bad input is a page with a clear
message, never a 500: an unknown topic, a mode not on offer, a topic no one
covers in that mode or at that point (the crisis lines and the named list
offered instead), an unknown or inactive point or one without opening hours,
a time no longer free (the pool's next free times offered instead).
"""

import datetime as dt
from http import HTTPStatus
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from bookings import intake, pool_selectors, selectors, services
from bookings.forms import BookingDetailsForm, parse_slot
from bookings.intake import is_urgent
from bookings.models import Counsellor, Mode, SessionType
from bookings.views.common import (
    NEXT_SLOTS,
    STATION_TZ,
    cutoff_of,
    error_text,
    group_by_day,
    parse_date,
    person,
    render_page,
    slug_param,
    station_today,
)
from bookings.views.family import _answered
from courses.models import topics_for_language
from network.selectors import points_for_families
from portal import languages
from portal.timezones import user_zone

POOL_DAYS = 28  # one page of pooled times: the next four weeks
POOL_MODES = (Mode.IN_PERSON, Mode.ONLINE)

TOPIC_UNKNOWN = gettext_lazy("找不到这个主题，请从下面的列表中选择。")
MODE_UNKNOWN = gettext_lazy("请选择面谈或线上视频。")
TIME_GONE = gettext_lazy("这个时间已不可预约，请重新选择。")
BOOKED = gettext_lazy(
    "预约成功：为你安排的咨询师是%(name)s。确认邮件稍后发到你的邮箱。"
)
BOOKED_URGENT = gettext_lazy(
    "我们已收到你的预约，为你安排的咨询师是%(name)s，并会按下面写明的时间跟进。"
)


def _query(**params) -> str:
    given = {name: value for name, value in params.items() if value}
    return f"?{urlencode(given)}" if given else ""


def _times_url(topic, mode: str, service: SessionType | None = None, point=None) -> str:
    return reverse("bookings:pooled") + _query(
        topic=topic.slug,
        mode=mode,
        point=point.slug if point else "",
        type=service.slug if service else "",
    )


def _pool_service(topic, mode: str, slug: str, point=None) -> SessionType | None:
    """The individual service the pool offers for ``topic`` in ``mode`` (at
    ``point``, if one is given: the services held there): the one named by
    ``slug`` when someone covers it, else the oldest that someone does.

    One query for the services, then one per service tried (`pool_counsellors`),
    never one per counsellor.
    """
    covering = Counsellor.objects.filter(
        selectors._topic_filter(topic), is_active=True
    ).values("pk")
    offered = SessionType.objects.filter(
        is_active=True,
        kind=SessionType.Kind.INDIVIDUAL,
        counsellors__in=covering,
    )
    if point is not None:
        offered = offered.filter(point=point)
    services_offered = [
        t for t in offered.distinct().order_by("pk") if not t.modes or mode in t.modes
    ]
    services_offered.sort(key=lambda t: t.slug != slug)  # the one asked for first
    for service in services_offered:
        if pool_selectors.pool_counsellors(
            topic=topic, session_type=service, mode=mode, point=point
        ):
            return service
    return None


def _read_point(request, mode: str, points=None):
    """(point, error, status) for the ``point`` asked for, in person only.

    ``points``: the points families may choose, already read for the page,
    to find it in without a query; otherwise (or when it is not among them)
    `services.pool_point` reads it and says what is wrong.
    """
    slug = slug_param(request, "point")
    raw = request.GET.get("point") or request.POST.get("point") or ""
    if mode != Mode.IN_PERSON or not raw:
        return None, None, HTTPStatus.OK
    found = next((p for p in points or () if p.slug == slug), None)
    if found is not None:
        return found, None, HTTPStatus.OK
    try:
        return services.pool_point(slug=slug), None, HTTPStatus.OK
    except services.BookingError as exc:
        status = (
            HTTPStatus.NOT_FOUND
            if exc.code == "point_unknown"
            else HTTPStatus.BAD_REQUEST
        )
        return None, error_text(exc), status


def _read_choice(request):
    """(topic, mode, error, status) from the query string or the form.

    No topic asked for: (None, "", None, OK). An error is a message to show on
    the choice page with its status.
    """
    raw_topic = request.GET.get("topic") or request.POST.get("topic") or ""
    raw_mode = request.GET.get("mode") or request.POST.get("mode") or ""
    if not raw_topic:
        return None, "", None, HTTPStatus.OK
    topic = selectors.topic_by_slug(slug=slug_param(request, "topic"))
    if topic is None:
        return None, "", TOPIC_UNKNOWN, HTTPStatus.NOT_FOUND
    if not raw_mode:
        return topic, "", None, HTTPStatus.OK
    if raw_mode not in POOL_MODES:
        return topic, "", MODE_UNKNOWN, HTTPStatus.BAD_REQUEST
    return topic, raw_mode, None, HTTPStatus.OK


def _choose_page(
    request,
    *,
    topic=None,
    mode="",
    error=None,
    uncovered=False,
    status=HTTPStatus.OK,
    point=None,
    points=None,
):
    context = {
        "topics": list(topics_for_language()),
        "modes": [(m, Mode(m).label) for m in POOL_MODES],
        "points": list(points_for_families()) if points is None else points,
        "point": point,
        "topic": topic,
        "mode": mode,
        "error": error,
        "uncovered": uncovered,
        "mode_label": Mode(mode).label if mode else "",
    }
    if uncovered:
        context.update(selectors.urgent_context(get_language() or "zh-hans"))
    return render_page(request, "bookings/pooled_choose.html", context, status=status)


@require_GET
def pooled_times(request):
    """Choose a topic and a mode; with both, the pool's free times, four weeks a page."""
    topic, mode, error, status = _read_choice(request)
    if error is not None or topic is None or not mode:
        return _choose_page(request, topic=topic, mode=mode, error=error, status=status)
    # In person, the page offers a change of point: the list read once also
    # finds the point asked for (no query of its own).
    points = list(points_for_families()) if mode == Mode.IN_PERSON else []
    point, error, status = _read_point(request, mode, points)
    if error is not None:
        return _choose_page(
            request, topic=topic, mode=mode, error=error, status=status, points=points
        )
    service = _pool_service(topic, mode, slug_param(request, "type"), point)
    if service is None:
        return _choose_page(
            request, topic=topic, mode=mode, uncovered=True, point=point, points=points
        )
    today = station_today()
    start_date = max(parse_date(request.GET.get("from"), today), today)
    end_date = start_date + dt.timedelta(days=POOL_DAYS - 1)
    slots = pool_selectors.pooled_free_slots(
        topic=topic,
        session_type=service,
        start_date=start_date,
        end_date=end_date,
        mode=mode,
        point=point,
    )
    point_slug = point.slug if point else ""
    return render_page(
        request,
        "bookings/pooled_times.html",
        {
            "topic": topic,
            "mode": mode,
            "point": point,
            "points": points,
            "mode_label": Mode(mode).label,
            "session_type": service,
            "soonest": slots[:NEXT_SLOTS],
            "days": group_by_day(slots, user_zone(request.user)),
            "start_date": start_date,
            "end_date": end_date,
            "later": end_date + dt.timedelta(days=1),
            "earlier": (
                start_date - dt.timedelta(days=POOL_DAYS)
                if start_date > today
                else None
            ),
            "later_query": _query(
                topic=topic.slug,
                mode=mode,
                point=point_slug,
                type=service.slug,
                **{"from": (end_date + dt.timedelta(days=1)).isoformat()},
            ),
            "earlier_query": _query(
                topic=topic.slug,
                mode=mode,
                point=point_slug,
                type=service.slug,
                **{
                    "from": max(
                        start_date - dt.timedelta(days=POOL_DAYS), today
                    ).isoformat()
                },
            ),
        },
    )


def _pool_is_free(
    topic, mode: str, service: SessionType, start: dt.datetime, point=None
) -> bool:
    day = start.astimezone(STATION_TZ).date()
    return any(
        s.start == start
        for s in pool_selectors.pooled_free_slots(
            topic=topic,
            session_type=service,
            start_date=day,
            end_date=day,
            mode=mode,
            point=point,
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def pooled_book(request):
    """Details, review and confirm of a pooled booking (no JavaScript needed)."""
    topic, mode, error, status = _read_choice(request)
    if error is not None or topic is None or not mode:
        return _choose_page(
            request,
            topic=topic,
            mode=mode,
            error=error or (TOPIC_UNKNOWN if topic is None else MODE_UNKNOWN),
            status=HTTPStatus.BAD_REQUEST if error is None else status,
        )
    point, error, status = _read_point(request, mode)
    if error is not None:
        return _choose_page(request, topic=topic, mode=mode, error=error, status=status)
    service = _pool_service(topic, mode, slug_param(request, "type"), point)
    if service is None:
        return _choose_page(
            request, topic=topic, mode=mode, uncovered=True, point=point
        )
    back = _times_url(topic, mode, service, point)
    # The form's modes are the service's and the counsellor's: here the pool
    # stands in for the counsellor, offering only the mode chosen.
    form_kwargs = {
        "user": request.user,
        "counsellor": SimpleNamespace(modes=[mode]),
        "session_type": service,
    }
    common = {
        "topic": topic,
        "mode": mode,
        "mode_label": Mode(mode).label,
        "session_type": service,
        "point": point,
    }
    step = request.POST.get("step", "details")

    if request.method == "GET":
        start = parse_slot(request.GET.get("start", ""))
        if start is None or not _pool_is_free(topic, mode, service, start, point):
            messages.error(request, TIME_GONE)
            return redirect(back)
        form = BookingDetailsForm(
            initial={"start": start.isoformat(), "mode": mode}, **form_kwargs
        )
        return _details_page(request, form, common, start)

    form = BookingDetailsForm(request.POST, **form_kwargs)
    if not form.is_valid():
        start = parse_slot(request.POST.get("start", ""))
        if start is None:
            messages.error(request, TIME_GONE)
            return redirect(back)
        return _details_page(
            request, form, common, start, status=HTTPStatus.BAD_REQUEST
        )
    start = form.cleaned_data["start"]
    if step == "edit" or form.needs_gate():
        return _details_page(request, form, common, start)
    if step != "confirm":
        return render_page(
            request,
            "bookings/pooled_confirm.html",
            {
                **common,
                "form": form,
                "start": start,
                "end": start + dt.timedelta(minutes=service.duration_minutes),
                "cutoff_hours": int(cutoff_of(service).total_seconds() // 3600),
                "late_from": start - cutoff_of(service),
                "child": form.cleaned_data["child"],
                "is_urgent": is_urgent(form.risk_answers()),
                "risk": form.assessment(),
                **selectors.urgent_context(get_language() or "zh-hans"),
            },
        )
    try:
        booking = services.booking_create_pooled(
            family=person(request),
            topic=topic,
            session_type=service,
            start=start,
            mode=mode,
            child=form.cleaned_data["child"],
            concern=form.cleaned_data["concern"],
            risk_answers=form.risk_answers(),
            consent=form.cleaned_data["consent"],
            contact_phone=form.cleaned_data.get("contact_phone") or "",
            point=point,
        )
    except services.PooledSlotTaken as exc:
        return render_page(
            request,
            "bookings/pooled_taken.html",
            {
                **common,
                "message": error_text(exc),
                "next_slots": exc.next_slots,
            },
            status=HTTPStatus.CONFLICT,
        )
    except services.BookingError as exc:
        messages.error(request, error_text(exc))
        return redirect(back)
    name = languages.text(booking.counsellor, "display_name")
    if booking.is_urgent:
        messages.warning(request, BOOKED_URGENT % {"name": name})
    else:
        messages.success(request, BOOKED % {"name": name})
    return redirect(reverse("bookings:detail", kwargs={"pk": booking.pk}) + "?new=1")


def _details_page(request, form, common, start, *, status=HTTPStatus.OK):
    risk = None
    if form.is_bound and hasattr(form, "cleaned_data"):
        risk = intake.assess(_answered(form))
    service = common["session_type"]
    return render_page(
        request,
        "bookings/pooled_details.html",
        {
            **common,
            "form": form,
            "start": start,
            "end": start + dt.timedelta(minutes=service.duration_minutes),
            "step": "details",
            "risk": risk,
            "show_gate": bool(risk and risk.acute),
            **(selectors.urgent_context(get_language() or "zh-hans") if risk else {}),
        },
        status=status,
    )
