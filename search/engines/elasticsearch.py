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
  as a `geo_point` for later), so "near a commune" filters by the commune's province, and a
  radius beyond `NEIGHBOUR_RADIUS_KM` adds the neighbouring provinces. Distance learning is
  reachable from anywhere and always kept.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.dsl import FacetedSearch, Q, TermsFacet
from elasticsearch.dsl.faceted_search_base import Facet as DslFacet
from elasticsearch.dsl.faceted_search_base import FacetedResponse

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

logger = logging.getLogger(__name__)

SKILL_BOOST = 4.0  # an understood skill taught by the offer
CORE_SKILL_BOOST = 2.0  # ... and taught as a core skill
RELATED_SKILL_BOOST = 1.0  # an essential skill of an occupation understood from the words
ASKED_SKILL_BOOST = 100.0  # one picked skill, or one essential skill of the goal, covered
NEIGHBOUR_RADIUS_KM = 40
FACET_SIZE = 50  # no facet has more values; Elasticsearch would return 10 buckets otherwise
PATH_WINDOW = 50  # how many best goal hits the path of two or three offers is chosen from
PATH_LENGTH = 3
MAX_WINDOW = 10_000  # `index.max_result_window`
DISTANCE_NOTE = _("Distance is approximated by province: places have no coordinates here.")

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


