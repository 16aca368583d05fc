"""Privacy rights: data export, account erasure, consent withdrawal, retention.

Writes here follow the house style (keyword-only, atomic). Apps above `portal`
(`bookings`, `courses`) are reached through `django.apps` at call time so that
`portal` keeps importing neither of them at module level, and a missing app or
model is skipped rather than breaking an export or an erasure.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone

from portal.models import (
    AccessLog,
    ApiToken,
    Child,
    Consent,
    DataExport,
    ErasureRecord,
    FamilyProfile,
    SiteSettings,
    User,
)

logger = logging.getLogger(__name__)

EXPORT_VALID_FOR = dt.timedelta(days=7)
DEFAULT_RETENTION_DAYS = 730
EXPORT_FORMAT_VERSION = 1

ERASE_STAFF_REFUSED = "工作人员账户请联系站点协调员关闭。"
ERASE_WRONG_PASSWORD = "密码不正确，请重新输入。"  # noqa: S105 - a message
ERASE_NOT_CONFIRMED = "请勾选确认框，表示你了解注销后数据无法恢复。"
EXPORT_ALREADY_PENDING = "你的数据导出正在生成中，完成后会发送邮件给你。"
CONSENT_UNKNOWN = "没有找到这项同意。"

# Sent inside `account_erase`'s transaction before anything is removed, with
# ``user`` and ``now``: apps above portal act on what is about to go (bookings
# alerts the coordinators about urgent bookings no one has followed up yet).
account_erasing = Signal()


def _model(label: str) -> type[models.Model] | None:
    """The model `app_label.ModelName`, or None when that app or model is absent."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _bookings_changed(*, freed_counsellor_id: int | None = None) -> None:
    """Bulk updates send no model signals: retire the personal feeds' cached
    states as a save would, and the free slots of a counsellor whose booking
    was cancelled. (Concern and intake answers appear in neither.)"""
    if apps.is_installed("bookings"):
        from bookings import feed_cache, slot_cache

        feed_cache.bump()
        slot_cache.bump_counsellor(freed_counsellor_id)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return value


