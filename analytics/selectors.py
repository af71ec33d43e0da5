"""Read access to the stored analytics, for the dashboards, exports and the public pages.

Every selector reads the results of the latest run that succeeded (`latest_run()`), never the
raw postings or sessions, and runs a bounded number of queries. When no run has succeeded yet,
list selectors return empty lists and the others None: the page says the figures are not
computed yet.

Filters: `province` is a `core.places.Province` value or None for every province together;
`period` a `Period` value ("12m", "24m"), None for `DEFAULT_PERIOD`. Labels come in the active
language. Figures of a `suppressed` row (too few postings, `weights.min_cell_volume()`) must
not be shown; the row says so.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from analytics import weights
from analytics.models import (
    ALL,
    DEFAULT_PERIOD,
    ONLINE,
    PERIOD_MONTHS,
    AreaSummary,
    ComputationRun,
    DemandCell,
    EmergingTerm,
    EmergingTermDecision,
    GapIndicator,
    OccupationCoverage,
    OccupationDemandCell,
    Period,
    ProviderAlignment,
    ProviderSkillSupply,
    ShortageProfession,
    SupplyCell,
)
from analytics.sectors import isco_codes_of_sector
from core.places import Province
from skills.models import Occupation, OccupationSkill, Skill

__all__ = [
    "AlignmentRow",
    "ConceptRef",
    "GapRow",
    "Methodology",
    "MethodologySection",
    "OfferRef",
    "Overview",
    "PostingRef",
    "ProfessionDetail",
    "ProviderAlignmentView",
    "ProviderCandidate",
    "ProvinceFigures",
    "PublicSummary",
    "RunInfo",
    "ShortageRow",
    "SkillAnalytics",
    "TrainingRequestRef",
    "emerging_terms",
    "latest_run",
    "methodology",
    "occupation_figures",
    "overview",
    "profession_detail",
    "provider_alignment",
    "public_summary",
    "shortage_professions",
    "skill_detail",
    "skill_gaps",
]

TREND_MONTHS = 24


# -- the shapes selectors return ---------------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    """The run the figures come from: when, on which data (vintage), with which parameters."""

    id: int
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    duration_seconds: float | None
    latest_posting_date: datetime.date | None
    latest_session_date: datetime.date | None
    esco_version: str
    vintage_month: datetime.date | None
    parameters: dict
    counts: dict


@dataclass(frozen=True)
class ConceptRef:
    """A skill or occupation as the pages link to it."""

    id: int
    uri: str
    key: str
    label: str
    url: str


@dataclass(frozen=True)
class Overview:
    """The overview tiles of a province (None: all) over a period."""

    run: RunInfo
    province: str | None
    period: str
    postings: int
    duplicates: int
    offers: int
    sessions: int
    seats: int
    skills_demanded: int
    skills_in_shortage: int
    skills_suppressed: int
    shortage_professions: int
    tense_professions: int
    average_coverage: float | None
    emerging_terms: int
    min_volume: int


@dataclass(frozen=True)
class ShortageRow:
    """One shortage profession: the figures the table shows and where its label comes from.

    `demand_trend` is the monthly count of unique postings for `trend_months` (oldest first),
    for a sparkline; `tension_basis` the inputs and flags behind `tension_label`.
    """

    occupation: ConceptRef
    isco_code: str
    province: str | None
    period: str
    listed: bool
    list_entries: list[dict]
    tension_label: str
    tension_label_display: str
    tension_basis: dict
    is_proxy: bool
    demand_postings: int
    demand_previous: int
    growth: float | None
    demand_trend: list[int]
    trend_months: list[datetime.date]
    reposted: int
    supply_sessions: int
    supply_seats: int
    essential_skills: int
    covered_skills: int
    coverage: float | None
    suppressed: bool


@dataclass(frozen=True)
class ProvinceFigures:
    province: str
    province_label: str
    postings: int
    supply_sessions: int
    supply_seats: int
    coverage: float | None
    suppressed: bool


@dataclass(frozen=True)
class OfferRef:
    id: int
    title: str
    url: str
    provider_id: int | None
    provider_name: str
    province: str
    modality: str


@dataclass(frozen=True)
class TrainingRequestRef:
    id: int
    employer_name: str
    headcount: int
    needed_by: datetime.date
    province: str
    status: str
    skills: list[str]


@dataclass(frozen=True)
class ProviderCandidate:
    """A provider that already teaches some of a profession's essential skills."""

    provider_id: int
    name: str
    url: str
    covered_skills: int
    essential_skills: int
    coverage: float
    offers: list[OfferRef]
    missing_skills: list[ConceptRef]


