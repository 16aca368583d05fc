"""Print the current 6-digit TOTP code of a demo staff account.

Only for accounts whose authenticator uses the documented demo secret; real
staff secrets are never printed.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_TOTP_SECRET


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (demo secret only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        auth = (
            Authenticator.objects.filter(
                user__email__iexact=email, type=Authenticator.Type.TOTP
            )
            .select_related("user")
            .first()
        )
        if auth is None:
            raise CommandError(f"{email} has no TOTP authenticator.")
        if decrypt(auth.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"{email} does not use the demo secret; refusing.")
        self.stdout.write(current_code(DEMO_TOTP_SECRET))
