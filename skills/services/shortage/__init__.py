"""Import a shortage list (pénuries, critical functions, sector needs) from a CSV file.

The CSV template is documented in `skills/data/shortage/README.md`: one row per published
profession with the columns `label`, `kind`, `esco_occupation_uris` (`|`-separated), and the
optional `rome_code`, `approximate` and `note`. List-level metadata (title, source, year, region,
…) comes from the caller, not from the file.

Two phases, so that bad input loses nothing: the whole file is read
(`skills.importing.shortage_reader`, under `core.tabular`'s encoding policy: UTF-8 only) and
validated (`validation`) first, and every problem is collected with its line number; if any row
is invalid the import raises `ShortageImportError` carrying the full report and nothing is
written. Otherwise the list is upserted by its natural key (source, year, region) and its
entries by label (`writer`), inside one transaction. Entries absent from a re-import are
removed: they belong to the list, not to the taxonomy. Running the same file twice reports zero
changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from django.db import transaction

from core.tabular import TabularFileError
from skills.importing.shortage_reader import read_shortage_rows, shortage_source_name
from skills.services.shortage.report import (
    MissingOccupations,
    ShortageImportError,
    ShortageImportReport,
)
from skills.services.shortage.validation import (
    KINDS,
    OCCUPATION_URI,
    ROME_CODES_FILE,
    parse_rows,
    validate_metadata,
)
from skills.services.shortage.writer import apply_entries

# Importable from here as they were before the module became a package.
__all__ = [
    "KINDS",
    "OCCUPATION_URI",
    "ROME_CODES_FILE",
    "ShortageImportError",
    "ShortageImportReport",
    "shortage_list_import",
]


def shortage_list_import(
    *,
    rows_source: str | Path | IO,
    title: str,
    source: str,
    year: int,
    region: str = "Wallonie",
    source_url: str = "",
    notes: str = "",
    is_demo: bool = False,
    dry_run: bool = False,
    missing_occupations: MissingOccupations = "error",
) -> ShortageImportReport:
    """Create or update the shortage list (source, year, region) from a CSV file.

    `rows_source` is a path or an open file (binary, such as a Django upload, or text).
    `missing_occupations="skip"` turns an occupation URI absent from the database into a
    warning and drops it (an entry left with none of its occupations is skipped); the demo
    loader uses it because test databases hold only a slice of ESCO. With the default
    `"error"` such a URI invalidates the file.

    Returns the report; raises `ShortageImportError` (with the report) if anything is
    invalid, in which case nothing was written. With `dry_run` the report says what would
    change and nothing is written either.
    """
    if missing_occupations not in ("error", "skip"):
        raise ValueError(
            f"missing_occupations must be 'error' or 'skip', not {missing_occupations!r}"
        )
    report = ShortageImportReport(source_name=shortage_source_name(rows_source), dry_run=dry_run)
    list_fields = validate_metadata(
        report,
        title=title,
        source=source,
        year=year,
        region=region,
        source_url=source_url,
        notes=notes,
        is_demo=is_demo,
    )
    try:
        shortage_rows = read_shortage_rows(rows_source)
    except TabularFileError as exc:
        report.error(exc.line, exc.message)
        entries = []
    else:
        entries = parse_rows(shortage_rows, report, missing_occupations=missing_occupations)
    if report.errors:
        raise ShortageImportError(report)
    if dry_run:
        apply_entries(report, list_fields, entries, write=False)
    else:
        with transaction.atomic():
            apply_entries(report, list_fields, entries, write=True)
    return report