@dataclass(frozen=True)
class ProfessionDetail:
    occupation: ConceptRef
    province: str | None
    period: str
    row: ShortageRow | None  # None when the profession is neither listed nor flagged
    trend_months: list[datetime.date]
    trend_postings: list[int]
    by_province: list[ProvinceFigures]
    essential_skills: int
    covered_skills: list[ConceptRef]
    uncovered_skills: list[ConceptRef]
    coverage: float | None
    nearest_offers: list[OfferRef]
    training_requests: list[TrainingRequestRef]
    candidate_providers: list[ProviderCandidate]


@dataclass(frozen=True)
class GapRow:
    skill: ConceptRef
    province: str | None
    period: str
    demand_postings: int
    demand_weight: float
    demand_share: float
    supply_sessions: int
    supply_seats: int
    supply_weight: float
    supply_share: float
    log_ratio: float
    suppressed: bool
    in_shortage: bool


@dataclass(frozen=True)
class MonthFigures:
    month: datetime.date
    postings: int
    demand_weight: float
    sessions: int
    seats: int
    supply_weight: float


@dataclass(frozen=True)
class OccupationDemand:
    occupation: ConceptRef
    relation: str
    postings: int


@dataclass(frozen=True)
class ProviderSupply:
    provider_id: int
    name: str
    url: str
    offers: int
    sessions: int
    seats: int


@dataclass(frozen=True)
class SkillAnalytics:
    skill: ConceptRef
    province: str | None
    period: str
    months: list[MonthFigures]
    gap: GapRow | None
    top_occupations: list[OccupationDemand]
    top_providers: list[ProviderSupply]


@dataclass(frozen=True)
class PostingRef:
    id: int
    title: str
    posted_on: datetime.date
    province: str


@dataclass(frozen=True)
class EmergingTermRow:
    id: int
    term: str
    postings: int
    recent_share: float
    previous_share: float
    growth: float
    trend: float
    score: float
    cluster: int
    cluster_label: str
    examples: list[PostingRef]


@dataclass(frozen=True)
class AlignmentRow:
    occupation: ConceptRef
    tension_label: str
    tension_label_display: str
    listed: bool
    essential_skills: int
    covered_skills: int
    coverage: float
    offers: list[OfferRef]
    missing_skills: list[ConceptRef]


@dataclass(frozen=True)
class ProviderAlignmentView:
    provider_id: int
    rows: list[AlignmentRow]  # every shortage profession it teaches something of
    nearly_covered: list[AlignmentRow]  # half covered or more, not fully: what to add


@dataclass(frozen=True)
class PublicSummary:
    """Region-wide figures with no employer-level detail."""

    run: RunInfo
    postings: int
    offers: int
    sessions: int
    skills_in_shortage: list[GapRow]
    professions: list[ShortageRow]
    by_province: list[ProvinceFigures]
    min_volume: int


@dataclass(frozen=True)
class MethodologySection:
    title: str
    text: str
    values: dict = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[str, str, object]]:
        """(parameter name, its translated label, value) of the values that are set, for the
        panel: the label for people, the name for whoever reads analytics/weights.py."""
        return [
            (name, str(PARAMETER_LABELS.get(name, name)), value)
            for name, value in self.values.items()
            if value is not None
        ]


# What each parameter of the "how this is computed" panel means, in the reader's language.
PARAMETER_LABELS = {
    "relation_weights": _("Weight by the skill's relation to the posting's occupation"),
    "seats_when_unknown": _("Seats counted for a session that does not state them"),
    "format_weights": _("Weight by training format"),
    "reference_hours": _("Duration (hours) that counts fully"),
    "offer_relation_weights": _("Weight by the skill's place in the offer"),
    "smoothing": _("Smoothing added to every count"),
    "shortage_log_ratio": _("Log ratio from which a skill is in shortage"),
    "min_cell_volume": _("Minimum postings for a figure to be shown"),
    "coverage_window_months": _("Months of past sessions counted for coverage"),
    "forem_jobseekers_threshold": _("Jobseekers per vacancy below which a function is in shortage"),
    "proxy_min_postings": _("Minimum postings for the estimate from postings"),
    "proxy_min_growth": _("Minimum growth of postings for the estimate"),
    "proxy_max_coverage": _("Coverage below which essential skills count as poorly covered"),
    "proxy_repost_factor": _("Re-posting rate, relative to the average, that signals tension"),
    "emerging_min_postings": _("Minimum postings for an emerging term"),
    "emerging_min_growth": _("Minimum growth of an emerging term's share"),
}


