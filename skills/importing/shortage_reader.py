"""Read a shortage-list CSV file (template: `skills/data/shortage/README.md`).

The file is decoded and split into rows by `core.tabular` (UTF-8 only, `,` `;` or tab, rows
numbered as a spreadsheet shows them); this module knows the template's columns and where the
file comes from. It checks nothing about the rows' content: `skills.services.shortage` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

from core.tabular import TabularFile, TabularFileError, TabularRow, unreadable_file_message

REQUIRED_COLUMNS = ("label", "kind", "esco_occupation_uris")
OPTIONAL_COLUMNS = ("rome_code", "approximate", "note")


@dataclass
class ShortageRows:
    """The rows of a shortage-list file, and the columns of its header that the template lacks."""

    rows: list[TabularRow]
    header_line: int
    ignored_columns: list[str]


def shortage_source_name(rows_source: str | Path | IO) -> str:
    """The file name to show in reports: the path's, the upload's, else `upload.csv`."""
    if isinstance(rows_source, str | Path):
        return Path(rows_source).name
    return Path(str(getattr(rows_source, "name", "") or "upload.csv")).name


def read_shortage_rows(rows_source: str | Path | IO) -> ShortageRows:
    """Every row of the file at `rows_source` (a path, or an open binary or text file).

    Raises `TabularFileError` if the file cannot be read, breaks the encoding policy or lacks
    a required column; rows with the wrong number of cells come back with their `error`.
    """
    try:
        if isinstance(rows_source, str | Path):
            data = Path(rows_source).read_bytes()
        else:
            data = rows_source.read()
    except OSError as exc:
        raise TabularFileError(unreadable_file_message(exc)) from exc
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    table = TabularFile(data)
    rows = list(table)  # the whole file is decoded first: a wrong encoding is the first news
    table.require_columns(REQUIRED_COLUMNS, expected=known)
    return ShortageRows(
        rows=rows,
        header_line=table.header_line,
        ignored_columns=[name for name in table.header if name and name not in known],
    )
