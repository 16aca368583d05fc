"""Writes for accounts and consent. Views and adapters call these."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import Child, Consent, FamilyProfile, Role, User
from portal.roles import add_role

CHILD_CONSENT_REQUIRED = "为不满十四周岁的孩子登记信息，需要监护人同意。"


@transaction.atomic
def family_signup_completed(*, user: User, guardian_name: str = "",
                            language: str = "zh-hans") -> FamilyProfile:
    """Make `user` a family: role, profile, and the privacy-notice consent."""
    add_role(user, Role.FAMILY)
    if language in dict(settings.LANGUAGES):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    profile, _ = FamilyProfile.objects.get_or_create(
        user=user, defaults={"guardian_name": guardian_name}
    )
    Consent.objects.create(
        user=user, kind=Consent.Kind.PRIVACY_NOTICE,
        notice_version=settings.PRIVACY_NOTICE_VERSION,
    )
    return profile


@transaction.atomic
def child_add(*, user: User, nickname: str, birth_year: int, school_stage: str,
              needs: str = "", guardian_consent: bool = False) -> Child:
    """Add a child; under-14s need the guardian's recorded consent (PIPL Art. 31)."""
    from django.core.exceptions import ValidationError

    profile, _ = FamilyProfile.objects.get_or_create(user=user)
    child = Child(family=profile, nickname=nickname, birth_year=birth_year,
                  school_stage=school_stage, needs=needs)
    child.full_clean()
    if child.needs_guardian_consent and not guardian_consent:
        raise ValidationError({"guardian_consent": CHILD_CONSENT_REQUIRED})
    child.save()
    if child.needs_guardian_consent:
        Consent.objects.create(
            user=user, child=child, kind=Consent.Kind.GUARDIAN_UNDER_14,
            notice_version=settings.PRIVACY_NOTICE_VERSION, given_at=timezone.now(),
        )
    return child
