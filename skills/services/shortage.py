"""Import a shortage list (pénuries, critical functions, sector needs) from a CSV file.

The CSV template is documented in `skills/data/shortage/README.md`: one row per published
profession with the columns `label`, `kind`, `esco_occupation_uris` (`|`-separated), and the
optional `rome_code`, `approximate` and `note`. List-level metadata (title, source, year, region,
…) comes from the caller, not from the file.

Two phases, so that bad input loses nothing: the whole file is decoded, parsed and validated
first, and every problem is collected with its line number; if any row is invalid the import
raises `ShortageImportError` carrying the full report and nothing is written. Otherwise the
list is upserted by its natural key (source, year, region) and its entries by label, inside one
transaction. Entries absent from a re-import are removed: they belong to the list, not to the
taxonomy. Running the same file twice reports zero changes.

Encoding policy: UTF-8, with or without a byte-order mark. Anything else is rejected with a
message that says how to re-save the file, because guessing Windows-1252 would silently turn
a mis-encoded "é" into the wrong character in a published label.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.text import fold
from skills.models import Occupation, OccupationJobTitle, ShortageList, ShortageListEntry

REQUIRED_COLUMNS = ("label", "kind", "esco_occupation_uris")
OPTIONAL_COLUMNS = ("rome_code", "approximate", "note")
URI_SEPARATOR = "|"
DELIMITERS = (",", ";", "\t")  # spreadsheets in Belgium and France save CSV with ";"

OCCUPATION_URI = re.compile(
    r"http://data\.europa\.eu/esco/occupation/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
# ROME codes: one letter for the domain (A to N) and four digits, e.g. M1805.
ROME_CODE = re.compile(r"[A-N][0-9]{4}")
ROME_CODES_FILE = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "rome"
    / "unix_referentiel_code_rome_v460_utf8.csv.gz"
)

# Folded spellings (see `_fold_key`) accepted for each kind, French and English.
KIND_SPELLINGS = {
    ShortageListEntry.Kind.SHORTAGE: {
        "penurie",
        "metier en penurie",
        "fonction en penurie",
        "shortage",
        "shortage occupation",
    },
    ShortageListEntry.Kind.CRITICAL: {
        "critique",
        "fonction critique",
        "metier critique",
        "critical",
        "critical function",
    },
    ShortageListEntry.Kind.SECTOR_NEED: {
        "sector need",
        "besoin sectoriel",
        "besoin du secteur",
        "metier recherche",
    },
}
KINDS = {spelling: kind for kind, spellings in KIND_SPELLINGS.items() for spelling in spellings}
TRUE_VALUES = {"yes", "true", "1", "oui", "y", "o", "vrai"}
FALSE_VALUES = {"no", "false", "0", "non", "n", "faux", ""}

MissingOccupations = Literal["error", "skip"]
EntryAction = Literal["created", "updated", "unchanged", "removed", "skipped"]
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ShortageImportError(Exception):
    """The file or the metadata is invalid. Nothing has been written; `report` lists why."""

    def __init__(self, report: ShortageImportReport):
        self.report = report
        super().__init__(
            _("%(source)s: %(count)d error(s), nothing was written. First: %(first)s")
            % {
                "source": report.source_name,
                "count": len(report.errors),
                "first": report.errors[0] if report.errors else "-",
            }
        )


# What happened to the list itself, in the summary line ("list created; entries: …").
LIST_ACTION_LABELS = {
    "created": pgettext_lazy("shortage list", "created"),
    "updated": pgettext_lazy("shortage list", "updated"),
    "unchanged": pgettext_lazy("shortage list", "unchanged"),
}


@dataclass(frozen=True)
class RowIssue:
    """An error or warning about one line of the file (`line` is None for the whole file)."""

    line: int | None
    message: str
    label: str = ""

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line} if self.line else _("file")
        if self.label:
            return f"{where} ({self.label}): {self.message}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class EntryOutcome:
    """What the import did (or, in a dry run, would do) with one entry."""

    label: str
    action: EntryAction
    line: int | None = None  # None for entries removed because the file no longer has them
    changed_fields: tuple[str, ...] = ()
    occupation_count: int = 0


@dataclass
class ShortageImportReport:
    source_name: str
    dry_run: bool = False
    list_action: Literal["", "created", "updated", "unchanged"] = ""
    shortage_list: ShortageList | None = None
    rows_read: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    entries: list[EntryOutcome] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("created", "updated", "unchanged", "removed", "skipped"), 0)
        for outcome in self.entries:
            counts[outcome.action] += 1
        return counts

    @property
    def changes(self) -> int:
        """Entries created, updated or removed, plus the list itself: zero on a repeated run."""
        counts = self.counts
        list_changed = self.list_action in {"created", "updated"}
        return counts["created"] + counts["updated"] + counts["removed"] + int(list_changed)

    def error(self, line: int | None, message: str, label: str = "") -> None:
        self.errors.append(RowIssue(line, message, label))

    def warn(self, line: int | None, message: str, label: str = "") -> None:
        self.warnings.append(RowIssue(line, message, label))

    def error_lines(self) -> list[str]:
        return [
            _("error: %(issue)s") % {"issue": issue}
            for issue in sorted(self.errors, key=lambda issue: issue.line or 0)
        ]

    def warning_lines(self) -> list[str]:
        return [
            _("warning: %(issue)s") % {"issue": issue}
            for issue in sorted(self.warnings, key=lambda issue: issue.line or 0)
        ]

    def entry_lines(self) -> list[str]:
        """One line per entry, in file order: `line 4<TAB>Data scientist: updated (kind)`."""
        lines = []
        for outcome in self.entries:
            where = _("line %(line)d") % {"line": outcome.line} if outcome.line else "-"
            detail = outcome.action
            if outcome.changed_fields:
                detail += f" ({', '.join(outcome.changed_fields)})"
            lines.append(f"{where}\t{outcome.label}: {detail}")
        return lines

    def lines(self) -> Iterator[str]:
        """The whole per-row report as text: errors, warnings, then entries."""
        yield from self.error_lines()
        yield from self.warning_lines()
        yield from self.entry_lines()

    def summary(self) -> str:
        counts = self.counts
        text = _(
            "%(source)s: list %(list_action)s; entries: %(created)d created, %(updated)d "
            "updated, %(unchanged)d unchanged, %(removed)d removed, %(skipped)d skipped; "
            "%(changes)d change(s)."
        ) % {
            "source": self.source_name,
            "list_action": LIST_ACTION_LABELS.get(self.list_action, "-"),
            "changes": self.changes,
            **counts,
        }
        if self.dry_run:
            text += " " + _("Dry run: nothing was written.")
        return text


@dataclass
class _ParsedEntry:
    line: int
    label: str
    kind: str
    occupation_ids: list[int]
    rome_code: str
    approximate: bool
    note: str
    position: int = 0


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
    report = ShortageImportReport(source_name=_source_name(rows_source), dry_run=dry_run)
    list_fields = _validate_metadata(
        report,
        title=title,
        source=source,
        year=year,
        region=region,
        source_url=source_url,
        notes=notes,
        is_demo=is_demo,
    )
    text = _read_text(rows_source, report)
    entries = (
        _parse_rows(text, report, missing_occupations=missing_occupations)
        if text is not None
        else []
    )
    if report.errors:
        raise ShortageImportError(report)
    if dry_run:
        _apply(report, list_fields, entries, write=False)
    else:
        with transaction.atomic():
            _apply(report, list_fields, entries, write=True)
    return report


# --------------------------------------------------------------------------- reading


def _source_name(rows_source) -> str:
    if isinstance(rows_source, str | Path):
        return Path(rows_source).name
    return Path(str(getattr(rows_source, "name", "") or "upload.csv")).name


def _read_text(rows_source, report: ShortageImportReport) -> str | None:
    """The file's text, or None after recording why it cannot be read as UTF-8 text."""
    try:
        if isinstance(rows_source, str | Path):
            data = Path(rows_source).read_bytes()
        else:
            data = rows_source.read()
    except OSError as exc:
        report.error(None, _("cannot read the file (%(reason)s).") % {"reason": exc})
        return None
    if isinstance(data, str):  # an already decoded text stream
        text = data.removeprefix("\ufeff")
    else:
        text = _decode(data, report)
        if text is None:
            return None
    control = _CONTROL_CHARACTERS.search(text)
    if control:
        report.error(
            text.count("\n", 0, control.start()) + 1,
            _("the file contains control characters: it is not a CSV text file."),
        )
        return None
    if not text.strip():
        report.error(None, _("the file is empty."))
        return None
    return text


