"""Writes to the jobs app go through these functions (views, commands and tasks call them)."""

from jobs.services.ingest import IngestReport, posting_ingest

__all__ = ["IngestReport", "posting_ingest"]
