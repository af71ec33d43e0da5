"""The dashboards' figures in the API, read from the stored analytics (`analytics.selectors`).

The site's rule, kept here: what the public summary (`/penuries/chiffres/`) shows is for
everyone (region-wide figures over the default period, rows with enough postings, the columns
of its tables); everything else the advisor pages show (per province, other periods, the
tension's inputs, employers' training requests, providers) is for accounts with the advisor
permission, signed in on the site or through an API key issued to the account. A client
without credentials asking for advisor figures gets 401 (the site sends it to its sign-in
page); credentials without the permission (an account, or a key issued to none) get 403.

A suppressed row (too few postings) keeps its name and says so; its figures are null, for
advisors too, as on their pages.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from analytics import selectors
from analytics.models import ALL, DEFAULT_PERIOD, Period
from cms.api.pagination import RankedCursorPagination
from cms.views.advisor_access import is_advisor
from cms.views.advisor_filters import AdvisorFilterForm, AdvisorFilters
from core.places import Province
from skills.models import Occupation, Skill

ADVISOR_ONLY = _("These figures are for advisors: sign in, or send an advisor's API key.")


class IsAdvisor(BasePermission):
    """The advisor pages' permission (`cms.view_advisor_dashboards`), session or key."""

    message = ADVISOR_ONLY

    def has_permission(self, request, view) -> bool:
        return is_advisor(request.user)


def _filters(request, *, allowed: tuple[str, ...]) -> AdvisorFilters:
    """The advisor pages' filters from the query string; a value they do not know is a 400
    here (the page would quietly show its default; a client should be told)."""
    form = AdvisorFilterForm(request.query_params)
    form.is_valid()
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    if errors:
        raise ValidationError(errors)
    filters = form.filters()
    beyond = [
        name
        for name in ("province", "period", "isco", "shortage_list")
        if name not in allowed and request.query_params.get(name)
    ]
    if beyond:
        raise ValidationError({name: ["This endpoint has no such filter."] for name in beyond})
    return filters


def _public_scope(request, filters: AdvisorFilters) -> bool:
    """True when the client gets the public view. A non-advisor asking for figures the public
    summary does not show (a province, another period) is refused, not answered with less."""
    if is_advisor(request.user):
        return False
    if filters.province != ALL or filters.period != DEFAULT_PERIOD:
        _refuse(request)
    return True


def _refuse(request):
    """401 without credentials (the site would ask to sign in), 403 with credentials that lack
    the permission, as DRF answers for `IsAdvisor`."""
    if not request.user.is_authenticated and request.auth is None:
        raise NotAuthenticated(ADVISOR_ONLY)
    raise PermissionDenied(ADVISOR_ONLY)


def _province(filters: AdvisorFilters) -> str | None:
    return None if filters.province == ALL else filters.province


def _paged(view, rows: list, serializer_class) -> Response:
    paginator = view.paginator
    offset, size = paginator.window(view.request)
    page = paginator.paginate(
        items=rows[offset : offset + size], total=len(rows), offset=offset, size=size
    )
    return paginator.get_paginated_response(
        serializer_class(page, many=True, context=view.get_serializer_context()).data
    )


def _shown(row, name: str):
    """A figure of a row, None when the row is suppressed."""
    return None if getattr(row, "suppressed", False) else getattr(row, name)


class Figure(serializers.Field):
    """A figure that a suppressed row does not show (null)."""

    def __init__(self, field: serializers.Field, **kwargs):
        self.inner = field
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.figure = field_name

    def to_representation(self, row):
        value = _shown(row, self.figure)
        return None if value is None else self.inner.to_representation(value)


class FigureSchema(OpenApiSerializerFieldExtension):
    """The OpenAPI type of a `Figure`: its inner field's, nullable."""

    target_class = Figure

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target.inner, direction)
        return {**schema, "nullable": True}


def figure(field: serializers.Field) -> Figure:
    return Figure(field)


# -- shapes ------------------------------------------------------------------------------------


class ConceptRefSerializer(serializers.Serializer):
    uri = serializers.CharField()
    key = serializers.CharField()
    label = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, ref) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(ref.url) if request and ref.url else ref.url


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    finished_at = serializers.DateTimeField()
    vintage_month = serializers.DateField()
    latest_posting_date = serializers.DateField()
    latest_session_date = serializers.DateField()
    esco_version = serializers.CharField()


class PublicProfessionSerializer(serializers.Serializer):
    """A profession of the public summary's table."""

    occupation = ConceptRefSerializer()
    isco_code = serializers.CharField()
    listed = serializers.BooleanField()
    tension_label = serializers.CharField()
    tension_label_display = serializers.CharField()
    demand_postings = figure(serializers.IntegerField())
    demand_trend = figure(serializers.ListField(child=serializers.IntegerField()))
    trend_months = serializers.ListField(child=serializers.DateField())
    supply_sessions = figure(serializers.IntegerField())
    coverage = figure(serializers.FloatField())
    suppressed = serializers.BooleanField()


