from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def search(request):
    # Replaced by the Chinese-aware search of the training-modules issue.
    return render(request, "courses/search.html", {"query": request.GET.get("q", "")})


@require_GET
def certificate_verify(request, code):
    raise Http404
