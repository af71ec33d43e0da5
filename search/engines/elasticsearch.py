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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.dsl import FacetedSearch, Q, TermsFacet
from elasticsearch.dsl.faceted_search_base import Facet as DslFacet
from elasticsearch.dsl.faceted_search_base import FacetedResponse

from search import facets as vocabulary
from search.contract import (
    CATALOGUE_FACETS,
    POSTING_FACETS,
    CatalogueQuery,
    CatalogueResult,
    EngineUnavailable,
    Facet,
    FacetValue,
    OfferHit,
    PostingHit,
    PostingQuery,
    PostingResult,
    SkillRef,
    Suggestion,
    Understanding,
)
from search.documents import OfferDocument, PostingDocument
from search.engines import register

logger = logging.getLogger(__name__)

SKILL_BOOST = 4.0  # an understood skill taught by the offer
CORE_SKILL_BOOST = 2.0  # ... and taught as a core skill
RELATED_SKILL_BOOST = 1.0  # an essential skill of an occupation understood from the words
ASKED_SKILL_BOOST = 100.0  # one picked skill, or one essential skill of the goal, covered
# The database engine's distance approximation (`search.engines.database`).
SAME_PROVINCE_KM = 30
NEIGHBOURS_KM = 80
FACET_SIZE = 50  # no facet has more values; Elasticsearch would return 10 buckets otherwise
PATH_WINDOW = 50  # how many best goal hits the path of two or three offers is chosen from
PATH_LENGTH = 3
MAX_WINDOW = 10_000  # `index.max_result_window`
MAX_PAGE_SIZE = 100
ANY_WORD_NOTE = _("No offer contains every word; offers with some of them are shown.")

FRENCH_FIELDS = {
    "title": 5,
    "keywords": 3,
    "skill_labels_fr": 3,
    "occupation_labels_fr": 2,
    "summary": 2,
    "provider": 2,
    "plain_language_summary": 1,
    "description": 1,
    "prerequisites": 0.5,
}
ENGLISH_FIELDS = {
    "title.en": 3,
    "keywords.en": 2,
    "skill_labels_en": 3,
    "occupation_labels_en": 2,
    "summary.en": 1,
    "description.en": 0.5,
}
PHRASE_FIELDS = ["title^2", "skill_labels_fr", "skill_labels_en"]
POSTING_FIELDS = {
    "title": 5,
    "skill_labels_fr": 3,
    "occupation_labels_fr": 3,
    "employer": 2,
    "description": 1,
    "title.en": 2,
    "skill_labels_en": 2,
    "occupation_labels_en": 2,
    "description.en": 0.5,
}


def weighted_fields(language: str) -> list[str]:
    """`field^boost` for the text query: the interface language's fields weigh more."""
    primary, secondary = (
        (ENGLISH_FIELDS, FRENCH_FIELDS) if language == "en" else (FRENCH_FIELDS, ENGLISH_FIELDS)
    )
    fields = {name: boost * 2 for name, boost in primary.items()}
    fields.update({name: boost for name, boost in secondary.items()})
    return [f"{name}^{boost:g}" for name, boost in fields.items()]


def text_query(text: str, *, fields: list[str], phrase_fields: list[str], operator: str = "and"):
    """Words, typo-tolerant, every word required (see the module docstring); `operator="or"`
    when no offer holds every word."""
    return Q(
        "bool",
        should=[
            Q(
                "multi_match",
                query=text,
                type="best_fields",
                fields=fields,
                operator=operator,
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=50,
                tie_breaker=0.3,
            ),
            Q("multi_match", query=text, type="cross_fields", fields=fields, operator=operator),
            Q("multi_match", query=text, type="phrase", fields=phrase_fields, boost=2),
        ],
        minimum_should_match=1,
    )


def skill_clause(uri: str, *, boost: float, field_name: str = "skill_uris"):
    return Q("constant_score", filter=Q("term", **{field_name: uri}), boost=boost)


# --- Facets ------------------------------------------------------------------------------------


