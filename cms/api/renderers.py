"""CSV for every list endpoint (`?format=csv` or `Accept: text/csv`): one row per item, the
columns of the JSON with nested values as JSON text, cells safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import json

from rest_framework.renderers import BaseRenderer

from core.tabular import spreadsheet_cell


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return spreadsheet_cell(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_cell(str(value))