@dataclass(frozen=True)
class Methodology:
    run: RunInfo | None
    parameters: dict
    sections: list[MethodologySection]


# -- helpers -----------------------------------------------------------------------------------


def _period(period: str | None) -> str:
    if not period:
        return DEFAULT_PERIOD.value
    if period not in Period.values:
        raise ValueError(f"Unknown period {period!r}; expected one of {Period.values}.")
    return period


def _province(province: str | None) -> str:
    if not province:
        return ALL
    if province not in Province.values:
        raise ValueError(f"Unknown province {province!r}.")
    return province


def _run_info(run: ComputationRun) -> RunInfo:
    return RunInfo(
        id=run.pk,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=run.duration_seconds,
        latest_posting_date=run.latest_posting_date,
        latest_session_date=run.latest_session_date,
        esco_version=run.esco_version,
        vintage_month=run.vintage_month,
        parameters=run.parameters,
        counts=run.counts,
    )


def _latest() -> ComputationRun | None:
    return ComputationRun.objects.succeeded().order_by("-finished_at", "-id").first()


def latest_run() -> RunInfo | None:
    """The latest run that succeeded, or None when none has."""
    run = _latest()
    return _run_info(run) if run else None


def _concept_ref(concept, kind: str) -> ConceptRef:
    return ConceptRef(
        id=concept.pk,
        uri=concept.uri,
        key=concept.key,
        label=concept.label(),
        url=concept.get_absolute_url(),
    )


def _skills(ids: Iterable[int]) -> dict[int, ConceptRef]:
    ids = set(ids)
    if not ids:
        return {}
    return {s.pk: _concept_ref(s, "skill") for s in Skill.objects.filter(pk__in=ids)}


def _occupations(ids: Iterable[int]) -> dict[int, Occupation]:
    ids = set(ids)
    if not ids:
        return {}
    return Occupation.objects.select_related("isco_group").in_bulk(ids)


def _months_back(vintage: datetime.date | None, count: int) -> list[datetime.date]:
    if vintage is None:
        return []
    months = []
    year, month = vintage.year, vintage.month
    for _n in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _province_label(key: str) -> str:
    if key == ALL:
        return str(_("All provinces"))
    return str(Province(key).label) if key in Province.values else key


def _shortage_row(row: ShortageProfession, occupation: Occupation, run) -> ShortageRow:
    label = weights.TensionLabel(row.tension_label)
    return ShortageRow(
        occupation=_concept_ref(occupation, "occupation"),
        isco_code=occupation.isco_group.code if occupation.isco_group else "",
        province=None if row.province == ALL else row.province,
        period=row.period,
        listed=row.listed,
        list_entries=row.list_entries,
        tension_label=row.tension_label,
        tension_label_display=str(weights.TENSION_LABELS[label]),
        tension_basis=row.tension_basis,
        is_proxy=row.tension_basis.get("rule") == "proxy",
        demand_postings=row.demand_postings,
        demand_previous=row.demand_previous,
        growth=(row.demand_postings + 1) / (row.demand_previous + 1),
        demand_trend=list(row.demand_trend),
        trend_months=_months_back(run.vintage_month, len(row.demand_trend)),
        reposted=row.reposted,
        supply_sessions=row.supply_sessions,
        supply_seats=row.supply_seats,
        essential_skills=row.essential_skills,
        covered_skills=row.covered_skills,
        coverage=row.coverage,
        suppressed=row.suppressed,
    )


def _gap_row(row: GapIndicator, skill: ConceptRef) -> GapRow:
    return GapRow(
        skill=skill,
        province=None if row.province == ALL else row.province,
        period=row.period,
        demand_postings=row.demand_postings,
        demand_weight=row.demand_weight,
        demand_share=row.demand_share,
        supply_sessions=row.supply_sessions,
        supply_seats=row.supply_seats,
        supply_weight=row.supply_weight,
        supply_share=row.supply_share,
        log_ratio=row.log_ratio,
        suppressed=row.suppressed,
        in_shortage=not row.suppressed and row.log_ratio >= weights.SHORTAGE_LOG_RATIO,
    )


def _offer_refs(ids: list[int], known: dict[int, OfferRef] | None = None) -> list[OfferRef]:
    """The live offers among `ids`, in that order; from `known` (`_offer_ref_map`) when given,
    so that a page listing many rows reads the offers once."""
    if known is None:
        known = _offer_ref_map(ids)
    return [known[pk] for pk in ids if pk in known]


