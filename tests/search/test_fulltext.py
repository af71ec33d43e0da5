"""The full-text index exists on the database in use: SQLite's FTS5 table or PostgreSQL's
generated `tsvector`, never a silent fallback to substring search."""

from __future__ import annotations

import pytest
from django.db import connection

from search.text import index_terms, query_words

pytestmark = pytest.mark.django_db


def test_the_full_text_index_was_created():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'search_offer_fts' AND type = 'table'"
            )
            (sql,) = cursor.fetchone()
            assert "fts5" in sql.lower() and "remove_diacritics 2" in sql
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'search_offerdocument'"
            )
            assert cursor.fetchone()[0] == 3
        else:
            cursor.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'search_offerdocument' AND column_name = 'search_vector'"
            )
            assert cursor.fetchone()[0] == "tsvector"


def test_terms_are_folded_and_stemmed_the_same_for_documents_and_queries():
    indexed = index_terms("Développeuses d'applications : la modélisation 3D, C++ et C#")
    assert indexed.split() == ["developp", "appliqu", "modelis", "3d", "cpp", "csharp"]
    assert query_words("modélisations 3D") == [("modelis",), ("3d",)]
    # Stop words of either language never become required words.
    assert query_words("the gestion de projet") == [("gestion",), ("projet",)]
