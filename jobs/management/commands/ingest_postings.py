"""manage.py ingest_postings FILE --source NAME [--format auto|jsonl|csv|jsonld]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jobs.ingestion.formats import FORMATS, FeedFormatError, count_records, read_payload
from jobs.models import FeedSource, IngestRun
from jobs.services import posting_ingest
from jobs.tasks import ingest_file


class Command(BaseCommand):
    help = "Ingest a feed of job postings (JSON Lines, CSV or schema.org JobPosting JSON-LD)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="Name of the FeedSource.")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument(
            "--create-source", action="store_true", help="Create the source if it is unknown."
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the ingestion as a background task (run by the task worker).",
        )
        parser.add_argument("--workers", type=int, default=1, help="Parsing processes.")
        parser.add_argument("--no-parse", action="store_true", help="Skip ESCO parsing.")

    def handle(self, *args, file: Path, source: str, format: str, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if options["create_source"]:
            feed, _created = FeedSource.objects.get_or_create(name=source)
        else:
            feed = FeedSource.objects.filter(name=source).first()
            if feed is None:
                raise CommandError(f"Unknown source {source!r} (use --create-source).")
        run = IngestRun.objects.create(
            source=feed,
            trigger=IngestRun.Trigger.COMMAND,
            format=format,
            file_name=str(file),
            total=count_records(file, format),
        )
        if options["background"]:
            result = ingest_file.enqueue(
                run_id=run.pk,
                path=str(file.resolve()),
                format=format,
                workers=options["workers"],
            )
            self.stdout.write(f"Queued run {run.pk} (task {result.id}).")
            return

        def progress(report):
            if options["verbosity"] >= 2:
                total = f" / {run.total}" if run.total else ""
                self.stdout.write(f"  {report.processed}{total} records…")

        try:
            report = posting_ingest(
                records=read_payload(file, format),
                source=feed,
                run=run,
                workers=options["workers"],
                parse=not options["no_parse"],
                progress=progress,
            )
        except FeedFormatError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors[:20]:
            self.stderr.write(
                f"record {error['record']} ({error['external_id'] or '?'}): "
                + " ".join(error["errors"])
            )
        self.stdout.write(
            f"Run {run.pk}: {report.processed} records, {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{report.duplicates} duplicates, {report.rejected} rejected."
        )
