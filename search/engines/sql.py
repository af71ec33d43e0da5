"""SQL pieces of the database engine that differ between SQLite and PostgreSQL: full-text
matching and ranking. Everything else the engine writes is portable SQL.

Both vendors match the same folded, stemmed terms (`search.text`); every query word may end
a longer indexed term (prefix match: "dev" finds "developp…", "web" finds "webdesign"),
and all words must match unless the caller asks for any.
"""

from __future__ import annotations

from django.db import connection

# FTS5 column weights (text_title, text_body, text_skills) and the PostgreSQL equivalents,
# set by `setweight` in migration 0002: title A, skills B, body D.
BM25_WEIGHTS = "10.0, 1.0, 4.0"
PG_RANK_WEIGHTS = "{0.1, 0.0, 0.4, 1.0}"  # D, C, B, A
# The text ranking keeps at most this many best matches: beyond them the ranking is noise,
# and it bounds the work of a very common word.
MAX_TEXT_CANDIDATES = 5000


def vendor() -> str:
    return connection.vendor


def match_expression(words: list[tuple[str, ...]], *, any_word: bool = False) -> str:
    """The vendor's full-text query for `words` (each a tuple of alternative terms)."""
    if vendor() == "postgresql":
        groups = ["(" + " | ".join(f"{term}:*" for term in forms) + ")" for forms in words]
        return (" | " if any_word else " & ").join(groups)
    groups = ["(" + " OR ".join(f'"{term}"*' for term in forms) + ")" for forms in words]
    return (" OR " if any_word else " AND ").join(groups)


def text_hits_sql(table: str, key: str) -> str:
    """SELECT doc_id, rank (higher is better, normalised to (0, 1]) of the documents of
    `table` matching the one parameter (a `match_expression`)."""
    if vendor() == "postgresql":
        return (
            f"SELECT doc_id, rank / NULLIF(MAX(rank) OVER (), 0) AS rank FROM ("
            f"SELECT {key} AS doc_id, ts_rank(search_vector, q, 1) AS rank "
            f"FROM {table}, to_tsquery('simple', %s) AS q WHERE search_vector @@ q "
            f"ORDER BY rank DESC LIMIT {MAX_TEXT_CANDIDATES}) AS ranked"
        )
    fts = {
        "search_offerdocument": "search_offer_fts",
        "search_postingdocument": "search_posting_fts",
    }[table]
    return (
        f"SELECT doc_id, rank / NULLIF(MAX(rank) OVER (), 0) AS rank FROM ("
        f"SELECT rowid AS doc_id, -bm25({fts}, {BM25_WEIGHTS}) AS rank FROM {fts} "
        f"WHERE {fts} MATCH %s ORDER BY rank DESC LIMIT {MAX_TEXT_CANDIDATES}) AS ranked"
    )


def text_exists_sql(table: str, key: str) -> str:
    if vendor() == "postgresql":
        return f"SELECT 1 FROM {table} WHERE search_vector @@ to_tsquery('simple', %s) LIMIT 1"
    fts = {
        "search_offerdocument": "search_offer_fts",
        "search_postingdocument": "search_posting_fts",
    }[table]
    return f"SELECT 1 FROM {fts} WHERE {fts} MATCH %s LIMIT 1"


def true() -> str:
    return "TRUE" if vendor() == "postgresql" else "1"


def false() -> str:
    return "FALSE" if vendor() == "postgresql" else "0"
