"""The privacy interface: how an app takes part in export, erasure and retention.

`portal` is the lowest app and knows nothing of the apps above it. Each app
that stores data about people subclasses `PrivacyProvider` in its own
`privacy.py` and registers an instance from its `AppConfig.ready()`;
`portal.privacy` then calls every registered provider. A new app plugs in by
registering, and the erasure tests check that every model of every project
app is answered for by its provider (see `PrivacyProvider.personal_models`).

Helpers for JSON-ready rows live here too, so providers write exports the way
portal does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Statement:
    """What an app keeps about a family beyond its account, in plain words:
    what, why, and for how long (shown on the privacy page)."""

    what: str
    why: str
    how_long: str


class PrivacyProvider:
    """One app's part in the privacy rights. Every hook defaults to doing nothing.

    `personal_models` names (lower-case model names of `app_label`) the models
    whose rows are about a person or point at one: this provider answers for
    them, in its hooks or through the cascades of deleting the user.
    `no_personal_data` names the app's other models. Every model of the app
    is in exactly one of the two; a test holds that.
    """

    app_label: str = ""
    personal_models: frozenset[str] = frozenset()
    no_personal_data: frozenset[str] = frozenset()
    # Position of this app's sections in the export (lower first), so the
    # archive reads the same whatever order the apps are installed in.
    export_order: int = 100

    def export(self, *, user) -> dict[str, Any]:
        """Top-level sections this app adds to the family's data export."""
        return {}

    def erase_sensitive_data(self, *, user, now: dt.datetime) -> dict[str, int]:
        """The family withdrew its separate consent for sensitive data."""
        return {}

    def consent_withdrawn(self, *, user, kind: str, now: dt.datetime) -> dict[str, int]:
        """The family withdrew a consent of `kind` (a `Consent.Kind` value),
        in the withdrawal's transaction: undo what it allowed. Counts."""
        return {}

    def erase(self, *, user, now: dt.datetime) -> dict[str, int]:
        """Runs inside the erasure transaction before the user row is deleted
        (whose cascades remove the rows that point at it). Returns counts."""
        return {}

    def retention(self, *, cutoff: dt.datetime, now: dt.datetime) -> dict[str, int]:
        """Remove or anonymise what is older than `cutoff`. Idempotent. Counts."""
        return {}

    def erasure_notice(self, *, user) -> str:
        """A plain sentence for the erasure page about what this app keeps of
        `user` after the erasure, and why; "" when there is nothing to say."""
        return ""

    def statement(self) -> Statement | None:
        """What this app keeps beyond a family's account (privacy page)."""
        return None


_providers: dict[str, PrivacyProvider] = {}


def register(provider: PrivacyProvider) -> PrivacyProvider:
    """Register `provider` for its app (again for the same app replaces it)."""
    if not provider.app_label:
        raise ValueError("A privacy provider needs an app_label.")
    _providers[provider.app_label] = provider
    return provider


def unregister(app_label: str) -> None:
    _providers.pop(app_label, None)


def providers() -> list[PrivacyProvider]:
    """The registered providers, in export order."""
    return sorted(_providers.values(), key=lambda p: (p.export_order, p.app_label))


def provider_for(app_label: str) -> PrivacyProvider | None:
    return _providers.get(app_label)


def erasure_notices(*, user) -> list[str]:
    return [text for p in providers() if (text := p.erasure_notice(user=user))]


def statements() -> list[Statement]:
    return [s for p in providers() if (s := p.statement()) is not None]


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return value


def row(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete fields of `obj` as JSON-ready values (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = jsonable(getattr(obj, field.attname))
    return data