class FiltersFacet(DslFacet):
    """A facet whose values are named queries (a `filters` aggregation), for values computed
    at query time. Unknown values are ignored rather than failing the search."""

    agg_type = "filters"

    def __init__(self, queries: dict[str, Any]):
        self._queries = queries
        super().__init__(filters=queries)

    def add_filter(self, filter_values):
        known = [value for value in filter_values if value in self._queries]
        if not known:
            return None
        combined = self._queries[known[0]]
        for value in known[1:]:
            combined |= self._queries[value]
        return combined

    def get_value_filter(self, filter_value):
        return self._queries[filter_value]

    def get_values(self, data, filter_values):
        buckets = data["buckets"]
        return [
            (name, buckets[name]["doc_count"], name in filter_values)
            for name in self._queries
            if name in buckets
        ]


def future_sessions(today: datetime.date):
    """Sessions that start today or later and are still open: what "next session" means."""
    return Q(
        "bool",
        filter=[
            Q("range", sessions__start_date={"gte": today.isoformat()}),
            Q("term", sessions__status="open"),
        ],
    )


def start_buckets(today: datetime.date) -> dict[str, Any]:
    """Next open session: this month, within three months (after this month), later, or
    none; the bounds are `search.facets.start_bounds`."""
    next_month, three_months = vocabulary.start_bounds(today)
    three_months = max(three_months, next_month)

    def starting(lower: datetime.date, upper: datetime.date | None):
        window = {"gte": lower.isoformat()}
        if upper is not None:
            window["lt"] = upper.isoformat()
        return Q(
            "nested",
            path="sessions",
            query=Q(
                "bool",
                filter=[
                    Q("range", sessions__start_date=window),
                    Q("term", sessions__status="open"),
                ],
            ),
        )

    buckets = {
        "this-month": starting(today, next_month),
        "three-months": starting(next_month, three_months),
        "later": starting(three_months, None),
        "none": ~Q("nested", path="sessions", query=future_sessions(today)),
    }
    return {name: buckets[name] for name in vocabulary.START_BUCKETS}


def schedule_buckets(today: datetime.date) -> dict[str, Any]:
    """The schedule of any future session that is not cancelled (open or full)."""
    return {
        value: Q(
            "nested",
            path="sessions",
            query=Q(
                "bool",
                filter=[
                    Q("range", sessions__start_date={"gte": today.isoformat()}),
                    Q("term", sessions__schedule=value),
                ],
                must_not=[Q("term", sessions__status="cancelled")],
            ),
        )
        for value in vocabulary.SCHEDULES
    }


def offer_facets(today: datetime.date) -> dict[str, DslFacet]:
    def terms(field_name: str) -> TermsFacet:
        return TermsFacet(field=field_name, size=FACET_SIZE)

    return {
        "province": terms("provinces"),
        "modality": terms("modality"),
        "format": terms("format"),
        "price": terms("price_band"),
        "funding": terms("funding"),
        "audience": terms("audiences"),
        "level": terms("eqf_level"),
        "language": terms("languages"),
        "provider_kind": terms("provider_kind"),
        "start": FiltersFacet(start_buckets(today)),
        "schedule": FiltersFacet(schedule_buckets(today)),
        "certification": terms("certification"),
    }


POSTED_DAYS = (("week", 7), ("month", 30), ("quarter", 91))


def posted_buckets(today: datetime.date) -> dict[str, Any]:
    """Posted in the last 7 days, 30 days (before those 7), 3 months, or earlier (or
    undated), as the database engine counts them."""
    buckets = {}
    upper = None
    for name, days in POSTED_DAYS:
        window = {"gte": (today - datetime.timedelta(days=days)).isoformat()}
        if upper is not None:
            window["lt"] = upper
        buckets[name] = Q("range", posted=window)
        upper = window["gte"]
    buckets["older"] = Q("range", posted={"lt": upper}) | ~Q("exists", field="posted")
    return buckets


def posting_facets(today: datetime.date) -> dict[str, DslFacet]:
    return {
        "province": TermsFacet(field="province", size=FACET_SIZE),
        "contract": TermsFacet(field="contract", size=FACET_SIZE),
        "working_time": TermsFacet(field="working_time", size=FACET_SIZE),
        "posted": FiltersFacet(posted_buckets(today)),
    }


