"""Background tasks (django-tasks): large ingestions run here, with progress on the IngestRun."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task

from jobs.ingestion.formats import count_records, read_payload
from jobs.models import IngestRun
from jobs.services import posting_ingest


@task()
def ingest_file(*, run_id: int, path: str, format: str = "auto", workers: int = 1) -> dict:
    """Ingest the feed file at `path` into the queued run `run_id`; returns the report."""
    run = IngestRun.objects.select_related("source").get(pk=run_id)
    run.total = count_records(path, format)
    run.save(update_fields=["total"])
    report = posting_ingest(
        records=read_payload(Path(path), format), source=run.source, run=run, workers=workers
    )
    # Succeeded: the run holds the report, the payload is not kept. A failed run keeps it.
    Path(path).unlink(missing_ok=True)
    summary = report.as_dict()
    summary.pop("errors")
    return summary
