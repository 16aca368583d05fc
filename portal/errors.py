"""Domain errors: what services and selectors raise instead of HTTP answers.

Each door maps them to its own answer (the pages to Django's 404 page, the
JSON API to its JSON 404); a service never knows which door called it.
Refusals with a message for the person (409/422 at the API) are
``ValidationError`` subclasses with a ``code``, as `bookings.services.BookingError`.
"""


class Refused(Exception):  # noqa: N818  (named for the answer it becomes)
    """The page exists but is not for this account, with why in the person's
    words (a ``gettext_noop`` message): the framed 403 page says it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(Exception):  # noqa: N818  (named for the answer it becomes)
    """No such thing, or not the caller's: the two are never told apart."""


def or_404(read, /, **kwargs):
    """``read(**kwargs)`` for a view: a domain ``NotFound`` becomes the 404 page."""
    from django.http import Http404

    try:
        return read(**kwargs)
    except NotFound as exc:
        raise Http404 from exc
