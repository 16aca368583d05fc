"""Personal API tokens: issue (the plain secret shown once) and revoke.

A revoked token stops working at once: revoking saves the row, and the
receivers of its ``post_save`` (`bookings.signals`) retire every remembered
token state.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from portal.errors import NotFound
from portal.models import ApiToken

MAX_LIVE_TOKENS = 10
# Messages (msgids; shown translated). Tests compare against these.
TOKEN_NAME_REQUIRED = gettext_noop("请给令牌起一个名字，方便以后辨认。")
TOKEN_LIMIT = gettext_noop("有效令牌已达上限，请先撤销不再使用的令牌。")


class TokenError(ValidationError):
    """A refused token action; ``.message`` is for the person."""

    def __init__(self, message: str, code: str):
        super().__init__(gettext(message), code=code)
        self.msgid = message


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token; returns ``(token, plain_secret)`` — shown once.

    The user's row is locked first, so two requests at once cannot both pass
    the limit of live tokens.
    """
    name = (name or "").strip()
    if not name or "\x00" in name:
        raise TokenError(TOKEN_NAME_REQUIRED, "token_name_required")
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list(
        "pk").first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= \
            MAX_LIVE_TOKENS:
        raise TokenError(TOKEN_LIMIT, "token_limit")
    probe = ApiToken(user=user, name=name[:60], token_hash="0" * 64, prefix="x")
    probe.full_clean(exclude=["token_hash", "prefix"])
    return ApiToken.issue(user=user, name=name[:60])


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> None:
    """Revoke one of the user's own tokens (again is fine); ``NotFound`` for
    anyone else's or no such token."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound
    # Saved, not updated in bulk: its post_save retires the cached token states,
    # also when it was revoked already (as before, a second revoke re-retires).
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
