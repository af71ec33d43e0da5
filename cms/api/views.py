"""Read-only endpoints. Each list takes the filters of the matching site page (offers and
postings: the search pages' parameters, answered by the search interface); everything is what
an anonymous visitor can see there (live offers, confirmed links, the board's postings)."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Prefetch
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cms.api import serializers
from cms.api.pagination import RankedCursorPagination
from cms.forms import TaxonomySearchForm
from cms.search_params import (
    POSTED_BUCKETS,
    SearchParamsError,
    catalogue_query_from_params,
    posting_query_from_params,
)
from core.languages import Language, active_language
from core.pagecache import shared_data
from core.places import Province
from courses.models import (
    EQF_LEVEL_CHOICES,
    Modality,
    OfferFormat,
    ProviderKind,
)
from courses.models.choices import Audience, Schedule
from courses.selectors import offer_list, provider_list, with_public_links
from jobs.models import JobPosting, PostingOccupation, PostingSkill
from jobs.selectors import board_postings
from search import catalogue_search, posting_search
from search.contract import CatalogueQuery, PostingQuery
from search.facets import PRICE_BANDS, START_BUCKETS
from skills.models import Occupation, OccupationSkill, ShortageList, ShortageListEntry, Skill
from skills.selectors import occupation_search, skill_search


def _choice(request, name: str, allowed) -> str:
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        raise ValidationError({name: f"Unknown value “{value}”."})
    return value


def _param(name: str, description: str, enum=None, type=OpenApiTypes.STR) -> OpenApiParameter:
    return OpenApiParameter(name, type, description=description, enum=enum)


def _multi(name: str, description: str, enum=None) -> OpenApiParameter:
    """A parameter that may repeat (`?level=3&level=4`), as on the search pages."""
    return OpenApiParameter(
        name, OpenApiTypes.STR, description=description, enum=enum, many=True, explode=True
    )


# The search pages' parameters (`cms.search_params`), so an API list is the page's list.
OFFER_FILTERS = [
    _param("q", "The words typed in the search box (understood as skills and goals too)."),
    _multi("skill", "A picked skill (ESCO or local concept URI); repeat for several."),
    _param("all", "`1`: only offers teaching every picked skill.", ["1"]),
    _param("occupation", "A goal: the ESCO occupation URI the learner wants to become."),
    _multi("drop", "A concept understood from `q` that is removed (URI); repeatable."),
    _multi("province", "Province of the provider, a session or a place.", Province.values),
    _multi("modality", "Modality.", Modality.values),
    _multi("format", "Offer format.", OfferFormat.values),
    _multi("price", "Price band.", [slug for slug, _low, _high in PRICE_BANDS]),
    _multi("funding", "Funding scheme slug."),
    _multi("audience", "Audience.", Audience.values),
    _multi("level", "EQF level.", [str(v) for v, _ in EQF_LEVEL_CHOICES]),
    _multi("language", "Teaching language.", Language.values),
    _multi("provider_kind", "Kind of provider.", ProviderKind.values),
    _multi("start", "When the next open session starts.", list(START_BUCKETS)),
    _multi("schedule", "Schedule of a future session.", Schedule.values),
    _multi("certification", "Leads to a certification.", ["yes", "no"]),
    _param("near", "A commune: offers within `radius` km of it."),
    _param("radius", "Distance from `near`, in km (25 by default).", type=OpenApiTypes.INT),
    _param("price_min", "Lowest price, in euros.", type=OpenApiTypes.NUMBER),
    _param("price_max", "Highest price, in euros.", type=OpenApiTypes.NUMBER),
    _param("sort", "Order of the results.", ["relevance", "next_session", "duration", "price"]),
    _param("free", "Deprecated: the same as `price=free`.", ["true"]),
]

POSTING_FILTERS = [
    _param("q", "The words typed in the search box."),
    _multi("skill", "A skill the posting asks for (URI); repeat for several."),
    _param("occupation", "The posting's ESCO occupation URI."),
    _multi("drop", "A concept understood from `q` that is removed (URI); repeatable."),
    _multi("province", "Province.", Province.values),
    _multi("contract", "Contract type.", [v for v in JobPosting.ContractType.values if v]),
    _multi("working_time", "Working time.", [v for v in JobPosting.WorkingTime.values if v]),
    _multi("posted", "When it was posted.", list(POSTED_BUCKETS)),
    _param("since", "Posted on or after this date (YYYY-MM-DD).", type=OpenApiTypes.DATE),
    _param("sort", "Order of the results.", ["relevance", "date"]),
]

# Parameters of the API's own (pagination, output), not of the search.
NOT_SEARCH_PARAMS = ("cursor", "page", "page_size", "output")


def _search_params(request) -> QueryDict:
    params = request.query_params.copy()
    for name in NOT_SEARCH_PARAMS:
        params.pop(name, None)
    return params


def _language(request) -> str:
    return active_language(getattr(request, "LANGUAGE_CODE", None))


def catalogue_query_for(request) -> CatalogueQuery:
    """The search page's query for these parameters (400 naming each wrong parameter)."""
    params = _search_params(request)
    if params.pop("free", [""])[-1] == "true" and "free" not in params.getlist("price"):
        params.appendlist("price", "free")
    try:
        return catalogue_query_from_params(params, language=_language(request))
    except SearchParamsError as error:
        raise ValidationError(error.errors) from error


