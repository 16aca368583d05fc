"""Names `bookings.api` still imports from here; the code is in `bookings.caching`.

Kept while `bookings/api.py` is changed elsewhere: import `bookings.caching`.
"""

from bookings.caching import (  # noqa: F401
    JSON,
    MAX_ID,
    MAX_SLOT_DAYS,
    answer_key,
    mark_answer,
    remember_token,
    token_generation,
)