def facet_labels() -> dict[str, tuple[str, dict[str, Any]]]:
    """Facet name -> (label, {value: label}) in display order: the vocabularies and labels of
    `search.facets` (shared with the database engine), funding schemes from the database."""
    from courses.models import FundingScheme
    from jobs.models import JobPosting
    from search.engines.database_postings import POSTED_LABELS, POSTING_FACET_LABELS

    values = {**vocabulary.single_value_labels(), **vocabulary.multi_value_labels()}
    values["funding"] = dict(FundingScheme.objects.values_list("slug", "name"))
    labels = {name: (vocabulary.FACET_LABELS[name], values[name]) for name in CATALOGUE_FACETS}
    postings = {
        "province": values["province"],
        "contract": {v: label for v, label in JobPosting.ContractType.choices if v},
        "working_time": {v: label for v, label in JobPosting.WorkingTime.choices if v},
        "posted": POSTED_LABELS,
    }
    labels.update(
        {f"posting:{name}": (POSTING_FACET_LABELS[name], postings[name]) for name in postings}
    )
    return labels


def facets_from_response(
    response: FacetedResponse,
    *,
    names: tuple[str, ...],
    selected: dict[str, tuple[str, ...]],
    prefix: str = "",
) -> tuple[Facet, ...]:
    """Contract facets from a faceted response, values in vocabulary order, those with no
    offer left out unless selected (so a selection can always be undone)."""
    labels = facet_labels()
    facets = []
    for name in names:
        facet_label, value_labels = labels[prefix + name]
        counts = {str(key): count for key, count, _selected in response.facets[name]}
        chosen = {str(value) for value in selected.get(name, ()) if value}
        order = [*value_labels, *sorted(counts.keys() - value_labels.keys())]
        facets.append(
            Facet(
                name=name,
                label=str(facet_label),
                values=tuple(
                    FacetValue(
                        value=value,
                        label=str(value_labels.get(value, value)),
                        count=counts.get(value, 0),
                        selected=value in chosen,
                    )
                    for value in order
                    if counts.get(value, 0) or value in chosen
                ),
            )
        )
    return tuple(facets)


# --- Faceted searches --------------------------------------------------------------------------


@dataclass
class OfferPlan:
    """A catalogue query resolved to what the request needs: URIs instead of ids."""

    text: str = ""
    language: str = "fr"
    picked_uris: tuple[str, ...] = ()
    require_all: bool = False
    boost_uris: tuple[str, ...] = ()
    related_uris: tuple[str, ...] = ()
    goal_uris: tuple[str, ...] = ()
    excluded_uris: tuple[str, ...] = ()
    any_word: bool = False  # no offer holds every word: rank those with some of them
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    provinces_near: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