def _offer_ref_map(ids: Iterable[int]) -> dict[int, OfferRef]:
    """Live offers by id, their provider with them: one query for a whole page."""
    from wagtail.models import Site

    from courses.models import OfferPage

    ids = set(ids)
    if not ids:
        return {}
    offers = list(OfferPage.objects.live().filter(pk__in=ids).select_related("provider"))
    # Without a request, each page asks the cache for the site root paths on its own (`url`):
    # read them once and hand them to every offer (Wagtail's own per-object cache attribute).
    roots = Site.get_site_root_paths()
    for offer in offers:
        offer._wagtail_cached_site_root_paths = roots
    return {
        offer.pk: OfferRef(
            id=offer.pk,
            title=offer.title,
            url=offer.url or "",
            provider_id=offer.provider_id,
            provider_name=offer.provider.title if offer.provider else "",
            province=offer.provider.province if offer.provider else "",
            modality=offer.modality,
        )
        for offer in offers
    }


def _providers(ids: Iterable[int]) -> dict:
    from wagtail.models import Site

    from courses.models import ProviderPage

    ids = set(ids)
    providers = ProviderPage.objects.in_bulk(ids) if ids else {}
    roots = Site.get_site_root_paths() if providers else None
    for provider in providers.values():  # one read of the site roots for every `url` (above)
        provider._wagtail_cached_site_root_paths = roots
    return providers


# -- selectors -----------------------------------------------------------------------------------


def overview(*, province: str | None = None, period: str | None = None) -> Overview | None:
    """The tiles: unique postings, offers, sessions, skills in shortage, professions…"""
    run = _latest()
    if run is None:
        return None
    period, key = _period(period), _province(province)
    summary = AreaSummary.objects.filter(run=run, province=key, period=period).first()
    pending = EmergingTerm.objects.filter(run=run).exclude(
        term__in=EmergingTermDecision.objects.values("term")
    )
    return Overview(
        run=_run_info(run),
        province=province or None,
        period=period,
        postings=summary.postings if summary else 0,
        duplicates=summary.duplicates if summary else 0,
        offers=summary.offers if summary else 0,
        sessions=summary.sessions if summary else 0,
        seats=summary.seats if summary else 0,
        skills_demanded=summary.skills_demanded if summary else 0,
        skills_in_shortage=summary.skills_in_shortage if summary else 0,
        skills_suppressed=summary.skills_suppressed if summary else 0,
        shortage_professions=summary.shortage_professions if summary else 0,
        tense_professions=summary.tense_professions if summary else 0,
        average_coverage=summary.average_coverage if summary else None,
        emerging_terms=pending.count(),
        min_volume=run.parameters.get("min_cell_volume", weights.min_cell_volume()),
    )


def shortage_professions(
    *,
    province: str | None = None,
    period: str | None = None,
    shortage_list: int | None = None,
    isco_group: str | None = None,
    sector: str | None = None,
    tense_only: bool = False,
) -> list[ShortageRow]:
    """Professions on a loaded shortage list or flagged tense, most postings first.

    `shortage_list` keeps those of one list (its id); `isco_group` those whose ISCO code starts
    with it ("2", "21", "2166"); `sector` those whose occupation's ISCO group belongs to it
    (`analytics.sectors`); `tense_only` those labelled tense or in shortage.
    """
    run = _latest()
    if run is None:
        return []
    rows = ShortageProfession.objects.filter(
        run=run, province=_province(province), period=_period(period)
    )
    if isco_group:
        rows = rows.filter(occupation__isco_group__code__startswith=isco_group)
    if sector:
        codes = rows.values_list("occupation__isco_group__code", flat=True).distinct()
        rows = rows.filter(
            occupation__isco_group__code__in=isco_codes_of_sector(sector, set(codes))
        )
    rows = list(rows.order_by("-demand_postings", "occupation_id"))
    if shortage_list is not None:
        rows = [r for r in rows if any(e.get("list_id") == shortage_list for e in r.list_entries)]
    if tense_only:
        tense = {
            weights.TensionLabel.PROXY_TENSE,
            weights.TensionLabel.FOREM_CRITICAL,
            weights.TensionLabel.FOREM_SHORTAGE,
        }
        rows = [r for r in rows if r.tension_label in tense]
    occupations = _occupations(r.occupation_id for r in rows)
    return [_shortage_row(r, occupations[r.occupation_id], run) for r in rows]


