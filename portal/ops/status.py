"""The staff "system status" page: is every part of the platform running?

Coordinators and superusers, with TOTP (`/staff/` is a staff area,
settings.STAFF_AREA_PREFIXES). Never stored by a browser or proxy.
"""

from __future__ import annotations

import datetime as dt
import platform
import time
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from portal.health import cache_ready, database_ready
from portal.middleware import require_staff_verification
from portal.models import Heartbeat, Role
from portal.ops import backup as backup_module
from portal.ops.heartbeats import last_beats
from portal.ops.metrics import task_queue
from portal.roles import role_required

# The worker beats every 5 minutes (portal.tasks.HEARTBEAT_INTERVAL).
WORKER_STALE_AFTER = dt.timedelta(minutes=15)
# The sweep runs every 15 minutes (cron or its own task).
SWEEP_STALE_AFTER = dt.timedelta(hours=1)
# Backups run nightly; one missed night is already a warning.
BACKUP_STALE_AFTER = dt.timedelta(hours=26)
# A due task waiting this long means the worker is behind or stuck.
QUEUE_STALE_AFTER = dt.timedelta(minutes=10)

OK, WARN, FAIL = "ok", "warn", "fail"
STATE_LABELS = {OK: _("正常"), WARN: _("注意"), FAIL: _("故障")}


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    state: str
    value: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def _ago(at: dt.datetime | None, now: dt.datetime) -> str:
    if at is None:
        return str(_("从未记录"))
    local = timezone.localtime(at)
    minutes = int((now - at).total_seconds() // 60)
    return str(_("%(time)s（%(minutes)s 分钟前）") % {
        "time": f"{local:%Y-%m-%d %H:%M}", "minutes": minutes})


def _beat_check(key: str, label, beat: Heartbeat | None, *, stale_after: dt.timedelta,
                now: dt.datetime, late: str = WARN) -> Check:
    """OK while the last beat is younger than `stale_after`; `late` when it is
    older or there is none."""
    at = beat.at if beat is not None else None
    state = OK if at is not None and now - at <= stale_after else late
    return Check(key, str(label), state, _ago(at, now))


def system_checks(*, now: dt.datetime | None = None) -> list[Check]:
    """Every check, in the order the page shows them; three queries."""
    now = now or timezone.now()
    started = time.perf_counter()
    db_up = database_ready()
    db_ms = (time.perf_counter() - started) * 1000
    checks = [
        Check("database", str(_("数据库")), OK if db_up else FAIL,
              f"{connection.vendor} · {db_ms:.1f} ms" if db_up else str(_("无法连接"))),
        Check("cache", str(_("缓存")), OK if cache_ready() else FAIL,
              settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]),
    ]
    if not db_up:
        return checks
    beats = last_beats()
    worker = beats.get(Heartbeat.Name.WORKER)
    checks.append(_beat_check("worker", _("任务进程心跳"), worker,
                              stale_after=WORKER_STALE_AFTER, now=now, late=FAIL))
    queued, oldest = task_queue()
    waited = now - oldest if oldest is not None else dt.timedelta(0)
    checks.append(Check(
        "queue", str(_("任务队列")), OK if waited <= QUEUE_STALE_AFTER else WARN,
        str(_("%(count)s 个待办，最久等待 %(minutes)s 分钟") % {
            "count": queued, "minutes": int(waited.total_seconds() // 60)})))
    checks.append(_beat_check("reminder_sweep", _("上次提醒扫描"),
                              beats.get(Heartbeat.Name.REMINDER_SWEEP),
                              stale_after=SWEEP_STALE_AFTER, now=now))
    backup = _beat_check("backup", _("上次成功备份"), beats.get(Heartbeat.Name.BACKUP),
                         stale_after=BACKUP_STALE_AFTER, now=now)
    last = beats.get(Heartbeat.Name.BACKUP)
    if last is not None and last.detail.endswith(backup_module.UNENCRYPTED_MARK):
        # Readable by anyone who gets the files: not a healthy backup.
        backup = Check(backup.key, backup.label, WARN, f"{backup.value} · {_('未加密')}")
    checks.append(backup)
    return checks


@cache
def app_version() -> str:
    """The installed distribution's version, else pyproject.toml's."""
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
            project = tomllib.load(file)["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
    try:
        return metadata.version(project["name"])
    except metadata.PackageNotFoundError:
        return project.get("version", "unknown")


def versions() -> list[tuple[str, str]]:
    import django
    import wagtail

    return [
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("Wagtail", wagtail.__version__),
        (str(_("未愛小屋")), app_version()),
        ("Git", settings.APP_GIT_COMMIT or "—"),
    ]


@require_safe
@role_required(Role.COORDINATOR)
def system_status(request):
    require_staff_verification(request.user)
    checks = system_checks()
    response = render(request, "portal/ops/status.html", {
        "checks": checks,
        "all_ok": all(c.state == OK for c in checks),
        "versions": versions(),
        "checked_at": timezone.localtime(),
    })
    patch_cache_control(response, no_store=True, private=True)
    return response
