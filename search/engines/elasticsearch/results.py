"""Reading Elasticsearch responses into the contract's results: hits, facets, the goal path,
suggestions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError
from elasticsearch.dsl import FacetedSearch
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
from search.engines.elasticsearch.queries import (
    ENGINE_NAME,
    PATH_LENGTH,
    OfferSearch,
    PostingSearch,
    near_provinces,
)


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
        engine=ENGINE_NAME,
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
        engine=ENGINE_NAME,
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
