"""The Elasticsearch engine: one `FacetedSearch` per catalogue over the documents of
`search/documents.py`, answering the contract of `search/contract.py`.

How a catalogue query becomes a request (the documented cases are checked by
`tests/search/test_elasticsearch_queries.py`):

- **Words** match titles, summaries, descriptions, provider names, editorial keywords and the
  labels of the skills and occupations an offer is linked to, in French (elision, lower case,
  accent folding, light stemming, ESCO and curated synonyms at search time) and through English
  sub-fields. Three `multi_match` clauses, any of which is enough: `best_fields` with every
  word required in one field and `fuzziness: AUTO` (typo tolerance; Elasticsearch skips fuzzy
  expansion on synonym terms), `cross_fields` with every word required across fields, and a
  title/skill phrase for exact wording. The operator is `and` on purpose: Elasticsearch's
  default `or` would rank "gestion de projet" next to any offer that says "de".
- **Understood skills** (`Understanding.boost_skill_ids`) are alternatives to the words: an
  offer that teaches one matches even if it says none of the words, so a search never answers
  "0 résultat" while offers teach the skill. Each adds a `constant_score` (more for a core link).
- **Picked skills**: an offer must teach at least one (a `terms` filter), and one
  `constant_score` clause per picked skill (boost `ASKED_SKILL_BOOST`) ranks offers teaching
  more of them first ("3 of 4"); with `require_all_skills`, one `term` filter per skill.
- **Related skills** (an occupation understood from the words, not picked): its essential
  skills are weak alternatives to the words (`RELATED_SKILL_BOOST`).
- **A goal** (an occupation's essential skills): a filter keeps offers teaching at least one,
  and one `constant_score` clause per essential skill (boost `ASKED_SKILL_BOOST`) makes the
  score grow with the number covered, large enough that coverage orders the results and the
  text score only breaks ties. Which skills a hit covers is read from its `skill_uris` in
  `_source` rather than from named queries: the same answer, with no dependence on which
  clauses Elasticsearch reports for filters.
- **Facets** use `FacetedSearch` as designed: selected values go into `post_filter`, and each
  facet's aggregation sits under a `filter` aggregation holding every *other* facet's filter,
  so counts within a facet stay right under multi-select. Closed facets that depend on today
  (`start`, `schedule`) are `filters` aggregations of nested session queries, so they never go
  stale between rebuilds.
- **Place**: communes carry no coordinates here (providers sometimes do; documents keep them
  as a `geo_point` for later), so distance is approximated by province as the database engine
  does it: the commune's province within `SAME_PROVINCE_KM`, with its neighbours within
  `NEIGHBOURS_KM`, no filter beyond; the result says so in its notes.
- **Removed chips** (`Understanding.excluded_skill_ids`): offers teaching them are left out.

Facet vocabularies, labels, price bands and start buckets are those of `search.facets`, shared
with the database engine, so both answer the same values with the same labels.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError

from search.contract import (
    POSTING_FACETS,
    CatalogueQuery,
    CatalogueResult,
    EngineUnavailable,
    PostingQuery,
    PostingResult,
    SkillRef,
    Understanding,
)
from search.engines import register
from search.engines.elasticsearch.queries import (
    ANY_WORD_NOTE,
    ASKED_SKILL_BOOST,
    ENGINE_NAME,
    FACET_SIZE,
    MAX_PAGE_SIZE,
    PHRASE_FIELDS,
    SKILL_BOOST,
    OfferPlan,
    OfferSearch,
    PostingPlan,
    PostingSearch,
    _known_filters,
    _uris,
    offer_plan,
    skill_refs,
    text_query,
    weighted_fields,
)
from search.engines.elasticsearch.results import (
    catalogue_result,
    goal_path,
    neighbour_skills,
    posting_result,
    skill_count_body,
    skill_suggestions,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ASKED_SKILL_BOOST",
    "FACET_SIZE",
    "SKILL_BOOST",
    "ElasticsearchEngine",
    "IndexStatus",
    "OfferPlan",
    "OfferSearch",
    "PostingPlan",
    "PostingSearch",
    "catalogue_result",
    "elasticsearch_url",
    "goal_path",
    "neighbour_skills",
    "skill_count_body",
    "skill_suggestions",
]


# --- The engine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexStatus:
    """What the admin notice says about one catalogue's index."""

    reachable: bool
    alias: str
    exists: bool = False
    count: int | None = None
    error: str = ""


def elasticsearch_url() -> str:
    return getattr(settings, "ELASTICSEARCH_URL", "") or ""