def occupation_figures(
    *, occupation_ids: Iterable[int], province: str | None = None, period: str | None = None
) -> dict[int, ShortageRow]:
    """The shortage rows of these occupations, by occupation id (those without one are left
    out): for the shortage-list and occupation pages' figures."""
    run = _latest()
    ids = set(occupation_ids)
    if run is None or not ids:
        return {}
    rows = ShortageProfession.objects.filter(
        run=run, province=_province(province), period=_period(period), occupation_id__in=ids
    )
    occupations = _occupations(ids)
    return {r.occupation_id: _shortage_row(r, occupations[r.occupation_id], run) for r in rows}


def profession_detail(
    *, occupation_uri: str, province: str | None = None, period: str | None = None
) -> ProfessionDetail | None:
    """Everything the profession page shows; None when the occupation is unknown or no run
    has succeeded."""
    from jobs.models import TrainingRequest

    run = _latest()
    occupation = Occupation.objects.select_related("isco_group").filter(uri=occupation_uri).first()
    if run is None or occupation is None:
        return None
    period, key = _period(period), _province(province)
    row = ShortageProfession.objects.filter(
        run=run, occupation=occupation, province=key, period=period
    ).first()

    months = _months_back(run.vintage_month, TREND_MONTHS)
    cells = OccupationDemandCell.objects.filter(run=run, occupation=occupation, month__in=months)
    if key != ALL:
        cells = cells.filter(province=key)
    per_month: dict[datetime.date, int] = defaultdict(int)
    for month, postings in cells.values_list("month", "postings"):
        per_month[month] += postings

    period_rows = {
        r.province: r
        for r in ShortageProfession.objects.filter(run=run, occupation=occupation, period=period)
    }
    coverages = {
        c.province: c for c in OccupationCoverage.objects.filter(run=run, occupation=occupation)
    }
    minimum = run.parameters.get("min_cell_volume", weights.min_cell_volume())
    by_province = []
    for value in Province.values:
        r = period_rows.get(value)
        c = coverages.get(value)
        postings = r.demand_postings if r else 0
        by_province.append(
            ProvinceFigures(
                province=value,
                province_label=_province_label(value),
                postings=postings,
                supply_sessions=r.supply_sessions if r else 0,
                supply_seats=r.supply_seats if r else 0,
                coverage=c.coverage if c else None,
                suppressed=weights.is_suppressed(postings, minimum=minimum),
            )
        )

    coverage = coverages.get(key)
    essential_ids = list(
        OccupationSkill.objects.filter(
            occupation=occupation, relation=OccupationSkill.Relation.ESSENTIAL
        ).values_list("skill_id", flat=True)
    )
    uncovered_ids = list(coverage.uncovered_skill_ids) if coverage else list(essential_ids)
    skills = _skills(essential_ids)
    uncovered = [skills[i] for i in uncovered_ids if i in skills]
    covered = [skills[i] for i in essential_ids if i not in set(uncovered_ids) and i in skills]

    requests = []
    if row and row.training_request_ids:
        for req in (
            TrainingRequest.objects.filter(pk__in=row.training_request_ids)
            .select_related("employer")
            .prefetch_related("skills")
        ):
            requests.append(
                TrainingRequestRef(
                    id=req.pk,
                    employer_name=req.employer.name,
                    headcount=req.headcount,
                    needed_by=req.needed_by,
                    province=req.province,
                    status=req.status,
                    skills=[s.label() for s in req.skills.all()],
                )
            )

    return ProfessionDetail(
        occupation=_concept_ref(occupation, "occupation"),
        province=province or None,
        period=period,
        row=_shortage_row(row, occupation, run) if row else None,
        trend_months=months,
        trend_postings=[per_month.get(m, 0) for m in months],
        by_province=by_province,
        essential_skills=len(essential_ids),
        covered_skills=sorted(covered, key=lambda s: s.label),
        uncovered_skills=sorted(uncovered, key=lambda s: s.label),
        coverage=coverage.coverage if coverage else None,
        nearest_offers=_offer_refs(list(row.nearest_offer_ids)) if row else [],
        training_requests=requests,
        candidate_providers=_candidates(run, occupation),
    )