class OfferSearch(FacetedSearch):
    """The offer catalogue: words, skills and goal in the query and hard filters; the learner's
    facet choices in the post filter (see the module docstring)."""

    doc_types = [OfferDocument]

    def __init__(self, *, plan: OfferPlan, index: str, today: datetime.date, using=None):
        self.index = index
        self.using = using or "default"
        self.plan = plan
        self.today = today
        self.facets = offer_facets(today)
        filters = {name: list(values) for name, values in plan.filters.items() if values}
        super().__init__(query=plan.text, filters=filters, sort=self.sort_clauses())
        start = (max(plan.page, 1) - 1) * plan.page_size
        start = min(start, MAX_WINDOW - plan.page_size)
        self._s = self._s[start : start + plan.page_size]

    def search(self):
        search = super().search().extra(track_total_hits=True)
        # The long texts are for matching only: hits do not need them back.
        search = search.source(
            excludes=["description", "prerequisites", "plain_language_summary", "*_labels_*"]
        )
        for hard_filter in self.hard_filters():
            search = search.filter(hard_filter)
        for excluded in self.excluded():
            search = search.exclude(excluded)
        return search

    def hard_filters(self) -> list:
        """Filters that are not facets: they narrow hits and every facet's counts alike."""
        plan = self.plan
        if plan.require_all:
            filters = [Q("term", skill_uris=uri) for uri in plan.picked_uris]
        elif plan.picked_uris:
            filters = [Q("terms", skill_uris=list(plan.picked_uris))]
        else:
            filters = []
        if plan.goal_uris:
            filters.append(Q("terms", skill_uris=list(plan.goal_uris)))
        if plan.provinces_near:
            filters.append(Q("terms", provinces=list(plan.provinces_near)))
        price = {}
        # A free offer's price is 0: within any maximum, below any positive minimum.
        if plan.price_min is not None and plan.price_min > 0:
            price["gte"] = float(plan.price_min)
        if plan.price_max is not None:
            price["lte"] = float(plan.price_max)
        if price:
            filters.append(Q("range", price=price))
        return filters

    def excluded(self) -> list:
        """The skills of chips the learner removed: offers teaching them are left out."""
        if not self.plan.excluded_uris:
            return []
        return [Q("terms", skill_uris=list(self.plan.excluded_uris))]

    def query(self, search, query):
        plan = self.plan
        alternatives = []
        if plan.text.strip():
            alternatives.append(
                text_query(
                    plan.text,
                    fields=weighted_fields(plan.language),
                    phrase_fields=PHRASE_FIELDS,
                    operator="or" if plan.any_word else "and",
                )
            )
        for uri in plan.boost_uris:
            alternatives.append(skill_clause(uri, boost=SKILL_BOOST))
            alternatives.append(
                skill_clause(uri, boost=CORE_SKILL_BOOST, field_name="core_skill_uris")
            )
        asked = dict.fromkeys([*plan.picked_uris, *plan.goal_uris])
        scoring = [skill_clause(uri, boost=ASKED_SKILL_BOOST) for uri in asked]
        if alternatives:
            # Related skills only rank what words or understood skills found: alone they would
            # list every offer teaching a generic essential skill.
            scoring += [skill_clause(uri, boost=RELATED_SKILL_BOOST) for uri in plan.related_uris]
        if not alternatives and not scoring:
            return search
        clauses: dict[str, Any] = {}
        if alternatives:
            clauses["must"] = [Q("bool", should=alternatives, minimum_should_match=1)]
        if scoring:
            clauses["should"] = scoring
        return search.query(Q("bool", **clauses))

    def next_session_sort(self) -> dict:
        """The earliest future open session first (computed at query time: never stale)."""
        return {
            "sessions.start_date": {
                "order": "asc",
                "mode": "min",
                "missing": "_last",
                "nested": {"path": "sessions", "filter": future_sessions(self.today).to_dict()},
            }
        }

    def sort_clauses(self) -> list:
        """The database engine's orders: the chosen key (unknown values last), then relevance,
        then the folded title and the id, so pages never overlap."""
        plan = self.plan
        tie_breakers = [{"sort_title": {"order": "asc"}}, {"offer_id": {"order": "asc"}}]
        if plan.sort == "next_session":
            return [self.next_session_sort(), "_score", *tie_breakers]
        if plan.sort == "duration":
            return [
                {"duration_hours": {"order": "asc", "missing": "_last"}},
                "_score",
                *tie_breakers,
            ]
        if plan.sort == "price":
            return [{"price": {"order": "asc", "missing": "_last"}}, "_score", *tie_breakers]
        return ["_score", self.next_session_sort(), *tie_breakers]

    def body(self) -> dict:
        """The request body, as sent (for tests and debugging)."""
        return self._s.to_dict()

    def path_body(self) -> dict:
        """The body of the goal path request: the best `PATH_WINDOW` hits under the same query
        and filters, without aggregations, reading only what the path needs."""
        body = self.body()
        body.pop("aggs", None)
        body.update({"from": 0, "size": PATH_WINDOW, "_source": ["offer_id", "skill_uris"]})
        body["sort"] = ["_score", {"offer_id": {"order": "asc"}}]  # most coverage first
        return body


