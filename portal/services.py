"""Writes for accounts and consent. Views and adapters call these."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Child, Consent, FamilyProfile, Role, User
from portal.roles import add_role

CHILD_CONSENT_REQUIRED = _("为不满十四周岁的孩子登记信息，需要监护人同意。")
SMS_NEEDS_VERIFIED_PHONE = _("要接收短信，请先在“登录与安全”中添加并验证手机号码。")

logger = logging.getLogger(__name__)


# --- Mobile numbers ---------------------------------------------------------
# A number on an account is the account's only once a code sent to it was
# entered (phone_verified). Before that it is a claim anyone could have typed:
# it signs nobody in by code (AccountAdapter.get_user_by_phone) and the next
# account that proves the number takes it.

def phone_unverified_claims_release(*, phone: str, keep_user_id: int | None = None) -> int:
    """Drop the number `phone` (E.164) from every account holding it unverified
    (except `keep_user_id`); returns how many lost it."""
    released = User.objects.filter(phone=phone, phone_verified=False)
    if keep_user_id is not None:
        released = released.exclude(pk=keep_user_id)
    ids = list(released.values_list("pk", flat=True))
    if ids:
        User.objects.filter(pk__in=ids).update(phone=None, phone_verified=False)
        logger.info("Unverified number claim dropped from users %s", ids)
    return len(ids)


def phone_number_set(*, user: User, phone: str, verified: bool) -> bool:
    """Put the number `phone` (E.164) on `user`'s account, taking it from
    accounts that only claimed it unverified. Changes nothing and returns
    False when another account holds it verified (also when one got it
    verified a moment ago: the unique key, in a savepoint, never a 500)."""
    try:
        with transaction.atomic():
            if User.objects.filter(phone=phone, phone_verified=True).exclude(
                    pk=user.pk).exists():
                return False
            phone_unverified_claims_release(phone=phone, keep_user_id=user.pk)
            User.objects.filter(pk=user.pk).update(phone=phone, phone_verified=verified)
    except IntegrityError:
        return False
    user.phone = phone
    user.phone_verified = verified
    return True


@transaction.atomic
def family_signup_completed(*, user: User, guardian_name: str = "",
                            language: str = "zh-hans") -> FamilyProfile:
    """Make `user` a family: role, profile, and the privacy-notice consent."""
    add_role(user, Role.FAMILY)
    if language in dict(settings.LANGUAGES):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    profile, _created = FamilyProfile.objects.get_or_create(
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
    profile, _created = FamilyProfile.objects.get_or_create(user=user)
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


def _has_guardian_consent(child: Child) -> bool:
    return Consent.objects.filter(
        child=child, kind=Consent.Kind.GUARDIAN_UNDER_14, withdrawn_at__isnull=True
    ).exists()


@transaction.atomic
def child_update(*, user: User, child: Child, nickname: str, birth_year: int,
                 school_stage: str, needs: str = "",
                 guardian_consent: bool = False) -> Child:
    """Edit a child of `user`'s family. A child who is (now) under 14 and has no
    active guardian consent needs it given here."""
    if child.family.user_id != user.pk:
        raise ValidationError("This child belongs to another family.")
    child.nickname, child.birth_year = nickname, birth_year
    child.school_stage, child.needs = school_stage, needs
    child.full_clean()
    has_consent = _has_guardian_consent(child)
    if child.needs_guardian_consent and not has_consent and not guardian_consent:
        raise ValidationError({"guardian_consent": CHILD_CONSENT_REQUIRED})
    child.save()
    if child.needs_guardian_consent and not has_consent:
        Consent.objects.create(
            user=user, child=child, kind=Consent.Kind.GUARDIAN_UNDER_14,
            notice_version=settings.PRIVACY_NOTICE_VERSION, given_at=timezone.now(),
        )
    return child


@transaction.atomic
def child_remove(*, user: User, child: Child) -> None:
    """Delete a child's profile. Its consent records stay (withdrawn, without
    the child) as the proof of what was agreed and when."""
    if child.family.user_id != user.pk:
        raise ValidationError("This child belongs to another family.")
    Consent.objects.filter(child=child, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    Consent.objects.filter(child=child).update(child=None)
    child.delete()


@transaction.atomic
def family_profile_update(*, user: User, guardian_name: str, relationship: str = "",
                          phone: str = "", sms_notices: bool = False) -> FamilyProfile:
    """Save the guardian's profile; SMS notices need a verified mobile number."""
    if sms_notices and not (user.phone and user.phone_verified):
        raise ValidationError({"sms_notices": SMS_NEEDS_VERIFIED_PHONE})
    profile, _created = FamilyProfile.objects.get_or_create(user=user)
    profile.guardian_name, profile.relationship, profile.phone = (
        guardian_name, relationship, phone)
    profile.sms_notices = sms_notices
    profile.full_clean()
    profile.save()
    return profile


def household_link_consent_give(*, user: User) -> Consent:
    """The guardian agrees to have the station's household file linked to
    this account (the casework app links it only with this record)."""
    return Consent.objects.create(
        user=user, kind=Consent.Kind.HOUSEHOLD_LINK,
        notice_version=settings.PRIVACY_NOTICE_VERSION,
    )
