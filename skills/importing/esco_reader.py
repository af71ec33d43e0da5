"""Locate the vendored ESCO (and ROME) CSV files and stream their rows.

The files are `<stem>.csv.gz` (as vendored) or `<stem>.csv` (the test slice), read through
`core.tabular` so that they follow the encoding policy of every other upload. They are large:
rows are streamed, never held as a whole file. Column names are kept as ESCO writes them
(`conceptUri`), since programs wrote them and the importer matches them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from core.tabular import TabularFileError, open_tabular


class EscoImportError(TabularFileError):
    """A source file is missing, malformed or truncated. Nothing has been written.

    `str()` names the file and the line: "occupationSkillRelations.csv, line 11: …".
    """

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        super().__init__(message, line=line)
        self.path = str(path)

    def __str__(self) -> str:
        return f"{Path(self.path).name}, {self.located()}"


def find_source(folder: Path, stem: str, *, required: bool = True) -> Path | None:
    """The file `<stem>.csv.gz` or `<stem>.csv` in `folder`; None if absent and not `required`."""
    for candidate in (folder / f"{stem}.csv.gz", folder / f"{stem}.csv"):
        if candidate.exists():
            return candidate
    if required:
        raise EscoImportError(folder / f"{stem}.csv.gz", "file not found")
    return None


def read_rows(
    path: Path, required_columns: Iterable[str], *, header_prefix: str = ""
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) and fail with file and line on anything malformed.

    `header_prefix` skips preamble lines until the header line that starts with it (the ROME
    crosswalk opens with metadata lines).
    """
    try:
        with open_tabular(path, header_prefix=header_prefix, normalise_header=False) as table:
            table.require_columns(list(required_columns))
            for row in table:
                if row.error:
                    raise EscoImportError(path, row.error, line=row.line)
                yield row.line, row.values
    except EscoImportError:
        raise
    except TabularFileError as exc:
        raise EscoImportError(path, exc.message, line=exc.line) from exc
