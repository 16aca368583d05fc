"""Bench data on top of `seed_demo --scale 20`; prints one JSON line for run.py.

Run by bench/run.py with the benchmark's environment (production settings,
the bench database). Idempotent: bench objects have `bench-` slugs and
`@bench.weiai.invalid` addresses, all fictional.
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

BOOKING_CLIENTS = int(os.environ.get("BENCH_BOOKING_CLIENTS", "8"))
BOOKINGS_PER_CLIENT = int(os.environ.get("BENCH_BOOKINGS_PER_CLIENT", "12"))


def page_url(label: str) -> str | None:
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    page = model.objects.live().public().order_by("path").first()
    return page.url if page is not None else None


@transaction.atomic
def bench_counsellors(topic):
    from wagtail.models import Site

    from bookings.models import AvailabilityRule, BookingPolicy, Counsellor, SessionType

    session_type, _ = SessionType.objects.get_or_create(
        slug="bench-session",
        defaults={"name": "个体咨询（压测）", "name_en": "Individual (bench)",
                  "duration_minutes": 50, "buffer_after_minutes": 10,
                  "modes": ["in_person", "online"]},
    )
    counsellors = []
    for i in range(BOOKING_CLIENTS):
        counsellor, created = Counsellor.objects.get_or_create(
            slug=f"bench-c-{i}",
            defaults={"display_name": f"压测咨询师{i}（虚构）", "languages": ["zh-hans"],
                      "modes": ["in_person", "online"]},
        )
        if created:
            AvailabilityRule.objects.bulk_create(
                AvailabilityRule(counsellor=counsellor, weekday=d,
                                 start_time=dt.time(8), end_time=dt.time(20))
                for d in range(7)
            )
        if topic is not None:
            counsellor.specialties.add(topic)
        counsellors.append(counsellor)
    session_type.counsellors.add(*counsellors)
    # Bench families book many sessions each; the demo limit of a few would
    # turn throughput into refusals.
    site = Site.objects.get(is_default_site=True)
    policy = BookingPolicy.for_site(site)
    policy.max_active_bookings = 10_000
    policy.save()
    return session_type, counsellors


def pooled_session_type(point, counsellors):
    """The bench's individual session held at `point`, offered by `counsellors`."""
    from bookings.models import SessionType

    session_type, _ = SessionType.objects.update_or_create(
        slug="bench-pooled-session",
        defaults={"name": "个体咨询（压测，站点）", "name_en": "Individual at a point (bench)",
                  "duration_minutes": 50, "buffer_after_minutes": 10,
                  "modes": ["in_person"], "point": point},
    )
    session_type.counsellors.add(*counsellors)
    return session_type


def family_token(email: str) -> tuple[object, str]:
    from portal.models import ApiToken, Consent, FamilyProfile, Role, User
    from portal.roles import add_role

    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": "压测家庭（虚构）"})
    if created:
        user.set_unusable_password()
        user.save()
        add_role(user, Role.FAMILY)
        FamilyProfile.objects.get_or_create(user=user)
        from django.conf import settings

        for kind in (Consent.Kind.PRIVACY_NOTICE, Consent.Kind.SENSITIVE_DATA):
            Consent.objects.create(user=user, kind=kind,
                                   notice_version=settings.PRIVACY_NOTICE_VERSION)
    _token, secret = ApiToken.issue(user=user, name="bench")
    return user, secret


def free_non_overlapping(counsellor, session_type, count: int) -> list[str]:
    from bookings.selectors import free_slots

    today = timezone.localdate()
    slots = free_slots(counsellor=counsellor, session_type=session_type,
                       start_date=today + dt.timedelta(days=2),
                       end_date=today + dt.timedelta(days=30))
    chosen, busy_until = [], None
    gap = dt.timedelta(minutes=session_type.buffer_after_minutes)
    for slot in slots:
        if busy_until is None or slot.start >= busy_until:
            chosen.append(slot.start.isoformat())
            busy_until = slot.end + gap
        if len(chosen) == count:
            break
    return chosen


def personal_feed_path(seed_bench_feed) -> str:
    """The 500-event feed; rotated when it was made under another SECRET_KEY
    (its URL secret is derived from the key, so the old URL no longer works)."""
    from bookings import feeds
    from bookings.models import CalendarFeed
    from portal.models import User

    path = seed_bench_feed(events=500)
    user = User.objects.get(email="bench-feed@demo.weiai.cn")
    feed = feeds.live_feed(user=user, kind=CalendarFeed.Kind.FAMILY)
    if feeds.feed_secret_if_current(feed) is None:
        feed = feeds.feed_rotate(user=user, kind=CalendarFeed.Kind.FAMILY)
        path = f"/calendar/{feeds.feed_secret(feed)}.ics"
    return path


SIGNED_IN = {
    "family": "family@demo.weiai.cn",
    "counsellor": "counsellor@demo.weiai.cn",
    "coordinator": "coordinator@demo.weiai.cn",
}