def _row(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete fields of `obj` as JSON-ready values (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def _user_fk_fields(model: type[models.Model]) -> list[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is user_model
    ]


# --- Export ---------------------------------------------------------------------


def export_payload(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`'s family, as JSON-ready data.

    Secrets (password hash, token and feed hashes) are left out: they are not
    information about the person and would only weaken the account if leaked.
    """
    data: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "display_timezone": user.display_timezone,
            "date_joined": _jsonable(user.date_joined),
            "last_login": _jsonable(user.last_login),
        },
    }
    email_address = _model("account.EmailAddress")
    if email_address is not None:
        data["email_addresses"] = [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in email_address.objects.filter(user=user).order_by("pk")
        ]
    profile = FamilyProfile.objects.filter(user=user).first()
    data["family_profile"] = (
        _row(profile, exclude=("id", "user")) if profile is not None else None
    )
    data["children"] = [
        _row(c, exclude=("family",))
        for c in Child.objects.filter(family__user=user).order_by("pk")
    ]
    data["consents"] = [
        {
            "kind": c.kind,
            "child_id": c.child_id,
            "notice_version": c.notice_version,
            "given_at": _jsonable(c.given_at),
            "withdrawn_at": _jsonable(c.withdrawn_at),
        }
        for c in Consent.objects.filter(user=user).order_by("given_at", "pk")
    ]
    data.update(_export_bookings(user=user))
    data["course_progress"] = _export_app_rows(app_label="courses", user=user)
    data["api_tokens"] = [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": _jsonable(t.created_at),
            "last_used_at": _jsonable(t.last_used_at),
            "revoked_at": _jsonable(t.revoked_at),
        }
        for t in ApiToken.objects.filter(user=user).order_by("pk")
    ]
    data["reads_of_your_data"] = [
        {
            "action": a.action,
            "object_type": a.object_type,
            "object_id": a.object_id,
            "at": _jsonable(a.at),
        }
        for a in AccessLog.objects.filter(subject_user_id=user.pk).order_by("at", "pk")
    ]
    return data


def _export_bookings(*, user: User) -> dict[str, Any]:
    booking = _model("bookings.Booking")
    if booking is None:
        return {}
    rows = []
    for b in (
        booking.objects.filter(family=user)
        .select_related("counsellor", "session_type", "group_session", "topic")
        .order_by("start", "pk")
    ):
        rows.append(
            {
                "id": b.pk,
                "reference": f"#{b.pk}",
                "counsellor": b.counsellor.display_name,
                "session_type": b.session_type.name,
                "workshop": b.group_session.title if b.group_session_id else None,
                "topic": str(b.topic) if b.topic_id else None,
                "child_id": b.child_id,
                "start": _jsonable(b.start),
                "end": _jsonable(b.end),
                "mode": b.mode,
                "status": b.status,
                "concern": b.concern,
                "intake_answers": _jsonable(b.intake_answers),
                "is_urgent": b.is_urgent,
                "created_at": _jsonable(b.created_at),
                "cancelled_at": _jsonable(b.cancelled_at),
            }
        )
    data: dict[str, Any] = {"bookings": rows}
    waitlist = _model("bookings.WaitlistEntry")
    if waitlist is not None:
        data["workshop_waitlist"] = [
            {
                "workshop": w.group_session.title,
                "workshop_start": _jsonable(w.group_session.start),
                "child_id": w.child_id,
                "created_at": _jsonable(w.created_at),
                "promoted_at": _jsonable(w.promoted_at),
                "left_at": _jsonable(w.left_at),
            }
            for w in waitlist.objects.filter(family=user)
            .select_related("group_session")
            .order_by("created_at", "pk")
        ]
    feed = _model("bookings.CalendarFeed")
    if feed is not None:
        data["calendar_feeds"] = [
            {
                "kind": f.kind,
                "created_at": _jsonable(f.created_at),
                "revoked_at": _jsonable(f.revoked_at),
                "last_accessed_at": _jsonable(f.last_accessed_at),
            }
            for f in feed.objects.filter(user=user).order_by("pk")
        ]
    return data


def _export_app_rows(*, app_label: str, user: User) -> dict[str, list[dict]]:
    """Rows of every model of `app_label` that point at the user (progress etc.)."""
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return {}
    result: dict[str, list[dict]] = {}
    from wagtail.models import Page

    for model in config.get_models():
        if issubclass(model, Page):  # pages carry editors' ids, not family data
            continue
        fields = _user_fk_fields(model)
        if not fields:
            continue
        query = models.Q()
        for name in fields:
            query |= models.Q(**{name: user})
        rows = [_row(obj) for obj in model.objects.filter(query).order_by("pk")]
        if rows:
            result[model._meta.model_name] = rows
    return result


def export_archive_bytes(*, user: User) -> bytes:
    """The zip a family downloads: data.json plus a short README."""
    payload = export_payload(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(payload, ensure_ascii=False, indent=2)
        )
        archive.writestr(
            "README.txt",
            "未愛小屋 — 你的个人数据导出 / Your personal data export\n\n"
            "data.json 包含账户、家庭资料、孩子、同意记录、预约（含登记问答）、"
            "工作坊候补、学习进度、日历订阅与访问记录。\n"
            "data.json holds your account, family profile, children, consents, "
            "bookings (with intake answers), workshop waitlist, course progress, "
            "calendar feeds and who read your data.\n",
        )
    return buffer.getvalue()


@transaction.atomic
def export_request(*, user: User) -> DataExport:
    """Queue a new export for `user`; one pending export at a time."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).exists():
        raise ValidationError(EXPORT_ALREADY_PENDING)
    export = DataExport(user=user)
    export.full_clean()
    export.save()
    from portal.tasks import build_data_export

    transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export


@transaction.atomic
def export_build(*, export_id: int, now: dt.datetime | None = None) -> DataExport | None:
    """Build the archive of a pending export and email its link; None if gone."""
    now = now or timezone.now()
    export = (
        DataExport.objects.select_for_update()
        .select_related("user")
        .filter(pk=export_id)
        .first()
    )
    if export is None or export.status != DataExport.Status.PENDING:
        return export
    content = export_archive_bytes(user=export.user)
    export.archive.save(f"{export.token}.zip", ContentFile(content), save=False)
    export.status = DataExport.Status.READY
    export.ready_at = now
    export.expires_at = now + EXPORT_VALID_FOR
    export.save(update_fields=["archive", "status", "ready_at", "expires_at"])
    transaction.on_commit(lambda: _send_export_ready_email(export))
    return export


def _send_export_ready_email(export: DataExport) -> None:
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from portal import crisis

    user = export.user
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("privacy:export_download", kwargs={"token": export.token})
        context = {
            "user": user,
            "export": export,
            "download_url": settings.SITE_BASE_URL.rstrip("/") + path,
            "crisis_text": crisis.as_text(language=language),
            "immediate_lines": crisis.immediate_lines(),
            "other_lines": crisis.other_lines(),
            "is_en": language.startswith("en"),
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + str(
            translation.gettext("你的个人数据导出已生成")
        )
        text = render_to_string("portal/privacy/email/export_ready.txt", context)
        html = render_to_string("portal/privacy/email/export_ready.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def export_for_download(*, user: User, token: str, now: dt.datetime | None = None
                        ) -> DataExport:
    """The owner's ready export; Http404 for anyone else, a missing or expired one."""
    now = now or timezone.now()
    export = DataExport.objects.filter(
        user=user, token=token, status=DataExport.Status.READY,
        expires_at__gt=now,
    ).first()
    if export is None or not export.archive:
        raise Http404("No such export.")
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
        booking = _model("bookings.Booking")
        if booking is not None:
            result["bookings_intake_erased"] = (
                booking.objects.filter(family=user)
                .exclude(concern="", intake_answers={})
                .update(concern="", intake_answers={}, updated_at=now)
            )
    elif kind == Consent.Kind.GUARDIAN_UNDER_14:
        child = Child.objects.filter(pk=child_id, family__user=user).first()
        if child is None:
            raise ValidationError(CONSENT_UNKNOWN)
        # The withdrawn consent row must survive as the record of withdrawal.
        Consent.objects.filter(child=child).update(child=None)
        child.delete()
        result["children_deleted"] = 1
    return result


# --- Erasure --------------------------------------------------------------------


def _future_active_bookings(user: User, now: dt.datetime):
    booking = _model("bookings.Booking")
    if booking is None:
        return []
    return list(
        booking.objects.select_for_update(of=("self",))
        .filter(family=user, start__gt=now, status__in=booking.ACTIVE_STATUSES)
        .select_related("counsellor__user", "session_type")
    )


def _cancel_for_erasure(bookings, *, user: User, now: dt.datetime) -> list[dict]:
    """Cancel future sessions (through the booking service when it exists).

    Returns neutral notices for the counsellors: time, reference, no names.
    """
    try:
        from bookings.services import booking_cancel
    except ImportError:
        booking_cancel = None
    notices = []
    for b in bookings:
        cancelled = False
        if booking_cancel is not None:
            try:
                booking_cancel(booking=b, by_user=user, reason="account erased")
                cancelled = True
            except ValidationError:
                cancelled = False
        if not cancelled:
            type(b).objects.filter(pk=b.pk).update(
                status=type(b).Status.CANCELLED, cancelled_at=now
            )
            _bookings_changed(freed_counsellor_id=b.counsellor_id)
        if b.counsellor.user_id:
            notices.append(
                {
                    "counsellor_user_id": b.counsellor.user_id,
                    "booking_id": b.pk,
                    "start": b.start.isoformat(),
                    "session_type": b.session_type.name,
                    "is_urgent": bool(getattr(b, "is_urgent", False)),
                }
            )
    return notices


@transaction.atomic
def account_erase(*, user: User, requested_by_self: bool = True,
                  now: dt.datetime | None = None) -> ErasureRecord:
    """Erase a family account in one transaction; return the non-personal record.

    The user row itself is deleted (not kept as an anonymised husk): nothing
    needs it afterwards — bookings keep counting for reports with `family`
    set to NULL, the access log keeps the numeric subject id — and deletion
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
    future = _future_active_bookings(user, now)
    notices = _cancel_for_erasure(future, user=user, now=now)
    summary["bookings.future_cancelled"] = len(future)

    booking = _model("bookings.Booking")
    if booking is not None:
        ids = list(booking.objects.filter(family=user).values_list("pk", flat=True))
        note = _model("bookings.SessionNote")
        if note is not None:
            deleted, _ = note.objects.filter(booking_id__in=ids).delete()
            summary["bookings.sessionnote"] = deleted
        summary["bookings.booking.anonymised"] = booking.objects.filter(
            pk__in=ids
        ).update(family=None, child=None, concern="", intake_answers={},
                 anonymised_at=now)
        _bookings_changed()

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

    def after_commit():
        from django.core.files.storage import default_storage

        for name in files:
            default_storage.delete(name)
        if notices:
            from portal.tasks import send_erasure_cancellation_notice

            for notice in notices:
                send_erasure_cancellation_notice.enqueue(**notice)

    transaction.on_commit(after_commit)
    logger.info("Account %s erased: %s", user_id, summary)
    return record


def send_cancellation_notice(*, counsellor_user_id: int, booking_id: int, start: str,
                             session_type: str, is_urgent: bool = False) -> bool:
    """Tell a counsellor one future session is cancelled; no family data in it."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    from portal import crisis

    counsellor = User.objects.filter(pk=counsellor_user_id).first()
    if counsellor is None or not counsellor.email:
        return False
    language = counsellor.preferred_language or settings.LANGUAGE_CODE
    start_at = dt.datetime.fromisoformat(start)
    with translation.override(language):
        context = {
            "reference": f"#{booking_id}",
            "start": timezone.localtime(start_at),
            "session_type": session_type,
            "is_urgent": is_urgent,
            "crisis_text": crisis.as_text(language=language),
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + str(
            translation.gettext("一次预约已取消（家庭注销账户）")
        )
        body = render_to_string("portal/privacy/email/erasure_cancelled.txt", context)
    send_mail(subject, body, None, [counsellor.email])
    return True


# --- Retention ------------------------------------------------------------------


def retention_days() -> int:
    setting = SiteSettings.objects.filter(site__is_default_site=True).first()
    if setting is None:
        setting = SiteSettings.objects.order_by("pk").first()
    return setting.retention_days if setting is not None else DEFAULT_RETENTION_DAYS


@transaction.atomic
def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Anonymise old bookings, drop dead secrets and expired exports. Idempotent.

    - bookings that ended more than `retention_days` ago: family, child, concern
      and intake answers removed, session notes deleted (the row stays for
      reports);
    - waitlist entries of workshops that ended before the cutoff: deleted;
    - revoked calendar feeds and revoked (or expired) API tokens: deleted;
    - exports past their expiry: file deleted, row marked expired.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=retention_days())
    result: dict[str, int] = {}

    booking = _model("bookings.Booking")
    if booking is not None:
        old = booking.objects.filter(end__lt=cutoff, anonymised_at__isnull=True)
        ids = list(old.values_list("pk", flat=True))
        note = _model("bookings.SessionNote")
        if note is not None:
            result["session_notes_deleted"] = note.objects.filter(
                booking_id__in=ids
            ).delete()[0]
        result["bookings_anonymised"] = booking.objects.filter(pk__in=ids).update(
            family=None, child=None, concern="", intake_answers={}, anonymised_at=now
        )
        if ids:
            _bookings_changed()
    waitlist = _model("bookings.WaitlistEntry")
    if waitlist is not None:
        result["waitlist_entries_deleted"] = waitlist.objects.filter(
            group_session__end__lt=cutoff
        ).delete()[0]
    feed = _model("bookings.CalendarFeed")
    if feed is not None:
        result["calendar_feeds_deleted"] = feed.objects.filter(
            revoked_at__isnull=False
        ).delete()[0]
    dead_tokens = models.Q(revoked_at__isnull=False)
    if any(f.name == "expires_at" for f in ApiToken._meta.concrete_fields):
        dead_tokens |= models.Q(expires_at__lt=now)
    result["api_tokens_deleted"] = ApiToken.objects.filter(dead_tokens).delete()[0]

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

    def delete_files():
        from django.core.files.storage import default_storage

        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    return result
