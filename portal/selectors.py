"""Reads for accounts. Views and template tags call these."""

from django.db.models import Exists, OuterRef, QuerySet

from portal.errors import NotFound
from portal.models import Child, Consent, FamilyProfile, User


def family_profile(*, user: User) -> FamilyProfile | None:
    return FamilyProfile.objects.filter(user=user).first()


def family_children(*, user: User) -> QuerySet[Child]:
    """The user's children, each with `has_guardian_consent` annotated."""
    active = Consent.objects.filter(
        child=OuterRef("pk"), kind=Consent.Kind.GUARDIAN_UNDER_14,
        withdrawn_at__isnull=True,
    )
    return Child.objects.filter(family__user=user).annotate(
        has_guardian_consent=Exists(active)
    ).order_by("birth_year", "pk")


def child_for_family(*, user: User, pk: int) -> Child:
    """A child of `user`'s family; NotFound otherwise (other families' children
    don't exist)."""
    child = family_children(user=user).select_related("family").filter(pk=pk).first()
    if child is None:
        raise NotFound
    return child
