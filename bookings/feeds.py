"""Personal calendar subscription feeds: secrets, selection, caching, rate limits.

The URL secret of a feed is `HMAC-SHA256(SECRET_KEY, "calendar-feed|<pk>|<created>")`:
the database keeps only its SHA-256 (`CalendarFeed.secret_hash`), so a copy of
the database alone reveals no feed URL, while the account page can show the
link (and its QR code) again whenever the owner asks. Rotating creates a new
feed row (new pk, new secret) and revokes the old one; revoked and unknown
secrets answer 404. If SECRET_KEY itself changes, old links keep working
(lookups go by the stored hash) but can no longer be shown: the account page
then offers rotation.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import caching
from bookings import calendar as ical
from bookings.models import Booking, CalendarFeed, Counsellor, GroupSession, TimeOff
from portal import cache as shared

FEED_NOT_ALLOWED = _("这个账户不能创建这种日历订阅。")
FEED_NOT_FOUND = _("没有找到这个日历订阅，它可能已被撤销。")

# A rendered feed stays cached at most this long even if nothing changed:
# cancelled events must drop out after 30 days and crisis lines may change.
FEED_CACHE_SECONDS = 60 * 60
RATE_WINDOW_SECONDS = 60 * 60
DEFAULT_RATE_PER_SECRET = 120
DEFAULT_RATE_PER_IP = 600
FEED_CACHE_PREFIX = "calendar:feed:v1"


# --- secrets --------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_secret(feed: CalendarFeed) -> str:
    """The URL secret of `feed`, derived from SECRET_KEY (see module docstring)."""
    message = f"calendar-feed|{feed.pk}|{feed.created_at.isoformat()}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    # 32 url-safe characters = 192 bits.
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def feed_secret_if_current(feed: CalendarFeed) -> str | None:
    """The secret, or None if SECRET_KEY changed since the feed was made."""
    secret = feed_secret(feed)
    return secret if hmac.compare_digest(hash_secret(secret), feed.secret_hash) else None


def allowed_kinds(user) -> list[str]:
    """Feed kinds a user may have: families their bookings, counsellors their week."""
    kinds = []
    if user.is_family or Booking.objects.filter(family=user).exists():
        kinds.append(CalendarFeed.Kind.FAMILY)
    # Only a counsellor (the role) reaches the week a counsellor feed mirrors;
    # asking first spares every family's account page a query.
    if user.is_counsellor and Counsellor.objects.filter(user=user).exists():
        kinds.append(CalendarFeed.Kind.COUNSELLOR)
    return kinds


def live_feed(*, user, kind: str) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, kind=kind, revoked_at__isnull=True).first()


@transaction.atomic
def feed_create(*, user, kind: str) -> CalendarFeed:
    """Create the user's live feed of `kind`, or return the one that exists."""
    if kind not in allowed_kinds(user):
        raise ValidationError(FEED_NOT_ALLOWED, code="feed_not_allowed")
    existing = (
        CalendarFeed.objects.select_for_update()
        .filter(user=user, kind=kind, revoked_at__isnull=True)
        .first()
    )
    if existing is not None:
        return existing
    # The secret depends on the pk: insert with a random placeholder hash first.
    feed = CalendarFeed(user=user, kind=kind,
                        secret_hash=hash_secret(secrets.token_urlsafe(32)))
    feed.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:
        # A concurrent request created it first (one live feed per user and kind).
        return CalendarFeed.objects.get(user=user, kind=kind, revoked_at__isnull=True)
    feed.secret_hash = hash_secret(feed_secret(feed))
    feed.save(update_fields=["secret_hash"])
    return feed


