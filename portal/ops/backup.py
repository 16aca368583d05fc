"""Backups: the database and the media files, compressed, encrypted, rotated.

`backup_run` is what `manage.py backup` (cron or a systemd timer) calls:
django-dbbackup's `dbbackup` and `mediabackup` with `--compress` and, when a
public key is configured, `--encrypt`; then the rotation of
`portal.ops.backup_rotation`; then, only if all of that worked, the
`Heartbeat.Name.BACKUP` beat the status page reads.

Encryption uses the GPG *public* key from the environment
(`BACKUP_GPG_PUBLIC_KEY` or `BACKUP_GPG_PUBLIC_KEY_FILE`), imported into a
keyring made for this one run and deleted afterwards. The private key never
comes near the server, so whoever takes the server cannot read old backups.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from portal.models import Heartbeat
from portal.ops.backup_rotation import backups_to_delete, group_key
from portal.ops.heartbeats import heartbeat_record
from portal.ops.progress import progress

NO_RECIPIENT = ("BACKUP_GPG_PUBLIC_KEY is set but BACKUP_GPG_RECIPIENT is not: "
                "give the key's fingerprint.")
NO_PUBLIC_KEY = ("BACKUP_GPG_RECIPIENT is set but there is no public key: set "
                 "BACKUP_GPG_PUBLIC_KEY or BACKUP_GPG_PUBLIC_KEY_FILE.")
KEY_NOT_IMPORTED = "The backup public key could not be read: {status}"
WRONG_RECIPIENT = ("BACKUP_GPG_RECIPIENT {recipient} is not the fingerprint of the "
                   "public key given (found: {found}).")
STEP_FAILED = "{step} failed: {error}"
NOT_ENCRYPTED = ("no BACKUP_GPG_PUBLIC_KEY: these settings refuse to write an unencrypted "
                 "backup (BACKUP_ALLOW_UNENCRYPTED=1 to allow it)")
# How a run written without encryption is marked on its heartbeat (the
# status page warns on it).
UNENCRYPTED_MARK = " (unencrypted)"


class BackupError(Exception):
    """A backup run did not complete; nothing was recorded as a success."""


@dataclass(frozen=True)
class BackupResult:
    written: list[str]
    deleted: list[str] = field(default_factory=list)
    encrypted: bool = False


def public_key_text() -> str:
    """The armored public key from the environment (text, or else a file)."""
    if settings.BACKUP_GPG_PUBLIC_KEY.strip():
        return settings.BACKUP_GPG_PUBLIC_KEY
    if settings.BACKUP_GPG_PUBLIC_KEY_FILE:
        try:
            return Path(settings.BACKUP_GPG_PUBLIC_KEY_FILE).read_text()
        except OSError as exc:
            raise BackupError(KEY_NOT_IMPORTED.format(status=exc)) from exc
    return ""


def _normalise(fingerprint: str) -> str:
    return fingerprint.replace(" ", "").upper().removeprefix("0X")


@contextmanager
def public_keyring(armored: str, *, recipient: str) -> Iterator[str]:
    """A throwaway GNUPGHOME holding only `armored`, set in the environment
    for the duration (django-dbbackup's GPG reads GNUPGHOME from it).

    Raises BackupError unless `recipient` is (the end of) the fingerprint of
    a key in `armored`: a swapped key file must not silently encrypt to
    someone else.
    """
    import gnupg

    home = tempfile.mkdtemp(prefix="weiai-gpg-")
    previous = os.environ.get("GNUPGHOME")
    try:
        imported = gnupg.GPG(gnupghome=home).import_keys(armored)
        found = [_normalise(f) for f in imported.fingerprints]
        if not found:
            raise BackupError(KEY_NOT_IMPORTED.format(status=imported.results))
        wanted = _normalise(recipient)
        if not any(f.endswith(wanted) for f in found):
            raise BackupError(WRONG_RECIPIENT.format(recipient=recipient,
                                                     found=", ".join(found)))
        os.environ["GNUPGHOME"] = home
        yield home
    finally:
        if previous is None:
            os.environ.pop("GNUPGHOME", None)
        else:
            os.environ["GNUPGHOME"] = previous
        gpgconf = shutil.which("gpgconf")
        if gpgconf:  # an agent gpg may have started for this home
            subprocess.run([gpgconf, "--homedir", home, "--kill", "all"],  # noqa: S603
                           check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def backups_rotate(*, keep_daily: int, keep_weekly: int) -> list[str]:
    """Delete, in the backup storage, what the rotation rule does not keep
    (with each file's `.metadata`); returns the names deleted."""
    from dbbackup import settings as dbbackup_settings
    from dbbackup.storage import get_storage
    from dbbackup.utils import filename_to_datestring

    storage = get_storage()
    series: dict[str, dict[str, dt.datetime]] = defaultdict(dict)
    for name in storage.list_backups():
        stamp = filename_to_datestring(name)
        series[group_key(name, stamp)][name] = dt.datetime.strptime(
            stamp, dbbackup_settings.DATE_FORMAT)
    doomed = sorted(name for taken in series.values()
                    for name in backups_to_delete(taken, keep_daily=keep_daily,
                                                  keep_weekly=keep_weekly))
    for name in doomed:
        storage.delete_file(name)
        if storage.storage.exists(f"{name}.metadata"):
            storage.delete_file(f"{name}.metadata")
    return doomed


def backup_run(*, show_progress: bool = False, verbosity: int = 0) -> BackupResult:
    """Back up the database and the media, rotate, then record the beat.

    Raises BackupError on any failure, before anything is recorded.
    """
    from dbbackup import settings as dbbackup_settings
    from dbbackup.signals import post_backup, post_media_backup

    armored = public_key_text()
    # The value dbbackup encrypts to (its settings are read once, at import).
    recipient = dbbackup_settings.GPG_RECIPIENT or ""
    if armored and not recipient:
        raise BackupError(NO_RECIPIENT)
    if recipient and not armored:
        raise BackupError(NO_PUBLIC_KEY)
    encrypt = bool(armored)
    if not encrypt and getattr(settings, "BACKUP_REQUIRE_ENCRYPTION", False):
        raise BackupError(NOT_ENCRYPTED)

    written: list[str] = []

    def note(sender, filename, **kwargs):
        written.append(filename)

    post_backup.connect(note, dispatch_uid="portal.ops.backup")
    post_media_backup.connect(note, dispatch_uid="portal.ops.backup.media")
    try:
        keyring = public_keyring(armored, recipient=recipient) if encrypt else nullcontext()
        with keyring:
            for step in progress(["dbbackup", "mediabackup"], desc="backup",
                                 unit="step", enabled=show_progress):
                try:
                    call_command(step, compress=True, encrypt=encrypt,
                                 verbosity=verbosity, quiet=verbosity == 0)
                except Exception as exc:  # pg_dump, gpg, storage: all fail the run
                    raise BackupError(STEP_FAILED.format(step=step, error=exc)) from exc
        try:
            deleted = backups_rotate(keep_daily=settings.BACKUP_KEEP_DAILY,
                                     keep_weekly=settings.BACKUP_KEEP_WEEKLY)
        except Exception as exc:  # listing or deleting in the storage
            raise BackupError(STEP_FAILED.format(step="rotation", error=exc)) from exc
    finally:
        post_backup.disconnect(dispatch_uid="portal.ops.backup")
        post_media_backup.disconnect(dispatch_uid="portal.ops.backup.media")
    heartbeat_record(name=Heartbeat.Name.BACKUP,
                     detail=", ".join(written) + ("" if encrypt else UNENCRYPTED_MARK))
    return BackupResult(written=written, deleted=deleted, encrypted=encrypt)