def _candidates(run, occupation, limit: int = 10) -> list[ProviderCandidate]:
    alignments = list(
        ProviderAlignment.objects.filter(run=run, occupation=occupation).order_by(
            "-covered_skills", "provider_id"
        )[:limit]
    )
    providers = _providers(a.provider_id for a in alignments)
    skills = _skills(i for a in alignments for i in a.missing_skill_ids)
    offers = _offer_ref_map(i for a in alignments for i in a.offer_ids)
    candidates = []
    for a in alignments:
        provider = providers.get(a.provider_id)
        if provider is None:
            continue
        candidates.append(
            ProviderCandidate(
                provider_id=a.provider_id,
                name=provider.title,
                url=provider.url or "",
                covered_skills=a.covered_skills,
                essential_skills=a.essential_skills,
                coverage=a.coverage,
                offers=_offer_refs(list(a.offer_ids), offers),
                missing_skills=[skills[i] for i in a.missing_skill_ids if i in skills],
            )
        )
    return candidates


def skill_detail(
    *, skill_uri: str, province: str | None = None, period: str | None = None, top: int = 10
) -> SkillAnalytics | None:
    """Demand and supply of a skill per month (24 months to the reference month, then the
    planned sessions), its gap row, the occupations asking for it and the providers teaching it.
    None when the skill is unknown or no run has succeeded."""
    run = _latest()
    skill = Skill.objects.filter(uri=skill_uri).first()
    if run is None or skill is None:
        return None
    period, key = _period(period), _province(province)
    demand = DemandCell.objects.filter(run=run, skill=skill)
    supply = SupplyCell.objects.filter(run=run, skill=skill)
    if key != ALL:
        demand = demand.filter(province=key)
        supply = supply.filter(province__in=[key, ONLINE])
    months: dict[datetime.date, list] = defaultdict(lambda: [0, 0.0, 0, 0, 0.0])
    for month in _months_back(run.vintage_month, TREND_MONTHS):
        months[month]  # every month of the window, even empty
    for month, postings, weight in demand.values_list("month", "postings", "weight"):
        months[month][0] += postings
        months[month][1] += weight
    for month, sessions, seats, weight in supply.values_list(
        "month", "sessions", "seats", "weight"
    ):
        months[month][2] += sessions
        months[month][3] += seats
        months[month][4] += weight
    gap = GapIndicator.objects.filter(run=run, skill=skill, province=key, period=period).first()
    ref = _concept_ref(skill, "skill")

    occupation_demand = defaultdict(int)
    period_months = _months_back(run.vintage_month, PERIOD_MONTHS[Period(period)])
    links = dict(
        OccupationSkill.objects.filter(skill=skill).values_list("occupation_id", "relation")
    )
    cells = OccupationDemandCell.objects.filter(
        run=run, occupation_id__in=list(links), month__in=period_months
    )
    if key != ALL:
        cells = cells.filter(province=key)
    for occupation_id, postings in cells.values_list("occupation_id", "postings"):
        occupation_demand[occupation_id] += postings
    top_ids = sorted(occupation_demand, key=lambda i: (-occupation_demand[i], i))[:top]
    occupations = _occupations(top_ids)
    top_occupations = [
        OccupationDemand(
            occupation=_concept_ref(occupations[i], "occupation"),
            relation=links[i],
            postings=occupation_demand[i],
        )
        for i in top_ids
    ]

    supplies = list(
        ProviderSkillSupply.objects.filter(run=run, skill=skill).order_by(
            "-sessions", "provider_id"
        )[:top]
    )
    providers = _providers(s.provider_id for s in supplies)
    top_providers = [
        ProviderSupply(
            provider_id=s.provider_id,
            name=providers[s.provider_id].title,
            url=providers[s.provider_id].url or "",
            offers=s.offers,
            sessions=s.sessions,
            seats=s.seats,
        )
        for s in supplies
        if s.provider_id in providers
    ]
    return SkillAnalytics(
        skill=ref,
        province=province or None,
        period=period,
        months=[MonthFigures(m, *months[m]) for m in sorted(months)],
        gap=_gap_row(gap, ref) if gap else None,
        top_occupations=top_occupations,
        top_providers=top_providers,
    )


