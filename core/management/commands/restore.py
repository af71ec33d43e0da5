"""manage.py restore BACKUP_FOLDER [--no-input]: replace the database and the media."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore a folder written by `manage.py backup` (database and media are replaced)."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, backup: Path, interactive: bool, **options):
        try:
            manifest = backup_verify(path=backup)
            if interactive:
                answer = input(
                    f"Replace the database and the media with the backup of "
                    f"{manifest['created_at']}? Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled; nothing changed.")
            backup_restore(path=backup)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the backup of {manifest['created_at']}.")
