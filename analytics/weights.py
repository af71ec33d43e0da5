"""Every weight, threshold and rule of the analytics, in one place.

The computation (`analytics.services.compute`) reads its numbers from here only, stores them in
each run's `parameters`, and the "how this is computed" panel shows them (`selectors.methodology`).
Change a number here and the next run uses it; the runs already stored keep the values they used.

Demand (job postings)
    Only unique postings count: a near-duplicate (`duplicate_of` set, `JobPosting.objects.unique()`)
    is the same need published again. Postings count when published or expired (a draft is not
    yet a need, a withdrawn one was cancelled). Each posting–skill link counts once, with a weight:

        weight = relation weight × confidence weight

    - relation weight: how the skill relates to the posting's primary occupation (its first
      ranked occupation link, unless rejected) in ESCO: essential, optional, or only extracted
      from the text (no ESCO relation, or no occupation recognised);
    - confidence weight: a link a person confirmed counts fully (1); a suggestion counts by the
      extractor's confidence (its score, 0 to 1); a rejected link never counts.

Supply (training sessions)
    Sessions of live offers with a *confirmed* link to the skill (suggestions do not count:
    the cadastre shows only confirmed links), cancelled sessions left out, dated by their start:

        weight = seats × format weight × duration weight × relation weight

    - seats: the session's seats where stated, else `SEATS_WHEN_UNKNOWN` (one session counts as a
      typical group);
    - format weight: a long programme trains more deeply than a workshop (`FORMAT_WEIGHTS`);
    - duration weight: hours / `REFERENCE_HOURS`, between `MIN_DURATION_WEIGHT` and 1; the
      format's default when the duration is unknown;
    - relation weight: a skill at the core of the offer counts fully, a secondary one less.

    A session's province is its own, else its provider's. Distance-learning offers are
    `online`: reachable from every province, so they count in every province's supply.

Gap indicators (per skill, province and period)
    demand share = demand weight / total demand weight of the province and period;
    supply share likewise. The smoothed log ratio adds `SMOOTHING` to each skill's weight
    (additive smoothing) so that a skill with no supply gets a finite, comparable value:

        log ratio = ln((d + α) / (D + α·N)) − ln((s + α) / (S + α·N))

    with d, s the skill's weights, D, S the totals and N the number of skills demanded or taught
    in the province and period, α = `SMOOTHING`. Above `SHORTAGE_LOG_RATIO` the skill counts as
    "in shortage of training".
    Rows with fewer than `ANALYTICS_MIN_CELL_VOLUME` postings (setting) are suppressed: too few
    postings to say anything; the counts are kept, the figures are not shown.

Coverage (per occupation and province)
    Share of the occupation's essential ESCO skills taught (confirmed link) by at least one
    session reachable from the province (there, or online) that starts no earlier than
    `COVERAGE_WINDOW_MONTHS` months before the reference month (upcoming sessions included).

Tension
    Le Forem's rule (`forem_tension`), where vacancy statistics are loaded: a function is
    *critical* when its vacancies stay open longer and are filled less often than the average;
    it is *in shortage* when, in addition, there are fewer than `FOREM_JOBSEEKERS_THRESHOLD`
    available jobseekers per vacancy. Without such data the postings-based proxy
    (`postings_tension_proxy`), labelled as a proxy: enough postings, demand rising, and either
    essential skills poorly covered by training or jobs re-posted more often than average.

Emerging terms
    Words and phrases of up to three words from a bounded sample of recent unique postings,
    frequent and rising (share of postings in the last `EMERGING_RECENT_MONTHS` months against the
    months before, by at least `EMERGING_MIN_GROWTH` and a z statistic of `EMERGING_MIN_Z`), that
    no skill or occupation label nor curated synonym contains.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# -- demand ---------------------------------------------------------------------------------
RELATION_WEIGHTS = {
    "essential": 1.0,  # essential to the posting's occupation in ESCO
    "optional": 0.6,  # optional for it
    "extracted": 0.4,  # found in the text only
}
CONFIRMED_WEIGHT = 1.0  # a person confirmed the link; suggestions count by their score
COUNTED_POSTING_STATUSES = ("published", "expired")

# -- supply ---------------------------------------------------------------------------------
SEATS_WHEN_UNKNOWN = 12
FORMAT_WEIGHTS = {
    "long": 1.0,
    "qualifying": 1.0,
    "certifying": 0.8,
    "short": 0.5,
    "workshop": 0.25,
}
FORMAT_WEIGHT_OTHER = 0.5
REFERENCE_HOURS = 120  # a course this long or longer counts fully
MIN_DURATION_WEIGHT = 0.1
DURATION_WEIGHT_UNKNOWN = 0.5
OFFER_RELATION_WEIGHTS = {"core": 1.0, "secondary": 0.5}
ONLINE_MODALITIES = ("distance",)

# -- gap ------------------------------------------------------------------------------------
SMOOTHING = 1.0
SHORTAGE_LOG_RATIO = 0.5  # e^0.5 ≈ 1.65: demand share at least 65 % above supply share
DEFAULT_MIN_CELL_VOLUME = 5
HISTORY_MONTHS = 36  # monthly cells kept back from the reference month
FUTURE_SUPPLY_MONTHS = 12  # planned sessions counted ahead of it

# -- coverage -------------------------------------------------------------------------------
COVERAGE_WINDOW_MONTHS = 12

# -- tension --------------------------------------------------------------------------------
FOREM_JOBSEEKERS_THRESHOLD = 2.0
PROXY_MIN_POSTINGS = 10  # over the period, in the province
PROXY_MIN_GROWTH = 1.1  # postings this period over the previous period of the same length
PROXY_MAX_COVERAGE = 0.5
PROXY_REPOST_FACTOR = 1.5  # re-posting rate above this multiple of the average

# -- emerging terms -------------------------------------------------------------------------
EMERGING_SAMPLE_PER_MONTH = 150
EMERGING_MONTHS = 24
EMERGING_RECENT_MONTHS = 6
EMERGING_MIN_POSTINGS = 8
EMERGING_MIN_GROWTH = 1.5
EMERGING_MIN_Z = 3.0  # the rise must be unlikely by chance (two-proportion z statistic)
EMERGING_MAX_TERMS = 60
EMERGING_EXAMPLES = 5


def min_cell_volume() -> int:
    """Postings below which a row is suppressed (setting `ANALYTICS_MIN_CELL_VOLUME`)."""
    return int(getattr(settings, "ANALYTICS_MIN_CELL_VOLUME", DEFAULT_MIN_CELL_VOLUME))


def is_suppressed(postings: int, *, minimum: int | None = None) -> bool:
    """A row with fewer postings than the minimum volume shows no figures."""
    return postings < (min_cell_volume() if minimum is None else minimum)


def demand_link_weight(*, relation: str | None, status: str, score: float) -> float:
    """The weight of one posting–skill link (the module docstring); 0 for a rejected link.

    The computation applies the same rule in SQL (`services.sql`); this is its reference, and
    what the tests compare it with.
    """
    if status == "rejected":
        return 0.0
    confidence = CONFIRMED_WEIGHT if status == "confirmed" else max(0.0, min(1.0, score))
    return RELATION_WEIGHTS.get(relation or "extracted", RELATION_WEIGHTS["extracted"]) * confidence


def duration_weight(hours: int | None) -> float:
    if hours is None:
        return DURATION_WEIGHT_UNKNOWN
    return max(MIN_DURATION_WEIGHT, min(1.0, hours / REFERENCE_HOURS))


def supply_session_weight(
    *, seats: int | None, format: str, duration_hours: int | None, relation: str = "core"
) -> float:
    """The weight of one session for one skill its offer teaches (the module docstring)."""
    return (
        (seats if seats is not None else SEATS_WHEN_UNKNOWN)
        * FORMAT_WEIGHTS.get(format, FORMAT_WEIGHT_OTHER)
        * duration_weight(duration_hours)
        * OFFER_RELATION_WEIGHTS.get(relation, OFFER_RELATION_WEIGHTS["secondary"])
    )


class TensionLabel(StrEnum):
    """What a shortage-profession row is labelled with, and on what basis."""

    FOREM_SHORTAGE = "forem_shortage"
    FOREM_CRITICAL = "forem_critical"
    FOREM_NONE = "forem_none"
    PROXY_TENSE = "proxy_tense"
    PROXY_NONE = "proxy_none"


TENSION_LABELS = {
    TensionLabel.FOREM_SHORTAGE: _("Shortage (Le Forem's rule)"),
    TensionLabel.FOREM_CRITICAL: _("Critical function (Le Forem's rule)"),
    TensionLabel.FOREM_NONE: _("No tension (Le Forem's rule)"),
    TensionLabel.PROXY_TENSE: _("Tense (estimate from postings)"),
    TensionLabel.PROXY_NONE: _("No tension detected (estimate from postings)"),
}


@dataclass(frozen=True)
class VacancyFigures:
    """Le Forem's inputs for one function, and the averages over all functions."""

    median_days_open: float
    average_days_open: float
    fill_rate: float
    average_fill_rate: float
    jobseekers_per_vacancy: float | None


