"""Learner search: `catalogue_search` and `posting_search` (see `search.api`), behind one
contract (`search.contract`) that every engine answers.

The entry points are loaded on first use, so importing `search` during app loading (before
the models are ready) stays safe.
"""

_PUBLIC = {
    "catalogue_search": "search.api",
    "posting_search": "search.api",
    "query_params": "search.api",
    "CatalogueQuery": "search.contract",
    "CatalogueResult": "search.contract",
    "PostingQuery": "search.contract",
    "PostingResult": "search.contract",
    "CATALOGUE_FACETS": "search.contract",
    "POSTING_FACETS": "search.contract",
}


def __getattr__(name: str):
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'search' has no attribute {name!r}")


__all__ = sorted(_PUBLIC)
