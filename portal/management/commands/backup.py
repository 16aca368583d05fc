"""`manage.py backup`: the nightly backup (cron or a systemd timer, README)."""

from django.core.management.base import BaseCommand, CommandError

from portal.ops.backup import BackupError, backup_run


class Command(BaseCommand):
    help = (
        "Back up the database and the media files (compressed; encrypted to the GPG "
        "public key in BACKUP_GPG_PUBLIC_KEY[_FILE]), delete what the rotation "
        "(BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY) does not keep, and record the "
        "success for the status page. Exits non-zero and records nothing on failure."
    )

    def handle(self, *args, **options):
        verbosity = int(options["verbosity"])
        try:
            result = backup_run(show_progress=True, verbosity=max(verbosity - 1, 0))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not result.encrypted:
            self.stderr.write("warning: no BACKUP_GPG_PUBLIC_KEY, backups are NOT "
                              "encrypted")
        for name in result.written:
            self.stdout.write(f"written: {name}")
        for name in result.deleted:
            self.stdout.write(f"deleted: {name}")
