"""Typo tolerance of the database engine: a query word that matches no indexed offer is
looked up among the indexed terms (`search.models.SearchTerm`, the titles' and skill labels'
terms) and replaced by the closest ones.

Distance is the optimal string alignment distance (an insertion, deletion, substitution or
swap of two neighbours counts one: "pyhton" is one from "python"), at most 1 for words of
5 to 7 letters and 2 from 8 letters; shorter words are left alone (too many neighbours).
PostgreSQL shortlists terms by trigram similarity (`pg_trgm`, GIN index of migration 0004),
SQLite reads the term table once per search generation; both then keep the terms at the
smallest distance.
"""

from __future__ import annotations

import threading

from django.db import connection, transaction
from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5
LONG_WORD = 8
MAX_CORRECTIONS = 3
# Trigram similarity below which PostgreSQL does not shortlist a term: "pyhton" and "python"
# share 3 of 11 trigrams (0.27), under pg_trgm's default 0.3.
TRIGRAM_THRESHOLD = 0.2
TRIGRAM_SHORTLIST = 50

_lock = threading.Lock()
_vocabularies: dict[str, tuple[tuple, list[str]]] = {}


def max_distance(word: str) -> int:
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) < LONG_WORD else 2


def corrections(word: str) -> list[str]:
    """The indexed terms closest to `word` within its typo distance (at most
    `MAX_CORRECTIONS`, alphabetical among equals), none when `word` is short."""
    limit = max_distance(word)
    if not limit:
        return []
    found = process.extract(
        word,
        _shortlist(word),
        scorer=OSA.distance,
        score_cutoff=limit,
        limit=None,
    )
    found = [(term, distance) for term, distance, _index in found if term != word]
    if not found:
        return []
    best = min(distance for _term, distance in found)
    return sorted(term for term, distance in found if distance == best)[:MAX_CORRECTIONS]


def _shortlist(word: str) -> list[str]:
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                [str(TRIGRAM_THRESHOLD)],
            )
            cursor.execute(
                "SELECT term FROM search_searchterm WHERE term %% %s "
                f"ORDER BY similarity(term, %s) DESC, term LIMIT {TRIGRAM_SHORTLIST}",
                [word, word],
            )
            return [row[0] for row in cursor.fetchall()]
    return _vocabulary()


def _vocabulary() -> list[str]:
    """Every indexed term, read once per process and search generation."""
    from search.services import current_generation

    key = (connection.settings_dict.get("NAME"), current_generation())
    cached = _vocabularies.get(connection.alias)
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock, connection.cursor() as cursor:
        cursor.execute("SELECT term FROM search_searchterm")
        terms = [row[0] for row in cursor.fetchall()]
    _vocabularies[connection.alias] = (key, terms)
    return terms