@dataclass
class PostingPlan:
    """A posting query resolved: `required_uris` are the picked skills (at least one taught,
    more rank first)."""

    text: str = ""
    language: str = "fr"
    required_uris: tuple[str, ...] = ()
    boost_uris: tuple[str, ...] = ()
    occupation_uri: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    posted_since: datetime.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


class PostingSearch(FacetedSearch):
    doc_types = [PostingDocument]

    def __init__(self, *, plan: PostingPlan, index: str, today: datetime.date, using=None):
        self.index = index
        self.using = using or "default"
        self.plan = plan
        self.today = today
        self.facets = posting_facets(today)
        filters = {name: list(values) for name, values in plan.filters.items() if values}
        sort = (
            [{"posted": {"order": "desc"}}, "_score", {"posting_id": {"order": "desc"}}]
            if plan.sort == "date"
            else ["_score", {"posted": {"order": "desc"}}, {"posting_id": {"order": "desc"}}]
        )
        super().__init__(query=plan.text, filters=filters, sort=sort)
        start = (max(plan.page, 1) - 1) * plan.page_size
        start = min(start, MAX_WINDOW - plan.page_size)
        self._s = self._s[start : start + plan.page_size]

    def search(self):
        search = super().search().extra(track_total_hits=True).source(excludes=["description"])
        plan = self.plan
        if plan.required_uris:
            search = search.filter(Q("terms", skill_uris=list(plan.required_uris)))
        if plan.occupation_uri:
            search = search.filter(Q("term", occupation_uris=plan.occupation_uri))
        if plan.posted_since:
            search = search.filter(Q("range", posted={"gte": plan.posted_since.isoformat()}))
        return search

    def query(self, search, query):
        plan = self.plan
        alternatives = []
        if plan.text.strip():
            fields = [f"{name}^{boost:g}" for name, boost in POSTING_FIELDS.items()]
            alternatives.append(
                text_query(plan.text, fields=fields, phrase_fields=["title^2", "skill_labels_fr"])
            )
        alternatives += [skill_clause(uri, boost=SKILL_BOOST) for uri in plan.boost_uris]
        asked = [skill_clause(uri, boost=ASKED_SKILL_BOOST) for uri in plan.required_uris]
        if not alternatives and not asked:
            return search
        clauses: dict[str, Any] = {}
        if alternatives:
            clauses["must"] = [Q("bool", should=alternatives, minimum_should_match=1)]
        if asked:
            clauses["should"] = asked
        return search.query(Q("bool", **clauses))

    def body(self) -> dict:
        return self._s.to_dict()


# --- Parsing responses -------------------------------------------------------------------------


def faceted_response(faceted_search: FacetedSearch, raw: dict) -> FacetedResponse:
    """Wrap a raw response body (from the client, or recorded) as `execute()` would."""
    response = FacetedResponse(faceted_search._s, raw)
    response._faceted_search = faceted_search
    return response


def _place(commune: str, province: str) -> str:
    """The commune, else the province's name (as the database engine shows places)."""
    from core.places import Province

    if commune:
        return commune
    return str(Province(province).label) if province in Province.values else ""


def _next_session(source: dict, today: datetime.date) -> dict | None:
    upcoming = [
        session
        for session in source.get("sessions") or []
        if session.get("start_date")
        and session.get("status") == "open"
        and datetime.date.fromisoformat(session["start_date"]) >= today
    ]
    return min(upcoming, key=lambda session: session["start_date"]) if upcoming else None


def offer_hit(hit: dict, *, today: datetime.date, asked: list[SkillRef]) -> OfferHit:
    """One hit (`{"_source": ..., "_score": ...}`). `asked` are the skills the learner picked
    and the goal's essential ones: the hit says which it teaches and which it lacks. The next
    session and its place are read from the sessions at query time, not from indexing time."""
    source = hit["_source"]
    taught = set(source.get("skill_uris") or ())
    session = _next_session(source, today)
    if session is not None:
        place = _place(session.get("commune", ""), session.get("province", ""))
        next_date = datetime.date.fromisoformat(session["start_date"])
    else:
        place = _place(source.get("provider_commune", ""), source.get("provider_province", ""))
        next_date = None
    is_free = bool(source.get("is_free"))
    price = None if is_free else source.get("price")
    return OfferHit(
        offer_id=int(source["offer_id"]),
        url=source.get("url") or "",
        title=source.get("title") or "",
        summary=source.get("summary") or "",
        provider=source.get("provider") or "",
        place=place,
        next_session=next_date,
        price=Decimal(str(price)).quantize(Decimal("0.01")) if price is not None else None,
        is_free=is_free,
        duration_hours=source.get("duration_hours"),
        score=float(hit.get("_score") or 0.0),
        covered=tuple(skill for skill in asked if skill.uri in taught),
        missing=tuple(skill for skill in asked if skill.uri not in taught),
        wanted=len(asked),
    )


