"""Search, quiz marking, lesson completion and certificate verification.

Views parse input, call one service or selector and render.
"""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import selectors, services
from courses.forms import CertificateNameForm
from courses.highlight import highlight_snippet
from courses.models import LessonPage, Topic, lesson_context
from courses.search.risk import expresses_risk

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 100


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    language = selectors.current_locale_code()
    context = {"query": query, "results": None, "page_obj": None, "terms": [],
               "fallback_language": None,
               # Help first, whatever the results: a query may be a cry for help.
               "show_crisis_help": bool(query) and expresses_risk(query)}
    if query:
        terms, entries = selectors.search_entries(query=query, language=language)
        other = selectors.other_language(language) if terms else None
        if other is not None and not entries.exists():
            other_terms, other_entries = selectors.search_entries(query=query,
                                                                  language=other)
            if other_entries.exists():
                terms, entries = other_terms, other_entries
                context["fallback_language"] = other
        paginator = Paginator(entries, RESULTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        for entry in page_obj.object_list:
            entry.snippet = highlight_snippet(entry.text, terms)
        context.update(terms=terms, page_obj=page_obj, results=page_obj.object_list,
                       meaningful=bool(terms))
    if not request.user.is_authenticated and (not query or context["results"]):
        # Same answer for every anonymous visitor, retired on publish. Queries
        # that find nothing are not kept, so made-up queries cannot fill the cache.
        request.courses_page_cacheable = True
    if not query or not context["results"]:
        context["suggested_topics"] = Topic.objects.filter(locale__language_code=language)
    return render(request, "courses/search.html", context)


def _live_lesson(pk: int) -> LessonPage:
    lesson = selectors.lesson_for_family(pk=pk)
    if lesson is None:
        raise Http404
    return lesson


@require_POST
def quiz_submit(request, pk: int):
    """Mark a self-check on the server and show the lesson with per-answer feedback.

    Passing every question completes the lesson for a signed-in learner.
    """
    lesson = _live_lesson(pk)
    block_id = request.POST.get("quiz", "")
    answers: dict[int, list[str]] = {}
    for key in request.POST:
        if key.startswith("q-"):
            try:
                answers[int(key[2:])] = request.POST.getlist(key)
            except ValueError:
                continue
    context = lesson.get_context(request)
    try:
        result = services.quiz_grade(lesson=lesson, block_id=block_id, answers=answers)
    except ValidationError as exc:
        known = any(block.id == block_id for block in lesson.quiz_blocks())
        context["quiz_error"] = exc.messages[0]
        context["quiz_error_block"] = block_id if known else ""
        return TemplateResponse(request, lesson.get_template(request), context,
                                status=400)
    context["quiz_result"] = result
    if result.passed and request.user.is_authenticated:
        services.lesson_complete(user=request.user, lesson=lesson, via="quiz")
        context.update(lesson.get_context(request))
        context["quiz_result"] = result
        context["quiz_completed_lesson"] = True
    return TemplateResponse(request, lesson.get_template(request), context)


@login_required
@require_POST
def lesson_complete(request, pk: int):
    lesson = _live_lesson(pk)
    services.lesson_complete(user=request.user, lesson=lesson)
    messages.success(request, _("已记录：这一课学完了。"))
    context = lesson_context(lesson=lesson, request=request)
    if context["next_lesson"] is not None:
        return redirect(context["next_lesson"].get_url(request))
    return redirect(context["module"].get_url(request))


CERTIFICATE_NAMES = "courses:certificate-names"  # session key: {code: printed name}


@require_http_methods(["GET", "POST"])
def certificate_verify(request, code: str):
    """The certificate, for anyone who has its code. Its holder, signed in,
    may choose the name printed on it; the choice lives in their session only,
    so no one else (and no stored copy of the page) ever shows it."""
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        raise Http404
    is_holder = request.user.is_authenticated and certificate.user_id == request.user.pk
    if request.method == "POST" and not is_holder:
        return HttpResponseForbidden()
    context = {"certificate": certificate, "printed_name": certificate.holder_name}
    status = HTTPStatus.OK
    if is_holder:
        chosen = request.session.get(CERTIFICATE_NAMES, {})
        form = CertificateNameForm(request.POST or None, user=request.user,
                                   current=chosen.get(certificate.code, ""))
        if form.is_bound and form.is_valid():
            request.session[CERTIFICATE_NAMES] = {**chosen,
                                                  certificate.code: form.chosen_name()}
            messages.success(request, _("已更新证书上印的名字。"))
            return redirect(certificate.get_absolute_url())
        if form.is_bound:
            status = HTTPStatus.BAD_REQUEST
        context.update(printed_name=chosen.get(certificate.code) or certificate.holder_name,
                       name_form=form)
    response = render(request, "courses/certificate.html", context, status=status)
    if is_holder:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def certificate_lookup(request):
    """A form to check a certificate's code, for schools and employers."""
    code = request.GET.get("code", "").strip()
    if code:
        certificate = selectors.certificate_by_code(code=code)
        if certificate is not None:
            return redirect(certificate.get_absolute_url())
        return render(request, "courses/certificate_lookup.html",
                      {"code": code, "not_found": True}, status=404)
    return render(request, "courses/certificate_lookup.html", {"code": ""})
