"""Domain errors: what services and selectors raise instead of HTTP answers.

Each door maps them to its own answer (the pages to Django's 404 page, the
JSON API to its JSON 404); a service never knows which door called it.
Refusals with a message for the person (409/422 at the API) are
``ValidationError`` subclasses with a ``code``, as `bookings.services.BookingError`.
"""


class NotFound(Exception):  # noqa: N818  (named for the answer it becomes)
    """No such thing, or not the caller's: the two are never told apart."""
