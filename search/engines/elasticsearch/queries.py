"""How a catalogue or posting query becomes an Elasticsearch request: the plans, the
faceted searches and their facets (see the package docstring for the reasoning)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from elasticsearch.dsl import FacetedSearch, Q, TermsFacet
from elasticsearch.dsl.faceted_search_base import Facet as DslFacet

from search import facets as vocabulary
from search.contract import (
    CATALOGUE_FACETS,
    CatalogueQuery,
    SkillRef,
    Understanding,
)
from search.documents import OfferDocument, PostingDocument

ENGINE_NAME = "elasticsearch"
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
    """Words, typo-tolerant, every word required (see the package docstring); `operator="or"`
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
    facet choices in the post filter (see the package docstring)."""

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
