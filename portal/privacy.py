"""Privacy rights: data export, account erasure, consent withdrawal, retention.

Writes here follow the house style (keyword-only, atomic). `portal` handles
its own tables; the apps above it take part through the registry in
`portal.privacy_registry` (each registers a provider in its `ready()`), so
portal imports none of them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from portal import privacy_registry
from portal.errors import NotFound
from portal.models import (
    AccessLog,
    ApiToken,
    Child,
    Consent,
    DataExport,
    ErasureRecord,
    SiteSettings,
    User,
)
from portal.ops.progress import progress
from portal.privacy_export import (  # noqa: F401 - part of this module's API
    EXPORT_FORMAT_VERSION,
    EXPORT_VALID_FOR,
    export_archive_bytes,
    export_build,
    export_payload,
)
from portal.tasks import build_data_export

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 730

ERASE_STAFF_REFUSED = "工作人员账户请联系站点协调员关闭。"
ERASE_WRONG_PASSWORD = "密码不正确，请重新输入。"  # noqa: S105 - a message
ERASE_NOT_CONFIRMED = "请勾选确认框，表示你了解注销后数据无法恢复。"
EXPORT_ALREADY_PENDING = "你的数据导出正在生成中，完成后会发送邮件给你。"
CONSENT_UNKNOWN = "没有找到这项同意。"

# Sent inside `account_erase`'s transaction before anything is removed, with
# ``user`` and ``now``: apps above portal act on what is about to go (bookings
# alerts the coordinators about urgent bookings no one has followed up yet).
account_erasing = Signal()


class PortalPrivacy(privacy_registry.PrivacyProvider):
    """Portal's own tables. Their export, erasure and retention are written out
    in this module and in `portal.privacy_export`, around the other apps' hooks."""

    app_label = "portal"
    personal_models = frozenset({
        "user", "familyprofile", "child", "consent", "accesslog", "apitoken",
        "dataexport",
    })
    # An erasure record keeps the erased id and counts only, by design.
    no_personal_data = frozenset({
        "sitesettings", "crisisline", "homepage", "standardpage", "erasurerecord",
        "heartbeat",
    })
    export_order = 0


# --- Export ---------------------------------------------------------------------


@transaction.atomic
def export_request(*, user: User) -> DataExport:
    """Queue a new export for `user`; one pending export at a time."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).exists():
        raise ValidationError(EXPORT_ALREADY_PENDING)
    export = DataExport(user=user)
    export.full_clean()
    export.save()
    transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export


def export_for_download(*, user: User, token: str, now: dt.datetime | None = None
                        ) -> DataExport:
    """The owner's ready export; NotFound for anyone else, a missing or expired one."""
    now = now or timezone.now()
    export = DataExport.objects.filter(
        user=user, token=token, status=DataExport.Status.READY,
        expires_at__gt=now,
    ).first()
    if export is None or not export.archive:
        raise NotFound("No such export.")
    return export


# --- Consent ------------------------------------------------------------------


def has_active_consent(*, user: User, kind: str, child: Child | None = None) -> bool:
    query = Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True)
    if child is not None:
        query = query.filter(child=child)
    return query.exists()


@transaction.atomic
def consent_give(*, user: User, kind: str, child: Child | None = None) -> Consent:
    """Record a consent for the current notice version (idempotent while active)."""
    existing = Consent.objects.filter(
        user=user, kind=kind, child=child, withdrawn_at__isnull=True,
        notice_version=settings.PRIVACY_NOTICE_VERSION,
    ).first()
    if existing is not None:
        return existing
    consent = Consent(user=user, kind=kind, child=child,
                      notice_version=settings.PRIVACY_NOTICE_VERSION)
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, user: User, kind: str, child_id: int | None = None,
                     now: dt.datetime | None = None) -> dict[str, int]:
    """Withdraw a consent and apply its documented effect (see privacy page).

    - sensitive data: every intake answer and concern text of the family's
      bookings is erased at once; new bookings ask for the consent again.
    - guardian consent for an under-14 child: that child's profile is deleted
      (bookings stay, without the child).
    - privacy notice: recorded here; the view then leads to account erasure,
      since the account cannot be used without it.
    - household link: the station's household file is unlinked from the
      account (casework's `consent_withdrawn` hook); the file itself stays.
    Every provider hears of every withdrawal (`consent_withdrawn`).
    Returns counts of what changed.
    """
    now = now or timezone.now()
    if kind not in Consent.Kind.values:
        raise ValidationError(CONSENT_UNKNOWN)
    consents = Consent.objects.select_for_update().filter(
        user=user, kind=kind, withdrawn_at__isnull=True
    )
    if kind == Consent.Kind.GUARDIAN_UNDER_14:
        if child_id is None:
            raise ValidationError(CONSENT_UNKNOWN)
        consents = consents.filter(child_id=child_id)
    result = {"consents": consents.update(withdrawn_at=now)}
    if kind == Consent.Kind.SENSITIVE_DATA:
        for provider in privacy_registry.providers():
            result.update(provider.erase_sensitive_data(user=user, now=now))
    elif kind == Consent.Kind.GUARDIAN_UNDER_14:
        child = Child.objects.filter(pk=child_id, family__user=user).first()
        if child is None:
            raise ValidationError(CONSENT_UNKNOWN)
        # The withdrawn consent row must survive as the record of withdrawal.
        Consent.objects.filter(child=child).update(child=None)
        child.delete()
        result["children_deleted"] = 1
    for provider in privacy_registry.providers():
        result.update(provider.consent_withdrawn(user=user, kind=kind, now=now))
    return result


