from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.importing import ImportFileError, read_offer_file
from courses.models import ProviderPage
from courses.services.importing import offer_import


class Command(BaseCommand):
    help = (
        "Import offers from a CSV template or LHEO-style XML file into one provider's subtree, "
        "idempotently by the provider's external ids. See courses/data/README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--provider", required=True, help="Slug of the provider page.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report each offer's outcome; write nothing."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish imported offers instead of leaving drafts for moderation.",
        )

    def handle(self, *args, file: Path, provider: str, dry_run: bool, publish: bool, **options):
        page = ProviderPage.objects.filter(slug=provider).first()
        if page is None:
            raise CommandError(f"No provider page with slug “{provider}”.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            records = read_offer_file(content=file.read_bytes(), filename=file.name)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        report = offer_import(provider=page, records=records, dry_run=dry_run, publish=publish)
        self.stdout.write(report.as_text())
        if report.counts["error"]:
            self.stderr.write(f"{report.counts['error']} offer(s) were not imported.")
