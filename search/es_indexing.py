"""Elasticsearch index lifecycle: full rebuilds behind an alias, and incremental updates after
commit.

A rebuild never touches what searches read until the new index is proven complete: it creates
`<alias>-<timestamp>` with the current analyzers and synonyms, bulk-loads every document from
the database, refreshes, and compares the index's count with the number of documents the
database has. Only then does one `_aliases` request move the alias from the old indices to the
new one (atomic: a search sees the old index or the new, never none), and the old indices are
deleted. A failed check deletes the new index and leaves the alias where it was.

Between rebuilds, `search.tasks` (after commit, on publish, unpublish and link changes) calls
`ElasticsearchEngine.index_offers` / `index_postings` through `search.engines`. Updates made
while a rebuild runs go to the old index through the alias and may be missing from the new one;
the next change to those offers, or the next rebuild, brings them back.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from search.analysis import skill_synonym_rules
from search.contract import EngineUnavailable
from search.documents import (
    OfferDocument,
    PostingDocument,
    build_index,
    linked_skill_ids,
    offer_count,
    offer_sources,
    posting_count,
    posting_sources,
)

logger = logging.getLogger(__name__)

CATALOGUES = ("offers", "postings")


class RebuildFailed(Exception):
    """The new index did not hold what the database has; the alias was not moved."""


@dataclass
class RebuildReport:
    catalogue: str
    alias: str
    index: str
    expected: int
    indexed: int
    synonym_rules: dict[str, int] = field(default_factory=dict)
    deleted_indices: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class CatalogueSpec:
    document: type
    id_field: str
    sources: Callable[[], Iterable[dict]]
    count: Callable[[], int]


SPECS = {
    "offers": CatalogueSpec(OfferDocument, "offer_id", offer_sources, offer_count),
    "postings": CatalogueSpec(PostingDocument, "posting_id", posting_sources, posting_count),
}


def new_index_name(alias: str, *, now: datetime.datetime | None = None) -> str:
    """`<alias>-YYYYmmddHHMMSSffffff`: sortable, and unique even for two rebuilds a second
    apart."""
    now = now or datetime.datetime.now(datetime.UTC)
    return f"{alias}-{now:%Y%m%d%H%M%S%f}"


def index_definition(*, name: str, catalogue: str, skill_ids: Iterable[int] | None = None):
    """The index (settings, analyzers with synonyms, mapping) a rebuild of `catalogue` creates."""
    skill_ids = linked_skill_ids() if skill_ids is None else set(skill_ids)
    return build_index(
        name=name,
        document=SPECS[catalogue].document,
        synonyms_fr=skill_synonym_rules(skill_ids=skill_ids, language="fr"),
        synonyms_en=skill_synonym_rules(skill_ids=skill_ids, language="en"),
    )


def _actions(sources: Iterable[dict], *, index: str, id_field: str) -> Iterator[dict]:
    for source in sources:
        yield {"_index": index, "_id": source[id_field], "_source": source}


def rebuild_index(
    engine, *, catalogue: str, keep_old: bool = False, chunk_size: int = 500, progress=None
) -> RebuildReport:
    """Build a new index for `catalogue` ("offers" or "postings") and swap `engine`'s alias to
    it after the count check (see the module docstring). `progress(done)` is called as
    documents are loaded. Raises `RebuildFailed` (alias untouched) or `EngineUnavailable`."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError
    from elasticsearch.helpers import streaming_bulk

    spec = SPECS[catalogue]
    alias = engine.offer_alias if catalogue == "offers" else engine.posting_alias
    client = engine.client
    started = time.monotonic()
    name = new_index_name(alias)
    definition = index_definition(name=name, catalogue=catalogue)
    synonyms = definition.to_dict()["settings"]["analysis"]["filter"]
    report = RebuildReport(
        catalogue=catalogue,
        alias=alias,
        index=name,
        expected=spec.count(),
        indexed=0,
        synonym_rules={
            key: len(value.get("synonyms", []))
            for key, value in synonyms.items()
            if value.get("type") == "synonym_graph"
        },
    )
    try:
        definition.create(using=client)
        try:
            # Bulk loading is faster without refreshes; one refresh at the end.
            client.indices.put_settings(index=name, settings={"refresh_interval": "-1"})
            failures = []
            for ok, item in streaming_bulk(
                client,
                _actions(spec.sources(), index=name, id_field=spec.id_field),
                chunk_size=chunk_size,
                raise_on_error=False,
            ):
                if ok:
                    report.indexed += 1
                    if progress and report.indexed % chunk_size == 0:
                        progress(report.indexed)
                else:
                    failures.append(item)
            client.indices.put_settings(index=name, settings={"refresh_interval": None})
            client.indices.refresh(index=name)
            in_index = client.count(index=name)["count"]
            if failures or in_index != report.expected or report.indexed != report.expected:
                raise RebuildFailed(
                    f"{name}: the database has {report.expected} {catalogue}, "
                    f"{report.indexed} were loaded and the index counts {in_index}"
                    + (f"; first failure: {failures[0]}" if failures else "")
                )
        except BaseException:
            client.indices.delete(index=name, ignore_unavailable=True)
            raise
        old = _indices_behind(client, alias)
        actions = [{"remove": {"index": index, "alias": alias}} for index in old]
        actions.append({"add": {"index": name, "alias": alias}})
        client.indices.update_aliases(actions=actions)
        if not keep_old:
            for index in old:
                client.indices.delete(index=index, ignore_unavailable=True)
            report.deleted_indices = old
    except (TransportError, ApiError) as error:
        raise EngineUnavailable(f"Elasticsearch failed during the rebuild: {error}") from error
    report.seconds = time.monotonic() - started
    return report


def _indices_behind(client, alias: str) -> list[str]:
    """The indices `alias` points at now (none on a first rebuild)."""
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias).body)


# --- Whole catalogues ---------------------------------------------------------------------------


def rebuild_all(engine=None, **options) -> list[RebuildReport]:
    """Rebuild both catalogues (the command's default; also what a test suite calls after
    creating its data, with a test-only `ELASTICSEARCH_INDEX_PREFIX`)."""
    from search.engines.elasticsearch import ElasticsearchEngine

    engine = engine or ElasticsearchEngine()
    return [rebuild_index(engine, catalogue=catalogue, **options) for catalogue in CATALOGUES]


def delete_indices(engine) -> None:
    """Delete every index under `engine`'s prefix (test clean-up; never used on a live site)."""
    engine.client.indices.delete(index=f"{engine.index_prefix}-*", ignore_unavailable=True)
