"""Fast writes of result rows: COPY on PostgreSQL, one `executemany` per batch on SQLite, past
the ORM's per-object work.

Result rows are plain values computed from aggregated cells (tens of thousands of them at most);
building a model instance per row, as `bulk_create` does, costs more than the computation, and
an INSERT per row costs a round trip to PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction

BATCH = 5000


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (value tuples in the order of `columns`, model field names) into `model`'s
    table; JSON fields take Python values. Returns the number of rows written."""
    fields = [model._meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    placeholders = []
    json_positions = []
    for position, field in enumerate(fields):
        if isinstance(field, models.JSONField):
            json_positions.append(position)
            placeholders.append("CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s")
        else:
            placeholders.append("%s")
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(placeholders)})"
    )
    if connection.vendor == "postgresql":
        return _copy_rows(model, fields, json_positions, rows)
    written = 0
    batch: list[list] = []
    # One transaction: in autocommit mode every row would be its own commit (a disk sync each).
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for position in json_positions:
                values[position] = json.dumps(values[position])
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _copy_rows(model, fields, json_positions: list[int], rows: Iterable[Sequence]) -> int:
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
    )
    written = 0
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = list(row)
            for position in json_positions:
                values[position] = json.dumps(values[position])
            copy.write_row(values)
            written += 1
    return written
