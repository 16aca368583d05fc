"""The staff pages of casework: work lists, the case file, assessments,
plans, visits.

Every page is behind sign-in and the staff TOTP gate (``/cases/`` is a staff
area, `portal.middleware.StaffMFAMiddleware`); signed-in answers are never
stored (`portal.middleware.NoStoreMiddleware`, and ``never_cache`` here).
A case, household, plan, assessment or visit the viewer may not read is a
404, never a 403 (`cases.permissions`); every read of case content is
access-logged with the basis that allowed it (`cases.audit.log_case_read`).
"""

from __future__ import annotations

from functools import wraps
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.views.decorators.cache import never_cache

from bookings.views.common import person, render_page
from cases import selectors
from cases.audit import log_case_read
from cases.permissions import Basis
from cases.services import CASEWORK_ROLES, WRITE_BASES
from portal.access import log_access
from portal.errors import NotFound
from portal.models import AccessLog, Role

# Who has a work list: the casework roles, and station heads (who approve grants).
WORKLIST_ROLES = (*CASEWORK_ROLES, Role.STATION_HEAD)


def staff_page(view):
    """Signed in (else the sign-in page, as in every staff area); no-store."""
    return login_required(never_cache(view))


def has_any_role(user, roles) -> bool:
    return any(user.has_role(r) for r in roles)


def case_page(*, write: bool = False, log: bool = True):
    """Load the URL's case (``pk``) for the viewer, or 404.

    ``write``: the page changes the case, so a read-only basis (a grant) is
    a 404 too. ``log``: the case read is logged here; a page showing one
    record of the case (a plan, a visit) logs that record instead.
    The view gets ``case`` and ``basis`` after ``request``.
    """

    def decorator(view):
        @staff_page
        @wraps(view)
        def wrapped(request, pk, *args, **kwargs):
            user = person(request)
            try:
                case, basis = selectors.case_for_viewer(user=user, pk=pk,
                                                        now=timezone.now())
            except NotFound:
                raise Http404 from None
            if write and basis.kind not in WRITE_BASES:
                raise Http404
            if log:
                log_case_read(user=user, obj=case, basis=basis, request=request)
            return view(request, case, basis, *args, **kwargs)

        return wrapped

    return decorator


def log_household_read(request, household, basis: Basis) -> None:
    """Logged without a subject account, like every case read (`cases.audit`)."""
    log_access(actor=person(request), action=AccessLog.Action.VIEW_CASE,
               subject_user_id=None, obj=household,
               request=request, basis=str(basis))


def render_case(request, template, context, *, status=HTTPStatus.OK):
    return render_page(request, f"cases/{template}", context, status=status)


def answer_status(request) -> HTTPStatus:
    """A form page's status: 200 to show it, 422 when a submission is shown
    again (refused); a success redirects instead."""
    return HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else HTTPStatus.OK


def posted(request):
    """The submitted data, bound even when empty (an empty POST is refused
    with its field errors, not shown as a fresh form); None for a GET."""
    return request.POST if request.method == "POST" else None
