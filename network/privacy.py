"""The network's part in the privacy rights (registered in `NetworkConfig.ready`).

Service points, neighbourhoods and their hours are about places. The expert
pool and the partners' contacts are about people, but not about a portal
account: no family's export or erasure reaches them (a pool row points at no
user, and a counsellor's own account data lives in `bookings`). Coordinators
keep them current and take people out of the pool; the directory showing
them is staff-only.
"""

from __future__ import annotations

from portal.privacy_registry import PrivacyProvider


class NetworkPrivacy(PrivacyProvider):
    app_label = "network"
    personal_models = frozenset({"expert", "partner"})
    no_personal_data = frozenset(
        {"neighbourhood", "servicepoint", "openinghours", "openingexception"}
    )
    export_order = 25
