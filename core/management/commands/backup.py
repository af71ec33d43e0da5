"""manage.py backup [--output DIR]: the database and the media in one checked folder."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and the media folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder that receives the backup (default: WAKE_DATA_DIR/backups).",
        )

    def handle(self, *args, output: Path | None, **options):
        output = output or Path(settings.WAKE_DATA_DIR) / "backups"
        try:
            folder = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
