from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from skills.services.esco_import import EscoImportError, skill_import_esco


class Command(BaseCommand):
    help = (
        "Import (or update) the ESCO taxonomy from the vendored CSV files. Idempotent: "
        "a second run reports 0 changes. Concepts missing from the files are marked obsolete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=settings.ESCO_DATA_DIR,
            help="Folder holding the ESCO CSV files (default: the vendored copy).",
        )
        parser.add_argument("--esco-version", default=settings.ESCO_VERSION)

    def handle(self, *args, source: Path, esco_version: str, verbosity: int, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            report = skill_import_esco(source=source, version=esco_version, progress=progress)
        except EscoImportError as exc:
            raise CommandError(f"ESCO import failed, nothing was written. {exc}") from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        if verbosity >= 1:
            for key in sorted(report.counts):
                self.stdout.write(f"  {key}: {report.counts[key]}")
        self.stdout.write(
            self.style.SUCCESS(
                f"ESCO {report.esco_version} imported in {report.seconds:.1f}s: "
                f"{report.changes} change(s)."
            )
        )
