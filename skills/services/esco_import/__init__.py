"""Import the vendored ESCO files into the taxonomy models.

Two phases, so that bad input loses nothing: every file is read (`skills.importing.esco_reader`)
and validated (`validation`) first, and a malformed or truncated row stops the import with the
file name and line number; then everything is written (`writer`) inside one transaction. Writes
are diffs against what the database holds, keyed on concept URIs, so a second run over the same
files changes nothing and reports zero changes. Concepts missing from the files are marked
obsolete, never deleted.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from skills.importing.esco_reader import EscoImportError
from skills.models import TaxonomyImport
from skills.services.esco_import.report import ImportReport, Progress
from skills.services.esco_import.validation import build_snapshot
from skills.services.esco_import.writer import write_snapshot

__all__ = ["EscoImportError", "ImportReport", "skill_import_esco"]


def skill_import_esco(
    *, source: Path, version: str, progress: Progress | None = None
) -> ImportReport:
    """Read and validate every ESCO file under `source`, then write the diff atomically.

    Raises `EscoImportError` (naming file and line) before writing anything if a file is
    missing, malformed or truncated. Idempotent: a second run reports `changes == 0`.
    """
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            progress(f"[{time.perf_counter() - started:6.1f}s] {message}")

    snapshot = build_snapshot(Path(source), version=version, progress=say)
    report = ImportReport(esco_version=version, warnings=list(snapshot.warnings))
    with transaction.atomic():
        write_snapshot(snapshot, report=report, progress=say)
        report.seconds = time.perf_counter() - started
        TaxonomyImport.objects.create(
            esco_version=version,
            source=str(source),
            finished_at=timezone.now(),
            counts=dict(report.counts),
            warnings=report.warnings,
        )
    return report