class ProfessionSerializer(PublicProfessionSerializer):
    """A profession of the advisors' shortage table, with what its label rests on."""

    province = serializers.CharField(allow_null=True)
    period = serializers.CharField()
    list_entries = serializers.ListField(child=serializers.DictField())
    tension_basis = figure(serializers.DictField())
    is_proxy = serializers.BooleanField()
    demand_previous = figure(serializers.IntegerField())
    growth = figure(serializers.FloatField())
    reposted = figure(serializers.IntegerField())
    supply_seats = figure(serializers.IntegerField())
    essential_skills = serializers.IntegerField()
    covered_skills = figure(serializers.IntegerField())


class PublicGapSerializer(serializers.Serializer):
    """A skill of the public summary's "most short of training" table."""

    skill = ConceptRefSerializer()
    demand_postings = figure(serializers.IntegerField())
    demand_share = figure(serializers.FloatField())
    supply_share = figure(serializers.FloatField())
    log_ratio = figure(serializers.FloatField())
    in_shortage = serializers.BooleanField()
    suppressed = serializers.BooleanField()


class GapSerializer(PublicGapSerializer):
    province = serializers.CharField(allow_null=True)
    period = serializers.CharField()
    demand_weight = figure(serializers.FloatField())
    supply_sessions = figure(serializers.IntegerField())
    supply_seats = figure(serializers.IntegerField())
    supply_weight = figure(serializers.FloatField())


class ProvinceFiguresSerializer(serializers.Serializer):
    province = serializers.CharField()
    province_label = serializers.CharField()
    postings = figure(serializers.IntegerField())
    supply_sessions = figure(serializers.IntegerField())
    supply_seats = figure(serializers.IntegerField())
    coverage = figure(serializers.FloatField())
    suppressed = serializers.BooleanField()


class SummarySerializer(serializers.Serializer):
    run = RunSerializer()
    period = serializers.SerializerMethodField()
    postings = serializers.IntegerField()
    offers = serializers.IntegerField()
    sessions = serializers.IntegerField()
    min_volume = serializers.IntegerField()
    by_province = ProvinceFiguresSerializer(many=True)

    def get_period(self, summary) -> str:
        return DEFAULT_PERIOD.value


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    postings = serializers.IntegerField()
    demand_weight = serializers.FloatField()
    sessions = serializers.IntegerField()
    seats = serializers.IntegerField()
    supply_weight = serializers.FloatField()


class OfferRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    provider_id = serializers.IntegerField(allow_null=True)
    provider_name = serializers.CharField()
    province = serializers.CharField()
    modality = serializers.CharField()


class TrainingRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employer_name = serializers.CharField()
    headcount = serializers.IntegerField()
    needed_by = serializers.DateField()
    province = serializers.CharField()
    status = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())


class CandidateSerializer(serializers.Serializer):
    provider_id = serializers.IntegerField()
    name = serializers.CharField()
    covered_skills = serializers.IntegerField()
    essential_skills = serializers.IntegerField()
    coverage = serializers.FloatField()
    offers = OfferRefSerializer(many=True)
    missing_skills = ConceptRefSerializer(many=True)


class MonthlyPostingsSerializer(serializers.Serializer):
    month = serializers.DateField()
    postings = serializers.IntegerField()


class ProfessionDetailSerializer(serializers.Serializer):
    occupation = ConceptRefSerializer()
    province = serializers.CharField(allow_null=True)
    period = serializers.CharField()
    row = ProfessionSerializer(allow_null=True)
    monthly_postings = serializers.SerializerMethodField()
    by_province = ProvinceFiguresSerializer(many=True)
    essential_skills = serializers.IntegerField()
    covered_skills = ConceptRefSerializer(many=True)
    uncovered_skills = ConceptRefSerializer(many=True)
    coverage = serializers.FloatField(allow_null=True)
    nearest_offers = OfferRefSerializer(many=True)
    training_requests = TrainingRequestSerializer(many=True)
    candidate_providers = CandidateSerializer(many=True)

    @extend_schema_field(MonthlyPostingsSerializer(many=True))
    def get_monthly_postings(self, detail) -> list[dict]:
        return [
            {"month": month.isoformat(), "postings": postings}
            for month, postings in zip(detail.trend_months, detail.trend_postings, strict=True)
        ]


# -- endpoints ---------------------------------------------------------------------------------

PROVINCE = OpenApiParameter(
    "province", OpenApiTypes.STR, description="Province (advisors).", enum=Province.values
)
PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    description=f"Period (advisors; `{DEFAULT_PERIOD.value}` for everyone).",
    enum=Period.values,
)
ISCO = OpenApiParameter("isco", OpenApiTypes.STR, description="ISCO major or sub-major group.")
SHORTAGE_LIST = OpenApiParameter(
    "shortage_list", OpenApiTypes.INT, description="A shortage list's id."
)
KEY = OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description="ESCO key.")
NOT_COMPUTED = _("The figures are not computed yet.")


