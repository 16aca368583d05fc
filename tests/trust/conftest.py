"""Fixtures of the trust tests: one family with a bit of everything."""

import datetime as dt
import hashlib

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import (
    BookingFactory,
    ChildFactory,
    CounsellorFactory,
    FamilyFactory,
    GroupSessionFactory,
)

# ASCII markers: SQLite stores JSON with \u escapes, so Chinese needles would
# hide in JSON columns; these are found verbatim in every column type.
FAMILY_EMAIL = "erase-me-4821@example.cn"
FAMILY_NAME = "Family-Marker-4821"
GUARDIAN_NAME = "Guardian-Marker-4821"
PHONE = "13900004821"
CHILD_NICK = "Xiaoyu-Marker-4821"
CONCERN = "Concern-Marker-4821 孩子最近睡不好"
INTAKE = {"q1": "Intake-Marker-4821", "self_harm": "no"}
NOTE = "Note-Marker-4821 会谈记录"
MARKERS = (FAMILY_EMAIL, FAMILY_NAME, GUARDIAN_NAME, PHONE, CHILD_NICK,
           "Concern-Marker-4821", "Intake-Marker-4821", "Note-Marker-4821",
           "Token-Marker-4821")


@pytest.fixture
def rich_family(site_shell):
    """A family with profile, child, consents, past and future bookings, notes,
    a workshop waitlist entry, a calendar feed and an API token."""
    from bookings.models import Booking, CalendarFeed, SessionNote, WaitlistEntry
    from portal.models import ApiToken, Consent

    user = FamilyFactory(email=FAMILY_EMAIL, display_name=FAMILY_NAME)
    profile = user.family_profile
    profile.guardian_name = GUARDIAN_NAME
    profile.phone = PHONE
    profile.save()
    child = ChildFactory(family=profile, nickname=CHILD_NICK)
    version = settings.PRIVACY_NOTICE_VERSION
    Consent.objects.create(user=user, kind=Consent.Kind.PRIVACY_NOTICE,
                           notice_version=version)
    Consent.objects.create(user=user, kind=Consent.Kind.SENSITIVE_DATA,
                           notice_version=version)
    Consent.objects.create(user=user, child=child, kind=Consent.Kind.GUARDIAN_UNDER_14,
                           notice_version=version)
    counsellor = CounsellorFactory()
    now = timezone.now()
    past = BookingFactory(
        family=user, child=child, counsellor=counsellor, concern=CONCERN,
        intake_answers=INTAKE, status=Booking.Status.ATTENDED,
        start=now - dt.timedelta(days=20), end=now - dt.timedelta(days=20, minutes=-50),
        blocks_until=now - dt.timedelta(days=20, minutes=-60),
    )
    future = BookingFactory(
        family=user, child=child, counsellor=counsellor, concern=CONCERN,
        intake_answers=INTAKE,
    )
    SessionNote.objects.create(booking=past, author=counsellor.user, body=NOTE)
    workshop = GroupSessionFactory(counsellors=[counsellor])
    WaitlistEntry.objects.create(group_session=workshop, family=user, child=child)
    CalendarFeed.objects.create(
        user=user, kind=CalendarFeed.Kind.FAMILY,
        secret_hash=hashlib.sha256(b"feed-secret-4821").hexdigest(),
    )
    ApiToken.issue(user=user, name="Token-Marker-4821")
    return {
        "user": user, "child": child, "counsellor": counsellor, "past": past,
        "future": future, "workshop": workshop,
    }


def with_totp(user):
    """Give a staff user a TOTP authenticator, as the staff-area middleware requires."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
    )
    return user