def signed_in_cookie(email: str) -> str:
    """A session for a demo account, as after allauth's sign-in; its cookie value.

    Made through Django's `login()` on a request with a fresh session (the
    engine in settings), so the session holds what a real sign-in leaves:
    user id, backend, password hash. allauth's record of how the user signed
    in is added the way its flows write it (`record_authentication`): a
    password step, and for staff (who have TOTP) an "mfa"/"totp" step,
    which is what allauth records once the code was accepted. Nothing reads
    those records on the measured pages (StaffMFAMiddleware asks only that a
    TOTP authenticator exists, allauth asks for the code at sign-in), but the
    session then looks like a real one, size included.
    """
    from importlib import import_module

    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import login
    from django.test import RequestFactory

    from portal.models import User

    user = User.objects.get(email=email)
    request = RequestFactory().get("/accounts/login/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = user
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    record_authentication(request, user, "password", email=user.email)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
    request.session.save()
    return f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"


def signed_in_pages(module: str | None, lesson: str | None) -> dict:
    """The pages measured signed in, and one cookie per demo account."""
    from bookings.models import Counsellor, SessionType

    counsellor = Counsellor.objects.get(user__email=SIGNED_IN["counsellor"])
    session_type = (counsellor.session_types.filter(
        is_active=True, kind=SessionType.Kind.INDIVIDUAL).order_by("pk").first())
    slot = free_non_overlapping(counsellor, session_type, 1)
    book = (f"/bookings/book/{counsellor.slug}/{session_type.slug}/?start="
            + quote(slot[0])) if slot else None
    return {
        "cookies": {role: signed_in_cookie(email) for role, email in SIGNED_IN.items()},
        "family_pages": {
            "home page /": "/", "module page": module, "lesson page": lesson,
            "search ?q=情绪": "/search/?q=" + quote("情绪"),
            "counsellor list": "/bookings/counsellors/",
            "counsellor page": f"/bookings/counsellors/{counsellor.slug}/",
            "booking form": book, "my bookings": "/bookings/mine/",
            "account": "/account/",
        },
        "counsellor_pages": {"counsellor week": "/bookings/counsellor/week/"},
        "coordinator_pages": {
            "coordinator bookings": "/bookings/coordinator/",
            "coordinator urgent": "/bookings/coordinator/urgent/",
            "coordinator closures": "/bookings/coordinator/closures/",
        },
    }


def main() -> None:
    from bookings.feeds import seed_bench_feed
    from bookings.models import Counsellor
    from courses.models import Topic

    topic = Topic.objects.order_by("pk").first()
    session_type, counsellors = bench_counsellors(topic)
    _reader, reader_token = family_token("bench-reader@bench.weiai.invalid")
    clients = []
    for i, counsellor in enumerate(counsellors):
        _user, secret = family_token(f"bench-family-{i}@bench.weiai.invalid")
        clients.append({
            "token": secret, "counsellor": counsellor.pk,
            "session_type": session_type.pk,
            "slots": free_non_overlapping(counsellor, session_type, BOOKINGS_PER_CLIENT),
        })
    today = timezone.localdate()

    def slots_path(counsellor_id: int, days: int) -> str:
        return (f"/api/v1/slots?counsellor={counsellor_id}&session_type={session_type.pk}"
                f"&start={today + dt.timedelta(days=1)}"
                f"&end={today + dt.timedelta(days=days)}")

    topic_counsellors = list(
        Counsellor.objects.filter(specialties=topic, session_types=session_type)
        .order_by("pk").values_list("pk", flat=True)[:6]
    ) if topic is not None else []
    from network.models import ServicePoint

    point = ServicePoint.objects.filter(hours__isnull=False, is_active=True).order_by("pk").first()
    # The pooled search as the issue sets it: the topic at one point, 4 weeks
    # (the bench counsellors, whose hours name no point, are its pool).
    pooled = None
    if topic is not None and point is not None:
        at_point = pooled_session_type(point, counsellors)
        pooled = (f"/api/v1/slots?topic={topic.slug}&point={point.slug}"
                  f"&session_type={at_point.pk}&start={today + dt.timedelta(days=1)}"
                  f"&end={today + dt.timedelta(days=28)}")
    module, lesson = page_url("courses.ModulePage"), page_url("courses.LessonPage")
    data = {
        "module": module,
        "lesson": lesson,
        "signed_in": signed_in_pages(module, lesson),
        "search": "/search/?q=" + quote("情绪"),
        "slots_one": slots_path(counsellors[0].pk, 28),
        "slots_topic": [slots_path(pk, 14) for pk in topic_counsellors],
        "slots_pooled": pooled,
        "point_page": point.get_absolute_url() if point is not None else None,
        "workshop_feed": "/calendar/workshops.ics",
        "personal_feed": personal_feed_path(seed_bench_feed),
        "reader_token": reader_token,
        "clients": clients,
        "counsellors_total": Counsellor.objects.count(),
    }
    sys.stdout.write("BENCHJSON " + json.dumps(data) + "\n")


if __name__ == "__main__":
    main()
