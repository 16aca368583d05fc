"""Finding and re-keying a WeChat account made before its unionid was known."""

import logging

from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.db.models import Q

from portal.weixin.flows import PROVIDER_ID

logger = logging.getLogger(__name__)


def earlier_weixin_account(*, openid: str, unionid: str) -> SocialAccount | None:
    """The account this person already has but not under `unionid`: keyed by
    this app's `openid` (made before unionid was returned, e.g. by stock
    allauth), or keyed by the other app's openid with this `unionid` on record.

    When both exist for different users (duplicates made earlier), the one
    keyed by this `openid` wins: that is who this login was before; the other
    is left alone and logged for a person to look at, never merged.
    """
    found = list(
        SocialAccount.objects.filter(provider=PROVIDER_ID)
        .filter(Q(uid=openid) | Q(extra_data__unionid=unionid))
        .select_related("user")
        .order_by("pk")
    )
    if not found:
        return None
    exact = [account for account in found if account.uid == openid]
    chosen = (exact or found)[0]
    others = {account.user_id for account in found} - {chosen.user_id}
    if others:
        logger.warning(
            "WeChat unionid matches accounts of users %s besides user %s; not merged",
            sorted(others), chosen.user_id,
        )
    return chosen


def weixin_account_rekey(*, account: SocialAccount, uid: str,
                         extra_data: dict) -> SocialAccount:
    """Key `account` by `uid` (the unionid) from now on, keeping its user.

    Two first logins at once (e.g. the web app and the official account's
    page) may each re-key an earlier account to the same unionid: the second
    meets the (provider, uid) unique key in a savepoint and signs in to the
    account the first one keyed, never a 500.
    """
    try:
        with transaction.atomic():
            account.uid = uid
            account.extra_data = extra_data
            account.save(update_fields=["uid", "extra_data"])
    except IntegrityError:
        keyed = (SocialAccount.objects.select_related("user")
                 .get(provider=account.provider, uid=uid))
        if keyed.user_id != account.user_id:
            logger.warning("WeChat unionid keyed to user %s meanwhile; user %s not merged",
                           keyed.user_id, account.user_id)
        return keyed
    return account