def goal_path(hits: list[dict], *, goal_uris: tuple[str, ...]) -> tuple[tuple[int, ...], float]:
    """Two or three offers that together cover most of the goal's skills: greedy set cover
    over the best hits (each step takes the offer adding the most uncovered skills, the better
    ranked on ties). Returns the offer ids and the share of the goal covered."""
    goal = set(goal_uris)
    if not goal:
        return (), 0.0
    covered: set[str] = set()
    chosen: list[int] = []
    candidates = [
        (int(hit["_source"]["offer_id"]), set(hit["_source"].get("skill_uris") or ()) & goal)
        for hit in hits
    ]
    for _step in range(PATH_LENGTH):
        best = max(candidates, key=lambda c: len(c[1] - covered), default=None)
        if best is None or not best[1] - covered:
            break
        chosen.append(best[0])
        covered |= best[1]
        candidates.remove(best)
    if len(chosen) < 2:
        # One offer is not a path: the results already show it first.
        return (), len(covered) / len(goal)
    return tuple(chosen), len(covered) / len(goal)


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

    name = "elasticsearch"

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


# --- Resolving a query -------------------------------------------------------------------------


def skill_refs(understanding: Understanding) -> dict[int, SkillRef]:
    """URI and label (in the active language) of every skill the understanding names."""
    from skills.models import Skill

    ids = {
        *understanding.skill_ids,
        *understanding.boost_skill_ids,
        *understanding.goal_skill_ids,
        *understanding.related_skill_ids,
    }
    if not ids:
        return {}
    return {
        skill.pk: SkillRef(uri=skill.uri, label=skill.label())
        for skill in Skill.objects.filter(pk__in=ids).only(
            "pk", "uri", "preferred_label_fr", "preferred_label_en"
        )
    }


def _uris(ids, skills: dict[int, SkillRef]) -> tuple[str, ...]:
    return tuple(skills[i].uri for i in ids if i in skills)


