from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from portal.crisis import fallback_crisis_lines


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /accounts/",
        "Disallow: /account/",
        "Disallow: /bookings/",
        "Disallow: /calendar/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@login_required
def account(request):
    return render(request, "portal/account.html", {})


def page_not_found(request, exception=None):
    html = loader.render_to_string("404.html", {}, request)
    return HttpResponseNotFound(html)


def server_error(request):
    # No database access here: the failure may be the database itself.
    html = loader.render_to_string(
        "500.html", {"crisis_lines": fallback_crisis_lines(), "request": request}
    )
    return HttpResponseServerError(html)
