"""Writes to the jobs app go through these functions (views, commands and tasks call them)."""

from jobs.services.ingest import (
    IngestReport,
    ingest_runs_fail_stale,
    posting_duplicates_relink,
    posting_ingest,
)

__all__ = ["IngestReport", "ingest_runs_fail_stale", "posting_duplicates_relink", "posting_ingest"]
