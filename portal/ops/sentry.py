"""Error reports to Sentry or a self-hosted GlitchTip (settings: SENTRY_DSN).

Nothing personal leaves: no request bodies, cookies, headers or query strings,
no user but an id, no local variables; every string left is passed through
portal.ops.scrub (emails and phone numbers masked, sensitive keys filtered).
"""

from __future__ import annotations

from typing import Any

from portal.ops.scrub import scrub

# What an operator needs of the request to find the failing page.
REQUEST_KEPT = ("url", "method")
HEADERS_KEPT = ("Content-Type", "Content-Length", "Accept", "Accept-Language")


def scrub_event(event: dict[str, Any], hint: dict | None = None) -> dict[str, Any]:
    """Sentry's `before_send`: the event with personal data removed."""
    from portal.ops.logs import current_request_id

    request = event.get("request") or {}
    if request:
        kept = {k: request[k] for k in REQUEST_KEPT if k in request}
        if "url" in kept:
            kept["url"] = str(kept["url"]).split("?", 1)[0]
        headers = request.get("headers") or {}
        kept["headers"] = {k: v for k, v in headers.items() if k in HEADERS_KEPT}
        event["request"] = kept
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("server_name", None)
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    # Breadcrumbs repeat log lines and SQL; scrubbed like everything else.
    return scrub(event)


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict | None = None) -> dict[str, Any]:
    return scrub(crumb)


def init_sentry(*, dsn: str, environment: str = "", release: str = "",
                traces_sample_rate: float = 0.0, **options) -> None:
    """Start reporting errors to `dsn` (from settings, when SENTRY_DSN is set)."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration()],
        # What the integrations may collect at all (scrub_event runs after).
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist",
                                         "terms": list(HEADERS_KEPT)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
        },
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=traces_sample_rate,
        **options,
    )
