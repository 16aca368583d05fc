"""Names `bookings.api` and `portal.privacy` still use; the code is in
`bookings.caching`. Kept while those modules are changed elsewhere."""

from bookings import caching
from bookings.caching import versions  # noqa: F401
from portal.cache import bump


def bump_counsellor(counsellor_id: int | None) -> None:
    if counsellor_id:
        bump(caching.counsellor_key(counsellor_id))
