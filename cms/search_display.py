"""What the search pages draw from a search result: chips with their removal links, facets with
their toggles, the filters in force, pages, suggestions; and the JSON of the endpoint.

Every link is built by `cms.search_params` from the result's own query, so a link is the URL
of exactly the search it names.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import gettext as _

from cms.search_params import (
    CATALOGUE_SORTS,
    DEFAULT_RADIUS_KM,
    POSTING_SORTS,
    RADIUS_CHOICES,
    catalogue_params,
    commune_names,
    posting_params,
    to_querystring,
    with_facet_value,
)
from search.contract import (
    CatalogueQuery,
    CatalogueResult,
    Chip,
    Facet,
    FacetValue,
    OfferHit,
    PostingQuery,
    PostingResult,
    Suggestion,
)
from skills.models import Occupation, Skill

# Page links shown either side of the current page.
PAGE_WINDOW = 2


@dataclass(frozen=True)
class ChipLink:
    chip: Chip
    remove_url: str


@dataclass(frozen=True)
class DroppedChip:
    uri: str
    label: str
    restore_url: str


@dataclass(frozen=True)
class FacetValueLink:
    value: FacetValue
    selected: bool
    toggle_url: str
    input_id: str


@dataclass(frozen=True)
class FacetDisplay:
    name: str
    label: str
    values: tuple[FacetValueLink, ...]
    selected_count: int


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…")
    url: str
    current: bool = False


@dataclass(frozen=True)
class SuggestionLink:
    suggestion: Suggestion
    url: str


@dataclass(frozen=True)
class HitDisplay:
    hit: OfferHit
    coverage_percent: int  # of the wanted skills, 0 when none were asked for


def _url(path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{path}?{to_querystring(pairs)}" if pairs else path


def _concept_labels(uris: tuple[str, ...], language: str) -> dict[str, str]:
    """Labels of concepts the result does not carry (the chips a learner removed)."""
    if not uris:
        return {}
    labels = {}
    for model in (Skill, Occupation):
        for concept in model.objects.filter(uri__in=uris):
            labels[concept.uri] = concept.label(language)
    return labels


def _chip_links(query, chips, url) -> list[ChipLink]:
    links = []
    for chip in chips:
        if chip.origin == "picked" and chip.kind == "skill":
            remove = url(skills=tuple(uri for uri in query.skills if uri != chip.uri))
        elif chip.origin == "picked":
            remove = url(occupation="")
        else:
            remove = url(dropped_chips=(*query.dropped_chips, chip.uri))
        links.append(ChipLink(chip=chip, remove_url=remove))
    return links


def _dropped(query, url) -> list[DroppedChip]:
    labels = _concept_labels(query.dropped_chips, query.language)
    return [
        DroppedChip(
            uri=uri,
            label=labels.get(uri, uri),
            restore_url=url(dropped_chips=tuple(u for u in query.dropped_chips if u != uri)),
        )
        for uri in query.dropped_chips
    ]


def _facets(query, facets: tuple[Facet, ...], url_for_query) -> list[FacetDisplay]:
    displays = []
    for facet in facets:
        chosen = set(query.filters.get(facet.name, ()))
        values = []
        for index, value in enumerate(facet.values):
            selected = value.selected or value.value in chosen
            values.append(
                FacetValueLink(
                    value=value,
                    selected=selected,
                    toggle_url=url_for_query(
                        with_facet_value(query, facet=facet.name, value=value.value)
                    ),
                    input_id=f"f-{facet.name}-{index}",
                )
            )
        displays.append(
            FacetDisplay(
                name=facet.name,
                label=facet.label,
                values=tuple(values),
                selected_count=sum(v.selected for v in values),
            )
        )
    return displays


def _active_filters(query: CatalogueQuery, facets: list[FacetDisplay], url, url_for_query):
    """Every filter in force, each with the link that lifts it."""
    labels = {(f.name, v.value.value): v.value.label for f in facets for v in f.values}
    active = []
    for name, values in query.filters.items():
        for value in values:
            active.append(
                ActiveFilter(
                    label=labels.get((name, value), value),
                    remove_url=url_for_query(with_facet_value(query, facet=name, value=value)),
                )
            )
    if query.near:
        active.append(
            ActiveFilter(
                label=_("Within %(radius)s km of %(place)s")
                % {"radius": query.radius_km or DEFAULT_RADIUS_KM, "place": query.near},
                remove_url=url(near="", radius_km=None),
            )
        )
    if query.price_min is not None:
        active.append(
            ActiveFilter(
                label=_("From %(price)s €") % {"price": _money(query.price_min)},
                remove_url=url(price_min=None),
            )
        )
    if query.price_max is not None:
        active.append(
            ActiveFilter(
                label=_("Up to %(price)s €") % {"price": _money(query.price_max)},
                remove_url=url(price_max=None),
            )
        )
    return active


def _money(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral() else f"{value:.2f}"


def _pages(*, page: int, page_count: int, url) -> list[PageLink]:
    if page_count <= 1:
        return []
    numbers = sorted(
        {1, page_count, *range(max(1, page - PAGE_WINDOW), min(page_count, page + PAGE_WINDOW) + 1)}
    )
    links: list[PageLink] = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            links.append(PageLink(number=None, url=""))
        links.append(PageLink(number=number, url=url(page=number), current=number == page))
        previous = number
    return links


def _suggestion_url(path: str, suggestion: Suggestion) -> str:
    params = QueryDict(mutable=True)
    for name, values in suggestion.params.items():
        for value in values:
            params.appendlist(name, value)
    encoded = params.urlencode()
    return f"{path}?{encoded}" if encoded else path


def catalogue_context(*, result: CatalogueResult, path: str) -> dict:
    """The template context of the learner's search page."""
    query = result.query

    def url(**changes) -> str:
        return _url(path, catalogue_params(query, **changes))

    def url_for_query(other: CatalogueQuery) -> str:
        return _url(path, catalogue_params(replace(other, page=1)))

    facets = _facets(query, result.facets, url_for_query)
    page_count = max(1, math.ceil(result.total / query.page_size)) if result.total else 0
    chips = _chip_links(query, result.chips, url)
    goal = next((c for c in result.chips if c.kind == "occupation"), None)
    return {
        "query": query,
        "result": result,
        "hits": [
            HitDisplay(
                hit=hit,
                coverage_percent=round(100 * len(hit.covered) / hit.wanted) if hit.wanted else 0,
            )
            for hit in result.hits
        ],
        "chips": chips,
        "skill_chips": [link for link in chips if link.chip.kind == "skill"],
        "goal_chip": next((link for link in chips if link.chip.kind == "occupation"), None),
        "goal": goal,
        "dropped": _dropped(query, url),
        "facets": facets,
        "active_filters": _active_filters(query, facets, url, url_for_query),
        "clear_filters_url": url(
            filters={}, near="", radius_km=None, price_min=None, price_max=None
        ),
        "pages": _pages(page=query.page, page_count=page_count, url=url),
        "page_count": page_count,
        "previous_url": url(page=query.page - 1) if query.page > 1 else "",
        "next_url": url(page=query.page + 1) if query.page < page_count else "",
        "first_rank": (query.page - 1) * query.page_size + 1,
        "suggestions": [
            SuggestionLink(suggestion=s, url=_suggestion_url(path, s)) for s in result.suggestions
        ],
        "path_percent": round(100 * result.path_coverage),
        "sort_choices": [(value, str(label)) for value, label in CATALOGUE_SORTS],
        "radius_choices": RADIUS_CHOICES,
        "default_radius": DEFAULT_RADIUS_KM,
        "communes": commune_names(),
        "all_skills_url": url(require_all_skills=not query.require_all_skills)
        if len(query.skills) > 1
        else "",
    }