def posting_query_for(request) -> PostingQuery:
    try:
        return posting_query_from_params(_search_params(request), language=_language(request))
    except SearchParamsError as error:
        raise ValidationError(error.errors) from error


def _ranked_page(view, *, search, query, hit_id):
    """One cursor page of a search's ranking: the engine answers the window, the view's
    queryset (what the site shows everyone) supplies the objects, in the ranking's order."""
    paginator = view.paginator
    offset, size = paginator.window(view.request)
    result = search(query=replace(query, page=offset // size + 1, page_size=size))
    ids = [hit_id(hit) for hit in result.hits]
    found = view.get_queryset().in_bulk(ids)
    items = [found[pk] for pk in ids if pk in found]
    page = paginator.paginate(items=items, total=result.total, offset=offset, size=size)
    return paginator.get_paginated_response(view.get_serializer(page, many=True).data)


NUMERIC_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        parameters=OFFER_FILTERS,
        description=(
            "The training search of `/formations/recherche/`: the same parameters, the same "
            "offers in the same order (relevance, else the next session)."
        ),
    ),
    retrieve=extend_schema(parameters=[NUMERIC_ID]),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Live training offers of the cadastre, with their sessions and confirmed ESCO links."""

    serializer_class = serializers.OfferSerializer
    pagination_class = RankedCursorPagination

    def get_queryset(self):
        return with_public_links(offer_list().select_related("provider")).prefetch_related(
            "sessions", "funding_schemes"
        )

    def list(self, request, *args, **kwargs):
        query = catalogue_query_for(request)

        def ranked_page() -> tuple[dict, str | None]:
            page = _ranked_page(
                self, search=catalogue_search, query=query, hit_id=lambda hit: hit.offer_id
            )
            return page.data, page.get("Link")

        # The same offers for every caller: computed once per address (core.pagecache), after
        # this caller's key and throttle were checked.
        data, link = shared_data(request, ranked_page)
        response = Response(data)
        if link:
            response["Link"] = link
        return response


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _param("province", "Province.", Province.values),
            _param("kind", "Kind of provider.", ProviderKind.values),
        ]
    ),
    retrieve=extend_schema(parameters=[NUMERIC_ID]),
)
class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """Live training providers."""

    serializer_class = serializers.ProviderSerializer

    def get_queryset(self):
        return provider_list(
            province=_choice(self.request, "province", Province.values) or None,
            kind=_choice(self.request, "kind", ProviderKind.values) or None,
        )


def _browser_filters(request, *, kind: str) -> dict:
    """The skill and occupation browser's filters (`/competences/`), validated by its own
    form: `q`, and for skills `collection` and `skill_type` (400 naming a wrong one)."""
    params = _search_params(request)
    params["type"] = kind
    form = TaxonomySearchForm(params)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        )
    return form.cleaned_data


def _queryset_page(view, queryset):
    """One cursor page of a ranked queryset (the browser's order: best label match first)."""
    paginator = view.paginator
    offset, size = paginator.window(view.request)
    items = list(queryset[offset : offset + size])
    page = paginator.paginate(items=items, total=queryset.count(), offset=offset, size=size)
    return paginator.get_paginated_response(view.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _param("q", "Words in any label (FR or EN), as in the browser's search box."),
            _param("collection", "A skill collection's slug (digital skills, green skills…)."),
            _param(
                "skill_type",
                "ESCO skill type.",
                [value for value in Skill.SkillType.values if value],
            ),
        ],
        description=(
            "The skill browser's search (`/competences/?type=skill`): same parameters, same "
            "skills in the same order (best label match first, else alphabetical)."
        ),
    )
)
class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """ESCO skills and the platform's local concepts, by URI."""

    serializer_class = serializers.SkillSerializer
    lookup_field = "key"
    pagination_class = RankedCursorPagination

    def get_queryset(self):
        return Skill.objects.current().prefetch_related("broader_groups", "broader_skills")

    def list(self, request, *args, **kwargs):
        data = _browser_filters(request, kind="skill")
        skills = skill_search(
            query=data["q"],
            language=_language(request),
            collection=data["collection"].slug if data["collection"] else "",
            skill_type=data["skill_type"],
        ).prefetch_related("broader_groups", "broader_skills")
        return _queryset_page(self, skills)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _param("q", "Words in any label or French job title, as in the browser."),
            _param("isco", "ISCO group code (its page: /metiers/isco/<code>/)."),
        ],
        description=(
            "The occupation browser's search (`/competences/?type=occupation`): same "
            "occupations in the same order; `isco` keeps those of an ISCO group."
        ),
    )
)
class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    """ESCO occupations with their essential and optional skills."""

    serializer_class = serializers.OccupationSerializer
    lookup_field = "key"
    pagination_class = RankedCursorPagination

    def get_queryset(self):
        return (
            Occupation.objects.current()
            .select_related("isco_group")
            .prefetch_related(
                Prefetch(
                    "skill_links",
                    queryset=OccupationSkill.objects.select_related("skill").order_by("skill__uri"),
                )
            )
        )

    def list(self, request, *args, **kwargs):
        data = _browser_filters(request, kind="occupation")
        occupations = (
            occupation_search(query=data["q"], language=_language(request))
            .select_related("isco_group")
            .prefetch_related(
                Prefetch(
                    "skill_links",
                    queryset=OccupationSkill.objects.select_related("skill").order_by("skill__uri"),
                )
            )
        )
        isco = request.query_params.get("isco", "").strip()
        if isco:
            occupations = occupations.filter(isco_group__code__startswith=isco)
        return _queryset_page(self, occupations)


