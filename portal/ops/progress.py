"""Progress bars for long commands: on a terminal only, silent in cron and CI.

    for item in progress(items, desc="reindex"):
        ...

The bar goes to stderr (stdout keeps the command's own report, which scripts
read) and only when stderr is a terminal: cron, CI, systemd and pipes see
nothing of it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from tqdm import tqdm


def on_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def progress(iterable: Iterable | None = None, *, total: int | None = None,
             desc: str = "", unit: str = "it", stream: TextIO | None = None,
             enabled: bool = True) -> tqdm:
    """`iterable` with a bar while a person watches (`enabled` and a terminal)."""
    stream = stream or sys.stderr
    return tqdm(iterable, total=total, desc=desc, unit=unit, file=stream,
                disable=not (enabled and on_terminal(stream)), leave=False,
                dynamic_ncols=True)
