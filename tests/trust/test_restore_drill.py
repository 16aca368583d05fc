"""The restore drill: seed, back up, restore into a fresh database, compare.

Runs on the database the suite runs on (CI runs it on PostgreSQL and on
SQLite). The backup and the restores are real `manage.py` processes, as an
operator would run them: `backup` encrypts with the public key only; the
restore side decrypts with the private key, which only this test holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from cases import services
from portal.models import Role
from tests.cases.factories import CALM, make_case, make_household, staff
from tests.factories import BookingFactory
from tests.trust.restore_drill import snapshot

# Committed data, seen by the backup process.
pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2027, 3, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
OBSERVED = "Drill-Marker-7731 外婆说孩子晚上常常一个人在家"
MEDIA = {"documents/drill.txt": "读书会签到表 Drill-Marker-7731\n".encode(),
         "images/original_images/pixel.bin": bytes(range(256))}


def seed(media_root: Path) -> None:
    """Two cases with encrypted visits and assessments, bookings, media files."""
    with time_machine.travel(NOW, tick=False):
        worker = staff(Role.SOCIAL_WORKER)
        for i in range(2):
            household = make_household(by=worker, phone=f"+861390000{i:04d}")
            case = make_case(worker=worker, household=household)
            services.visit_record(case=case, kind="home", visitors=[worker], by=worker,
                                  done_at=NOW - dt.timedelta(hours=1),
                                  observations=f"{OBSERVED} {i}", needs_found=f"需要 {i}")
            services.assessment_submit(case=case, scores=CALM, by=worker,
                                       note=f"评估 {OBSERVED} {i}",
                                       notes={"safety": f"安全 {i}"})
        BookingFactory.create_batch(3)
    for name, content in MEDIA.items():
        path = media_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _postgres_url(name: str) -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{name}"


def _admin(sql: str) -> None:
    """Run `sql` outside any transaction, connected to the `postgres` database."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(dbname="postgres", user=db.get("USER") or None,
                         password=db.get("PASSWORD") or None,
                         host=db.get("HOST") or None, port=db.get("PORT") or None,
                         autocommit=True) as admin:
        admin.execute(sql)


class Drill:
    def __init__(self, root: Path, keypair):
        self.root, self.keypair = root, keypair
        self.media = root / "media"
        self.media.mkdir()
        self.created: list[str] = []

    def manage(self, *args: str, database: str, backups: str = "backups",
               media: Path | None = None, public_key: bool = False,
               private_key: bool = False) -> str:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.trust.drill_settings",
               "DATABASE_URL": database, "BACKUP_DIR": str(self.root / backups),
               "DJANGO_MEDIA_ROOT": str(media or self.media)}
        env.pop("GNUPGHOME", None)
        if public_key:
            env["BACKUP_GPG_PUBLIC_KEY"] = self.keypair.public
            env["BACKUP_GPG_RECIPIENT"] = self.keypair.fingerprint
        if private_key:
            env["GNUPGHOME"] = self.keypair.home
        done = subprocess.run(  # noqa: S603 - this interpreter and manage.py
            [sys.executable, *args], cwd=settings.BASE_DIR, env=env,
            capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def command(self, *args: str, **kwargs) -> str:
        return self.manage("manage.py", *args, **kwargs)

    def snapshot(self, database: str) -> dict:
        return json.loads(self.manage("-m", "tests.trust.restore_drill", database=database))

    def empty_database(self, label: str) -> str:
        """A database URL that nothing exists at yet."""
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.root / label}.sqlite3"
        name = f"{connection.settings_dict['NAME']}_{label}"
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return _postgres_url(name)

    def copy_of_test_database(self, label: str) -> str:
        """The test database, as committed now, in a database of its own."""
        if connection.vendor == "sqlite":
            path = self.root / f"{label}.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(path) as copy:
                connection.connection.backup(copy)
            copy.close()
            return f"sqlite:///{path}"
        name = f"{connection.settings_dict['NAME']}_{label}"
        source = connection.settings_dict["NAME"]
        connection.close()  # a template database must have no other session
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        self.created.append(name)
        return _postgres_url(name)

    def drop_all(self) -> None:
        for name in self.created:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def drill(tmp_path, gpg_keypair) -> Iterator[Drill]:
    drill = Drill(tmp_path, gpg_keypair)
    try:
        yield drill
    finally:
        drill.drop_all()


def plain(data: dict) -> dict:
    """As it reads after a trip through JSON (the restored side's form)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_a_backup_restores_into_a_fresh_database_row_for_row(drill):
    seed(drill.media)
    source = drill.copy_of_test_database("source")
    before = plain(snapshot(connection))

    out = drill.command("backup", database=source, public_key=True)
    written = [line.removeprefix("written: ") for line in out.splitlines()
               if line.startswith("written: ")]
    assert len(written) == 2
    assert all(name.endswith(".gz.gpg") for name in written)
    for name in written:  # nothing readable on disk without the private key
        assert b"Drill-Marker-7731" not in (drill.root / "backups" / name).read_bytes()

    target = drill.empty_database("restored")
    restored_media = drill.root / "restored-media"
    for step in ("dbrestore", "mediarestore"):
        drill.command(step, "--decrypt", "--uncompress", "--noinput",
                      "--passphrase", "unused", database=target, media=restored_media,
                      private_key=True)
    after = drill.snapshot(target)

    assert after["tables"] == before["tables"]
    assert after["samples"] == before["samples"]
    assert after["narratives"] == before["narratives"]
    observations = dict(after["narratives"]["cases.Visit.observations"]).values()
    assert sorted(observations) == [f"{OBSERVED} 0", f"{OBSERVED} 1"]
    assert before["tables"]["cases_visit"] == 2
    assert before["tables"]["bookings_booking"] == 3
    for name, content in MEDIA.items():
        assert (restored_media / name).read_bytes() == content


def test_a_backup_from_an_older_migration_state_migrates_forward(drill):
    seed(drill.media)
    old = drill.copy_of_test_database("old")
    # The state before portal 0011 (the heartbeat table), backed up by the
    # dbbackup of that time.
    drill.command("migrate", "portal", "0010", database=old)
    before = drill.snapshot(old)
    assert "portal_heartbeat" not in before["tables"]
    drill.command("dbbackup", "--compress", database=old, backups="old-backups")

    target = drill.empty_database("old_restored")
    drill.command("dbrestore", "--uncompress", "--noinput", database=target,
                  backups="old-backups")
    drill.command("migrate", database=target)
    after = drill.snapshot(target)

    assert after["tables"]["portal_heartbeat"] == 0
    assert after["tables"]["django_migrations"] == before["tables"]["django_migrations"] + 1
    kept = set(before["tables"]) - {"django_migrations"}
    assert {t: after["tables"][t] for t in kept} == {t: before["tables"][t] for t in kept}
    assert {t: after["samples"][t] for t in kept} == {t: before["samples"][t] for t in kept}
    assert after["narratives"] == before["narratives"]
    assert len(after["narratives"]["cases.Visit.observations"]) == 2