def _known_filters(filters: dict, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Facet filters on known facets only, values as strings, empty values dropped."""
    return {
        name: tuple(str(value) for value in values if str(value))
        for name, values in filters.items()
        if name in names and values
    }


def near_provinces(commune: str, radius_km: int | None) -> tuple[tuple[str, ...], str]:
    """The provinces "near `commune`" covers and the note that says so (see the module
    docstring); no provinces (no filter) for an unknown commune or a radius beyond
    `NEIGHBOURS_KM`."""
    from core.places import Province, province_distance, resolve_place

    if not commune.strip():
        return (), ""
    _commune, province = resolve_place(commune=commune)
    if not province:
        return (), str(
            _("The commune “%(near)s” is not known; distance is ignored.") % {"near": commune}
        )
    radius = radius_km if radius_km is not None else SAME_PROVINCE_KM
    if radius > NEIGHBOURS_KM:
        return (), ""
    reach = 0 if radius <= SAME_PROVINCE_KM else 1
    allowed = tuple(p for p in vocabulary.PROVINCES if province_distance(province, p) <= reach)
    note = _("Distance is approximated by province: %(provinces)s.") % {
        "provinces": ", ".join(str(Province(p).label) for p in allowed)
    }
    return allowed, str(note)


def offer_plan(
    *, query: CatalogueQuery, understanding: Understanding, skills: dict[int, SkillRef]
) -> OfferPlan:
    picked = _uris(understanding.skill_ids, skills)
    if not picked and query.skills and not understanding.skill_ids:
        # The learner's chips, when the caller skipped understanding altogether.
        picked = tuple(query.skills)
    goal = _uris(understanding.goal_skill_ids, skills)
    asked = {*picked, *goal}
    boost = tuple(uri for uri in _uris(understanding.boost_skill_ids, skills) if uri not in asked)
    related = tuple(
        uri
        for uri in _uris(understanding.related_skill_ids, skills)
        if uri not in asked and uri not in boost
    )
    provinces, _note = near_provinces(query.near, query.radius_km)
    return OfferPlan(
        text=(understanding.terms or query.text).strip(),
        language=query.language,
        picked_uris=picked,
        require_all=query.require_all_skills,
        boost_uris=boost,
        related_uris=related,
        goal_uris=goal,
        excluded_uris=_uris(understanding.excluded_skill_ids, skills),
        filters=_known_filters(query.filters, CATALOGUE_FACETS),
        provinces_near=provinces,
        price_min=query.price_min,
        price_max=query.price_max,
        sort=query.sort,
        page=max(query.page, 1),
        page_size=max(1, min(query.page_size, MAX_PAGE_SIZE)),
    )


def drop_filter_suggestions(
    response: FacetedResponse, *, query: CatalogueQuery
) -> tuple[Suggestion, ...]:
    """When a search finds nothing, the facet whose removal finds the most: each facet's
    `_filter_<name>` aggregation already counts the hits with every other filter but its own.
    (The price range and distance are not offered here: counting without them would take one
    more request each.)"""
    from search.api import query_params

    if response.hits.total.value:
        return ()
    best: tuple[int, str] | None = None
    for name in CATALOGUE_FACETS:
        if not any(query.filters.get(name, ())):
            continue
        count = response.aggregations[f"_filter_{name}"].doc_count
        if count and (best is None or count > best[0]):
            best = (count, name)
    if best is None:
        return ()
    count, name = best
    params = {key: value for key, value in query_params(query).items() if key != name}
    return (
        Suggestion(
            kind="drop_filter",
            label=str(vocabulary.FACET_LABELS[name]),
            params=params,
            count=count,
        ),
    )


def catalogue_result(
    *,
    query: CatalogueQuery,
    understanding: Understanding,
    search: OfferSearch,
    raw: dict,
    skills: dict[int, SkillRef],
    today: datetime.date,
    path_hits: list[dict] | None = None,
) -> CatalogueResult:
    """A `CatalogueResult` from the response body of `search` (live or recorded)."""
    response = faceted_response(search, raw)
    asked_uris = dict.fromkeys([*search.plan.picked_uris, *search.plan.goal_uris])
    by_uri = {skill.uri: skill for skill in skills.values()}
    asked = [by_uri.get(uri) or SkillRef(uri=uri, label=uri) for uri in asked_uris]
    hits = tuple(offer_hit(hit, today=today, asked=asked) for hit in raw["hits"]["hits"])
    path: tuple[OfferHit, ...] = ()
    coverage = 0.0
    if path_hits:
        ids, coverage = goal_path(path_hits, goal_uris=search.plan.goal_uris)
        if ids:
            path = _path_hits(search, ids, today=today, asked=asked)
    _provinces, note = near_provinces(query.near, query.radius_km)
    return CatalogueResult(
        query=query,
        total=int(raw["hits"]["total"]["value"]),
        hits=hits,
        facets=facets_from_response(response, names=CATALOGUE_FACETS, selected=query.filters),
        chips=understanding.chips,
        suggestions=drop_filter_suggestions(response, query=query),
        path=path,
        path_coverage=round(coverage, 4),
        engine=ElasticsearchEngine.name,
        notes=(note,) if note else (),
    )


def _path_hits(search: OfferSearch, ids, *, today, asked) -> tuple[OfferHit, ...]:
    """The path's offers as hits, in path order (one request to the same alias)."""
    try:
        raw = search.using.search(
            index=search.index,
            body={"query": {"terms": {"offer_id": list(ids)}}, "size": len(ids)},
        )
    except (TransportError, ApiError) as error:
        raise EngineUnavailable(str(error)) from error
    by_id = {int(hit["_source"]["offer_id"]): hit for hit in raw["hits"]["hits"]}
    return tuple(offer_hit(by_id[i], today=today, asked=asked) for i in ids if i in by_id)


def posting_result(
    *,
    query: PostingQuery,
    understanding: Understanding,
    search: PostingSearch,
    raw: dict,
    skills: dict[int, SkillRef],
) -> PostingResult:
    from jobs.models import JobPosting

    response = faceted_response(search, raw)
    by_uri = {skill.uri: skill for skill in skills.values()}
    asked = [by_uri.get(uri) or SkillRef(uri=uri, label=uri) for uri in search.plan.required_uris]
    contracts = dict(JobPosting.ContractType.choices)
    hits = []
    for hit in raw["hits"]["hits"]:
        source = hit["_source"]
        taught = set(source.get("skill_uris") or ())
        contract = source.get("contract") or ""
        hits.append(
            PostingHit(
                posting_id=int(source["posting_id"]),
                url=source.get("url") or "",
                title=source.get("title") or "",
                employer=source.get("employer") or "",
                place=_place(source.get("commune") or "", source.get("province") or ""),
                contract=str(contracts.get(contract, contract)) if contract else "",
                posted=datetime.date.fromisoformat(source["posted"])
                if source.get("posted")
                else None,
                score=float(hit.get("_score") or 0.0),
                covered=tuple(skill for skill in asked if skill.uri in taught),
                wanted=len(asked),
            )
        )
    return PostingResult(
        query=query,
        total=int(raw["hits"]["total"]["value"]),
        hits=tuple(hits),
        facets=facets_from_response(
            response, names=POSTING_FACETS, selected=query.filters, prefix="posting:"
        ),
        chips=understanding.chips,
        engine=ElasticsearchEngine.name,
    )


def neighbour_skills(skill_ids) -> dict[str, SkillRef]:
    """Skills next to these in ESCO (same skill group, broader or narrower skill), by URI,
    labelled in the active language: where to look when the asked skills have no offer."""
    from skills.models import Skill

    asked = list(dict.fromkeys(skill_ids))
    groups = Skill.broader_groups.through.objects.filter(skill_id__in=asked)
    neighbour_ids = set(
        Skill.broader_groups.through.objects.filter(
            skillgroup_id__in=groups.values("skillgroup_id")
        ).values_list("skill_id", flat=True)
    )
    broader = Skill.broader_skills.through.objects
    neighbour_ids.update(
        broader.filter(from_skill_id__in=asked).values_list("to_skill_id", flat=True)
    )
    neighbour_ids.update(
        broader.filter(to_skill_id__in=asked).values_list("from_skill_id", flat=True)
    )
    neighbour_ids.difference_update(asked)
    return {
        skill.uri: SkillRef(uri=skill.uri, label=skill.label())
        for skill in Skill.objects.filter(pk__in=neighbour_ids).only(
            "uri", "preferred_label_fr", "preferred_label_en"
        )
    }


SKILL_SUGGESTIONS = 3


def skill_count_body(neighbours: dict[str, SkillRef]) -> dict:
    """How many offers teach each neighbour skill, most taught first (no hits)."""
    uris = sorted(neighbours)
    return {
        "size": 0,
        "query": {"terms": {"skill_uris": uris}},
        "aggs": {
            "skills": {"terms": {"field": "skill_uris", "include": uris, "size": SKILL_SUGGESTIONS}}
        },
    }


def skill_suggestions(raw: dict, *, neighbours: dict[str, SkillRef]) -> tuple[Suggestion, ...]:
    return tuple(
        Suggestion(
            kind="skill",
            label=neighbours[bucket["key"]].label,
            params={"skill": (bucket["key"],)},
            count=int(bucket["doc_count"]),
        )
        for bucket in raw["aggregations"]["skills"]["buckets"]
        if bucket["key"] in neighbours and bucket["doc_count"]
    )


register(ElasticsearchEngine.name, ElasticsearchEngine)