@transaction.atomic
def feed_revoke(*, user, kind: str) -> None:
    """Revoke the live feed of `kind`; its link answers 404 from now on."""
    updated = CalendarFeed.objects.filter(
        user=user, kind=kind, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise ValidationError(FEED_NOT_FOUND, code="feed_not_found")
    shared.bump(caching.FEEDS)  # the old link must not be answered from a cached state


@transaction.atomic
def feed_rotate(*, user, kind: str) -> CalendarFeed:
    """A new link for the feed; the old link stops working at once."""
    CalendarFeed.objects.filter(user=user, kind=kind, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    shared.bump(caching.FEEDS)
    return feed_create(user=user, kind=kind)


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The live feed for a URL secret (one query), or None."""
    if not secret or len(secret) > 64:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True)
        .first()
    )


def touch(feed: CalendarFeed, *, now: dt.datetime) -> None:
    """Record access at most once an hour: a write per poll would be wasteful."""
    if feed.last_accessed_at is None or now - feed.last_accessed_at > dt.timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_accessed_at=now)


# --- what goes into a feed --------------------------------------------------------


def _window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return now - ical.HISTORY_KEPT_FOR, now - ical.CANCELLED_KEPT_FOR


def _cancelled_before(when: dt.datetime) -> Q:
    """Bookings cancelled before `when` (by `cancelled_at`, else last change)."""
    return Q(status__in=ical.CANCELLED_STATUSES) & (
        Q(cancelled_at__lt=when) | Q(cancelled_at__isnull=True, updated_at__lt=when)
    )


def family_feed_bookings(*, user, now: dt.datetime):
    """Bookings and seats of a family: recent history, the future, and
    cancellations of the last 30 days."""
    history_from, cancelled_from = _window(now)
    workshop_cancelled_long_ago = Q(group_session__status=GroupSession.Status.CANCELLED,
                                    group_session__updated_at__lt=cancelled_from)
    return (
        Booking.objects.filter(family=user, end__gte=history_from)
        .exclude(_cancelled_before(cancelled_from))
        .exclude(workshop_cancelled_long_ago)
        .select_related("counsellor", "session_type", "session_type__point",
                        "group_session", "group_session__point",
                        "group_session__session_type", "group_session__session_type__point",
                        "group_session__topic")
        .order_by("start", "pk")
    )


def counsellor_feed_items(*, counsellor: Counsellor | int, now: dt.datetime):
    history_from, cancelled_from = _window(now)
    bookings = (
        Booking.objects.filter(counsellor=counsellor, group_session__isnull=True,
                               end__gte=history_from)
        .exclude(_cancelled_before(cancelled_from))
        .select_related("counsellor", "session_type", "session_type__point")
        .order_by("start", "pk")
    )
    workshops = (
        GroupSession.objects.filter(counsellors=counsellor, end__gte=history_from)
        .exclude(Q(status=GroupSession.Status.CANCELLED) & Q(updated_at__lt=cancelled_from))
        .select_related("session_type", "session_type__point", "point", "topic")
        .order_by("start", "pk")
    )
    time_off = TimeOff.objects.filter(counsellor=counsellor, end__gte=history_from).order_by(
        "start", "pk")
    return bookings, workshops, time_off


def upcoming_workshops(*, topic=None, now: dt.datetime):
    qs = GroupSession.objects.filter(end__gte=now).select_related(
        "session_type", "session_type__point", "point", "topic")
    if topic is not None:
        qs = qs.filter(topic__slug=topic.slug)
    return qs.order_by("start", "pk")


# --- cache versions: one cheap aggregate query, whatever the number of events -------


def _stamp(value) -> str:
    return value.isoformat() if value else "-"


def _family_version(user) -> str:
    agg = Booking.objects.filter(family=user).aggregate(
        n=Count("pk"), b=Max("updated_at"), g=Max("group_session__updated_at")
    )
    return f"{agg['n']}:{_stamp(agg['b'])}:{_stamp(agg['g'])}"


def _scalar(qs, function: str, field: str, output_field=None):
    """`(SELECT <function>(<field>) FROM ...)` without a GROUP BY."""
    expr = Func(F(field), function=function, output_field=output_field)
    return Subquery(qs.order_by().annotate(v=expr).values("v")[:1],
                    output_field=output_field)


def _counsellor_version(*, user, now: dt.datetime) -> tuple[int | None, str]:
    """The user's counsellor id and feed version, in two queries whatever the
    number of events: the counsellor row with aggregates of its bookings and
    workshops, and its (few) time-off rows in the feed's window, which have no
    `updated_at` to aggregate."""
    bookings = Booking.objects.filter(counsellor=OuterRef("pk"),
                                      group_session__isnull=True)
    workshops = GroupSession.objects.filter(counsellors=OuterRef("pk"))
    row = (
        Counsellor.objects.filter(user=user)
        .annotate(
            b_n=_scalar(bookings, "COUNT", "pk", IntegerField()),
            b_max=_scalar(bookings, "MAX", "updated_at", DateTimeField()),
            w_n=_scalar(workshops, "COUNT", "pk", IntegerField()),
            w_max=_scalar(workshops, "MAX", "updated_at", DateTimeField()),
        )
        .order_by("pk")
        .values_list("pk", "b_n", "b_max", "w_n", "w_max")
        .first()
    )
    if row is None:
        return None, ""
    history_from, _cancelled_from = _window(now)
    time_off = list(TimeOff.objects.filter(counsellor_id=row[0], end__gte=history_from)
                    .order_by("pk").values_list("pk", "start", "end", "reason"))
    return row[0], repr((row, time_off))


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str
    # The same bytes gzipped once at render time: a 500-event feed is ~500 kB
    # of repetitive text and ~10× smaller compressed.
    gzipped: bytes = b""
    # The cache key it lives under ("" when it is not cached).
    key: str = ""


def cached_only(key: str, *, gzipped: bool) -> RenderedFeed | None:
    """The cached representation under `key`, or None: never renders."""
    part = "gz" if gzipped else "raw"
    cached = _local_get(f"{key}:{part}")
    if cached is None:
        cached = cache.get(f"{key}:{part}")
        if cached is None:
            return None
        _local_put(f"{key}:{part}", cached)
    etag, data = cached
    return RenderedFeed(b"" if gzipped else data, etag, data if gzipped else b"", key)


def _render_cached(key: str, render, *, gzipped: bool) -> RenderedFeed:
    """The cached representation asked for (plain or gzip), rendering both on a miss.

    They are cached under two keys so a hit moves only the bytes it sends.
    """
    hit = cached_only(key, gzipped=gzipped)
    if hit is not None:
        return hit
    part = "gz" if gzipped else "raw"
    body = render()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    packed = gzip.compress(body, mtime=0)
    cache.set_many({f"{key}:raw": (etag, body), f"{key}:gz": (etag, packed)},
                   FEED_CACHE_SECONDS)
    _local_put(f"{key}:{part}", (etag, packed if gzipped else body))
    return RenderedFeed(body, etag, packed, key)


# A few seconds' per-process copy of the shared entries: keys carry the feed's
# version, so this only saves the round trip for the calendar apps' repeats.
LOCAL_FEED_SECONDS = 10.0


def _local_get(key: str) -> tuple[str, bytes] | None:
    return shared.local_get(key)


def _local_put(key: str, value: tuple[str, bytes]) -> None:
    shared.local_set(key, value, seconds=LOCAL_FEED_SECONDS, size=len(value[1]))


def render_feed(feed: CalendarFeed, *, now: dt.datetime | None = None,
                gzipped: bool = False) -> RenderedFeed:
    """The feed's iCalendar bytes, from the cache when nothing has changed.

    The cache key holds a version read in one or two aggregate queries, so the
    number of queries is the same for 5 events or 500.
    """
    now = now or timezone.now()
    user = feed.user
    language = user.preferred_language or settings.LANGUAGE_CODE
    if feed.kind == CalendarFeed.Kind.COUNSELLOR:
        counsellor_id, version = _counsellor_version(user=user, now=now)
        if counsellor_id is None:
            body = ical.counsellor_feed_ics(user=user, bookings=[], workshops=[],
                                            time_off=[], now=now)
            return RenderedFeed(body, '"empty"', gzip.compress(body, mtime=0))
        key = _key(feed, language, version)

        def render():
            bookings, workshops, time_off = counsellor_feed_items(
                counsellor=counsellor_id, now=now)
            return ical.counsellor_feed_ics(user=user, bookings=bookings,
                                            workshops=workshops, time_off=time_off,
                                            now=now)
    else:
        key = _key(feed, language, _family_version(user))

        def render():
            return ical.family_feed_ics(user=user,
                                        bookings=family_feed_bookings(user=user, now=now))
    return _render_cached(key, render, gzipped=gzipped)


# The public feed's version (one aggregate query) is remembered per process
# under the `WORKSHOPS` generation, which each process re-reads at most once a
# second: every poll would otherwise pay a query for an answer that changes a
# few times a day. A workshop change here is seen at once, elsewhere within
# the second.
WORKSHOPS_VERSION_SECONDS = 1.0


def _current_workshops_version() -> str:
    key = ("workshops-version",
           shared.read(caching.WORKSHOPS, lag=WORKSHOPS_VERSION_SECONDS))
    value = shared.local_get(key)
    if value is None:
        agg = GroupSession.objects.aggregate(n=Count("pk"), m=Max("updated_at"))
        value = f"{agg['n']}:{_stamp(agg['m'])}"
        shared.local_set(key, value, seconds=WORKSHOPS_VERSION_SECONDS)
    return value


def render_workshops_feed(*, topic=None, language: str, now: dt.datetime | None = None,
                          gzipped: bool = False) -> RenderedFeed:
    now = now or timezone.now()
    version = _current_workshops_version()
    slug = topic.slug if topic is not None else "-"
    key = f"{FEED_CACHE_PREFIX}:workshops:{slug}:{language}:{_digest(version)}"
    return _render_cached(key, lambda: ical.workshops_feed_ics(
        workshops=upcoming_workshops(topic=topic, now=now), topic=topic), gzipped=gzipped)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def _key(feed: CalendarFeed, language: str, version: str) -> str:
    base = settings.SITE_BASE_URL
    labels = caching.labels_version()
    return (f"{FEED_CACHE_PREFIX}:{feed.pk}:{language}:"
            f"{_digest(f'{base}|{labels}|{version}')}")


# --- rate limits ----------------------------------------------------------------


def bucket_key(scope: str, ident: str,
               window: int = RATE_WINDOW_SECONDS) -> tuple[str, int]:
    """The counter key of `ident`'s current window, and seconds until it ends."""
    now = int(time.time())
    bucket = now // window
    key = f"calendar:rate:{scope}:{_digest(ident)}:{bucket}"
    return key, max(1, (bucket + 1) * window - now)


def check_rate(*, scope: str, ident: str, limit: int,
               window: int = RATE_WINDOW_SECONDS, batched: bool = False) -> int | None:
    """Count one request in a fixed window; None if allowed, else seconds to wait.
    `batched`: counted in the process while far from the limit
    (`portal.cache.count_batched`), for a limit against load, not guessing."""
    key, remaining = bucket_key(scope, ident, window)
    if batched:
        count = shared.count_batched(key, window + 60, limit=limit)
    else:
        count = shared.count(key, window + 60)
    return max(1, remaining) if count > limit else None


def peek_rate(*, scope: str, ident: str, limit: int,
              window: int = RATE_WINDOW_SECONDS) -> int | None:
    """Like check_rate, without counting: seconds to wait if already over."""
    key, remaining = bucket_key(scope, ident, window)
    count = cache.get(key) or 0
    return max(1, remaining) if count >= limit else None


def rate_limits() -> tuple[int, int]:
    """Per hour: requests per feed secret, and per client IP the unknown-secret
    lookups (guessing) or public-feed requests. Valid personal feeds are not
    counted per IP: Google and Outlook fetch many people's feeds from few IPs."""
    return (
        int(getattr(settings, "CALENDAR_FEED_RATE_PER_SECRET", DEFAULT_RATE_PER_SECRET)),
        int(getattr(settings, "CALENDAR_FEED_RATE_PER_IP", DEFAULT_RATE_PER_IP)),
    )


# --- bench / demo ---------------------------------------------------------------


def seed_bench_feed(*, events: int = 500, email: str = "bench-feed@demo.weiai.cn") -> str:
    """A family with `events` bookings and a live feed; returns the feed's URL path.

    For `bench/`: `python manage.py shell -c "from bookings.feeds import
    seed_bench_feed; print(seed_bench_feed(events=500))"`. Idempotent: the
    same family is reused and topped up to `events` bookings.
    """
    from bookings.models import Mode, SessionType
    from portal.models import Role, User
    from portal.roles import add_role

    with transaction.atomic():
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": "压测家庭（虚构）"})
        if created:
            user.set_unusable_password()
            user.save()
        add_role(user, Role.FAMILY)
        counsellor, _ = Counsellor.objects.get_or_create(
            slug="bench-counsellor", defaults={"display_name": "压测咨询师（虚构）"})
        session_type, _ = SessionType.objects.get_or_create(
            slug="bench-individual",
            defaults={"name": "个体咨询", "name_en": "Individual consultation",
                      "duration_minutes": 50, "location": "未保站二楼咨询室"},
        )
        have = Booking.objects.filter(family=user).count()
        start0 = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(
            days=1)
        rows = []
        for i in range(have, events):
            # Spread over the counsellor's time so PostgreSQL's exclusion
            # constraint never sees an overlap.
            start = start0 + dt.timedelta(hours=i)
            rows.append(Booking(
                family=user, counsellor=counsellor, session_type=session_type,
                start=start, end=start + dt.timedelta(minutes=50),
                blocks_until=start + dt.timedelta(minutes=55), mode=Mode.IN_PERSON,
            ))
        Booking.objects.bulk_create(rows)
        shared.bump(caching.FEEDS)  # bulk_create sends no signals
    feed = live_feed(user=user, kind=CalendarFeed.Kind.FAMILY) or feed_create(
        user=user, kind=CalendarFeed.Kind.FAMILY)
    return f"/calendar/{feed_secret(feed)}.ics"