def text_query(text: str, *, fields: list[str], phrase_fields: list[str]):
    """Words, typo-tolerant, every word required (see the module docstring)."""
    return Q(
        "bool",
        should=[
            Q(
                "multi_match",
                query=text,
                type="best_fields",
                fields=fields,
                operator="and",
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=50,
                tie_breaker=0.3,
            ),
            Q("multi_match", query=text, type="cross_fields", fields=fields, operator="and"),
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


def future_sessions(today: datetime.date, **extra):
    """Sessions that start today or later and are still open."""
    return Q(
        "bool",
        filter=[
            Q("range", sessions__start_date={"gte": today.isoformat()}),
            Q("term", sessions__status="open"),
            *(Q("term", **{f"sessions__{name}": value}) for name, value in extra.items()),
        ],
    )


def start_buckets(today: datetime.date) -> dict[str, Any]:
    """Next open session: this month (until its last day), within three months (after this
    month), later, or none."""
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    three_months = today + datetime.timedelta(days=91)

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

    return {
        "this-month": starting(today, next_month),
        "three-months": starting(next_month, max(three_months, next_month)),
        "later": starting(max(three_months, next_month), None),
        "none": ~Q("nested", path="sessions", query=future_sessions(today)),
    }


def schedule_buckets(today: datetime.date) -> dict[str, Any]:
    from courses.models import Schedule

    return {
        value: Q("nested", path="sessions", query=future_sessions(today, schedule=value))
        for value in Schedule.values
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


def posted_buckets(today: datetime.date) -> dict[str, Any]:
    """Posted in the last week, the last month (before that week), or earlier."""
    week = (today - datetime.timedelta(days=7)).isoformat()
    month = (today - datetime.timedelta(days=30)).isoformat()
    return {
        "week": Q("range", posted={"gte": week}),
        "month": Q("range", posted={"gte": month, "lt": week}),
        "older": Q("range", posted={"lt": month}),
    }


def posting_facets(today: datetime.date) -> dict[str, DslFacet]:
    return {
        "province": TermsFacet(field="province", size=FACET_SIZE),
        "contract": TermsFacet(field="contract", size=FACET_SIZE),
        "working_time": TermsFacet(field="working_time", size=FACET_SIZE),
        "posted": FiltersFacet(posted_buckets(today)),
    }


def facet_labels() -> dict[str, tuple[str, dict[str, str]]]:
    """Facet name -> (label, value -> label), for closed vocabularies; values not listed (a
    funding scheme) show their own label from the database, else their slug."""
    from core.languages import Language
    from core.places import Province
    from courses.models import Audience, Modality, OfferFormat, ProviderKind, Schedule
    from courses.models.choices import EQF_LEVEL_CHOICES
    from jobs.models import JobPosting

    def choices(kind) -> dict[str, str]:
        return {str(value): label for value, label in kind.choices}

    return {
        "province": (_("Province"), choices(Province)),
        "modality": (_("Modality"), choices(Modality)),
        "format": (_("Format"), choices(OfferFormat)),
        "price": (
            _("Price"),
            {
                "free": _("Free"),
                "under-100": _("Under €100"),
                "100-500": _("€100 to €500"),
                "500-1500": _("€500 to €1,500"),
                "over-1500": _("Over €1,500"),
            },
        ),
        "funding": (_("Funding"), _funding_labels()),
        "audience": (_("Audience"), choices(Audience)),
        "level": (_("EQF level"), {str(value): label for value, label in EQF_LEVEL_CHOICES}),
        "language": (_("Language"), choices(Language)),
        "provider_kind": (_("Provider"), choices(ProviderKind)),
        "start": (
            _("Next session"),
            {
                "this-month": _("This month"),
                "three-months": _("Within three months"),
                "later": _("Later"),
                "none": _("No date announced"),
            },
        ),
        "schedule": (_("Schedule"), choices(Schedule)),
        "certification": (_("Certification"), {"yes": _("Certified"), "no": _("No certificate")}),
        "contract": (_("Contract"), choices(JobPosting.ContractType)),
        "working_time": (_("Working time"), choices(JobPosting.WorkingTime)),
        "posted": (
            _("Posted"),
            {"week": _("This week"), "month": _("This month"), "older": _("Earlier")},
        ),
    }


def _funding_labels() -> dict[str, str]:
    from courses.models import FundingScheme

    return dict(FundingScheme.objects.values_list("slug", "name"))


def facets_from_response(
    response: FacetedResponse, *, names: tuple[str, ...], selected: dict[str, tuple[str, ...]]
) -> tuple[Facet, ...]:
    """Contract facets from a faceted response, values in vocabulary order (then by count), a
    selected value kept even when nothing matches it any more (so it can be unselected)."""
    labels = facet_labels()
    facets = []
    for name in names:
        facet_label, value_labels = labels[name]
        counts = {str(key): count for key, count, _selected in response.facets[name]}
        chosen = set(selected.get(name, ()))
        for value in chosen - counts.keys():
            counts[value] = 0
        order = list(value_labels)
        values = sorted(
            counts.items(),
            key=lambda item: (
                order.index(item[0]) if item[0] in value_labels else len(order),
                -item[1],
                item[0],
            ),
        )
        facets.append(
            Facet(
                name=name,
                label=str(facet_label),
                values=tuple(
                    FacetValue(
                        value=value,
                        label=str(value_labels.get(value, value)),
                        count=count,
                        selected=value in chosen,
                    )
                    for value, count in values
                    if count or value in chosen
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
            filters.append(
                Q("terms", provinces=list(plan.provinces_near)) | Q("term", modality="distance")
            )
        price = {}
        if plan.price_min is not None:
            price["gte"] = float(plan.price_min)
        if plan.price_max is not None:
            price["lte"] = float(plan.price_max)
        if price:
            filters.append(Q("range", price=price))
        return filters

    def query(self, search, query):
        plan = self.plan
        alternatives = []
        if plan.text.strip():
            alternatives.append(
                text_query(
                    plan.text,
                    fields=weighted_fields(plan.language),
                    phrase_fields=["title^2", "skill_labels_fr", "skill_labels_en"],
                )
            )
        for uri in plan.boost_uris:
            alternatives.append(skill_clause(uri, boost=SKILL_BOOST))
            alternatives.append(
                skill_clause(uri, boost=CORE_SKILL_BOOST, field_name="core_skill_uris")
            )
        if plan.text.strip() or plan.boost_uris:
            # Related skills widen words or understood skills; alone they would list every
            # offer teaching a generic essential skill.
            alternatives += [
                skill_clause(uri, boost=RELATED_SKILL_BOOST) for uri in plan.related_uris
            ]
        asked = dict.fromkeys([*plan.picked_uris, *plan.goal_uris])
        goal = [skill_clause(uri, boost=ASKED_SKILL_BOOST) for uri in asked]
        if not alternatives and not goal:
            return search
        clauses: dict[str, Any] = {}
        if alternatives:
            clauses["must"] = [Q("bool", should=alternatives, minimum_should_match=1)]
        if goal:
            clauses["should"] = goal
        return search.query(Q("bool", **clauses))

    def sort_clauses(self) -> list:
        plan = self.plan
        tie_breaker = {"offer_id": {"order": "asc"}}
        if plan.sort == "next_session":
            return [
                {
                    "sessions.start_date": {
                        "order": "asc",
                        "mode": "min",
                        "missing": "_last",
                        "nested": {
                            "path": "sessions",
                            "filter": future_sessions(self.today).to_dict(),
                        },
                    }
                },
                "_score",
                tie_breaker,
            ]
        if plan.sort == "duration":
            return [{"duration_hours": {"order": "asc", "missing": "_last"}}, "_score", tie_breaker]
        if plan.sort == "price":
            return [{"price": {"order": "asc", "missing": "_last"}}, "_score", tie_breaker]
        return ["_score", tie_breaker]

    def body(self) -> dict:
        """The request body, as sent (for tests and debugging)."""
        return self._s.to_dict()

    def path_body(self) -> dict:
        """The body of the goal path request: the best `PATH_WINDOW` hits under the same query
        and filters, without aggregations, reading only what the path needs."""
        body = self.body()
        body.pop("aggs", None)
        body.update({"from": 0, "size": PATH_WINDOW, "_source": ["offer_id", "skill_uris"]})
        body["sort"] = ["_score", {"offer_id": {"order": "asc"}}]
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
    from core.places import Province

    if province in Province.values:
        province = str(Province(province).label)
    if commune and province:
        return f"{commune} ({province})"
    return commune or province


def _next_session(source: dict, today: datetime.date) -> dict | None:
    upcoming = [
        session
        for session in source.get("sessions") or []
        if session.get("start_date")
        and session.get("status") == "open"
        and datetime.date.fromisoformat(session["start_date"]) >= today
    ]
    return min(upcoming, key=lambda session: session["start_date"]) if upcoming else None


def offer_hit(
    hit: dict, *, today: datetime.date, asked: list[SkillRef], goal: list[SkillRef]
) -> OfferHit:
    """One hit (`{"_source": ..., "_score": ...}`). `asked` are the skills the learner chose or
    the goal's essential ones: the hit says which it teaches; `goal` ones it lacks are listed."""
    source = hit["_source"]
    taught = set(source.get("skill_uris") or ())
    session = _next_session(source, today)
    if session is not None:
        place = _place(session.get("commune", ""), session.get("province", ""))
        next_date = datetime.date.fromisoformat(session["start_date"])
    else:
        place = _place(source.get("provider_commune", ""), source.get("provider_province", ""))
        next_date = None
    price = source.get("price")
    return OfferHit(
        offer_id=int(source["offer_id"]),
        url=source.get("url") or "",
        title=source.get("title") or "",
        summary=source.get("summary") or "",
        provider=source.get("provider") or "",
        place=place,
        next_session=next_date,
        price=Decimal(str(price)).quantize(Decimal("0.01")) if price is not None else None,
        is_free=bool(source.get("is_free")),
        duration_hours=source.get("duration_hours"),
        score=float(hit.get("_score") or 0.0),
        covered=tuple(skill for skill in asked if skill.uri in taught),
        missing=tuple(skill for skill in goal if skill.uri not in taught),
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
        self.index_prefix = index_prefix or getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "wake")
        self.timeout = timeout or getattr(settings, "ELASTICSEARCH_TIMEOUT", 5.0)
        # No retries: a search that waits for a dead node is worse than the database answer.
        self.client = client or Elasticsearch(
            self.url, request_timeout=self.timeout, max_retries=0, retry_on_timeout=False
        )

    # Index names ---------------------------------------------------------------------------

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
    ) -> OfferSearch:
        """The faceted search for `query` (not sent). `skills` maps the understanding's skill
        ids to URIs and labels; looked up in the database when not given."""
        skills = skills if skills is not None else skill_refs(understanding)
        plan = offer_plan(query=query, understanding=understanding, skills=skills)
        return OfferSearch(
            plan=plan,
            index=self.offer_alias,
            today=today or datetime.date.today(),
            using=self.client,
        )

    def catalogue(self, *, query: CatalogueQuery, understanding: Understanding) -> CatalogueResult:
        skills = skill_refs(understanding)
        today = datetime.date.today()
        search = self.offer_search(
            query=query, understanding=understanding, skills=skills, today=today
        )
        raw = self._send(index=self.offer_alias, body=search.body())
        path_hits = None
        if search.plan.goal_uris and query.page <= 1:
            path_hits = self._send(index=self.offer_alias, body=search.path_body())["hits"]["hits"]
        return catalogue_result(
            query=query,
            understanding=understanding,
            search=search,
            raw=raw,
            skills=skills,
            today=today,
            path_hits=path_hits,
        )

    def postings(self, *, query: PostingQuery, understanding: Understanding) -> PostingResult:
        skills = skill_refs(understanding)
        today = datetime.date.today()
        search = self.posting_search(
            query=query, understanding=understanding, skills=skills, today=today
        )
        raw = self._send(index=self.posting_alias, body=search.body())
        return posting_result(query=query, understanding=understanding, search=search, raw=raw)

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
            page_size=query.page_size,
        )
        return PostingSearch(
            plan=plan,
            index=self.posting_alias,
            today=today or datetime.date.today(),
            using=self.client,
        )

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
        from elasticsearch.helpers import BulkIndexError, bulk

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
            bulk(self.client, actions, index=alias, refresh="wait_for", raise_on_error=False)
        except BulkIndexError as error:  # pragma: no cover - raise_on_error=False
            raise EngineUnavailable(str(error)) from error
        except (TransportError, ApiError) as error:
            raise EngineUnavailable(f"Elasticsearch at {self.url} failed: {error}") from error

    # Health --------------------------------------------------------------------------------

    def status(self) -> list[IndexStatus]:
        """One status per catalogue alias; never raises."""
        statuses = []
        for alias in (self.offer_alias, self.posting_alias):
            try:
                exists = bool(self.client.indices.exists_alias(name=alias))
                count = self.client.count(index=alias)["count"] if exists else None
            except (TransportError, ApiError) as error:
                statuses.append(IndexStatus(reachable=False, alias=alias, error=str(error)))
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


def near_provinces(commune: str, radius_km: int | None) -> tuple[str, ...]:
    """The provinces "near `commune`" covers (see the module docstring); empty when the
    commune is unknown (the filter is then not applied)."""
    from core.places import Province, province_distance, resolve_place

    if not commune.strip():
        return ()
    _commune, province = resolve_place(commune=commune)
    if not province:
        return ()
    reach = 1 if radius_km is not None and radius_km > NEIGHBOUR_RADIUS_KM else 0
    return tuple(p for p in Province.values if province_distance(province, p) <= reach)


def offer_plan(
    *, query: CatalogueQuery, understanding: Understanding, skills: dict[int, SkillRef]
) -> OfferPlan:
    picked = _uris(understanding.skill_ids, skills)
    if not picked and query.skills and not understanding.skill_ids:
        # The learner's chips, when the caller skipped understanding altogether.
        picked = tuple(query.skills)
    return OfferPlan(
        text=(understanding.terms or query.text).strip(),
        language=query.language,
        picked_uris=picked,
        require_all=query.require_all_skills,
        boost_uris=_uris(understanding.boost_skill_ids, skills),
        related_uris=_uris(understanding.related_skill_ids, skills),
        goal_uris=_uris(understanding.goal_skill_ids, skills),
        filters=_known_filters(query.filters, CATALOGUE_FACETS),
        provinces_near=near_provinces(query.near, query.radius_km) if query.near else (),
        price_min=query.price_min,
        price_max=query.price_max,
        sort=query.sort,
        page=max(query.page, 1),
        page_size=query.page_size,
    )


def drop_filter_suggestions(
    response: FacetedResponse, *, query: CatalogueQuery
) -> tuple[Suggestion, ...]:
    """When a search finds nothing, the facet whose removal finds the most: each facet's
    `_filter_<name>` aggregation already counts the hits with every other filter but its own."""
    if response.hits.total.value:
        return ()
    best: tuple[int, str] | None = None
    for name, values in query.filters.items():
        if not values or name not in CATALOGUE_FACETS:
            continue
        count = response.aggregations[f"_filter_{name}"].doc_count
        if count and (best is None or count > best[0]):
            best = (count, name)
    if best is None:
        return ()
    count, name = best
    label, _values = facet_labels()[name]
    params = query_params(query, without=name)
    return (
        Suggestion(
            kind="drop_filter",
            label=str(_("Remove the filter: %(facet)s") % {"facet": label}),
            params=params,
            count=count,
        ),
    )


def query_params(query: CatalogueQuery, *, without: str = "") -> dict[str, tuple[str, ...]]:
    """The query string of `query` (facet names as parameters), less the facet `without`."""
    params: dict[str, tuple[str, ...]] = {}
    if query.text:
        params["q"] = (query.text,)
    if query.skills:
        params["skill"] = tuple(query.skills)
    if query.occupation:
        params["goal"] = (query.occupation,)
    for name, values in query.filters.items():
        if name != without and values:
            params[name] = tuple(values)
    if query.near:
        params["near"] = (query.near,)
    if query.radius_km:
        params["radius"] = (str(query.radius_km),)
    if query.sort != "relevance":
        params["sort"] = (query.sort,)
    return params


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
    goal = [skills[i] for i in understanding.goal_skill_ids if i in skills]
    picked = [skills[i] for i in understanding.skill_ids if i in skills]
    if not picked and query.skills and not understanding.skill_ids:
        picked = [SkillRef(uri=uri, label=uri) for uri in query.skills]
    asked = list({skill.uri: skill for skill in [*picked, *goal]}.values())
    hits = tuple(offer_hit(hit, today=today, asked=asked, goal=goal) for hit in raw["hits"]["hits"])
    path: tuple[OfferHit, ...] = ()
    coverage = 0.0
    if path_hits:
        ids, coverage = goal_path(path_hits, goal_uris=search.plan.goal_uris)
        if ids:
            path = _path_hits(search, ids, today=today, asked=asked, goal=goal)
    return CatalogueResult(
        query=query,
        total=int(raw["hits"]["total"]["value"]),
        hits=hits,
        facets=facets_from_response(response, names=CATALOGUE_FACETS, selected=query.filters),
        chips=understanding.chips,
        suggestions=drop_filter_suggestions(response, query=query),
        path=path,
        path_coverage=coverage,
        engine=ElasticsearchEngine.name,
        notes=(str(DISTANCE_NOTE),) if search.plan.provinces_near else (),
    )


def _path_hits(search: OfferSearch, ids, *, today, asked, goal) -> tuple[OfferHit, ...]:
    """The path's offers as hits, in path order (one `ids` request to the same alias)."""
    client = search.using
    if isinstance(client, str):
        return ()
    try:
        raw = client.search(
            index=search.index,
            body={"query": {"terms": {"offer_id": list(ids)}}, "size": len(ids)},
        )
    except (TransportError, ApiError) as error:
        raise EngineUnavailable(str(error)) from error
    by_id = {int(hit["_source"]["offer_id"]): hit for hit in raw["hits"]["hits"]}
    return tuple(
        offer_hit(by_id[i], today=today, asked=asked, goal=goal) for i in ids if i in by_id
    )


def posting_result(
    *, query: PostingQuery, understanding: Understanding, search: PostingSearch, raw: dict
) -> PostingResult:
    from core.places import Province
    from jobs.models import JobPosting

    response = faceted_response(search, raw)
    skills = skill_refs(understanding)
    asked = [skills[i] for i in understanding.skill_ids if i in skills]
    contracts = dict(JobPosting.ContractType.choices)
    hits = []
    for hit in raw["hits"]["hits"]:
        source = hit["_source"]
        taught = set(source.get("skill_uris") or ())
        province = source.get("province") or ""
        hits.append(
            PostingHit(
                posting_id=int(source["posting_id"]),
                url=source.get("url") or "",
                title=source.get("title") or "",
                employer=source.get("employer") or "",
                place=_place(source.get("commune") or "", province)
                if province in Province.values or not province
                else source.get("commune") or "",
                contract=str(contracts.get(source.get("contract") or "", "")),
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
        facets=facets_from_response(response, names=POSTING_FACETS, selected=query.filters),
        chips=understanding.chips,
        engine=ElasticsearchEngine.name,
    )
