"""The editors' list of modules whose clinical review date has passed or is near."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from courses import selectors


def can_see_review_report(user) -> bool:
    return user.is_active and (
        user.is_superuser
        or user.groups.filter(name__in=["editor", "clinical reviewers"]).exists()
    )


def review_due(request):
    if not can_see_review_report(request.user):
        raise PermissionDenied
    return render(request, "courses/admin/review_due.html", {
        "modules": selectors.review_due_modules(),
        "due_soon": selectors.review_due_soon_modules(),
        "due_soon_days": selectors.REVIEW_DUE_SOON_DAYS,
    })
