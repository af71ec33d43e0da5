from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from skills.services.curated_vocabulary import VOCABULARY_FOLDER, curated_vocabulary_import


class Command(BaseCommand):
    help = (
        "Load the curated vocabulary (tool names, methods, certifications, noun forms, trade "
        "terms) and its local concepts from skills/data/curated/. Idempotent; run it after "
        "import_esco. A bad row stops the run with its file and line, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder",
            type=Path,
            default=VOCABULARY_FOLDER,
            help="Folder holding vocabulary.csv and local_concepts.csv (default: the shipped one).",
        )

    def handle(self, *args, folder: Path, verbosity: int, **options):
        try:
            report = curated_vocabulary_import(folder=folder)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(self.style.ERROR(message))
            raise CommandError(
                f"Curated vocabulary not loaded, nothing was written: {len(exc.messages)} error(s)."
            ) from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        if verbosity >= 1:
            for key in sorted(report.counts):
                self.stdout.write(f"  {key}: {report.counts[key]}")
        self.stdout.write(
            self.style.SUCCESS(f"Curated vocabulary loaded: {report.changes} change(s).")
        )
