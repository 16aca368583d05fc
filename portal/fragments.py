"""Parts of a page that are the same for every visitor, rendered once.

A signed-in page cannot be replayed whole (it names its visitor and carries
their progress and forms), but most of what it lists does not depend on who
asks: the programme themes, the next workshops, a topic's counsellors. Those
parts are kept in the one per-process store (`portal.cache`) under the
generation that the writes changing them retire (`portal.cache.Retire`
rows), exactly as the anonymous page replays are, so a change shows on the
next request here and within the generation's lag in other processes.

The key also carries the language, the active time zone and the local date,
and an entry lives at most `seconds`: lists of "upcoming" things change with
the clock, not only with writes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from portal import cache as caching

# What the shell of every CMS page shows about the page tree (its translations'
# addresses), the same for every visitor. Portal cannot name the apps' page
# generation; this one is retired by the same page rows of the one table
# (`bookings.caching.INVALIDATION`).
PAGE_SHELL = "portal:page-shell:gen"
PAGE_SHELL_LAG_SECONDS = 1.0
PAGE_SHELL_SECONDS = 300


def shared_fragment(
    *,
    name: str,
    generation: str,
    key: tuple[Hashable, ...] = (),
    render: Callable[[], SafeString],
    seconds: float,
    lag: float = 1.0,
) -> SafeString:
    """The HTML `render()` gives, rendered at most once per process for the
    current `generation` (read with `lag`), language, zone, day and `key`.

    `render` must not depend on the visitor: no user, no CSRF token. It
    returns what `render_to_string` gives (already safe HTML): nothing here
    marks text safe.
    """
    number = caching.read(generation, lag=lag)
    zone = timezone.get_current_timezone_name()
    full_key = ("fragment", name, number, get_language(), zone,
                timezone.localdate().isoformat(), *key)
    html = caching.local_get(full_key)
    if html is None:
        html = render()
        caching.local_set(full_key, html, seconds=seconds)
    return html