@extend_schema_view(
    list=extend_schema(
        parameters=POSTING_FILTERS,
        description=(
            "The posting search (`/emplois/recherche/`: same parameters, same order) over the "
            "public board's postings: published, not expired, one per duplicate group. The "
            "board's own filters (`province`, `contract`) are among them. `count` is the "
            "search's total: it may include postings past their date that the board (and this "
            "list) no longer shows."
        ),
    ),
    retrieve=extend_schema(parameters=[NUMERIC_ID]),
)
class PostingViewSet(viewsets.ReadOnlyModelViewSet):
    """Job postings on the public board (published, not expired, one per duplicate group)."""

    serializer_class = serializers.PostingSerializer
    pagination_class = RankedCursorPagination

    def get_queryset(self):
        return board_postings().prefetch_related(
            Prefetch(
                "occupation_links",
                queryset=PostingOccupation.objects.active()
                .select_related("occupation")
                .order_by("rank"),
                to_attr="api_occupation_links",
            ),
            Prefetch(
                "skill_links",
                queryset=PostingSkill.objects.active().select_related("skill").order_by("-score"),
                to_attr="api_skill_links",
            ),
        )

    def list(self, request, *args, **kwargs):
        # The search ranks every published unique posting; the board's queryset then keeps
        # only what the board shows (an expired posting answers 410 there, so never here).
        return _ranked_page(
            self,
            search=posting_search,
            query=posting_query_for(request),
            hit_id=lambda hit: hit.posting_id,
        )


class ShortageListViewSet(viewsets.ReadOnlyModelViewSet):
    """Shortage-profession lists with their entries' ESCO occupations."""

    serializer_class = serializers.ShortageListSerializer

    def get_queryset(self):
        return ShortageList.objects.prefetch_related(
            Prefetch(
                "entries",
                queryset=ShortageListEntry.objects.prefetch_related("occupations").order_by("pk"),
            )
        )