def skill_gaps(
    *,
    province: str | None = None,
    period: str | None = None,
    shortage_only: bool = False,
    include_suppressed: bool = True,
    exclude_transversal: bool = False,
    limit: int | None = None,
) -> list[GapRow]:
    """Skills by smoothed log ratio, largest gap first (suppressed rows last).

    `shortage_only` keeps the unsuppressed rows above the shortage threshold;
    `exclude_transversal` leaves out ESCO's transversal skills (languages, "work in a team"),
    which every posting asks for and few courses name."""
    run = _latest()
    if run is None:
        return []
    rows = GapIndicator.objects.filter(
        run=run, province=_province(province), period=_period(period)
    )
    if shortage_only:
        rows = rows.filter(suppressed=False, log_ratio__gte=weights.SHORTAGE_LOG_RATIO)
    elif not include_suppressed:
        rows = rows.filter(suppressed=False)
    if exclude_transversal:
        rows = rows.exclude(skill__reuse_level=Skill.ReuseLevel.TRANSVERSAL)
    rows = rows.order_by("suppressed", "-log_ratio", "skill_id")
    if limit:
        rows = rows[:limit]
    rows = list(rows)
    skills = _skills(r.skill_id for r in rows)
    return [_gap_row(r, skills[r.skill_id]) for r in rows if r.skill_id in skills]


def emerging_terms(*, limit: int | None = None) -> list[EmergingTermRow]:
    """The curators' queue: candidate terms of the latest run not decided yet, best first."""
    from jobs.models import JobPosting

    run = _latest()
    if run is None:
        return []
    terms = (
        EmergingTerm.objects.filter(run=run)
        .exclude(term__in=EmergingTermDecision.objects.values("term"))
        .order_by("-score", "term")
    )
    if limit:
        terms = terms[:limit]
    terms = list(terms)
    posting_ids = {i for t in terms for i in t.example_posting_ids}
    postings = JobPosting.objects.only("title", "posted_on", "province").in_bulk(posting_ids)
    return [
        EmergingTermRow(
            id=t.pk,
            term=t.term,
            postings=t.postings,
            recent_share=t.recent_share,
            previous_share=t.previous_share,
            growth=t.growth,
            trend=t.trend,
            score=t.score,
            cluster=t.cluster,
            cluster_label=t.cluster_label,
            examples=[
                PostingRef(p.pk, p.title, p.posted_on, p.province)
                for i in t.example_posting_ids
                if (p := postings.get(i)) is not None
            ],
        )
        for t in terms
    ]


def provider_alignment(*, provider_id: int) -> ProviderAlignmentView | None:
    """Which shortage professions a provider's offers answer, and what it nearly covers."""
    run = _latest()
    if run is None:
        return None
    alignments = list(
        ProviderAlignment.objects.filter(run=run, provider_id=provider_id).order_by(
            "-coverage", "occupation_id"
        )
    )
    occupations = _occupations(a.occupation_id for a in alignments)
    labels = dict(
        ShortageProfession.objects.filter(
            run=run, province=ALL, period=DEFAULT_PERIOD, occupation_id__in=list(occupations)
        ).values_list("occupation_id", "tension_label")
    )
    listed = set(
        ShortageProfession.objects.filter(
            run=run, province=ALL, period=DEFAULT_PERIOD, listed=True
        ).values_list("occupation_id", flat=True)
    )
    skills = _skills(i for a in alignments for i in a.missing_skill_ids)
    offers = _offer_ref_map(i for a in alignments for i in a.offer_ids)
    rows = []
    for a in alignments:
        label = weights.TensionLabel(labels.get(a.occupation_id, weights.TensionLabel.PROXY_NONE))
        rows.append(
            AlignmentRow(
                occupation=_concept_ref(occupations[a.occupation_id], "occupation"),
                tension_label=label.value,
                tension_label_display=str(weights.TENSION_LABELS[label]),
                listed=a.occupation_id in listed,
                essential_skills=a.essential_skills,
                covered_skills=a.covered_skills,
                coverage=a.coverage,
                offers=_offer_refs(list(a.offer_ids), offers),
                missing_skills=[skills[i] for i in a.missing_skill_ids if i in skills],
            )
        )
    return ProviderAlignmentView(
        provider_id=provider_id,
        rows=rows,
        nearly_covered=[r for r in rows if 0.5 <= r.coverage < 1],
    )


