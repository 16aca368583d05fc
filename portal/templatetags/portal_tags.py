import re

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import get_language

from portal import cache as caching
from portal import languages
from portal.fragments import PAGE_SHELL, PAGE_SHELL_LAG_SECONDS, PAGE_SHELL_SECONDS

register = template.Library()

HREFLANG = {"zh-hans": "zh-Hans", "en": "en"}


def _page_translations(context) -> dict[str, str]:
    """URLs of the current Wagtail page in each language, if it has translations.

    Asked by the hreflang links and by the language switcher's forms: looked up
    once per request and page.
    """
    page = context.get("page")
    request = context.get("request")
    if page is None or not hasattr(page, "get_translations") or request is None:
        return {}
    memo = request.__dict__.setdefault("_portal_page_translations", {})
    if page.pk not in memo:
        memo[page.pk] = _translation_urls(page, request)
    return memo[page.pk]


def _translation_urls(page, request) -> dict[str, str]:
    """The same for every visitor: kept per process under the page shell's
    generation, which a publish, unpublish, move or delete of any page retires."""
    number = caching.read(PAGE_SHELL, lag=PAGE_SHELL_LAG_SECONDS)
    key = ("page-translations", number, page.pk, request.scheme, request.get_host())
    urls = caching.local_get(key)
    if urls is None:
        urls = {}
        for translation in page.get_translations(inclusive=True).live().select_related(
            "locale"
        ):
            url = translation.get_url(request=request)
            if url:
                urls[translation.locale.language_code] = url
        caching.local_set(key, urls, seconds=PAGE_SHELL_SECONDS)
    return urls


@register.simple_tag(takes_context=True)
def translated_path(context, language: str) -> str:
    """This page's address in `language`: the Wagtail page's translation when
    there is one (slugs may differ), else the same URL with the language prefix
    swapped. The language switcher posts it as `next`, so switching keeps the page."""
    request = context.get("request")
    if request is None:
        return "/"
    url = _page_translations(context).get(language)
    if url:
        query = request.GET.urlencode()
        return f"{url}?{query}" if query else url
    return translate_url(request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def hreflang_links(context):
    request = context.get("request")
    if request is None:
        return ""
    pages = _page_translations(context)
    links = []
    for code, _name in settings.LANGUAGES:
        url = pages.get(code) or translate_url(request.path, code)
        links.append((HREFLANG.get(code, code), request.build_absolute_uri(url)))
        if code == settings.LANGUAGE_CODE:
            links.append(("x-default", request.build_absolute_uri(url)))
    return format_html_join(
        "\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links
    )


@register.simple_tag
def current_language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@register.simple_tag
def tel_link(number: str):
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return format_html('<a href="tel:{}">{}</a>', digits, number)


@register.filter(needs_autoescape=True)
def in_language(obj, field, autoescape=True):
    """`{{ counsellor|in_language:"display_name" }}`: the English `*_en` text on
    English pages when set, else the Chinese (inside `lang="zh-Hans"` on English
    HTML pages); plain text where autoescaping is off (text emails)."""
    if not autoescape:
        return languages.text(obj, field)
    return languages.html(obj, field)


@register.filter
def paragraphs_in_language(obj, field):
    """`in_language` for longer texts: paragraphs, marked as a whole."""
    return languages.paragraphs(obj, field)



_HAN = re.compile(r"[\u3400-\u9fff]")


@register.filter(needs_autoescape=True)
def typed(value, autoescape=True):
    """Text as a person typed it (names, concerns, reasons, queries), which has
    no English version: on English HTML pages, text in Han script sits in a
    `lang="zh-Hans"` span so screen readers and fonts switch language."""
    value = "" if value is None else str(value)
    if not autoescape:
        return value
    if languages.is_english() and _HAN.search(value):
        return format_html('<span lang="{}">{}</span>', languages.CHINESE_TAG, value)
    return conditional_escape(value)

# Punctuation between a translated label and a value: full-width in Chinese,
# ASCII (with its space) in English ("电话：…" / "Phone: …").
_PUNCTUATION = {"colon": ("：", ": "), "open": ("（", " ("), "close": ("）", ")")}


@register.simple_tag
def punct(name: str) -> str:
    chinese, english = _PUNCTUATION[name]
    return english if (get_language() or "").startswith("en") else chinese
