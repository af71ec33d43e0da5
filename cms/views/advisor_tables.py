"""Tables and charts of the advisor area, and their CSV and XLSX downloads.

A page builds each of its tables once (`Table`: columns and rows of plain values); the template
shows it, a chart draws from it, and `?export=csv|xlsx&table=<slug>` on the same URL (same
filters) downloads it. One list of rows for the three, so a download holds exactly the rows the
page shows, in the same order.

Text from the database goes through `spreadsheet_cell` (CSV) or is stored as a string cell
(XLSX): a label such as "=HYPERLINK(…)" stays text in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.tabular import spreadsheet_cell

EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NUMERIC_KINDS = frozenset({"int", "float", "percent", "ratio"})
# XLSX sheet names: at most 31 characters, none of []:*?/\
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """`kind`: text, int, float, percent (a share 0..1 shown as %), ratio (a signed log
    ratio), or series (a list of numbers: a sparkline on the page, "a;b;c" in a download)."""

    key: str
    label: str
    kind: str = "text"
    # Key of the row value holding a URL for this cell (the page links it; downloads don't).
    link_key: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    caption: str = ""
    # Said under the table: why some cells are empty (suppressed below the minimum volume …).
    note: str = ""
    empty_message: str = ""

    def cells(self, row: dict[str, Any]) -> list[tuple[Column, Any, str]]:
        """(column, value, url) for each column of `row`, as the template renders it."""
        return [
            (column, row.get(column.key), row.get(column.link_key, "") if column.link_key else "")
            for column in self.columns
        ]

    def html_rows(self) -> list[SafeString]:
        """Each row's cells as HTML, the first a row header: formatted here, not cell by cell
        in the template (a table of hundreds of rows rendered tag by tag took most of a page's
        time)."""
        return [
            mark_safe(
                "".join(_cell_html(index, *cell) for index, cell in enumerate(self.cells(row)))
            )
            for row in self.rows
        ]


def _cell_html(index: int, column: Column, value: Any, url: str) -> str:
    if column.kind == "series":
        content = sparkline_svg(value, str(column.label))
    elif url:
        content = format_html('<a href="{}">{}</a>', url, figure(column.kind, value))
    else:
        content = format_html("{}", figure(column.kind, value))
    if index == 0:
        return format_html('<th scope="row">{}</th>', content)
    if column.numeric:
        return format_html('<td class="num">{}</td>', content)
    return format_html("<td>{}</td>", content)


@dataclass
class Chart:
    """A chart drawn in the browser from `table`: one series per column of `series`, over the
    values of column `x`. The table itself is the chart's text alternative."""

    slug: str
    table: Table
    x: str
    series: Sequence[str]
    kind: str = "line"  # line | bar
    stacked: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def element_id(self) -> str:
        return f"chart-data-{self.slug}"

    def data(self) -> dict[str, Any]:
        """The JSON the browser draws (labels, datasets), read from the table's rows."""
        columns = {column.key: column for column in self.table.columns}
        return {
            "kind": self.kind,
            "stacked": self.stacked,
            "title": self.table.title,
            "percent": all(columns[key].kind == "percent" for key in self.series),
            "labels": [_plain(row.get(self.x)) for row in self.table.rows],
            "datasets": [
                {
                    "key": key,
                    "label": str(columns[key].label),
                    "data": [_number(row.get(key)) for row in self.table.rows],
                }
                for key in self.series
            ],
            **self.options,
        }


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 24, 2


def sparkline_svg(values, label: str = "") -> str:
    """A small inline SVG line of `values` (None is a gap), its figures in the accessible name.

    Drawn on the server: a table of fifty professions would otherwise start fifty charts in
    the browser, and the line stays visible without JavaScript.
    """
    values = list(values or [])
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return "—"
    low, high = min(known), max(known)
    span = (high - low) or 1
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = SPARK_PAD + index * step
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(current)
    figures = ", ".join("—" if value is None else number_format(value, 0) for value in values)
    name = f"{label} {figures}".strip() if label else figures
    lines = format_html_join(
        "", '<polyline points="{}"></polyline>', ((" ".join(points),) for points in segments)
    )
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}"><title>{}</title>{}</svg>',
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        name,
        name,
        lines,
    )


def figure(kind: str, value):
    """A figure in the page's locale: shares as %, log ratios signed, gaps as a dash."""
    if value is None or value == "":
        return "—"
    if kind == "int":
        return number_format(value, 0, force_grouping=True)
    if kind == "float":
        return number_format(value, 1, force_grouping=True)
    if kind == "percent":
        # Shares of thousands of skills are small: one decimal below 10 % ("0.4 %", not "0 %").
        places = 1 if abs(value) < 0.1 else 0
        return _("%(value)s%%") % {"value": number_format(value * 100, places)}
    if kind == "ratio":
        sign = "+" if value > 0 else ""
        return f"{sign}{number_format(value, 2)}"
    return value


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float) or value is None else str(value)


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None  # a suppressed or missing cell: a gap in the line, not a zero
    return float(value)


def export_value(column: Column, value: Any) -> Any:
    """The value as a download holds it: numbers stay numbers, series become "a;b;c"."""
    if value is None:
        return ""
    if column.kind == "series":
        return ";".join("" if item is None else _format_number(item) for item in value)
    if column.numeric:
        return value
    return str(value)


def _format_number(value: Any) -> str:
    return str(round(value, 4)) if isinstance(value, float) else str(value)


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_cell(str(column.label)) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _csv_cell(column, export_value(column, row.get(column.key)))
                for column in table.columns
            ]
        )
    # A BOM so spreadsheet software reads the UTF-8 as UTF-8 (as the cadastre's exports do).
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(column: Column, value: Any) -> str:
    if column.numeric and value != "":
        return _format_number(value)
    return spreadsheet_cell(str(value))


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(table.title or table.slug))
    sheet.append([_text_cell(sheet, str(column.label), WriteOnlyCell) for column in table.columns])
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = export_value(column, row.get(column.key))
            if column.numeric and value != "":
                cells.append(WriteOnlyCell(sheet, value=value))
            else:
                cells.append(_text_cell(sheet, value, WriteOnlyCell))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str, cell_class):
    """A string cell: openpyxl would store a string starting with "=" as a live formula."""
    cell = cell_class(sheet, value=value)
    cell.data_type = "s"
    return cell


def _sheet_name(title: str) -> str:
    return _SHEET_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "data"


def export_response(
    request: HttpRequest, tables: Iterable[Table], *, filename_parts: Sequence[str] = ()
) -> HttpResponse | None:
    """The download `?export=csv|xlsx&table=<slug>` asks for, or None when it asks for none.

    An unknown format or table is a 404-like None so the page shows instead of an error file.
    """
    export = request.GET.get("export", "")
    if export not in EXPORT_FORMATS:
        return None
    wanted = request.GET.get("table", "")
    table = next((table for table in tables if table.slug == wanted), None)
    if table is None:
        return None
    body = table_csv(table) if export == "csv" else table_xlsx(table)
    response = HttpResponse(body, content_type=CONTENT_TYPES[export])
    name = "-".join(slugify(part) for part in (table.slug, *filename_parts) if slugify(part))
    response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
    return response


def export_links(request: HttpRequest, table: Table) -> dict[str, str]:
    """{format: URL}: this page's URL with its filters, plus the export parameters."""
    links = {}
    for export in EXPORT_FORMATS:
        query = request.GET.copy()
        query["export"] = export
        query["table"] = table.slug
        links[export] = f"{request.path}?{query.urlencode()}"
    return links
