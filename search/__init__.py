"""Learner search: `catalogue_search` and `posting_search` (see `search.api`), behind one
contract (`search.contract`) that every engine answers.

The contract is plain data and imported at once; the entry points are loaded on first use, so
importing `search` during app loading (before the models are ready) stays safe.
"""

from search.contract import (
    CATALOGUE_FACETS,
    POSTING_FACETS,
    CatalogueQuery,
    CatalogueResult,
    PostingQuery,
    PostingResult,
)

_ENTRY_POINTS = ("catalogue_search", "posting_search", "query_params")


def __getattr__(name: str):
    if name in _ENTRY_POINTS:
        from search import api

        return getattr(api, name)
    raise AttributeError(f"module 'search' has no attribute {name!r}")


__all__ = [
    "CATALOGUE_FACETS",
    "POSTING_FACETS",
    "CatalogueQuery",
    "CatalogueResult",
    "PostingQuery",
    "PostingResult",
    "catalogue_search",
    "posting_search",
    "query_params",
]
