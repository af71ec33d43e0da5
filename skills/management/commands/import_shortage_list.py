from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from skills.services.shortage import ShortageImportError, shortage_list_import


class Command(BaseCommand):
    help = (
        "Import (or update) a shortage list from a CSV file (template: "
        "skills/data/shortage/README.md). Validates every row first and writes nothing if one "
        "is invalid; re-importing the same file reports 0 changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument("--title", required=True)
        parser.add_argument("--source", required=True, help="Publisher, e.g. 'Le Forem'.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--region", default="Wallonie")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--notes", default="")
        parser.add_argument(
            "--missing-occupations",
            choices=["error", "skip"],
            default="error",
            help="What to do with an occupation URI absent from the database (default: error).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )

    def handle(self, *args, file: Path, verbosity: int, **options):
        try:
            report = shortage_list_import(
                rows_source=file,
                title=options["title"],
                source=options["source"],
                year=options["year"],
                region=options["region"],
                source_url=options["source_url"],
                notes=options["notes"],
                dry_run=options["dry_run"],
                missing_occupations=options["missing_occupations"],
            )
        except ShortageImportError as exc:
            for line in exc.report.error_lines() + exc.report.warning_lines():
                self.stderr.write(line)
            raise CommandError(
                _("%(source)s: %(count)d error(s); nothing was written.")
                % {"source": exc.report.source_name, "count": len(exc.report.errors)}
            ) from exc
        for line in report.warning_lines():
            self.stderr.write(self.style.WARNING(line))
        if verbosity >= 1:
            for line in report.entry_lines():
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(report.summary()))
