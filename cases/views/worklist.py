"""Each worker's and supervisor's work list (the landing page of /cases/)."""

from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_GET

from bookings.views.common import person
from cases import selectors
from cases.services import case_settings
from cases.views import WORKLIST_ROLES, has_any_role, render_case, staff_page
from portal.timezones import STATION_TZ


@staff_page
@require_GET
def worklist(request):
    user = person(request)
    if not has_any_role(user, WORKLIST_ROLES):
        raise Http404
    today = timezone.localdate(timezone=STATION_TZ)
    work = selectors.work_list(user=user, today=today, settings=case_settings())
    return render_case(request, "worklist.html", {
        "work": work, "today": today, "may_create": has_any_role(
            user, WORKLIST_ROLES[:-1])})
