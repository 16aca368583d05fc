"""Recording a visit (made for a phone: one column, no script needed) and
reading one. A retried submission is the same visit (its idempotency key)."""


from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bookings.selectors import urgent_context
from bookings.views.common import person
from cases import services
from cases.audit import log_case_read
from cases.errors import CaseError
from cases.forms import VisitForm, apply_errors
from cases.views import answer_status, case_page, posted, render_case
from portal.timezones import user_zone

SAVED = "saved"


@case_page(write=True)
@require_http_methods(["GET", "POST"])
def visit_new(request, case, basis):
    user = person(request)
    form = VisitForm(posted(request), case=case, user=user, zone=user_zone(user))
    status = answer_status(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                case=case, kind=data["kind"], done_at=data["done_at"],
                visitors=list(data["visitors"]), by=user,
                guardian_present=data["guardian_present"],
                observations=data["observations"], needs_found=data["needs_found"],
                safety_concern=data["safety_concern"],
                client_key=data["client_key"])
        except CaseError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("探访记录已保存。"))
            return redirect(f"{visit.get_absolute_url()}?{SAVED}=1")
    return render_case(request, "visit_form.html", {"case": case, "form": form},
                       status=status)


@case_page(log=False)
@require_GET
def visit_detail(request, case, basis, visit_pk):
    visit = case.visits.prefetch_related("visitors").filter(pk=visit_pk).first()
    if visit is None:
        raise Http404
    log_case_read(user=person(request), obj=visit, basis=basis, request=request)
    context = {"case": case, "visit": visit,
               "just_saved": request.GET.get(SAVED) == "1"}
    if visit.safety_concern:
        context.update(urgent_context(get_language() or "zh-hans"))
    return render_case(request, "visit.html", context)
