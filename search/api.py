"""The public entry points of search: views, the JSON endpoint and analytics call only these.

    from search import catalogue_search, CatalogueQuery
    result = catalogue_search(query=CatalogueQuery(text="motion design", filters={...}))

Query understanding runs once, here; then the configured engine answers. When it cannot
(`EngineUnavailable`: unreachable, index missing), the database engine answers instead, a
warning is logged and `result.fallback_reason` says why.
"""

from __future__ import annotations

import dataclasses
import logging

from search.contract import (
    CATALOGUE_FACETS,
    POSTING_FACETS,
    CatalogueQuery,
    CatalogueResult,
    EngineUnavailable,
    PostingQuery,
    PostingResult,
)
from search.engines import DATABASE, configured_engine_name, get_engine
from search.understanding import understand

logger = logging.getLogger(__name__)


def catalogue_search(*, query: CatalogueQuery) -> CatalogueResult:
    """Offers matching the learner's query, ranked, filtered and counted per facet."""
    understanding = understand(query)
    name = configured_engine_name()
    if name != DATABASE:
        try:
            return get_engine(name).catalogue(query=query, understanding=understanding)
        except EngineUnavailable as error:
            reason = f"{name}: {error}"
            logger.warning("Catalogue search fell back to the database engine (%s).", reason)
            result = get_engine(DATABASE).catalogue(query=query, understanding=understanding)
            return dataclasses.replace(result, fallback_reason=reason)
    return get_engine(DATABASE).catalogue(query=query, understanding=understanding)


def posting_search(*, query: PostingQuery) -> PostingResult:
    """Published unique job postings matching the query (advisors and employers)."""
    understanding = understand(query)
    name = configured_engine_name()
    if name != DATABASE:
        try:
            return get_engine(name).postings(query=query, understanding=understanding)
        except EngineUnavailable as error:
            reason = f"{name}: {error}"
            logger.warning("Posting search fell back to the database engine (%s).", reason)
            result = get_engine(DATABASE).postings(query=query, understanding=understanding)
            return dataclasses.replace(result, fallback_reason=reason)
    return get_engine(DATABASE).postings(query=query, understanding=understanding)


def query_params(query: CatalogueQuery) -> dict[str, tuple[str, ...]]:
    """The URL parameters of a catalogue query (suggestions carry these): `q`, `skill`,
    `occupation`, each facet name, `near`, `radius`, `price_min`, `price_max`, `sort`,
    `drop` (removed chips). Defaults are left out; `page` is never kept."""
    params: dict[str, tuple[str, ...]] = {}
    if query.text:
        params["q"] = (query.text,)
    if query.skills:
        params["skill"] = tuple(query.skills)
    if query.occupation:
        params["occupation"] = (query.occupation,)
    for name in CATALOGUE_FACETS:
        values = tuple(str(value) for value in query.filters.get(name, ()) if value)
        if values:
            params[name] = values
    if query.near:
        params["near"] = (query.near,)
        if query.radius_km is not None:
            params["radius"] = (str(query.radius_km),)
    if query.price_min is not None:
        params["price_min"] = (str(query.price_min),)
    if query.price_max is not None:
        params["price_max"] = (str(query.price_max),)
    if query.sort != "relevance":
        params["sort"] = (query.sort,)
    if query.dropped_chips:
        params["drop"] = tuple(query.dropped_chips)
    return params


__all__ = [
    "CATALOGUE_FACETS",
    "POSTING_FACETS",
    "catalogue_search",
    "posting_search",
    "query_params",
]
