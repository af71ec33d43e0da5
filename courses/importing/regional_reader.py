"""The Walloon training-offer export: one row per offer and locality, semicolon-separated.

Rows with the same `codeexterne` form one offer; each row adds its `localisation_potentielle`.
The file is read by `core.tabular` (UTF-8 with or without BOM, rows numbered as a spreadsheet
shows them, column names normalised: `Courte` is `courte`). See `courses/data/README.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.tabular import TabularFile, TabularFileError
from courses.importing.records import ImportFileError

COLUMNS = [
    "codeexterne",
    "type_organisme",
    "abreviation",
    "denomination_sociale",
    "denomination_commerciale",
    "numeroidentification",
    "localisation_potentielle",
    "intitule",
    "duree",
    "courte",
    "moyenne",
    "longue",
    "qualifiante",
    "certifiante",
    "public",
    "condition_specifique",
]
# Columns whose values belong to the offer: every row of one code must agree on them.
OFFER_COLUMNS = [
    name for name in COLUMNS if name not in ("codeexterne", "localisation_potentielle")
]


@dataclass
class RegionalRecord:
    """One offer of the export: its values (from its first row), the localities with the row
    each came from, and the reading problems found (rows of one code that disagree)."""

    code: str
    rows: list[int] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    localities: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_regional_catalogue(content: bytes) -> list[RegionalRecord]:
    """The offers of an export, in file order; raises `ImportFileError` when the file cannot
    be read at all (encoding, missing column, malformed row)."""
    try:
        table = TabularFile(content)
        table.require_columns(COLUMNS)
        rows = list(table)
    except TabularFileError as error:
        raise ImportFileError(error.message, line=error.line) from error
    records: dict[str, RegionalRecord] = {}
    for row in rows:
        if row.error:
            raise ImportFileError(row.error, line=row.line)
        values = {name: row.values.get(name, "").strip() for name in COLUMNS}
        code = values["codeexterne"]
        record = records.get(code) if code else None
        if record is None:
            record = RegionalRecord(code=code, values=values)
            records[code or f"#line-{row.line}"] = record
        else:
            differing = [
                name for name in OFFER_COLUMNS if values[name] != record.values.get(name, "")
            ]
            if differing:
                record.problems.append(
                    _("Line %(line)d disagrees with line %(first)d on: %(columns)s.")
                    % {"line": row.line, "first": record.rows[0], "columns": ", ".join(differing)}
                )
        record.rows.append(row.line)
        if values["localisation_potentielle"]:
            record.localities.append((row.line, values["localisation_potentielle"]))
    return list(records.values())
