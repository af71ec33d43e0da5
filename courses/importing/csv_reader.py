"""The CSV template: one row per session, offer columns repeated on each row of the offer.

Rows with the same `external_id` form one offer; an offer without sessions is one row with empty
session columns. The file is read by `core.tabular`: UTF-8 (with or without BOM), separated by
commas, semicolons (Belgian spreadsheet software saves with semicolons) or tabs, column names in
any case, rows numbered as a spreadsheet shows them. See `courses/data/README.md`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.tabular import TabularFile, TabularFileError
from courses.importing.records import ImportFileError, OfferRecord, SessionRecord

OFFER_COLUMNS = [
    "external_id",
    "title",
    "summary",
    "description",
    "plain_language_summary",
    "format",
    "modality",
    "eqf_level",
    "duration_hours",
    "languages",
    "audiences",
    "prerequisites",
    "certification",
    "price",
    "is_free",
    "funding",
    "registration_url",
    "registration_email",
    "registration_phone",
    "keywords",
    "skills",
    "occupations",
]
SESSION_COLUMNS = [
    "session_id",
    "session_start",
    "session_end",
    "session_schedule",
    "session_location",
    "session_commune",
    "session_province",
    "session_seats",
    "session_seats_left",
    "session_status",
    "session_registration_deadline",
]
COLUMNS = OFFER_COLUMNS + SESSION_COLUMNS
# Columns that exports add; ignored on import so an export can be re-imported as is.
IGNORED_COLUMNS = {"provider", "provider_name", "provider_commune", "provider_province", "url"}
REQUIRED_COLUMNS = ("external_id", "title", "summary", "format", "modality")
LIST_COLUMNS = {"languages", "audiences", "funding", "keywords", "skills", "occupations"}
LIST_SEPARATOR = "|"


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def read_csv(content: bytes) -> list[OfferRecord]:
    """The offers of a CSV file; raises `ImportFileError` if any part of it cannot be read."""
    try:
        rows = _rows(content)
    except TabularFileError as error:
        raise ImportFileError(error.message, line=error.line) from error
    records: dict[str, OfferRecord] = {}
    for line, row in rows:
        key = row.get("external_id", "")
        offer_values = {c: row.get(c, "") for c in OFFER_COLUMNS if c not in LIST_COLUMNS}
        record = records.get(key) if key else None
        if record is None:
            record = OfferRecord(
                external_id=key,
                values=offer_values,
                **{column: split_list(row.get(column, "")) for column in LIST_COLUMNS},
            )
            records[key or f"#line-{line}"] = record
        else:
            differing = [
                column
                for column in OFFER_COLUMNS
                if column not in LIST_COLUMNS
                and row.get(column, "")
                and row.get(column, "") != record.values.get(column, "")
            ]
            if differing:
                record.problems.append(
                    _("Line %(line)d disagrees with line %(first)d on: %(columns)s.")
                    % {"line": line, "first": record.rows[0], "columns": ", ".join(differing)}
                )
        record.rows.append(line)
        if any(row.get(column) for column in SESSION_COLUMNS):
            record.sessions.append(
                SessionRecord(
                    external_id=row.get("session_id", ""),
                    start_date=row.get("session_start", ""),
                    end_date=row.get("session_end", ""),
                    schedule=row.get("session_schedule", ""),
                    location=row.get("session_location", ""),
                    commune=row.get("session_commune", ""),
                    province=row.get("session_province", ""),
                    seats=row.get("session_seats", ""),
                    seats_left=row.get("session_seats_left", ""),
                    status=row.get("session_status", ""),
                    registration_deadline=row.get("session_registration_deadline", ""),
                )
            )
    return list(records.values())


def _rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line, stripped values by column) of each non-empty row.

    Raises `TabularFileError` at the first problem: the whole file is decoded first (a wrong
    encoding is the first news), then the header is checked, then the rows.
    """
    table = TabularFile(content)
    rows = list(table)
    table.require_columns(REQUIRED_COLUMNS)
    unknown = [
        name
        for name in table.header
        if name and name not in COLUMNS and name not in IGNORED_COLUMNS
    ]
    if unknown:
        raise TabularFileError(
            _("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    readable = []
    for row in rows:
        if row.error:
            raise TabularFileError(row.error, line=row.line)
        values = {key: value.strip() for key, value in row.values.items()}
        if any(values.values()):
            readable.append((row.line, values))
    return readable