def forem_tension(
    figures: VacancyFigures, *, jobseekers_threshold: float = FOREM_JOBSEEKERS_THRESHOLD
) -> TensionLabel:
    """Le Forem's rule: critical when vacancies stay open longer AND are filled less often than
    average; in shortage when, in addition, available jobseekers per vacancy fall below the
    threshold (unknown jobseeker figures leave a critical function critical)."""
    critical = (
        figures.median_days_open > figures.average_days_open
        and figures.fill_rate < figures.average_fill_rate
    )
    if not critical:
        return TensionLabel.FOREM_NONE
    if (
        figures.jobseekers_per_vacancy is not None
        and figures.jobseekers_per_vacancy < jobseekers_threshold
    ):
        return TensionLabel.FOREM_SHORTAGE
    return TensionLabel.FOREM_CRITICAL


@dataclass(frozen=True)
class ProxyInputs:
    postings: int
    previous_postings: int
    coverage: float | None
    repost_rate: float
    average_repost_rate: float


def postings_tension_proxy(inputs: ProxyInputs) -> tuple[TensionLabel, dict]:
    """The postings-based proxy (module docstring), with the basis the page shows."""
    growth = (inputs.postings + 1) / (inputs.previous_postings + 1)
    enough = bool(inputs.postings >= PROXY_MIN_POSTINGS)
    rising = bool(growth >= PROXY_MIN_GROWTH)
    poorly_covered = bool(inputs.coverage is not None and inputs.coverage < PROXY_MAX_COVERAGE)
    reposted = bool(
        inputs.average_repost_rate > 0
        and inputs.repost_rate >= PROXY_REPOST_FACTOR * inputs.average_repost_rate
    )
    tense = enough and rising and (poorly_covered or reposted)
    basis = {
        "rule": "proxy",
        "postings": int(inputs.postings),
        "previous_postings": int(inputs.previous_postings),
        "growth": round(float(growth), 3),
        "coverage": None if inputs.coverage is None else round(float(inputs.coverage), 3),
        "repost_rate": round(float(inputs.repost_rate), 3),
        "average_repost_rate": round(float(inputs.average_repost_rate), 3),
        "enough_postings": enough,
        "rising": rising,
        "poorly_covered": poorly_covered,
        "reposted_more": reposted,
    }
    return (TensionLabel.PROXY_TENSE if tense else TensionLabel.PROXY_NONE), basis