class AnalyticsView(GenericAPIView):
    pagination_class = RankedCursorPagination


class SummaryView(AnalyticsView):
    """The public summary's region-wide figures (`/penuries/chiffres/`), for everyone."""

    serializer_class = SummarySerializer
    pagination_class = None

    @extend_schema(operation_id="analytics_summary", tags=["analytics"])
    def get(self, request):
        summary = selectors.public_summary()
        if summary is None:
            raise Http404(NOT_COMPUTED)
        return Response(self.get_serializer(summary).data)


class ShortageProfessionsView(AnalyticsView):
    """Shortage professions with their figures. Everyone: the public summary's table (listed
    professions with enough postings, region-wide, default period; `isco` and `shortage_list`
    narrow it). Advisors: the shortage page's table, every filter, every column."""

    serializer_class = ProfessionSerializer

    @extend_schema(
        operation_id="analytics_shortage_professions",
        tags=["analytics"],
        parameters=[PROVINCE, PERIOD, ISCO, SHORTAGE_LIST],
    )
    def get(self, request):
        filters = _filters(request, allowed=("province", "period", "isco", "shortage_list"))
        public = _public_scope(request, filters)
        rows = selectors.shortage_professions(
            province=_province(filters),
            period=filters.period,
            shortage_list=filters.shortage_list.pk if filters.shortage_list else None,
            isco_group=filters.isco or None,
        )
        if public:
            rows = [row for row in rows if row.listed and not row.suppressed]
            return _paged(self, rows, PublicProfessionSerializer)
        return _paged(self, rows, ProfessionSerializer)


def _flag(request, name: str) -> bool:
    value = request.query_params.get(name, "")
    if value not in ("", "true", "false"):
        raise ValidationError({name: ["Use true or false."]})
    return value == "true"


class SkillGapsView(AnalyticsView):
    """Skills by gap between demand and training, largest first. Everyone: the public
    summary's "most short of training" list. Advisors: every skill of a province and period
    (`shortage_only`, `exclude_transversal` as on the overview)."""

    serializer_class = GapSerializer

    @extend_schema(
        operation_id="analytics_skill_gaps",
        tags=["analytics"],
        parameters=[
            PROVINCE,
            PERIOD,
            OpenApiParameter("shortage_only", OpenApiTypes.BOOL, description="Advisors."),
            OpenApiParameter("exclude_transversal", OpenApiTypes.BOOL, description="Advisors."),
        ],
    )
    def get(self, request):
        filters = _filters(request, allowed=("province", "period"))
        public = _public_scope(request, filters)
        shortage_only = _flag(request, "shortage_only")
        exclude_transversal = _flag(request, "exclude_transversal")
        if public:
            # The public list is the summary's: its top skills in shortage, nothing else.
            summary = selectors.public_summary()
            rows = summary.skills_in_shortage if summary else []
            if exclude_transversal or request.query_params.get("shortage_only") == "false":
                _refuse(request)
            return _paged(self, [r for r in rows if not r.suppressed], PublicGapSerializer)
        rows = selectors.skill_gaps(
            province=_province(filters),
            period=filters.period,
            shortage_only=shortage_only,
            exclude_transversal=exclude_transversal,
        )
        return _paged(self, rows, GapSerializer)


class ProfessionDetailView(AnalyticsView):
    """Everything the advisors' profession page shows: monthly postings, figures by province,
    essential skills covered or not, nearest offers, employers' training requests, providers
    that could answer. Advisors only."""

    serializer_class = ProfessionDetailSerializer
    permission_classes = [IsAdvisor]
    pagination_class = None

    @extend_schema(
        operation_id="analytics_profession", tags=["analytics"], parameters=[KEY, PROVINCE, PERIOD]
    )
    def get(self, request, key: str):
        occupation = Occupation.objects.filter(key=key).only("uri").first()
        if occupation is None:
            raise Http404("No occupation with this key.")
        filters = _filters(request, allowed=("province", "period"))
        detail = selectors.profession_detail(
            occupation_uri=occupation.uri, province=_province(filters), period=filters.period
        )
        if detail is None:
            raise Http404(NOT_COMPUTED)
        return Response(self.get_serializer(detail).data)


class SkillMonthsView(AnalyticsView):
    """A skill's demand (postings) and training supply (sessions, seats) month by month, in a
    province or everywhere: the advisors' skill page's chart. Advisors only."""

    serializer_class = MonthSerializer
    permission_classes = [IsAdvisor]

    @extend_schema(
        operation_id="analytics_skill_months", tags=["analytics"], parameters=[KEY, PROVINCE]
    )
    def get(self, request, key: str):
        skill = Skill.objects.filter(key=key).only("uri").first()
        if skill is None:
            raise Http404("No skill with this key.")
        filters = _filters(request, allowed=("province",))
        detail = selectors.skill_detail(skill_uri=skill.uri, province=_province(filters))
        return _paged(self, detail.months if detail else [], MonthSerializer)
