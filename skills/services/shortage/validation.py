"""Validate the rows of a shortage-list file and the list's metadata.

Every problem is recorded in the report with its line (errors and warnings alike), so that one
run tells the user everything to fix; `parse_rows` returns the entries that are valid. Occupations
are looked up in two queries for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.tabular import open_tabular, parse_yes_no
from core.text import fold
from skills.importing.shortage_reader import ShortageRows
from skills.models import Occupation, OccupationJobTitle, ShortageList, ShortageListEntry
from skills.services.shortage.report import EntryOutcome, MissingOccupations, ShortageImportReport

URI_SEPARATOR = "|"
OCCUPATION_URI = re.compile(
    r"http://data\.europa\.eu/esco/occupation/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
# ROME codes: one letter for the domain (A to N) and four digits, e.g. M1805.
ROME_CODE = re.compile(r"[A-N][0-9]{4}")
ROME_CODES_FILE = (
    Path(__file__).resolve().parents[2]
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


@dataclass
class ParsedEntry:
    """A valid row, ready to compare with the stored entry of the same label."""

    line: int
    label: str
    kind: str
    occupation_ids: list[int]
    rome_code: str
    approximate: bool
    note: str
    position: int = 0


def parse_rows(
    shortage_rows: ShortageRows,
    report: ShortageImportReport,
    *,
    missing_occupations: MissingOccupations,
) -> list[ParsedEntry]:
    """The valid entries of the file, in file order; every problem goes to `report`."""
    if shortage_rows.ignored_columns:
        report.warn(
            shortage_rows.header_line,
            _("ignored column(s): %(names)s.")
            % {"names": ", ".join(shortage_rows.ignored_columns)},
        )
    readable = []
    for row in shortage_rows.rows:
        if row.error:
            report.error(row.line, row.error)
        else:
            readable.append((row.line, row.values))
    report.rows_read = len(readable)
    lookup = _OccupationLookup.for_rows(readable)
    entries: list[ParsedEntry] = []
    seen_labels: dict[str, int] = {}
    for line, values in readable:
        entry = _parse_row(line, values, report, lookup, seen_labels, missing_occupations)
        if entry is not None:
            entry.position = len(entries) + 1
            entries.append(entry)
    return entries


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
) -> ParsedEntry | None:
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

    try:
        approximate = parse_yes_no(row.get("approximate"), column="approximate")
    except ValueError as exc:
        approximate = False
        report.error(line, str(exc), label)

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
    return ParsedEntry(
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
    with open_tabular(ROME_CODES_FILE) as table:
        return frozenset(row.values["code_rome"].strip() for row in table)


def validate_metadata(report: ShortageImportReport, **values) -> dict:
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
