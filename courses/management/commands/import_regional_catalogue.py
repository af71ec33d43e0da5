from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.importing import ImportFileError
from courses.importing.regional_reader import read_regional_catalogue
from courses.services.regional import regional_catalogue_import


class Command(BaseCommand):
    help = (
        "Load the Walloon training-offer export (one row per offer and locality, ';'-separated): "
        "providers by BCE number, offers by codeexterne, missing offers archived. "
        "See courses/data/README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            records = read_regional_catalogue(file.read_bytes())
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        report = regional_catalogue_import(records=records, dry_run=dry_run)
        self.stdout.write(report.as_text())
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported.")
