"""Full-text indexes over the search tables' `text_*` columns, per database.

SQLite: an FTS5 table per document table (rowid = the document's id), kept in step by
triggers, tokenised by `unicode61 remove_diacritics 2`. A SQLite without FTS5 fails here,
loudly, rather than searching by substring later.

PostgreSQL: a generated `search_vector` column (`simple` configuration: the terms are already
folded and stemmed in Python, see `search.text`) weighted title A, skills B, body D, with a GIN
index.
"""

from django.db import migrations

TABLES = {
    "search_offerdocument": ("search_offer_fts", "offer_id"),
    "search_postingdocument": ("search_posting_fts", "posting_id"),
}
COLUMNS = ("text_title", "text_body", "text_skills")


def _sqlite_statements(table: str, fts: str, key: str) -> list[str]:
    columns = ", ".join(COLUMNS)
    new = ", ".join(f"new.{column}" for column in COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.{key}, {new}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.{key}; END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.{key}; "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.{key}, {new}); END",
        f"INSERT INTO {fts}(rowid, {columns}) SELECT {key}, {columns} FROM {table}",
    ]


def _postgresql_statements(table: str) -> list[str]:
    vector = (
        "setweight(to_tsvector('simple'::regconfig, coalesce(text_title, '')), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, coalesce(text_skills, '')), 'B') || "
        "setweight(to_tsvector('simple'::regconfig, coalesce(text_body, '')), 'D')"
    )
    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({vector}) STORED",
        f"CREATE INDEX {table}_vector ON {table} USING GIN (search_vector)",
    ]


def create_fulltext(apps, schema_editor):
    connection = schema_editor.connection
    for table, (fts, key) in TABLES.items():
        if connection.vendor == "sqlite":
            statements = _sqlite_statements(table, fts, key)
        elif connection.vendor == "postgresql":
            statements = _postgresql_statements(table)
        else:
            raise RuntimeError(f"Search needs SQLite or PostgreSQL, not {connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement)


def drop_fulltext(apps, schema_editor):
    connection = schema_editor.connection
    for table, (fts, _key) in TABLES.items():
        if connection.vendor == "sqlite":
            for suffix in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_fulltext, drop_fulltext)]