@dataclass(frozen=True)
class Parameters:
    """The numbers a run used, stored with it (`ComputationRun.parameters`)."""

    relation_weights: dict
    confirmed_weight: float
    counted_posting_statuses: tuple
    seats_when_unknown: int
    format_weights: dict
    reference_hours: int
    min_duration_weight: float
    duration_weight_unknown: float
    offer_relation_weights: dict
    online_modalities: tuple
    smoothing: float
    shortage_log_ratio: float
    min_cell_volume: int
    coverage_window_months: int
    forem_jobseekers_threshold: float
    proxy_min_postings: int
    proxy_min_growth: float
    proxy_max_coverage: float
    proxy_repost_factor: float
    emerging_sample_per_month: int
    emerging_recent_months: int
    emerging_min_postings: int
    emerging_min_growth: float
    emerging_min_z: float

    def as_dict(self) -> dict:
        return asdict(self)


def current_parameters() -> Parameters:
    return Parameters(
        relation_weights=dict(RELATION_WEIGHTS),
        confirmed_weight=CONFIRMED_WEIGHT,
        counted_posting_statuses=COUNTED_POSTING_STATUSES,
        seats_when_unknown=SEATS_WHEN_UNKNOWN,
        format_weights=dict(FORMAT_WEIGHTS),
        reference_hours=REFERENCE_HOURS,
        min_duration_weight=MIN_DURATION_WEIGHT,
        duration_weight_unknown=DURATION_WEIGHT_UNKNOWN,
        offer_relation_weights=dict(OFFER_RELATION_WEIGHTS),
        online_modalities=ONLINE_MODALITIES,
        smoothing=SMOOTHING,
        shortage_log_ratio=SHORTAGE_LOG_RATIO,
        min_cell_volume=min_cell_volume(),
        coverage_window_months=COVERAGE_WINDOW_MONTHS,
        forem_jobseekers_threshold=FOREM_JOBSEEKERS_THRESHOLD,
        proxy_min_postings=PROXY_MIN_POSTINGS,
        proxy_min_growth=PROXY_MIN_GROWTH,
        proxy_max_coverage=PROXY_MAX_COVERAGE,
        proxy_repost_factor=PROXY_REPOST_FACTOR,
        emerging_sample_per_month=EMERGING_SAMPLE_PER_MONTH,
        emerging_recent_months=EMERGING_RECENT_MONTHS,
        emerging_min_postings=EMERGING_MIN_POSTINGS,
        emerging_min_growth=EMERGING_MIN_GROWTH,
        emerging_min_z=EMERGING_MIN_Z,
    )
