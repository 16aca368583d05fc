"""The public pages of the service points: a list with filters, a page per point.

The same answer for every anonymous visitor, replayed by
`courses.caching.PageReplayer` (registered in `NetworkConfig.ready`) under
the page generation and the station's date ("this week" moves with it).
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from network import selectors
from network.filters import PointFilter
from portal.timezones import station_today


def _cacheable(request) -> None:
    if not request.user.is_authenticated:
        request.courses_page_cacheable = True


@require_GET
def point_list(request):
    filters = PointFilter(request.GET or None, queryset=selectors.points_for_families())
    points = list(filters.qs)
    _cacheable(request)
    return render(
        request,
        "network/service_point_list.html",
        {
            "filters": filters,
            "points": points,
            "filtered": bool(filters.is_bound and filters.form.has_changed()),
        },
    )


@require_GET
def point_detail(request, slug):
    today = station_today()
    point = selectors.point_for_families(slug=slug, week_of=today)
    if point is None:
        raise Http404
    days = selectors.week(
        hours=point.hours.all(), exceptions=point.exceptions.all(), week_of=today
    )
    _cacheable(request)
    return render(
        request,
        "network/service_point.html",
        {
            "point": point,
            "days": days,
            "today": today,
        },
    )