# --- Erasure --------------------------------------------------------------------


@transaction.atomic
def account_erase(*, user: User, requested_by_self: bool = True,
                  now: dt.datetime | None = None) -> ErasureRecord:
    """Erase a family account in one transaction; return the non-personal record.

    Each registered app first removes or anonymises what must outlive the
    user row (bookings stay for reports without the family). Then the user
    row itself is deleted (not kept as an anonymised husk): nothing needs it
    afterwards — the access log keeps the numeric subject id — and deletion
    lets the cascades remove profile, children, consents, email addresses,
    MFA devices, feeds, tokens, waitlist entries, exports and course progress,
    including tables added later that point at the user.
    """
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_station_staff:
        raise ValidationError(ERASE_STAFF_REFUSED)
    user_id = user.pk
    summary: dict[str, int] = {}

    account_erasing.send(sender=User, user=user, now=now)
    for provider in privacy_registry.providers():
        summary.update(provider.erase(user=user, now=now))

    # The access log is append-only, but the family's own e-mail as actor label
    # is personal data: it becomes a neutral label; the row itself stays.
    summary["portal.accesslog.pseudonymised"] = AccessLog.objects.filter(
        actor=user
    ).update(actor_label=f"erased-user-{user_id}")

    files = [e.archive.name for e in DataExport.objects.filter(user=user) if e.archive]
    _count, per_model = user.delete()
    for label, count in per_model.items():
        if count:
            summary[label.lower()] = summary.get(label.lower(), 0) + count

    record = ErasureRecord(erased_user_id=user_id, requested_by_self=requested_by_self,
                           at=now, summary=summary)
    record.full_clean()
    record.save()
    transaction.on_commit(lambda: _delete_files(files))
    logger.info("Account %s erased: %s", user_id, summary)
    return record


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


# --- Retention ------------------------------------------------------------------


def retention_days() -> int:
    setting = SiteSettings.objects.filter(site__is_default_site=True).first()
    if setting is None:
        setting = SiteSettings.objects.order_by("pk").first()
    return setting.retention_days if setting is not None else DEFAULT_RETENTION_DAYS


@transaction.atomic
def retention_apply(*, now: dt.datetime | None = None,
                    show_progress: bool = False) -> dict[str, int]:
    """Apply the retention period everywhere. Idempotent.

    - each registered app's own rule (bookings that ended more than
      `retention_days` ago are anonymised, their notes deleted, old waitlist
      entries and revoked feeds deleted: see `bookings.privacy`);
    - revoked API tokens: deleted;
    - exports past their expiry: file deleted, row marked expired.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=retention_days())
    result: dict[str, int] = {}
    # One step per app (`show_progress`: a bar on a terminal, portal.ops.progress).
    for provider in progress(privacy_registry.providers(), desc="retention",
                             unit="app", enabled=show_progress):
        result.update(provider.retention(cutoff=cutoff, now=now))
    result["api_tokens_deleted"] = ApiToken.objects.filter(
        revoked_at__isnull=False
    ).delete()[0]

    expired = list(
        DataExport.objects.select_for_update().filter(
            expires_at__lt=now
        ).exclude(status=DataExport.Status.EXPIRED)
    )
    names = [e.archive.name for e in expired if e.archive]
    DataExport.objects.filter(pk__in=[e.pk for e in expired]).update(
        status=DataExport.Status.EXPIRED, archive=""
    )
    result["exports_expired"] = len(expired)
    transaction.on_commit(lambda: _delete_files(names))
    return result