def _decode(data: bytes, report: ShortageImportReport) -> str | None:
    resave = _("Save it as “CSV UTF-8” (Excel, LibreOffice) and import it again.")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        report.error(None, _("the file is encoded in UTF-16 or UTF-32.") + " " + resave)
        return None
    if b"\x00" in data:
        report.error(
            data.count(b"\n", 0, data.index(b"\x00")) + 1,
            _("the file holds binary content (NUL bytes): it is not a CSV text file."),
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(
            data.count(b"\n", 0, exc.start) + 1,
            _(
                "the file is not valid UTF-8 (byte 0x%(byte)02X); it was probably saved as "
                "Windows-1252/Latin-1."
            )
            % {"byte": data[exc.start]}
            + " "
            + resave,
        )
        return None


def _header_and_delimiter(first_line: str) -> tuple[list[str], str]:
    """Pick the delimiter that yields the required columns (else the most frequent one)."""
    best = max(DELIMITERS, key=first_line.count)
    for delimiter in DELIMITERS:
        header = _normalise_header(next(csv.reader([first_line], delimiter=delimiter)))
        if set(REQUIRED_COLUMNS) <= set(header):
            return header, delimiter
    return _normalise_header(next(csv.reader([first_line], delimiter=best))), best


def _normalise_header(names: list[str]) -> list[str]:
    return [name.strip().lower() for name in names]


def _parse_rows(
    text: str, report: ShortageImportReport, *, missing_occupations: MissingOccupations
) -> list[_ParsedEntry]:
    first_line = text.splitlines()[0]
    header, delimiter = _header_and_delimiter(first_line)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        report.error(
            1,
            _("missing column(s): %(missing)s (expected %(expected)s).")
            % {
                "missing": ", ".join(missing),
                "expected": ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
            },
        )
        return []
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        report.error(1, _("duplicate column(s): %(names)s.") % {"names": ", ".join(duplicated)})
        return []
    unknown = [name for name in header if name and name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        report.warn(1, _("ignored column(s): %(names)s.") % {"names": ", ".join(unknown)})

    raw_rows = _split_rows(text, header, delimiter, report)
    report.rows_read = len(raw_rows)
    lookup = _OccupationLookup.for_rows(raw_rows)
    entries: list[_ParsedEntry] = []
    seen_labels: dict[str, int] = {}
    for line, row in raw_rows:
        entry = _parse_row(line, row, report, lookup, seen_labels, missing_occupations)
        if entry is not None:
            entry.position = len(entries) + 1
            entries.append(entry)
    return entries


def _split_rows(
    text: str, header: list[str], delimiter: str, report: ShortageImportReport
) -> list[tuple[int, dict[str, str]]]:
    """(first line of the record, values by column) for every non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        next(reader)  # the header, already read
        previous_end = reader.line_num
        for values in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) < len(header) or any(v.strip() for v in values[len(header) :]):
                report.error(
                    line,
                    _("expected %(expected)d fields, found %(found)d (truncated or malformed row).")
                    % {"expected": len(header), "found": len(values)},
                )
                continue
            rows.append((line, dict(zip(header, values, strict=False))))
    except csv.Error as exc:
        report.error(
            reader.line_num or 1,
            _("malformed CSV (%(reason)s); is a quote left open?") % {"reason": exc},
        )
    return rows


@dataclass
class _OccupationLookup:
    """Every occupation the file names, fetched in two queries rather than one per row."""

    by_uri: dict[str, tuple[int, bool, str]]  # uri -> (id, is_obsolete, label)
    by_rome_code: dict[str, list[int]]

    @classmethod
    def for_rows(cls, rows: list[tuple[int, dict[str, str]]]) -> _OccupationLookup:
        uris, rome_codes = set(), set()
        for _line, row in rows:
            uris.update(_split_uris(row.get("esco_occupation_uris", "")))
            if not _split_uris(row.get("esco_occupation_uris", "")):
                rome_codes.add((row.get("rome_code") or "").strip().upper())
        by_uri = {
            uri: (pk, obsolete, label)
            for uri, pk, obsolete, label in Occupation.objects.filter(uri__in=uris).values_list(
                "uri", "pk", "is_obsolete", "preferred_label_en"
            )
        }
        by_rome_code: dict[str, list[int]] = {}
        titles = (
            OccupationJobTitle.objects.filter(
                rome_code__in=rome_codes - {""}, occupation__is_obsolete=False
            )
            .values_list("rome_code", "occupation_id")
            .distinct()
            .order_by("rome_code", "occupation_id")
        )
        for code, occupation_id in titles:
            by_rome_code.setdefault(code, []).append(occupation_id)
        return cls(by_uri=by_uri, by_rome_code=by_rome_code)


def _split_uris(value: str) -> list[str]:
    return [uri.strip() for uri in (value or "").split(URI_SEPARATOR) if uri.strip()]


def _fold_key(value: str) -> str:
    return " ".join(fold(value).replace("_", " ").replace("-", " ").split())


def _parse_row(
    line: int,
    row: dict[str, str],
    report: ShortageImportReport,
    lookup: _OccupationLookup,
    seen_labels: dict[str, int],
    missing_occupations: MissingOccupations,
) -> _ParsedEntry | None:
    """Validate one row; record every problem it has and return None if any is an error."""
    errors_before = len(report.errors)
    label = " ".join((row.get("label") or "").split())
    if not label:
        report.error(line, _("the label is empty."))
    elif len(label) > ShortageListEntry._meta.get_field("label").max_length:
        report.error(line, _("the label is longer than 255 characters."), label)
    elif fold(label) in seen_labels:
        report.error(
            line,
            _("duplicate label: already on line %(line)d.") % {"line": seen_labels[fold(label)]},
            label,
        )
    else:
        seen_labels[fold(label)] = line

    raw_kind = (row.get("kind") or "").strip()
    kind = KINDS.get(_fold_key(raw_kind))
    if kind is None:
        report.error(
            line,
            _("unknown kind %(kind)r (expected penurie, critique or sector_need).")
            % {"kind": raw_kind},
            label,
        )

    rome_code = (row.get("rome_code") or "").strip().upper()
    if rome_code and not ROME_CODE.fullmatch(rome_code):
        report.error(
            line,
            _("malformed ROME code %(code)r (expected a letter and four digits, like M1805).")
            % {"code": rome_code},
            label,
        )
    elif rome_code and rome_code not in rome_codes():
        report.warn(
            line,
            _("ROME code %(code)s is not in the ROME v4.60 referential.") % {"code": rome_code},
            label,
        )

    raw_approximate = fold(row.get("approximate") or "")
    if raw_approximate in TRUE_VALUES:
        approximate = True
    elif raw_approximate in FALSE_VALUES:
        approximate = False
    else:
        approximate = False
        report.error(
            line,
            _("approximate must be yes or no, not %(value)r.") % {"value": row.get("approximate")},
            label,
        )

    uris = _split_uris(row.get("esco_occupation_uris", ""))
    occupation_ids: list[int] = []
    for uri in dict.fromkeys(uris):  # keeps order, drops repeats
        if not OCCUPATION_URI.fullmatch(uri):
            report.error(
                line,
                _(
                    "malformed occupation URI %(uri)r (expected "
                    "http://data.europa.eu/esco/occupation/<identifier>)."
                )
                % {"uri": uri[:120]},
                label,
            )
        elif uri not in lookup.by_uri:
            if missing_occupations == "skip":
                report.warn(line, _("occupation not in the taxonomy, left out: %s") % uri, label)
            else:
                report.error(line, _("occupation not in the taxonomy: %s") % uri, label)
        else:
            pk, obsolete, occupation_label = lookup.by_uri[uri]
            if obsolete:
                report.warn(
                    line,
                    _("occupation “%(label)s” is obsolete in the current ESCO version (%(uri)s).")
                    % {"label": occupation_label, "uri": uri},
                    label,
                )
            occupation_ids.append(pk)
    if len(uris) != len(set(uris)):
        report.warn(line, _("an occupation URI is repeated; it is kept once."), label)

    if len(report.errors) > errors_before:
        return None
    if uris and not occupation_ids:
        report.warn(line, _("entry skipped: none of its occupations is in the taxonomy."), label)
        report.entries.append(EntryOutcome(label=label, action="skipped", line=line))
        return None
    if not uris and rome_code:
        # The ROME-ESCO crosswalk is many-to-many, so a ROME code only approximates.
        occupation_ids = lookup.by_rome_code.get(rome_code, [])
        approximate = True
        if occupation_ids:
            report.warn(
                line,
                _(
                    "mapped through ROME code %(code)s to %(count)d ESCO occupation(s); "
                    "marked approximate."
                )
                % {"code": rome_code, "count": len(occupation_ids)},
                label,
            )
        else:
            report.warn(
                line,
                _("no ESCO occupation carries ROME code %(code)s; the entry has none.")
                % {"code": rome_code},
                label,
            )
    return _ParsedEntry(
        line=line,
        label=label,
        kind=kind,
        occupation_ids=occupation_ids,
        rome_code=rome_code,
        approximate=approximate,
        note=(row.get("note") or "").strip(),
    )


@cache
def rome_codes() -> frozenset[str]:
    """The codes of the vendored ROME v4.60 referential (an unknown code is only a warning)."""
    with gzip.open(ROME_CODES_FILE, "rt", encoding="utf-8", newline="") as handle:
        return frozenset(row["code_rome"].strip() for row in csv.DictReader(handle))


def _validate_metadata(report: ShortageImportReport, **values) -> dict:
    """The list's own fields, cleaned; problems go to the report as file-level errors."""
    values = {
        key: value.strip() if isinstance(value, str) else value for key, value in values.items()
    }
    candidate = ShortageList(**values)
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                report.error(None, f"{name}: {message}")
    return values


# --------------------------------------------------------------------------- writing

_LIST_FIELDS = ("title", "source_url", "notes", "is_demo")


def _apply(
    report: ShortageImportReport, list_fields: dict, entries: list[_ParsedEntry], *, write: bool
) -> None:
    """Diff the parsed entries against the database and, if `write`, make them so."""
    key = {name: list_fields[name] for name in ("source", "year", "region")}
    shortage_list = ShortageList.objects.filter(**key).first()
    existing: dict[str, tuple[ShortageListEntry, set[int]]] = {}
    if shortage_list is None:
        report.list_action = "created"
        shortage_list = ShortageList(**list_fields)
        if write:
            shortage_list.save()
    else:
        changed = [
            name for name in _LIST_FIELDS if getattr(shortage_list, name) != list_fields[name]
        ]
        report.list_action = "updated" if changed else "unchanged"
        if changed and write:
            for name in changed:
                setattr(shortage_list, name, list_fields[name])
            shortage_list.save(update_fields=changed)
        for entry in shortage_list.entries.prefetch_related("occupations"):
            existing[entry.label] = (entry, {o.pk for o in entry.occupations.all()})
    report.shortage_list = shortage_list if shortage_list.pk else None

    outcomes = [outcome for outcome in report.entries if outcome.action == "skipped"]
    for parsed in entries:
        wanted = {
            "kind": parsed.kind,
            "rome_code": parsed.rome_code,
            "mapping_is_approximate": parsed.approximate,
            "mapping_note": parsed.note,
            "position": parsed.position,
        }
        if parsed.label not in existing:
            action, changed_fields = "created", ()
            if write:
                entry = ShortageListEntry.objects.create(
                    shortage_list=shortage_list, label=parsed.label, **wanted
                )
                entry.occupations.set(parsed.occupation_ids)
        else:
            entry, occupation_ids = existing.pop(parsed.label)
            changed_fields = tuple(
                name for name, value in wanted.items() if getattr(entry, name) != value
            )
            if occupation_ids != set(parsed.occupation_ids):
                changed_fields += ("occupations",)
            action = "updated" if changed_fields else "unchanged"
            if write and changed_fields:
                for name, value in wanted.items():
                    setattr(entry, name, value)
                entry.save()
                entry.occupations.set(parsed.occupation_ids)
        outcomes.append(
            EntryOutcome(
                label=parsed.label,
                action=action,
                line=parsed.line,
                changed_fields=changed_fields,
                occupation_count=len(parsed.occupation_ids),
            )
        )
    for label, (entry, _ids) in existing.items():
        outcomes.append(EntryOutcome(label=label, action="removed"))
        if write:
            entry.delete()
    report.entries = sorted(outcomes, key=lambda outcome: (outcome.line is None, outcome.line or 0))
