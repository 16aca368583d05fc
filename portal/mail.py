"""The email backend every message goes through: booking emails and reminders
(bookings.tasks), allauth's account emails, Wagtail's notifications, error
mails to admins.

It marks each message as sent by a machine (`Auto-Submitted: auto-generated`,
RFC 3834, so autoresponders and out-of-office replies stay quiet) and gives it
a Message-ID under the site's own domain (the host of SITE_BASE_URL) rather
than the server's host name, then hands it to EMAIL_DELIVERY_BACKEND (SMTP in
production, the console in development without an SMTP host).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME

AUTO_SUBMITTED = "auto-generated"


def message_id_domain() -> str:
    return urlsplit(settings.SITE_BASE_URL).hostname or str(DNS_NAME)


def stamp(message) -> None:
    """Add the automatic-mail headers to `message` unless it already has them."""
    from email.utils import make_msgid

    headers = message.extra_headers
    present = {name.lower() for name in headers}
    if "auto-submitted" not in present:
        headers["Auto-Submitted"] = AUTO_SUBMITTED
    if "message-id" not in present:
        headers["Message-ID"] = make_msgid(domain=message_id_domain())


class EmailBackend(BaseEmailBackend):
    """Stamps every message (see `stamp`), then delivers through EMAIL_DELIVERY_BACKEND."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.delivery.open()

    def close(self):
        return self.delivery.close()

    def send_messages(self, email_messages):
        messages = list(email_messages)
        for message in messages:
            stamp(message)
        return self.delivery.send_messages(messages)
