"""The search engines, by name, and the one configured (`settings.SEARCH_ENGINE`).

An engine module registers itself when imported: it calls `register("<name>", factory)` at
import time, where `factory()` returns an object answering `search.contract.SearchEngine`.
The database engine is imported with this package; the others are listed in `_LOADERS` and
imported by `get_engine("<name>")` on first use, so an engine whose client library is absent
costs nothing until it is configured, and then fails with a clear `ImproperlyConfigured`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.contract import EngineUnavailable, SearchEngine

logger = logging.getLogger(__name__)

DATABASE = "database"

_FACTORIES: dict[str, Callable[[], SearchEngine]] = {}
_INSTANCES: dict[str, SearchEngine] = {}


def register(name: str, factory: Callable[[], SearchEngine]) -> None:
    """Make an engine available under `name` (called by the engine's module on import)."""
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def configured_engine_name() -> str:
    return getattr(settings, "SEARCH_ENGINE", "") or DATABASE


def _load_elasticsearch() -> None:
    from search.engines import elasticsearch  # noqa: F401  (registers itself on import)


# The engines loaded on first use, by name: an engine whose client library is absent costs
# nothing until it is configured.
_LOADERS: dict[str, Callable[[], None]] = {"elasticsearch": _load_elasticsearch}


def get_engine(name: str | None = None) -> SearchEngine:
    """The engine called `name` (default: the configured one), built once per process."""
    name = name or configured_engine_name()
    if name in _INSTANCES:
        return _INSTANCES[name]
    if name not in _FACTORIES:
        loader = _LOADERS.get(name)
        if loader is None:
            raise ImproperlyConfigured(f"SEARCH_ENGINE {name!r} is not an engine name.")
        try:
            loader()
        except ModuleNotFoundError as error:
            raise ImproperlyConfigured(
                f"The search engine {name!r} is configured but cannot be loaded: {error}."
            ) from error
    engine = _FACTORIES[name]()
    _INSTANCES[name] = engine
    return engine


def index_offers_everywhere(*, offer_ids: list[int]) -> None:
    """Tell the configured engine, when it keeps its own index, that these offers changed.
    The database engine's rows are written by `search.services` before this is called."""
    _index_elsewhere("index_offers", offer_ids=offer_ids)


def index_postings_everywhere(*, posting_ids: list[int]) -> None:
    _index_elsewhere("index_postings", posting_ids=posting_ids)


def _index_elsewhere(method: str, **ids) -> None:
    name = configured_engine_name()
    if name == DATABASE:
        return
    try:
        getattr(get_engine(name), method)(**ids)
    except (EngineUnavailable, ImproperlyConfigured) as error:
        # The database rows are in step; the other index catches up at its next rebuild.
        logger.warning("Search engine %s could not index (%s): %s", name, method, error)


from search.engines import database  # noqa: E402, F401  (registers the default engine)
