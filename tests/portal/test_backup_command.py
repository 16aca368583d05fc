"""`manage.py backup`: what it writes, what it deletes, what the status page says.

Runs on either database (the suite runs on both): pg_dump or SQLite's backup
API against the test database. The restore side is the drill in
tests/trust/test_restore_drill.py.
"""

import datetime as dt
import gzip
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import gnupg
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.models import Heartbeat
from portal.ops import backup as backup_module
from tests.factories import CoordinatorFactory
from tests.gpg_support import kill_agent
from tests.portal.test_roles_mfa import with_totp
from tests.portal.test_status_page import URL, states

# dbbackup's commands close the connection when they finish: real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock]

# The process runs in TIME_ZONE, whose local time dbbackup writes in file names.
AT = dt.datetime(2027, 3, 1, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def backup_dir(tmp_path, monkeypatch):
    """Backups go to a fresh directory, unencrypted unless a test says so
    (dbbackup reads its settings once, at import)."""
    from dbbackup import settings as dbbackup_settings

    target = tmp_path / "backups"
    monkeypatch.setattr(dbbackup_settings, "STORAGE_OPTIONS", {"location": str(target)})
    monkeypatch.setattr(dbbackup_settings, "GPG_RECIPIENT", None)
    return target


@pytest.fixture
def encrypted(settings, monkeypatch, gpg_keypair):
    from dbbackup import settings as dbbackup_settings

    settings.BACKUP_GPG_PUBLIC_KEY = gpg_keypair.public
    monkeypatch.setattr(dbbackup_settings, "GPG_RECIPIENT", gpg_keypair.fingerprint)
    return gpg_keypair


def run_backup() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def db_extension() -> str:
    from dbbackup.db.base import get_connector

    return get_connector().extension


def test_a_backup_shows_on_the_status_page_and_warns_27_hours_later(
        backup_dir, encrypted, client, site_shell):
    coordinator = with_totp(CoordinatorFactory())

    def status_page():
        # A new sign-in at each moment: staff sessions end after 30 idle minutes.
        client.logout()
        client.force_login(coordinator)
        return client.get(URL)

    with time_machine.travel(AT, tick=False):
        assert states(status_page())["backup"] == "warn"
        out, err = run_backup()
        response = status_page()
    assert states(response)["backup"] == "ok"
    assert "2027-03-01 11:00（0 分钟前）" in response.content.decode()
    names = sorted(p.name for p in backup_dir.iterdir())
    db_name = next(n for n in names if not n.endswith((".metadata", ".tar.gz.gpg")))
    assert db_name.endswith(f"-2027-03-01-110000.{db_extension()}.gz.gpg")
    assert any(n.endswith("-2027-03-01-110000.tar.gz.gpg") for n in names)
    assert f"written: {db_name}" in out
    assert "NOT encrypted" not in err
    with time_machine.travel(AT + dt.timedelta(hours=27), tick=False):
        response = status_page()
    assert states(response)["backup"] == "warn"
    assert "2027-03-01 11:00（1620 分钟前）" in response.content.decode()


def test_an_encrypted_backup_opens_only_with_the_private_key(backup_dir, encrypted):
    with time_machine.travel(AT):
        out, _err = run_backup()
    written = re.findall(r"written: (\S+)", out)
    assert len(written) == 2
    assert all(name.endswith(".gz.gpg") for name in written)
    db_file = backup_dir / written[0]
    assert Heartbeat.objects.get(name=Heartbeat.Name.BACKUP).detail == ", ".join(written)

    # A keyring with the public key only (all the server ever has) cannot read it.
    public_home = backup_dir.parent / "public-only"
    public_home.mkdir(mode=0o700)
    public_only = gnupg.GPG(gnupghome=str(public_home))
    try:
        public_only.import_keys(encrypted.public)
        assert not public_only.decrypt(db_file.read_bytes()).ok
    finally:
        kill_agent(str(public_home))
    with_private = gnupg.GPG(gnupghome=encrypted.home).decrypt(db_file.read_bytes())
    assert with_private.ok
    dump = gzip.decompress(with_private.data)
    assert dump.startswith((b"SQLite format 3", b"PGDMP"))


def test_a_key_that_is_not_the_recipient_fails_and_records_nothing(
        backup_dir, encrypted, monkeypatch):
    from dbbackup import settings as dbbackup_settings

    monkeypatch.setattr(dbbackup_settings, "GPG_RECIPIENT", "0" * 40)
    with pytest.raises(CommandError, match="is not the fingerprint of the public key"):
        run_backup()
    assert not Heartbeat.objects.filter(name=Heartbeat.Name.BACKUP).exists()
    assert not backup_dir.exists()


def test_a_recipient_without_a_key_fails(backup_dir, monkeypatch):
    from dbbackup import settings as dbbackup_settings

    monkeypatch.setattr(dbbackup_settings, "GPG_RECIPIENT", "ABCD1234")
    with pytest.raises(CommandError, match=re.escape(backup_module.NO_PUBLIC_KEY)):
        run_backup()
    assert not Heartbeat.objects.exists()


def test_a_failed_write_exits_non_zero_and_records_nothing(tmp_path, monkeypatch):
    from dbbackup import settings as dbbackup_settings

    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    monkeypatch.setattr(dbbackup_settings, "STORAGE_OPTIONS",
                        {"location": str(not_a_directory)})
    with pytest.raises(CommandError, match="dbbackup failed"):
        run_backup()
    assert not Heartbeat.objects.filter(name=Heartbeat.Name.BACKUP).exists()


def test_old_backups_are_rotated_with_their_metadata(backup_dir, settings):
    from dbbackup import settings as dbbackup_settings

    settings.BACKUP_KEEP_DAILY = 3
    settings.BACKUP_KEEP_WEEKLY = 2
    backup_dir.mkdir()
    series = f"default-{dbbackup_settings.HOSTNAME}"
    for day in range(1, 21):  # 1..20 February 2027, one a night
        name = f"{series}-2027-02-{day:02d}-110000.{db_extension()}.gz"
        (backup_dir / name).write_bytes(b"old")
        (backup_dir / f"{name}.metadata").write_text("{}")
    with time_machine.travel(AT):
        out, _err = run_backup()
    left = {p.name for p in backup_dir.iterdir() if p.name.startswith(series)
            and not p.name.endswith(".metadata")}
    # Three days (1 March, 20 and 19 February); the two weeks' newest are
    # among them.
    assert {re.search(r"2027-\d\d-\d\d", n).group() for n in left} == {
        "2027-03-01", "2027-02-20", "2027-02-19"}
    assert out.count("deleted: ") == 18
    assert not (backup_dir / f"{series}-2027-02-01-110000.{db_extension()}.gz.metadata"
                ).exists()
    assert Path(backup_dir / f"{series}-2027-02-19-110000.{db_extension()}.gz.metadata"
                ).exists()


def test_settings_that_require_encryption_refuse_a_backup_without_a_key(
        backup_dir, settings):
    settings.BACKUP_REQUIRE_ENCRYPTION = True
    with pytest.raises(CommandError, match="unencrypted"):
        run_backup()
    assert not backup_dir.exists() or not any(backup_dir.iterdir())
    assert not Heartbeat.objects.filter(name=Heartbeat.Name.BACKUP).exists()
