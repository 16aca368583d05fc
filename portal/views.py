from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal import selectors, services
from portal.errors import or_404
from portal.forms import ChildForm, FamilyProfileForm
from portal.models import Role
from portal.roles import role_required


@require_GET
def robots_txt(request):
    private = ["/accounts/", "/account/", "/bookings/"]  # also under /en/
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        *[f"Disallow: {p}" for p in private],
        *[f"Disallow: /{code}{p}" for code, _name in settings.LANGUAGES
          if code != settings.LANGUAGE_CODE for p in private],
        "Disallow: /calendar/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_http_methods(["POST"])
def set_language(request):
    """Django's set_language, also remembering a signed-in user's choice, so
    their emails come in the language they read the site in."""
    from django.utils import translation
    from django.views.i18n import set_language as django_set_language

    # Django's translate_url() resolves `next` in the active language; with an
    # unprefixed default language "/en/about/" would resolve as a zh page
    # called "en/about/". Resolve it in the language its prefix names.
    next_url = request.POST.get("next", "")
    path_language = translation.get_language_from_path(next_url.split("?")[0])
    with translation.override(path_language or settings.LANGUAGE_CODE):
        response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (user.is_authenticated and language in dict(settings.LANGUAGES)
            and user.preferred_language != language):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


@login_required
def account(request):
    user = request.user
    context = {}
    if user.has_role(Role.FAMILY):
        context = {
            "family_profile": selectors.family_profile(user=user),
            "children": list(selectors.family_children(user=user)),
        }
    return render(request, "portal/account.html", context)


def _account_section(anchor: str) -> str:
    return f"{reverse('portal:account')}#{anchor}"


def _apply_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@role_required(Role.FAMILY)
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = selectors.family_profile(user=request.user)
    form = FamilyProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("家庭资料已保存。"))
            return redirect(_account_section("family"))
    return render(request, "portal/family_profile_form.html", {"form": form})


@role_required(Role.FAMILY)
@require_http_methods(["GET", "POST"])
def child_add(request):
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_add(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("已添加 %(name)s。") % {"name": child.nickname})
            return redirect(_account_section("family"))
    return render(request, "portal/child_form.html", {"form": form, "child": None})


@role_required(Role.FAMILY)
@require_http_methods(["GET", "POST"])
def child_edit(request, pk: int):
    child = or_404(selectors.child_for_family, user=request.user, pk=pk)
    initial = {"nickname": child.nickname, "birth_year": child.birth_year,
               "school_stage": child.school_stage, "needs": child.needs}
    form = ChildForm(request.POST or None, initial=initial,
                     consent_on_file=child.has_guardian_consent)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(user=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 的资料已保存。") % {"name": child.nickname})
            return redirect(_account_section("family"))
    return render(request, "portal/child_form.html", {"form": form, "child": child})


@role_required(Role.FAMILY)
@require_http_methods(["GET", "POST"])
def child_remove(request, pk: int):
    child = or_404(selectors.child_for_family, user=request.user, pk=pk)
    if request.method == "POST":
        name = child.nickname
        services.child_remove(user=request.user, child=child)
        messages.success(request, _("已删除 %(name)s 的资料。") % {"name": name})
        return redirect(_account_section("family"))
    return render(request, "portal/child_confirm_remove.html", {"child": child})


def page_not_found(request, exception=None):
    html = loader.render_to_string("404.html", {}, request)
    return HttpResponseNotFound(html)


def _framed(request, status: int, context: dict | None = None) -> HttpResponse:
    """The site's frame (crisis lines included) with the page for `status`."""
    return HttpResponse(loader.render_to_string(f"{status}.html", context or {}, request),
                        status=status)


def bad_request(request, exception=None):
    return _framed(request, HTTPStatus.BAD_REQUEST)


def permission_denied(request, exception=None):
    from django.utils.translation import gettext

    from portal.errors import Refused

    cause = exception.__cause__ if exception is not None else None
    reason = cause.message if isinstance(cause, Refused) else ""
    return _framed(request, HTTPStatus.FORBIDDEN, {"reason": gettext(reason) if reason else ""})


def too_many_requests(request, exception=None):
    """allauth's rate limits answer through this (`handler429` in the URLconf)."""
    return _framed(request, HTTPStatus.TOO_MANY_REQUESTS)


def server_error(request):
    # No database access here: the failure may be the database itself.
    # A lost database raised inside a middleware (e.g. the session read) is
    # turned into a 500 before DatabaseUnavailableMiddleware can see it; the
    # exception being handled tells us, and the visitor gets the calm 503.
    import sys

    from portal.middleware import (
        _is_connection_error,
        database_unavailable_response,
        offline_page,
    )

    exc = sys.exc_info()[1]
    if exc is not None and _is_connection_error(exc):
        return database_unavailable_response(request)
    return offline_page(request, "500.html", status=HTTPStatus.INTERNAL_SERVER_ERROR)
