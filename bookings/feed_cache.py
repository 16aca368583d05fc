"""The name `portal.privacy` still uses; the code is in `bookings.caching`.
Kept while that module is changed elsewhere."""

from bookings import caching
from portal.cache import bump as _bump


def bump() -> None:
    _bump(caching.FEEDS)