def catalogue_json(*, result: CatalogueResult, page_url: str) -> dict:
    """The endpoint's answer: the `CatalogueResult` as it is, plus the URLs of this search's
    page and of its previous and next pages (the same parameters, the HTML page's path)."""
    query = result.query
    pairs = catalogue_params(query)
    page_count = math.ceil(result.total / query.page_size) if result.total else 0
    data = asdict(result)
    data["query"]["params"] = {
        name: QueryDict(to_querystring(pairs)).getlist(name) for name, _v in pairs
    }
    data["page_count"] = page_count
    data["url"] = _url(page_url, pairs)
    data["previous_url"] = (
        _url(page_url, catalogue_params(query, page=query.page - 1)) if query.page > 1 else None
    )
    data["next_url"] = (
        _url(page_url, catalogue_params(query, page=query.page + 1))
        if query.page < page_count
        else None
    )
    return data


def posting_context(*, result: PostingResult, path: str) -> dict:
    """The template context of the job-posting search."""
    query: PostingQuery = result.query

    def url(**changes) -> str:
        return _url(path, posting_params(query, **changes))

    def url_for_query(other) -> str:
        return _url(path, posting_params(replace(other, page=1)))

    facets = _facets(query, result.facets, url_for_query)
    page_count = max(1, math.ceil(result.total / query.page_size)) if result.total else 0
    chips = _chip_links(query, result.chips, url)
    return {
        "query": query,
        "result": result,
        "chips": chips,
        "dropped": _dropped(query, url),
        "facets": facets,
        "pages": _pages(page=query.page, page_count=page_count, url=url),
        "page_count": page_count,
        "previous_url": url(page=query.page - 1) if query.page > 1 else "",
        "next_url": url(page=query.page + 1) if query.page < page_count else "",
        "sort_choices": [(value, str(label)) for value, label in POSTING_SORTS],
        "clear_filters_url": url(filters={}, posted_since=None),
    }
