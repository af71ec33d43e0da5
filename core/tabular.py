"""The one way to read the CSV files that people and partners hand us.

Every tabular importer (offers, job-posting feeds, shortage lists, the vendored ESCO and ROME
files) reads through `TabularFile`, so one policy decides what a readable file is:

- **Encoding: UTF-8**, with or without a byte-order mark (Excel's and LibreOffice's "CSV UTF-8").
  Anything else is refused with a message that says so and names the line: bytes that are not
  UTF-8 (a file saved as Windows-1252/Latin-1), UTF-16 or UTF-32, binary content (NUL bytes)
  and control characters. Guessing Windows-1252 would silently turn a mis-encoded "é" into the
  wrong character in a published label, so nothing is guessed.
- **Delimiter**: whichever of `,` `;` and tab occurs most often in the header line, outside
  quotes (a tie goes to `,`, then `;`). Belgian and French spreadsheets save CSV with `;`.
- **Header**: the first non-blank line (or, for files that open with metadata, the first line
  starting with a given prefix). Column names are normalised: case and accents do not matter
  and inner spaces become `_` (`" Intitulé du poste"` is `intitule_du_poste`); empty names
  after the last column are dropped.
- **Rows** are numbered as a spreadsheet shows them: the header is the line it is on (1 in most
  files), the next record is the next line, and a cell that spans several lines still counts as
  one row. Blank rows are skipped (they keep their number). A row with fewer cells than the
  header, or with non-blank cells beyond it, is flagged, not dropped; trailing empty cells are
  tolerated (spreadsheets write them).
- **Yes/no** cells: `parse_yes_no` accepts oui/non, o/n, yes/no, y/n, vrai/faux, true/false, 1/0
  and x/empty, in any case and with or without accents.

Messages are translated (gettext) and say which line they are about. Files are streamed: a large
gzipped file is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.text import fold

DELIMITERS = (",", ";", "\t")  # in order of preference when counts tie
YES_WORDS = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x"})
NO_WORDS = frozenset({"non", "n", "no", "faux", "false", "0", ""})
# Enough of the file to see a UTF-16 byte-order mark or the NUL bytes of a binary file before
# the first line is decoded (a PNG's first line is valid Latin-1 but not UTF-8).
HEAD_BYTES = 8192

_UTF16_OR_32_BOMS = (
    codecs.BOM_UTF32_LE,  # before UTF-16 LE, whose mark is a prefix of it
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
# Bytes no text file holds: NUL (binary content) and the other C0 controls but tab, LF and CR.
# Checked on the raw bytes, which UTF-8 leaves as they are.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTED = re.compile(r'"[^"]*"')


FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


class TabularFileError(ValueError):
    """A tabular file cannot be read at all: nothing of it is imported.

    `message` is translated and starts in lower case so that it reads after a location;
    `line` is the line (as a spreadsheet numbers it) the problem is on, or None for the whole
    file. `str()` gives a full sentence: "Line 3: the file is not valid UTF-8 …".
    """

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def located(self) -> str:
        """The message after its line, in lower case: to follow a file name."""
        if self.line is None:
            return self.message
        return f"{_('line %(line)d') % {'line': self.line}}: {self.message}"

    def __str__(self) -> str:
        return capfirst(self.located())


class EmptyTabularFileError(TabularFileError):
    """The file holds no header line at all (zero bytes or only blank lines)."""


@dataclass(frozen=True, slots=True)
class TabularRow:
    """One non-blank row: its line as a spreadsheet numbers it and its cells by column.

    A row that cannot be used (wrong number of cells, malformed CSV) has empty `values` and an
    `error` (translated, lower case) that the importer reports in its own way.
    """

    line: int
    values: dict[str, str]
    error: str = ""


class _UnreadableLine(Exception):
    """A line breaks the encoding policy; the reader adds the row number to the message."""

    def __init__(self, message: str):
        self.message = message


class TabularFile:
    """The header and the rows of one CSV file, read under the module's policy.

    `source` is the whole file (bytes, or text already decoded) or a binary stream (an open
    file, a gzip file), which is read line by line. The header is read on construction;
    iterating yields the non-blank rows once, streaming. Both raise `TabularFileError` for a
    file that breaks the policy, naming the line when there is one.

    `header_prefix` skips metadata lines until the header line that starts with it.
    `normalise_header=False` keeps column names as written (only stripped), for files whose
    names a program wrote and a program matches exactly (ESCO's `conceptUri`).
    """

    def __init__(
        self,
        source: bytes | str | BinaryIO,
        *,
        header_prefix: str = "",
        normalise_header: bool = True,
    ):
        self._lines = _policy_lines(source)
        self.header_line = 0
        try:
            for text in self._lines:
                self.header_line += 1
                if text.startswith(header_prefix) if header_prefix else text.strip():
                    break
            else:
                if header_prefix:
                    raise TabularFileError(
                        _("no header line starting with “%(prefix)s”.") % {"prefix": header_prefix}
                    )
                raise EmptyTabularFileError(_("the file is empty."))
        except _UnreadableLine as problem:
            raise TabularFileError(problem.message, line=self.header_line) from None
        self.delimiter = sniff_delimiter(text)
        names = next(csv.reader([text], delimiter=self.delimiter))
        while names and not names[-1].strip():
            names.pop()  # a separator after the last column, which some spreadsheets write
        self.header = [
            normalise_column(name) if normalise_header else name.strip() for name in names
        ]

    def require_columns(self, required: Sequence[str], *, expected: Sequence[str] = ()) -> None:
        """Raise `TabularFileError` on the header line if a required column is missing or a
        column is named twice. `expected` (default: `required`) is listed in the message."""
        missing = [name for name in required if name not in self.header]
        if missing:
            raise TabularFileError(
                _("missing column(s): %(missing)s (expected %(expected)s).")
                % {"missing": ", ".join(missing), "expected": ", ".join(expected or required)},
                line=self.header_line,
            )
        duplicated = sorted({name for name in self.header if name and self.header.count(name) > 1})
        if duplicated:
            raise TabularFileError(
                _("duplicate column(s): %(names)s.") % {"names": ", ".join(duplicated)},
                line=self.header_line,
            )

    def __iter__(self) -> Iterator[TabularRow]:
        reader = csv.reader(self._lines, delimiter=self.delimiter, strict=True)
        header, width = self.header, len(self.header)
        line = self.header_line
        while True:
            line += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _UnreadableLine as problem:
                raise TabularFileError(problem.message, line=line) from None
            except csv.Error as exc:
                yield TabularRow(
                    line,
                    {},
                    _("malformed CSV (%(reason)s); is a quote left open?") % {"reason": exc},
                )
                continue
            if not "".join(cells).strip():
                continue  # a blank row
            cells = [from_spreadsheet_cell(cell) for cell in cells]
            if len(cells) == width:
                yield TabularRow(line, dict(zip(header, cells, strict=True)))
            elif len(cells) < width or "".join(cells[width:]).strip():
                yield TabularRow(
                    line,
                    {},
                    _("expected %(expected)d fields, found %(found)d (truncated or malformed row).")
                    % {"expected": width, "found": len(cells)},
                )
            else:  # empty cells beyond the header, as spreadsheets write them
                yield TabularRow(line, dict(zip(header, cells[:width], strict=True)))


def spreadsheet_cell(value: str) -> str:
    """`value` as a cell that spreadsheet software shows as text, never runs as a formula.

    A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
    Excel and LibreOffice (OWASP, "CSV injection": `=cmd|' /C calc'!A0`); a leading apostrophe
    makes it text. Plain numbers ("-12.5") are left alone. Readers of this module take the
    apostrophe off again (`from_spreadsheet_cell`), so an export re-imports unchanged.
    """
    if value and value[0] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def from_spreadsheet_cell(value: str) -> str:
    """The value `spreadsheet_cell` protected, apostrophe removed; other values unchanged."""
    if value[:1] == "'" and value[1:2] in FORMULA_TRIGGERS and value[1:2]:
        return value[1:]
    return value


@contextmanager
def open_tabular(path: Path | str, **options) -> Iterator[TabularFile]:
    """`TabularFile` over the file at `path`, gunzipped on the fly if it ends in `.gz`."""
    path = Path(path)
    try:
        # Closed by the `with` below; opening is apart so that only opening errors are caught.
        handle = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # noqa: SIM115
    except OSError as exc:
        raise TabularFileError(unreadable_file_message(exc)) from exc
    with handle:
        yield TabularFile(handle, **options)


def unreadable_file_message(exc: BaseException) -> str:
    """The message for a file the system cannot read (missing, truncated, a disk error)."""
    return _("cannot read the file (%(reason)s).") % {"reason": exc}


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a file, from its header line: see the module docstring."""
    unquoted = _QUOTED.sub("", header_line)
    return max(DELIMITERS, key=unquoted.count)


def normalise_column(name: str) -> str:
    """A column name as importers match it: `" Intitulé  du poste"` is `intitule_du_poste`."""
    return "_".join(fold(name).split())


def parse_yes_no(value: str | None, *, column: str) -> bool:
    """True or False for a yes/no cell (see `YES_WORDS`, `NO_WORDS`; empty means no).

    Raises `ValueError` with a translated message naming `column` for anything else.
    """
    folded = fold(value or "").strip()
    if folded in YES_WORDS:
        return True
    if folded in NO_WORDS:
        return False
    raise ValueError(
        _("%(column)s: “%(value)s” is not yes or no (oui/non, yes/no, vrai/faux, 1/0, x or empty).")
        % {"column": column, "value": (value or "").strip()}
    )


def _policy_lines(source: bytes | str | BinaryIO) -> Iterator[str]:
    """The text lines of `source`, each checked against the encoding policy.

    Raises `TabularFileError` for a file that is not text at all (seen in its first bytes) and
    `_UnreadableLine` for a line that breaks the policy, so the reader can name its row.
    """
    if isinstance(source, str):
        # Lone surrogates cannot be UTF-8: they come back as an undecodable line.
        source = source.encode("utf-8", "surrogatepass")
    # bytes.splitlines also splits on a lone "\r" (old Mac files), as text mode would.
    raw_lines: Iterable[bytes] = (
        source.splitlines(keepends=True) if isinstance(source, bytes) else source
    )
    try:
        raw_lines = iter(raw_lines)
        head = list(_take_bytes(raw_lines, HEAD_BYTES))
        _refuse_non_text(b"".join(head))
        first = True
        for raw in chain(head, raw_lines):
            if not_text := _NOT_TEXT.search(raw):
                if not_text.group() == b"\x00":
                    raise _UnreadableLine(_binary_message())
                raise _UnreadableLine(
                    _("the file contains control characters: it is not a CSV text file.")
                )
            try:
                text = raw.decode("utf-8-sig" if first else "utf-8")
            except UnicodeDecodeError as exc:
                raise _UnreadableLine(
                    _(
                        "the file is not valid UTF-8 (byte 0x%(byte)02X); it was probably saved "
                        "as Windows-1252/Latin-1."
                    )
                    % {"byte": raw[exc.start]}
                    + " "
                    + _resave_message()
                ) from None
            first = False
            yield text
    except (OSError, EOFError) as exc:  # a truncated gzip file, a disk error
        raise _UnreadableLine(unreadable_file_message(exc)) from exc


def _take_bytes(lines: Iterator[bytes], size: int) -> Iterator[bytes]:
    taken = 0
    for raw in lines:
        yield raw
        taken += len(raw)
        if taken >= size:
            return


def _refuse_non_text(head: bytes) -> None:
    if head.startswith(_UTF16_OR_32_BOMS):
        raise TabularFileError(
            _("the file is encoded in UTF-16 or UTF-32.") + " " + _resave_message()
        )
    if b"\x00" in head:
        raise TabularFileError(_binary_message())


def _binary_message() -> str:
    return _("the file holds binary content (NUL bytes): it is not a CSV text file.")


def _resave_message() -> str:
    return _("Save it as “CSV UTF-8” (Excel, LibreOffice) and import it again.")
