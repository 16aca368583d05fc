"""The family's data export: what it holds, the archive, and its email.

Kept apart from `portal.privacy` so that the background task that builds an
archive (`portal.tasks`) imports this module while `portal.privacy`, which
queues that task, imports the task: one direction, no circle.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal import privacy_registry
from portal.models import (
    AccessLog,
    ApiToken,
    Child,
    Consent,
    DataExport,
    FamilyProfile,
    User,
)
from portal.privacy_registry import jsonable, row

EXPORT_VALID_FOR = dt.timedelta(days=7)
EXPORT_FORMAT_VERSION = 1


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
            "phone": user.phone.as_e164 if user.phone else None,
            "phone_verified": user.phone_verified,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "display_timezone": user.display_timezone,
            "date_joined": jsonable(user.date_joined),
            "last_login": jsonable(user.last_login),
        },
    }
    data["email_addresses"] = [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user).order_by("pk")
    ]
    # WeChat sign-in (portal.weixin): which WeChat identity signs in as this account.
    data["social_accounts"] = [
        {"provider": a.provider, "uid": a.uid, "extra_data": a.extra_data,
         "date_joined": jsonable(a.date_joined), "last_login": jsonable(a.last_login)}
        for a in SocialAccount.objects.filter(user=user).order_by("pk")
    ]
    profile = FamilyProfile.objects.filter(user=user).first()
    data["family_profile"] = (
        row(profile, exclude=("id", "user")) if profile is not None else None
    )
    data["children"] = [
        row(c, exclude=("family",))
        for c in Child.objects.filter(family__user=user).order_by("pk")
    ]
    data["consents"] = [
        {
            "kind": c.kind,
            "child_id": c.child_id,
            "notice_version": c.notice_version,
            "given_at": jsonable(c.given_at),
            "withdrawn_at": jsonable(c.withdrawn_at),
        }
        for c in Consent.objects.filter(user=user).order_by("given_at", "pk")
    ]
    for provider in privacy_registry.providers():
        data.update(provider.export(user=user))
    data["api_tokens"] = [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": jsonable(t.created_at),
            "last_used_at": jsonable(t.last_used_at),
            "revoked_at": jsonable(t.revoked_at),
        }
        for t in ApiToken.objects.filter(user=user).order_by("pk")
    ]
    data["reads_of_your_data"] = [
        {
            "action": a.action,
            "object_type": a.object_type,
            "object_id": a.object_id,
            "at": jsonable(a.at),
        }
        for a in AccessLog.objects.filter(subject_user_id=user.pk).order_by("at", "pk")
    ]
    return data


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
    if not user.email:
        # A family signed in by WeChat or phone only: the privacy page lists the export.
        return
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
