"""The public pages of the service points (a list with filters, a page per
point) and the staff directory of the expert pool.

The point pages are the same answer for every anonymous visitor, replayed by
`courses.caching.PageReplayer` (registered in `NetworkConfig.ready`) under
the page generation and the station's date ("this week" moves with it). The
directory shows contact details: staff only, behind TOTP, never stored.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from network import selectors
from network.filters import ExpertFilter, PointFilter
from portal.middleware import require_staff_verification
from portal.models import Role
from portal.roles import role_required
from portal.timezones import station_today

DIRECTORY_PAGE_SIZE = 25
# Who reads the pool and its contact details: the coordinators who assign,
# and the counsellors who refer a family on. Editors (content) do not.
DIRECTORY_ROLES = (Role.COORDINATOR, Role.COUNSELLOR)


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


@never_cache
@role_required(*DIRECTORY_ROLES)
@require_GET
def expert_directory(request):
    # Outside the path-gated staff areas: the same TOTP gate, asked here.
    require_staff_verification(request.user)
    today = station_today()
    filters = ExpertFilter(
        request.GET or None, queryset=selectors.experts_directory(), on=today
    )
    page = Paginator(filters.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/expert_directory.html",
        {
            "filters": filters,
            "page": page,
            "today": today,
            "filtered": bool(filters.is_bound and filters.form.has_changed()),
        },
    )
