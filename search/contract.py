"""The one search contract: what a caller asks, what every engine answers.

Views, the JSON endpoint, the API and analytics build a `CatalogueQuery` (or `PostingQuery`),
call `search.catalogue_search(query=...)` and read a `CatalogueResult`; they never know which
engine answered. Query understanding (the extractor and the occupation matcher) runs once,
before the engine, and hands it an `Understanding`: engines only rank, filter and count.

Facet names are stable (they are URL parameters and JSON keys): see `CATALOGUE_FACETS`.
Every facet's counts are computed with every other selected filter applied but not its own,
so multi-select within a facet stays right.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

# URL parameter / JSON key of each catalogue facet, in display order.
CATALOGUE_FACETS = (
    "province",  # Province slugs; an offer is in a province by its provider, sessions or places
    "modality",  # Modality
    "format",  # OfferFormat
    "price",  # "free", "under-100", "100-500", "500-1500", "over-1500"
    "funding",  # FundingScheme slugs
    "audience",  # Audience
    "level",  # EQF level 1..8 (as strings in URLs)
    "language",  # Language
    "provider_kind",  # ProviderKind
    "start",  # next open session: "this-month", "three-months", "later", "none"
    "schedule",  # Schedule of any future session
    "certification",  # "yes" / "no"
)

# Job posting facets (advisors and employers).
POSTING_FACETS = ("province", "contract", "working_time", "posted")

CatalogueSort = Literal["relevance", "next_session", "duration", "price"]
PostingSort = Literal["relevance", "date"]


@dataclass(frozen=True)
class CatalogueQuery:
    """One learner search; every field optional. `skills` and `occupation` are concept URIs the
    learner picked (chips); `text` is what they typed. `near` is a commune name and `radius_km`
    the distance from it (places without coordinates are kept by province)."""

    text: str = ""
    skills: tuple[str, ...] = ()
    occupation: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet name -> values
    near: str = ""
    radius_km: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: CatalogueSort = "relevance"
    page: int = 1
    page_size: int = 20
    language: str = "fr"  # the interface language: labels, stemming of `text` when ambiguous
    understand: bool = True  # run `text` through the extractor / occupation matcher
    dropped_chips: tuple[str, ...] = ()  # URIs understood from `text` the learner removed
    # Picked skills: by default an offer must teach at least one and offers teaching more rank
    # first ("3 of 4"); with `require_all_skills`, only offers teaching every one are kept.
    require_all_skills: bool = False


@dataclass(frozen=True)
class Chip:
    """A concept the search is using: picked by the learner or understood from the text."""

    kind: Literal["skill", "occupation"]
    uri: str
    label: str
    origin: Literal["picked", "understood"]
    score: float = 1.0


@dataclass(frozen=True)
class Understanding:
    """What query understanding resolved, handed to the engine.

    `skill_ids` are the required (picked) skills; `boost_skill_ids` the understood ones, which
    rank but do not filter. For a goal, `goal_skill_ids` are the occupation's essential skills.
    `terms` is the text left for full-text matching (the whole text: words still count)."""

    chips: tuple[Chip, ...] = ()
    skill_ids: tuple[int, ...] = ()
    boost_skill_ids: tuple[int, ...] = ()
    occupation_id: int | None = None
    goal_skill_ids: tuple[int, ...] = ()
    terms: str = ""
    # Essential skills of an occupation understood from the text (not picked as a goal): a
    # weaker boost than `boost_skill_ids`.
    related_skill_ids: tuple[int, ...] = ()
    # Skills of chips the learner removed (`dropped_chips`): offers teaching them are left out.
    excluded_skill_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class SkillRef:
    uri: str
    label: str


@dataclass(frozen=True)
class OfferHit:
    offer_id: int
    url: str
    title: str
    summary: str
    provider: str
    place: str  # commune (province) of the next session, else of the provider
    next_session: datetime.date | None
    price: Decimal | None
    is_free: bool
    duration_hours: int | None
    score: float
    # The chosen or goal skills this offer teaches, and (for a goal) those it does not.
    covered: tuple[SkillRef, ...] = ()
    missing: tuple[SkillRef, ...] = ()
    wanted: int = 0  # how many skills were asked for: "covers len(covered) of wanted"


@dataclass(frozen=True)
class Suggestion:
    """What to try when a search finds little: drop a filter, or a nearby skill with offers."""

    kind: Literal["drop_filter", "skill"]
    label: str
    params: dict[str, tuple[str, ...]]  # the query string of the suggested search
    count: int


@dataclass(frozen=True)
class CatalogueResult:
    query: CatalogueQuery
    total: int
    hits: tuple[OfferHit, ...]
    facets: tuple[Facet, ...]
    chips: tuple[Chip, ...]
    suggestions: tuple[Suggestion, ...] = ()
    # For a goal: two or three offers that together cover most essential skills.
    path: tuple[OfferHit, ...] = ()
    path_coverage: float = 0.0
    engine: str = "database"
    fallback_reason: str = ""  # set when the configured engine failed and another answered
    # Plain-language remarks on how the query was read ("distance approximated by province").
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostingQuery:
    text: str = ""
    skills: tuple[str, ...] = ()
    occupation: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # POSTING_FACETS
    posted_since: datetime.date | None = None
    sort: PostingSort = "relevance"
    page: int = 1
    page_size: int = 20
    language: str = "fr"
    understand: bool = True
    dropped_chips: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostingHit:
    posting_id: int
    url: str
    title: str
    employer: str
    place: str
    contract: str
    posted: datetime.date | None
    score: float
    covered: tuple[SkillRef, ...] = ()
    wanted: int = 0


@dataclass(frozen=True)
class PostingResult:
    query: PostingQuery
    total: int
    hits: tuple[PostingHit, ...]
    facets: tuple[Facet, ...]
    chips: tuple[Chip, ...]
    engine: str = "database"
    fallback_reason: str = ""


class SearchEngine(Protocol):
    """What an engine implements. `name` appears in results and logs."""

    name: str

    def catalogue(self, *, query: CatalogueQuery, understanding: Understanding) -> CatalogueResult:
        """Rank, filter, count facets; raises `EngineUnavailable` when it cannot answer."""

    def postings(self, *, query: PostingQuery, understanding: Understanding) -> PostingResult: ...

    def index_offers(self, *, offer_ids: list[int]) -> None:
        """Bring these offers' documents in step with the database (absent or not live: removed)."""

    def index_postings(self, *, posting_ids: list[int]) -> None: ...


class EngineUnavailable(Exception):
    """The engine cannot answer now (unreachable, index missing); the caller falls back."""
