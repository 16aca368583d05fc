"""The bookings app's gauges on `/metrics` (registered with portal.ops.metrics)."""

from django.db.models import Count, Min
from django.utils import timezone

from bookings.models import Booking
from portal.ops.metrics import age_seconds, gauge


def urgent_gauges():
    """Urgent intakes nobody has claimed or resolved yet, and the oldest one's
    age: what should page someone. One query."""
    now = timezone.now()
    unclaimed = Booking.objects.filter(
        is_urgent=True, urgent_owner__isnull=True, followed_up_at__isnull=True,
        anonymised_at__isnull=True,
    ).aggregate(n=Count("pk"), oldest=Min("created_at"))
    yield gauge("weiai_urgent_unclaimed", "Urgent intakes not yet claimed.",
                unclaimed["n"])
    yield gauge("weiai_urgent_unclaimed_oldest_age_seconds",
                "Age of the oldest unclaimed urgent intake, in seconds.",
                age_seconds(unclaimed["oldest"], now))