def public_summary(*, top: int = 10) -> PublicSummary | None:
    """What anyone may see: region-wide totals, the skills most in shortage (unsuppressed),
    the listed professions' figures, postings and sessions per province. No employer names,
    no training requests, no single posting."""
    run = _latest()
    if run is None:
        return None
    period = DEFAULT_PERIOD.value
    summaries = {s.province: s for s in AreaSummary.objects.filter(run=run, period=period)}
    total = summaries.get(ALL)
    minimum = run.parameters.get("min_cell_volume", weights.min_cell_volume())
    by_province = [
        ProvinceFigures(
            province=value,
            province_label=_province_label(value),
            postings=summaries[value].postings if value in summaries else 0,
            supply_sessions=summaries[value].sessions if value in summaries else 0,
            supply_seats=summaries[value].seats if value in summaries else 0,
            coverage=summaries[value].average_coverage if value in summaries else None,
            suppressed=weights.is_suppressed(
                summaries[value].postings if value in summaries else 0, minimum=minimum
            ),
        )
        for value in Province.values
    ]
    professions = [r for r in shortage_professions(period=period) if r.listed and not r.suppressed]
    return PublicSummary(
        run=_run_info(run),
        postings=total.postings if total else 0,
        offers=total.offers if total else 0,
        sessions=total.sessions if total else 0,
        skills_in_shortage=skill_gaps(period=period, shortage_only=True, limit=top),
        professions=professions,
        by_province=by_province,
        min_volume=minimum,
    )


def methodology() -> Methodology:
    """The weights and rules, for the "how this is computed" panel: the latest run's own
    parameters when there is one, else the current ones."""
    run = _latest()
    parameters = run.parameters if run else weights.current_parameters().as_dict()
    p = parameters
    sections = [
        MethodologySection(
            title=str(_("Demand")),
            text=str(
                _(
                    "Each unique job posting (re-posts of the same job count once) counts for "
                    "every skill linked to it. A link counts fully when a person confirmed it, "
                    "by the extractor's confidence when it is a suggestion, and never when it "
                    "was rejected. It is then weighted by how the skill relates to the "
                    "posting's occupation in ESCO: essential, optional, or only found in the "
                    "text."
                )
            ),
            values={"relation_weights": p.get("relation_weights")},
        ),
        MethodologySection(
            title=str(_("Supply")),
            text=str(
                _(
                    "Each session of a published training offer counts for every skill the "
                    "offer teaches (confirmed links only), cancelled sessions left out: by its "
                    "seats when stated, otherwise as a typical group, weighted by the offer's "
                    "format and duration. Distance-learning offers count in every province."
                )
            ),
            values={
                "seats_when_unknown": p.get("seats_when_unknown"),
                "format_weights": p.get("format_weights"),
                "reference_hours": p.get("reference_hours"),
                "offer_relation_weights": p.get("offer_relation_weights"),
            },
        ),
        MethodologySection(
            title=str(_("Gap")),
            text=str(
                _(
                    "A skill's share of all demand is compared with its share of all supply "
                    "in the same province and period, as a smoothed logarithm of their ratio: "
                    "above zero, employers ask for the skill more than training offers it. "
                    "Rows with too few postings are not shown."
                )
            ),
            values={
                "smoothing": p.get("smoothing"),
                "shortage_log_ratio": p.get("shortage_log_ratio"),
                "min_cell_volume": p.get("min_cell_volume"),
            },
        ),
        MethodologySection(
            title=str(_("Coverage")),
            text=str(
                _(
                    "The share of an occupation's essential ESCO skills that at least one "
                    "session reachable from the province (there, or at a distance) teaches, "
                    "counting sessions of the last twelve months and those planned."
                )
            ),
            values={"coverage_window_months": p.get("coverage_window_months")},
        ),
        MethodologySection(
            title=str(_("Tension")),
            text=str(
                _(
                    "Where vacancy statistics are loaded, Le Forem's rule: a function is "
                    "critical when its vacancies stay open longer and are filled less often "
                    "than average, and in shortage when there are also few available "
                    "jobseekers per vacancy. Otherwise an estimate from postings, labelled as "
                    "such: enough postings, rising, and essential skills poorly covered by "
                    "training or jobs re-posted more often than average."
                )
            ),
            values={
                "forem_jobseekers_threshold": p.get("forem_jobseekers_threshold"),
                "proxy_min_postings": p.get("proxy_min_postings"),
                "proxy_min_growth": p.get("proxy_min_growth"),
                "proxy_max_coverage": p.get("proxy_max_coverage"),
                "proxy_repost_factor": p.get("proxy_repost_factor"),
            },
        ),
        MethodologySection(
            title=str(_("Emerging skills")),
            text=str(
                _(
                    "Words and phrases that are frequent and rising in a sample of recent "
                    "postings, and that no skill, occupation or curated synonym covers, are "
                    "proposed to curators with example postings."
                )
            ),
            values={
                "emerging_min_postings": p.get("emerging_min_postings"),
                "emerging_min_growth": p.get("emerging_min_growth"),
            },
        ),
    ]
    return Methodology(
        run=_run_info(run) if run else None, parameters=parameters, sections=sections
    )
