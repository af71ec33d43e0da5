"""Read-only endpoints. Each list takes the filters of the matching site page; everything is
what an anonymous visitor can see there (live offers, confirmed links, published postings)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from cms.api import serializers
from core.places import Province
from courses.models import (
    EQF_LEVEL_CHOICES,
    Modality,
    OfferFormat,
    OfferOccupation,
    OfferSkill,
    ProviderKind,
)
from courses.selectors import offer_list, provider_list
from jobs.models import JobPosting, PostingOccupation, PostingSkill
from jobs.selectors import board_postings
from skills.models import Occupation, OccupationSkill, ShortageList, ShortageListEntry, Skill


def _choice(request, name: str, allowed) -> str:
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        raise ValidationError({name: f"Unknown value “{value}”."})
    return value


def _concept(request, name: str, model):
    uri = request.query_params.get(name, "")
    if not uri:
        return None
    concept = model.objects.filter(uri=uri).first()
    if concept is None:
        raise ValidationError({name: f"Unknown concept “{uri}”."})
    return concept


def _param(name: str, description: str, enum=None, type=OpenApiTypes.STR) -> OpenApiParameter:
    return OpenApiParameter(name, type, description=description, enum=enum)


OFFER_FILTERS = [
    _param("q", "Words in the title or summary."),
    _param("province", "Province of the provider or of a session.", Province.values),
    _param("format", "Offer format.", OfferFormat.values),
    _param("modality", "Modality.", Modality.values),
    _param("level", "EQF level.", [str(v) for v, _ in EQF_LEVEL_CHOICES]),
    _param("free", "Only free offers.", ["true"]),
    _param("skill", "ESCO skill URI the offer teaches (confirmed link)."),
    _param("occupation", "ESCO occupation URI the offer prepares for (confirmed link)."),
]


NUMERIC_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=OFFER_FILTERS),
    retrieve=extend_schema(parameters=[NUMERIC_ID]),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Live training offers of the cadastre, with their sessions and confirmed ESCO links."""

    serializer_class = serializers.OfferSerializer

    def get_queryset(self):
        request = self.request
        level = _choice(request, "level", {str(v) for v, _ in EQF_LEVEL_CHOICES})
        offers = offer_list(
            query=request.query_params.get("q", "")[:100] or None,
            province=_choice(request, "province", Province.values) or None,
            format=_choice(request, "format", OfferFormat.values) or None,
            modality=_choice(request, "modality", Modality.values) or None,
            level=int(level) if level else None,
            free=True if request.query_params.get("free") == "true" else None,
            skill=_concept(request, "skill", Skill),
        )
        occupation = _concept(request, "occupation", Occupation)
        if occupation is not None:
            offers = offers.filter(
                occupation_links__in=OfferOccupation.objects.public().filter(occupation=occupation)
            )
        return offers.select_related("provider").prefetch_related(
            Prefetch(
                "skill_links",
                queryset=OfferSkill.objects.public().select_related("skill").order_by("skill__uri"),
                to_attr="public_skill_links",
            ),
            Prefetch(
                "occupation_links",
                queryset=OfferOccupation.objects.public()
                .select_related("occupation")
                .order_by("occupation__uri"),
                to_attr="public_occupation_links",
            ),
            "funding_schemes",
        )


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


@extend_schema_view(list=extend_schema(parameters=[_param("q", "Words in a label (FR or EN).")]))
class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """ESCO skills and the platform's local concepts (current ones), by URI."""

    serializer_class = serializers.SkillSerializer
    lookup_field = "key"

    def get_queryset(self):
        skills = Skill.objects.current().prefetch_related("broader_groups", "broader_skills")
        query = self.request.query_params.get("q", "").strip()
        return skills.matching_text(query) if query else skills


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _param("q", "Words in a label (FR or EN)."),
            _param("isco", "ISCO group code."),
        ]
    )
)
class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    """ESCO occupations with their essential and optional skills."""

    serializer_class = serializers.OccupationSerializer
    lookup_field = "key"

    def get_queryset(self):
        occupations = (
            Occupation.objects.current()
            .select_related("isco_group")
            .prefetch_related(
                Prefetch(
                    "skill_links",
                    queryset=OccupationSkill.objects.select_related("skill").order_by("skill__uri"),
                )
            )
        )
        query = self.request.query_params.get("q", "").strip()
        if query:
            occupations = occupations.matching_text(query)
        isco = self.request.query_params.get("isco", "").strip()
        if isco:
            occupations = occupations.filter(isco_group__code__startswith=isco)
        return occupations


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _param("province", "Province.", Province.values),
            _param("contract", "Contract type.", [v for v in JobPosting.ContractType.values if v]),
            _param("occupation", "ESCO occupation URI."),
        ]
    )
)
class PostingViewSet(viewsets.ReadOnlyModelViewSet):
    """Job postings on the public board (published, not expired, one per duplicate group)."""

    serializer_class = serializers.PostingSerializer

    def get_queryset(self):
        request = self.request
        contract_values = [v for v in JobPosting.ContractType.values if v]
        return board_postings(
            province=_choice(request, "province", Province.values),
            contract=_choice(request, "contract", contract_values),
            occupation_uri=request.query_params.get("occupation", ""),
        ).prefetch_related(
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
