"""Household files: create (with the likely-duplicate check), read, open a
case for a child; and the counsellor's page of goals linked to their sessions."""

from http import HTTPStatus

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bookings.views.common import person
from cases import errors, selectors, services
from cases.errors import CaseError
from cases.forms import CaseOpenForm, HouseholdForm, apply_errors
from cases.models import HouseholdMember
from cases.permissions import Basis, household_access
from cases.services import CASEWORK_ROLES, WRITE_BASES
from cases.views import (
    answer_status,
    has_any_role,
    log_household_read,
    posted,
    render_case,
    staff_page,
)
from portal.errors import NotFound
from portal.timezones import STATION_TZ


def _masked(phone) -> str:
    text = str(phone or "")
    return f"{text[:-8]}****{text[-4:]}" if len(text) >= 8 else ""


@staff_page
@require_http_methods(["GET", "POST"])
def household_create(request):
    user = person(request)
    if not has_any_role(user, CASEWORK_ROLES):
        raise Http404
    today = timezone.localdate(timezone=STATION_TZ)
    form = HouseholdForm(posted(request), initial={"opened_on": today})
    duplicates, hidden = [], False
    status = answer_status(request)
    if form.is_valid():
        data = form.cleaned_data
        members = [
            services.MemberData(label=data["guardian_label"],
                                relationship=data["guardian_relationship"],
                                is_guardian=True),
            services.MemberData(label=data["child_label"],
                                relationship=HouseholdMember.Relationship.CHILD,
                                birth_year=data["child_birth_year"]),
        ]
        try:
            result, case = services.household_create_opening_case(
                point=data["point"], address=data["address"],
                phone=str(data["phone"] or ""), guardianship=data["guardianship"],
                guardianship_note=data["guardianship_note"],
                opened_on=data["opened_on"], members=members, by=user,
                confirmed_new=data["confirmed_new"])
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            if result.household is not None:
                messages.success(request, _("家庭档案已建立。"))
                return redirect((case or result.household).get_absolute_url())
            duplicates, hidden = _duplicates_for(user, result.duplicates)
            status = HTTPStatus.CONFLICT
    return render_case(request, "household_form.html", {
        "form": form, "duplicates": duplicates, "hidden_duplicate": hidden,
        "duplicate_message": _(errors.DUPLICATE_HOUSEHOLD)}, status=status)


def _duplicates_for(user, found) -> tuple[list[dict], bool]:
    """The likely duplicates `user` may read, with their masked details, and
    whether there are others: those are only said to exist, with no number,
    point or phone (a file outside one's scope stays unseen)."""
    now, shown, hidden = timezone.now(), [], False
    for household in found:
        if household_access(user, household, now=now) is None:
            hidden = True
        else:
            shown.append({"number": household.pk, "point": household.point,
                          "phone": _masked(household.phone)})
    return shown, hidden


def _household(request, pk):
    try:
        return selectors.household_for_viewer(user=person(request), pk=pk,
                                              now=timezone.now())
    except NotFound:
        raise Http404 from None


@staff_page
@require_GET
def household_detail(request, pk):
    household, basis = _household(request, pk)
    log_household_read(request, household, basis)
    return render_case(request, "household.html", {
        "household": household, "basis": basis,
        "members": household.members.select_related("case"),
        "cases": selectors.household_cases_for_viewer(
            user=person(request), household=household, now=timezone.now()),
        "may_write": basis.kind in WRITE_BASES,
        "phone": _masked(household.phone) if basis.kind == Basis.GRANT
        else household.phone,
    })


@staff_page
@require_http_methods(["GET", "POST"])
def case_open(request, pk):
    household, basis = _household(request, pk)
    if basis.kind not in WRITE_BASES:
        raise Http404
    log_household_read(request, household, basis)
    today = timezone.localdate(timezone=STATION_TZ)
    form = CaseOpenForm(posted(request), household=household,
                        initial={"opened_on": today, "assigned_worker": request.user.pk})
    status = answer_status(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                household=household, member=data["member"],
                assigned_worker=data["assigned_worker"],
                supervisor=data["supervisor"], opened_on=data["opened_on"],
                by=person(request))
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("个案已开案。"))
            return redirect(case.get_absolute_url())
    return render_case(request, "case_open.html",
                       {"household": household, "form": form}, status=status)


@staff_page
@require_GET
def counsellor_goals(request, pk):
    """Only the goals linked to the counsellor's own sessions with the family:
    no risk, no assessments, no visits."""
    user = person(request)
    try:
        household, goals = selectors.household_for_counsellor(user=user, pk=pk)
    except NotFound:
        raise Http404 from None
    log_household_read(request, household, Basis("counsellor_session"))
    return render_case(request, "counsellor_goals.html",
                       {"household": household, "goals": goals})
