"""iCalendar output (built with icalendar, never by string formatting).

Placeholder contract, replaced by the calendar-export work:
    attach_invitation(message, *, booking, method, attendee_email) -> None
adds a `text/calendar; method=<METHOD>` part to an EmailMultiAlternatives.
"""


def attach_invitation(message, *, booking, method: str, attendee_email: str) -> None:
    """Attach the booking as an iTIP invitation (REQUEST or CANCEL) to `message`."""
    return None
