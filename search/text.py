"""Words as the full-text index sees them: folded, stop words dropped, stemmed per language.

Stemming happens here, in Python, before indexing and before querying, with the extractor's
own normalisers (Snowball French and English, short words and tool names left whole), so
SQLite's FTS5 and PostgreSQL's `tsvector` index the very same terms: both engines then only
split on spaces (FTS5's `unicode61 remove_diacritics 2`, PostgreSQL's `simple`
configuration). French text is stemmed as French and English labels as English; a query word
is looked up under both stems, since a learner may type either language.
"""

from __future__ import annotations

import re
from functools import cache

from skills.extraction.text import Normaliser

# FTS5's tokenizer would split "c++" and "c#" on the symbols: spell them as words.
_SYMBOLS = (("++", "pp"), ("+", "plus"), ("#", "sharp"))
_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_QUERY_WORDS = 12


@cache
def _normaliser(language: str) -> Normaliser:
    return Normaliser(language)


def _safe(term: str) -> str:
    for symbol, word in _SYMBOLS:
        term = term.replace(symbol, word)
    return _UNSAFE.sub("", term)


def index_terms(text: str, *, language: str = "fr") -> str:
    """`text` as a space-separated string of index terms in `language` ("fr" or "en")."""
    if not text:
        return ""
    terms = (_safe(term) for term in _normaliser(language).terms(text))
    return " ".join(term for term in terms if term)


def query_words(text: str) -> list[tuple[str, ...]]:
    """The query's content words, each as its distinct index terms (French stem, English
    stem): a document matches a word when it holds any of them. A stop word of either language
    is dropped. At most `MAX_QUERY_WORDS`."""
    french = _normaliser("fr").tokens(text or "")
    english = {token.start: token.norm for token in _normaliser("en").tokens(text or "")}
    words: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for token in french:
        other = english.get(token.start)
        if other is None:
            continue  # an English stop word ("the", "of"): queries mix both languages
        forms = [_safe(token.norm), _safe(other)]
        key = tuple(dict.fromkeys(form for form in forms if form))
        if key and key not in seen:
            seen.add(key)
            words.append(key)
    return words[:MAX_QUERY_WORDS]
