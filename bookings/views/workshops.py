"""Workshop pages: the list, a workshop, joining and leaving it or its waitlist."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings import permissions, selectors, services
from bookings.models import WaitlistEntry
from bookings.views.common import (
    error_text,
    or_404,
    person,
    render_page,
    safe_next,
    slug_param,
)
from courses.models import topics_for_language

WORKSHOP_PAGE_SIZE = 12

# --- workshops -----------------------------------------------------------------------


@require_GET
def workshop_list(request):
    topic = selectors.topic_by_slug(slug=slug_param(request, "topic"))
    page = Paginator(selectors.upcoming_workshops(topic=topic),
                     WORKSHOP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "bookings/workshop_list.html", {
        "workshops": page.object_list, "page": page, "topic": topic,
        "topics": list(topics_for_language()),
    })


@require_GET
def workshop_detail(request, pk):
    page = or_404(selectors.workshop_page, pk=pk, user=request.user)
    workshop = page["workshop"]
    return render_page(request, "bookings/workshop_detail.html", {
        **page,
        "seats_left": permissions.seats_left(workshop),
        "is_past": workshop.start <= timezone.now(),
    })


@login_required
@require_POST
def workshop_join(request, pk):
    workshop = or_404(selectors.workshop_by_pk, pk=pk)
    child = None
    child_id = request.POST.get("child") or ""
    if child_id:
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
        child = selectors.family_child(
            user=request.user,
            pk=int(child_id) if child_id.isascii() and child_id.isdigit() else 0)
        if child is None:
            raise Http404
    try:
        result = services.workshop_join(family=person(request), group_session=workshop,
                                        child=child)
    except services.BookingError as exc:
        messages.error(request, error_text(exc))
        return redirect(workshop.get_absolute_url())
    if isinstance(result, WaitlistEntry):
        messages.info(request, _("名额已满，你已加入候补。有名额时我们会自动为你报名并通知你。"))
    else:
        messages.success(request, _("报名成功，确认邮件稍后发到你的邮箱。"))
    return redirect(workshop.get_absolute_url())


@login_required
@require_POST
def workshop_leave(request, pk):
    if request.POST.get("confirm") != "1":
        return _leave_confirm_page(request, pk)
    workshop = or_404(selectors.workshop_by_pk, pk=pk)
    try:
        services.workshop_leave(family=person(request), group_session=workshop)
    except services.BookingError as exc:
        messages.error(request, error_text(exc))
        return redirect(workshop.get_absolute_url())
    messages.success(request, _("已退出这个工作坊。"))
    return redirect(safe_next(request, workshop.get_absolute_url()))


def _leave_confirm_page(request, pk):
    """What leaving would do (the seat passes to the first family waiting); nothing
    changes until the form on it is sent with ``confirm=1``."""
    page = or_404(selectors.workshop_page, pk=pk, user=request.user)
    workshop = page["workshop"]
    if page["seat"] is None and page["entry"] is None:
        messages.error(request, _(services.NOT_ON_WAITLIST))
        return redirect(workshop.get_absolute_url())
    return render_page(request, "bookings/workshop_leave_confirm.html", {
        **page,
        "is_full": permissions.seats_left(workshop) == 0,
        "next": safe_next(request, ""),
    })


@login_required
@require_POST
def waitlist_leave(request, pk):
    """Leave a waitlist: the place is lost for good, so the first tap shows what
    leaving would do and only the confirm form (``confirm=1``) acts."""
    entry = or_404(selectors.waiting_entry, user=request.user, pk=pk)
    if request.POST.get("confirm") != "1":
        return _leave_confirm_page(request, entry.group_session_id)
    try:
        services.waitlist_leave(entry=entry, by_user=person(request))
    except services.BookingError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已退出候补。"))
    return redirect(safe_next(request, entry.group_session.get_absolute_url()))