class ElasticsearchEngine:
    """`search.contract.SearchEngine` on Elasticsearch. Reads go to the aliases
    `<prefix>-offers` and `<prefix>-postings`, which `rebuild_elasticsearch_index` points at a
    freshly built index; any transport failure or a missing alias raises `EngineUnavailable`."""

    name = ENGINE_NAME

    def __init__(
        self,
        *,
        url: str | None = None,
        index_prefix: str | None = None,
        timeout: float | None = None,
        client: Elasticsearch | None = None,
    ):
        self.url = url if url is not None else elasticsearch_url()
        if not self.url and client is None:
            raise EngineUnavailable("ELASTICSEARCH_URL is not set")
        self._index_prefix = index_prefix
        self.timeout = timeout or getattr(settings, "ELASTICSEARCH_TIMEOUT", 5.0)
        # No retries: a search that waits for a dead node is worse than the database answer.
        self.client = client or Elasticsearch(
            self.url, request_timeout=self.timeout, max_retries=0, retry_on_timeout=False
        )

    # Index names ---------------------------------------------------------------------------

    @property
    def index_prefix(self) -> str:
        """The prefix given, else the setting read now: the engine is built once per process
        (`search.engines.get_engine`), and a test suite changes the prefix per test."""
        return self._index_prefix or getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "wake")

    @property
    def offer_alias(self) -> str:
        return f"{self.index_prefix}-offers"

    @property
    def posting_alias(self) -> str:
        return f"{self.index_prefix}-postings"

    # Searching -----------------------------------------------------------------------------

    def offer_search(
        self,
        *,
        query: CatalogueQuery,
        understanding: Understanding,
        skills: dict[int, SkillRef] | None = None,
        today: datetime.date | None = None,
        any_word: bool = False,
    ) -> OfferSearch:
        """The faceted search for `query` (not sent). `skills` maps the understanding's skill
        ids to URIs and labels; looked up in the database when not given."""
        skills = skills if skills is not None else skill_refs(understanding)
        plan = offer_plan(query=query, understanding=understanding, skills=skills)
        plan.any_word = any_word
        return OfferSearch(
            plan=plan,
            index=self.offer_alias,
            today=today or timezone.localdate(),
            using=self.client,
        )

    def catalogue(self, *, query: CatalogueQuery, understanding: Understanding) -> CatalogueResult:
        with translation.override("en" if query.language == "en" else "fr"):
            return self._catalogue(query=query, understanding=understanding)

    def _catalogue(self, *, query: CatalogueQuery, understanding: Understanding) -> CatalogueResult:
        skills = skill_refs(understanding)
        today = timezone.localdate()
        search = self.offer_search(
            query=query, understanding=understanding, skills=skills, today=today
        )
        raw = self._send(index=self.offer_alias, body=search.body())
        notes = []
        if not raw["hits"]["total"]["value"] and self._no_offer_has_every_word(search.plan):
            # As the database engine: rank by any of the words rather than answer nothing.
            search = self.offer_search(
                query=query, understanding=understanding, skills=skills, today=today, any_word=True
            )
            raw = self._send(index=self.offer_alias, body=search.body())
            notes.append(str(ANY_WORD_NOTE))
        path_hits = None
        if search.plan.goal_uris and raw["hits"]["total"]["value"]:
            path_hits = self._send(index=self.offer_alias, body=search.path_body())["hits"]["hits"]
        result = catalogue_result(
            query=query,
            understanding=understanding,
            search=search,
            raw=raw,
            skills=skills,
            today=today,
            path_hits=path_hits,
        )
        if notes:
            result = dataclasses.replace(result, notes=(*notes, *result.notes))
        asked = [*understanding.skill_ids, *understanding.boost_skill_ids]
        if result.total == 0 and asked:
            neighbours = neighbour_skills(asked)
            if neighbours:
                raw = self._send(index=self.offer_alias, body=skill_count_body(neighbours))
                suggestions = skill_suggestions(raw, neighbours=neighbours)
                result = dataclasses.replace(
                    result, suggestions=(*result.suggestions, *suggestions)
                )
        return result

    def postings(self, *, query: PostingQuery, understanding: Understanding) -> PostingResult:
        with translation.override("en" if query.language == "en" else "fr"):
            skills = skill_refs(understanding)
            search = self.posting_search(
                query=query, understanding=understanding, skills=skills, today=timezone.localdate()
            )
            raw = self._send(index=self.posting_alias, body=search.body())
            return posting_result(
                query=query, understanding=understanding, search=search, raw=raw, skills=skills
            )

    def posting_search(
        self,
        *,
        query: PostingQuery,
        understanding: Understanding,
        skills: dict[int, SkillRef] | None = None,
        today: datetime.date | None = None,
    ) -> PostingSearch:
        skills = skills if skills is not None else skill_refs(understanding)
        plan = PostingPlan(
            text=(understanding.terms or query.text).strip(),
            language=query.language,
            required_uris=_uris(understanding.skill_ids, skills) or tuple(query.skills),
            boost_uris=_uris(understanding.boost_skill_ids, skills),
            occupation_uri=query.occupation,
            filters=_known_filters(query.filters, POSTING_FACETS),
            posted_since=query.posted_since,
            sort=query.sort,
            page=max(query.page, 1),
            page_size=max(1, min(query.page_size, MAX_PAGE_SIZE)),
        )
        return PostingSearch(
            plan=plan,
            index=self.posting_alias,
            today=today or timezone.localdate(),
            using=self.client,
        )

    def _no_offer_has_every_word(self, plan: OfferPlan) -> bool:
        """True when the words are several and no offer at all (whatever the filters) holds
        every one of them."""
        if len(plan.text.split()) < 2:
            return False
        body = {
            "size": 0,
            "track_total_hits": 1,
            "query": text_query(
                plan.text, fields=weighted_fields(plan.language), phrase_fields=PHRASE_FIELDS
            ).to_dict(),
        }
        return not self._send(index=self.offer_alias, body=body)["hits"]["total"]["value"]

    def _send(self, *, index: str, body: dict) -> dict:
        try:
            response = self.client.search(index=index, body=body)
        except NotFoundError as error:
            raise EngineUnavailable(f"index {index} is missing; rebuild it") from error
        except (TransportError, ApiError) as error:
            raise EngineUnavailable(f"Elasticsearch at {self.url} failed: {error}") from error
        return response.body if hasattr(response, "body") else dict(response)

    # Indexing ------------------------------------------------------------------------------

    def index_offers(self, *, offer_ids: list[int]) -> None:
        from search.documents import offer_sources

        self._sync(
            alias=self.offer_alias,
            ids=offer_ids,
            sources=offer_sources(offer_ids),
            id_field="offer_id",
        )

    def index_postings(self, *, posting_ids: list[int]) -> None:
        from search.documents import posting_sources

        self._sync(
            alias=self.posting_alias,
            ids=posting_ids,
            sources=posting_sources(posting_ids),
            id_field="posting_id",
        )

    def _sync(self, *, alias: str, ids: list[int], sources, id_field: str) -> None:
        """Index the documents still public, delete the others (absent ones are no error)."""
        from elasticsearch.helpers import bulk

        if not ids:
            return
        actions = []
        present = set()
        for source in sources:
            present.add(source[id_field])
            actions.append({"_op_type": "index", "_id": source[id_field], "_source": source})
        for missing in sorted(set(ids) - present):
            actions.append({"_op_type": "delete", "_id": missing})
        try:
            if not self.client.indices.exists_alias(name=alias):
                raise EngineUnavailable(f"alias {alias} is missing; rebuild the index")
            _ok, errors = bulk(
                self.client, actions, index=alias, refresh="wait_for", raise_on_error=False
            )
        except (TransportError, ApiError) as error:
            raise EngineUnavailable(f"Elasticsearch at {self.url} failed: {error}") from error
        # Deleting a document that was never indexed is no error; anything else is a bug (a
        # field the strict mapping refuses): logged, the next rebuild would fail loudly on it.
        failures = [
            item
            for item in errors
            if not (item.get("delete", {}).get("status") == 404 and "delete" in item)
        ]
        if failures:
            logger.error("Elasticsearch refused %d documents: %s", len(failures), failures[:3])

    # Health --------------------------------------------------------------------------------

    def status(self) -> list[IndexStatus]:
        """One status per catalogue alias; never raises."""
        statuses = []
        failure = ""
        for alias in (self.offer_alias, self.posting_alias):
            if failure:
                # One unreachable server is enough: do not wait for the timeout twice.
                statuses.append(IndexStatus(reachable=False, alias=alias, error=failure))
                continue
            try:
                exists = bool(self.client.indices.exists_alias(name=alias))
                count = self.client.count(index=alias)["count"] if exists else None
            except (TransportError, ApiError) as error:
                failure = str(error)
                statuses.append(IndexStatus(reachable=False, alias=alias, error=failure))
                continue
            statuses.append(IndexStatus(reachable=True, alias=alias, exists=exists, count=count))
        return statuses


register(ElasticsearchEngine.name, ElasticsearchEngine)
