"""Access grants: a staff member asks for time-limited access to one case or
household file, with a reason; a station head (never the requester)
approves or revokes it; the requester sees their own and may give one up.

Staff powers, so TOTP first (`require_staff_verification`) and no copy kept
by any cache. A grant one may not act on, or a page one may not open, is a
404. Refusals from the services are shown as their messages.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps
from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors, services
from cases.errors import CaseError
from cases.models import Case, Household
from portal.middleware import require_staff_verification
from portal.models import Role

DAY_CHOICES = [(d, format_lazy(_("{days} 天"), days=d)) for d in (1, 3, 7, 14, 30)]
TARGET_ONE = _("请只填写一个：个案编号或家庭档案编号。")
REQUESTED = _("访问申请已提交，站长批准后生效。")
APPROVED = _("已批准这份访问申请。")
REVOKED = _("已撤销这份访问授权。")


class GrantRequestForm(forms.Form):
    case = forms.IntegerField(label=_("个案编号"), required=False, min_value=1,
                              max_value=2**62)
    household = forms.IntegerField(label=_("家庭档案编号"), required=False, min_value=1,
                                   max_value=2**62)
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=1000, required=False)
    days = forms.TypedChoiceField(label=_("有效期"), choices=DAY_CHOICES, coerce=int,
                                  initial=7)

    def clean(self):
        data = super().clean()
        case_id, household_id = data.get("case"), data.get("household")
        if bool(case_id) == bool(household_id):
            raise forms.ValidationError(TARGET_ONE)
        # A number that names no file is not said so (that would tell anyone
        # which files exist): the page answers as for a known one.
        if case_id:
            data["case"] = Case.objects.filter(pk=case_id).first()
            data["unknown"] = data["case"] is None
        else:
            data["household"] = Household.objects.filter(pk=household_id).first()
            data["unknown"] = data["household"] is None
        return data


def staff_only(view):
    """Station staff with TOTP; anyone else a 404; never cached."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_station_staff:
            raise Http404
        require_staff_verification(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _is_head(user) -> bool:
    return user.has_role(Role.STATION_HEAD)


def _rows(grants, now: dt.datetime) -> list[dict]:
    return [{"grant": g, "state": selectors.grant_state(g, now=now)} for g in grants]


@staff_only
@require_GET
def mine(request):
    now = timezone.now()
    return render(request, "cases/grants/mine.html", {
        "rows": _rows(selectors.grants_of(user=request.user), now),
        "is_head": _is_head(request.user),
    })


@staff_only
@require_http_methods(["GET", "POST"])
def grant_request(request):
    form = GrantRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        expires_at = now + dt.timedelta(days=data["days"])
        try:
            if data["unknown"]:
                # Checked like any request, then nothing is stored.
                services.grant_request_check(reason=data["reason"],
                                             expires_at=expires_at, now=now)
            else:
                services.grant_request(
                    user=request.user, reason=data["reason"], case=data["case"] or None,
                    household=data["household"] or None, now=now, expires_at=expires_at)
        except CaseError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, REQUESTED)
            return redirect("case_grants:mine")
    status = HTTPStatus.UNPROCESSABLE_ENTITY if form.errors else HTTPStatus.OK
    return render(request, "cases/grants/request.html",
                  {"form": form, "max_days": services.MAX_GRANT_DAYS}, status=status)


@staff_only
@require_GET
def queue(request):
    if not _is_head(request.user):
        raise Http404
    now = timezone.now()
    pending, running = selectors.grants_for_station_head(now=now)
    return render(request, "cases/grants/queue.html", {
        "pending": list(pending), "running": list(running),
    })


def _act(request, pk: int, action, done_message, back: str):
    grant = selectors.grant_for_actor(user=request.user, pk=pk,
                                      head=_is_head(request.user))
    if grant is None:
        raise Http404
    try:
        action(grant=grant, by=request.user)
    except CaseError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message)
    return redirect(back)


@staff_only
@require_POST
def approve(request, pk: int):
    if not _is_head(request.user):
        raise Http404
    return _act(request, pk, services.grant_approve, APPROVED, "case_grants:queue")


@staff_only
@require_POST
def revoke(request, pk: int):
    back = "case_grants:queue" if _is_head(request.user) else "case_grants:mine"
    return _act(request, pk, services.grant_revoke, REVOKED, back)
