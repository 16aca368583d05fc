"""Calendar endpoints: one booking's .ics, personal feeds, the workshop feed,
and the account-page POST handlers that create, rotate and revoke feeds."""

from __future__ import annotations

import re
from functools import wraps
from http import HTTPStatus

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Case, When
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from bookings import caching, feeds
from bookings import calendar as ical
from bookings.models import CalendarFeed
from bookings.views.common import viewer_booking
from courses.models import Topic
from portal.middleware import require_staff_verification
from portal.ops import metrics


def _cookieless(view):
    """Feeds are fetched by calendar apps: never set a cookie, never vary on one.

    The session and auth middleware run before the view (and may read the
    session); a feed does not depend on them, so they must not leave a
    `Set-Cookie` or `Vary: Cookie` behind.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if session is not None:
            session.accessed = False
            session.modified = False
        return response

    return wrapped


def _client_ip(request) -> str:
    """The client IP as allauth's rate limits see it (ALLAUTH_TRUSTED_PROXY_COUNT /
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER behind a proxy), else REMOTE_ADDR."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def _plain_not_found(text: str) -> HttpResponse:
    """Plain text, not the site's HTML 404: calendar apps read it, no session."""
    response = HttpResponseNotFound(text, content_type="text/plain; charset=utf-8")
    response["Referrer-Policy"] = "no-referrer"
    return response


def _too_many(retry_after: int) -> HttpResponse:
    response = HttpResponse(
        _("请求过于频繁，请稍后再试。"), status=HTTPStatus.TOO_MANY_REQUESTS,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    response["Referrer-Policy"] = "no-referrer"
    return response


_GZIP = re.compile(r"\bgzip\b")


def accepts_gzip(request) -> bool:
    return bool(_GZIP.search(request.headers.get("Accept-Encoding", "")))


def _ics_response(request, rendered: feeds.RenderedFeed, *, private: bool,
                  filename: str) -> HttpResponse:
    use_gzip = bool(rendered.gzipped) and accepts_gzip(request)
    # Each representation has its own validator (RFC 9110 §8.8.3).
    etag = rendered.etag[:-1] + '-gz"' if use_gzip else rendered.etag
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        response = not_modified
    elif use_gzip:
        response = HttpResponse(rendered.gzipped, content_type=ical.ICS_CONTENT_TYPE)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(rendered.body, content_type=ical.ICS_CONTENT_TYPE)
    patch_vary_headers(response, ("Accept-Encoding",))
    response["ETag"] = etag
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    metrics.count("feed_polls", feed="personal" if private else "workshops")
    if private:
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    else:
        patch_cache_control(response, public=True, max_age=feeds.FEED_CACHE_SECONDS)
    return response


@require_safe
@_cookieless
def personal_feed(request, secret: str):
    per_secret, per_ip = feeds.rate_limits()
    secret_hash = feeds.hash_secret(secret)
    ip = _client_ip(request)
    ip_key, ip_wait = feeds.bucket_key("ip-miss", ip)
    secret_key, secret_wait = feeds.bucket_key("secret", secret_hash)
    # Rate counters, the feed's cached state and the feed generation, usually
    # without a round trip (bookings.caching.poll).
    poll = caching.poll(secret_hash=secret_hash, ip_key=ip_key, secret_key=secret_key,
                        ttl=feeds.RATE_WINDOW_SECONDS + 60, limit=per_secret)
    if poll.ip_misses >= per_ip:
        return _too_many(ip_wait)
    if poll.secret_count > per_secret:
        return _too_many(secret_wait)
    gzipped = accepts_gzip(request)
    body_key = poll.body_key()
    rendered = feeds.cached_only(body_key, gzipped=gzipped) if body_key else None
    if rendered is None:
        generation = caching.ensure_generation(poll.generation)
        feed = feeds.feed_for_secret(secret)
        if feed is None:
            # Only misses count per IP: that is what guessing secrets looks like.
            feeds.check_rate(scope="ip-miss", ident=ip, limit=per_ip)
            caching.miss_counted(ip_key)
            return _plain_not_found(_("没有这个日历订阅，或它已被停用。"))
        now = timezone.now()
        feeds.touch(feed, now=now)
        rendered = feeds.render_feed(feed, now=now, gzipped=gzipped)
        caching.remember(secret_hash=secret_hash, generation=generation,
                            key=rendered.key)
    return _ics_response(request, rendered, private=True, filename="weiai.ics")


@require_safe
@_cookieless
def workshops_feed(request):
    wait = feeds.check_rate(scope="ip", ident=_client_ip(request),
                            limit=feeds.rate_limits()[1], batched=True)
    if wait is not None:
        return _too_many(wait)
    topic = None
    language = translation.get_language() or "zh-hans"
    slug = request.GET.get("topic", "").strip()
    if slug:
        # Topics are translated pages of one slug: prefer the reader's language.
        topic = (
            Topic.objects.filter(slug=slug)
            .order_by(Case(When(locale__language_code=language, then=0), default=1),
                      "pk")
            .first()
        )
        if topic is None:
            return _plain_not_found(_("没有这个主题。"))
    rendered = feeds.render_workshops_feed(topic=topic, language=language,
                                           gzipped=accepts_gzip(request))
    return _ics_response(request, rendered, private=False,
                         filename="weiai-workshops.ics")


@require_GET
def booking_ics(request, pk: int):
    """One booking as an .ics download (owner, its counsellor, coordinators)."""
    # Owner, its counsellor or a workshop leader, coordinators; else 404.
    booking = viewer_booking(request, pk)
    body = ical.booking_ics(booking=booking, viewer=request.user)
    response = HttpResponse(body, content_type=ical.ICS_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="weiai-booking-{booking.pk}.ics"'
    )
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- account page handlers -------------------------------------------------------


def _kind(request) -> str:
    kind = request.POST.get("kind", "")
    if kind not in CalendarFeed.Kind.values:
        raise Http404
    return kind


def _back_to_account():
    return redirect(f"{_account_url()}#calendar-feeds")


def _account_url() -> str:
    from django.urls import reverse

    return reverse("portal:account")


def _feed_action(request, service, success_message, *, staff_needs_totp: bool):
    """Run one feed service for the signed-in user and go back to the account page.

    A counsellor feed is the counsellor's working week: a new link to it is a
    staff power and needs TOTP (`staff_needs_totp`); revoking one never does.
    """
    kind = _kind(request)
    if staff_needs_totp and kind == CalendarFeed.Kind.COUNSELLOR:
        require_staff_verification(request.user)
    try:
        service(user=request.user, kind=kind)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success_message)
    return _back_to_account()


@require_POST
@login_required
def feed_create(request):
    return _feed_action(request, feeds.feed_create,
                        _("日历订阅已创建。请在手机日历中添加下面的链接。"),
                        staff_needs_totp=True)


@require_POST
@login_required
def feed_rotate(request):
    return _feed_action(request, feeds.feed_rotate,
                        _("已生成新的订阅链接。旧链接已失效，请在日历应用中重新订阅。"),
                        staff_needs_totp=True)


@require_POST
@login_required
def feed_revoke(request):
    return _feed_action(request, feeds.feed_revoke, _("日历订阅已停用，旧链接不再更新。"),
                        staff_needs_totp=False)
