"""Recompute every stored analytics result in one run (`analytics_compute`).

1. monthly cells in the database (`services.sql`): demand per skill, supply per skill,
   postings per occupation, supply per provider and skill;
2. on those aggregated cells, with pandas: gap indicators per province and period, coverage of
   each followed occupation's essential skills, shortage professions with their tension label,
   provider alignment, overview tiles;
3. emerging terms on a bounded sample of posting texts (`services.emerging`).

Atomic for readers: rows are written under the new run, which the selectors ignore until it is
marked succeeded; then the older runs' rows are deleted. A failure deletes the new run's rows,
marks it failed and re-raises: the previous results stay what the pages show.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analytics import weights
from analytics.models import (
    ALL,
    ONLINE,
    PERIOD_MONTHS,
    UNKNOWN,
    AreaSummary,
    ComputationRun,
    DemandCell,
    EmergingTerm,
    GapIndicator,
    OccupationCoverage,
    OccupationDemandCell,
    Period,
    ProviderAlignment,
    ProviderSkillSupply,
    ShortageProfession,
    SupplyCell,
    VacancyStatistic,
)
from analytics.services import sql
from analytics.services.writer import insert_rows
from core.places import Province, province_distance
from jobs.models import TrainingRequest
from skills.models import OccupationSkill, ShortageListEntry, TaxonomyImport

logger = logging.getLogger(__name__)

RESULT_MODELS = (
    DemandCell,
    SupplyCell,
    OccupationDemandCell,
    ProviderSkillSupply,
    GapIndicator,
    OccupationCoverage,
    ShortageProfession,
    ProviderAlignment,
    AreaSummary,
    EmergingTerm,
)
PROVINCES = [str(p) for p in Province.values]
TREND_MONTHS = 24
NEAREST_OFFERS = 10
BATCH = 2000


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """The months a run reads: demand back to `history_start`, supply until `supply_end`."""

    vintage_month: datetime.date
    history_start: datetime.date
    vintage_end: datetime.date
    supply_end: datetime.date

    @classmethod
    def ending(cls, vintage_month: datetime.date) -> Window:
        return cls(
            vintage_month=vintage_month,
            history_start=add_months(vintage_month, -(weights.HISTORY_MONTHS - 1)),
            vintage_end=month_end(vintage_month),
            supply_end=month_end(add_months(vintage_month, weights.FUTURE_SUPPLY_MONTHS)),
        )

    def period_start(self, period: str) -> datetime.date:
        return add_months(self.vintage_month, -(PERIOD_MONTHS[Period(period)] - 1))

    def previous_start(self, period: str) -> datetime.date:
        return add_months(self.vintage_month, -(2 * PERIOD_MONTHS[Period(period)] - 1))

    @property
    def coverage_start(self) -> datetime.date:
        return add_months(self.vintage_month, -(weights.COVERAGE_WINDOW_MONTHS - 1))


def analytics_compute(
    *, trigger: str = ComputationRun.Trigger.OTHER, today: datetime.date | None = None, log=None
) -> ComputationRun:
    """Recompute everything; returns the succeeded run (raises after marking it failed)."""
    say = log or (lambda message: logger.info(message))
    started = time.perf_counter()
    latest_posting, latest_session = sql.latest_dates()
    reference = latest_posting or today or timezone.localdate()
    window = Window.ending(reference.replace(day=1))
    esco = TaxonomyImport.objects.order_by("-started_at").values_list("esco_version", flat=True)
    run = ComputationRun.objects.create(
        trigger=trigger,
        parameters=weights.current_parameters().as_dict(),
        latest_posting_date=latest_posting,
        latest_session_date=latest_session,
        esco_version=esco.first() or getattr(settings, "ESCO_VERSION", ""),
        vintage_month=window.vintage_month,
        started_at=timezone.now(),
    )
    try:
        with sql.tuned_connection():
            counts = _compute(run, window, say)
    except BaseException as error:
        _delete_results(run_ids=[run.pk])
        run.status = ComputationRun.Status.FAILED
        run.failure = f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.duration_seconds = time.perf_counter() - started
        run.save(update_fields=["status", "failure", "finished_at", "duration_seconds"])
        raise
    with transaction.atomic():
        run.status = ComputationRun.Status.SUCCEEDED
        run.counts = counts
        run.finished_at = timezone.now()
        run.duration_seconds = time.perf_counter() - started
        run.save(update_fields=["status", "counts", "finished_at", "duration_seconds"])
    older = list(
        ComputationRun.objects.exclude(pk=run.pk)
        .filter(started_at__lte=run.started_at)
        .values_list("pk", flat=True)
    )
    _delete_results(run_ids=older)
    say(f"analytics: run {run.pk} done in {run.duration_seconds:.1f} s")
    return run


def _delete_results(*, run_ids: list[int]) -> None:
    if not run_ids:
        return
    for model in RESULT_MODELS:
        model.objects.filter(run_id__in=run_ids)._raw_delete(model.objects.db)


def _timed(say, label: str, func, *args, **kwargs):
    start, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    say(
        f"analytics: {label} in {time.perf_counter() - start:.2f} s "
        f"(this process's CPU {time.process_time() - cpu:.2f} s)"
    )
    return result


def _compute(run: ComputationRun, window: Window, say) -> dict:
    counts: dict[str, int] = {}
    minimum = run.parameters["min_cell_volume"]
    counts["counted_postings"] = _timed(
        say,
        "counted postings",
        sql.counted_postings_create,
        run_id=run.pk,
        start=window.history_start,
        end=window.vintage_end,
    )
    try:
        counts["demand_cells"] = _timed(say, "demand cells", sql.insert_demand_cells, run_id=run.pk)
        counts["occupation_cells"] = _timed(
            say, "occupation cells", sql.insert_occupation_demand_cells, run_id=run.pk
        )
        posting_totals = _timed(
            say,
            "posting totals",
            sql.posting_totals,
            run_id=run.pk,
            start=window.history_start,
            end=window.vintage_end,
        )
    finally:
        sql.counted_postings_drop(run_id=run.pk)
    counts["supply_cells"] = _timed(
        say,
        "supply cells",
        sql.insert_supply_cells,
        run_id=run.pk,
        start=window.history_start,
        end=window.supply_end,
    )
    counts["provider_skill_rows"] = _timed(
        say,
        "provider supply",
        sql.insert_provider_skill_supply,
        run_id=run.pk,
        start=window.coverage_start,
        end=window.supply_end,
    )
    gaps = _timed(say, "gap indicators", _gap_indicators, run, window, minimum)
    counts["gap_indicators"] = len(gaps)
    followed = _timed(say, "shortage professions", _professions, run, window, minimum)
    counts.update(followed)
    _timed(say, "overview", _area_summaries, run, window, gaps, posting_totals)
    from analytics.services.emerging import emerging_terms_compute

    counts["emerging_terms"] = _timed(
        say, "emerging terms", emerging_terms_compute, run=run, window=window
    )
    return counts


# -- gap indicators -------------------------------------------------------------------------------


def _cell_sums(model, value_columns, run, start, end) -> pd.DataFrame:
    rows = (
        model.objects.filter(run=run, month__gte=start, month__lte=end)
        .values_list("skill_id", "province")
        .order_by()
    )
    from django.db.models import Sum

    rows = rows.annotate(**{c: Sum(c) for c in value_columns}).values_list(
        "skill_id", "province", *value_columns
    )
    return pd.DataFrame(list(rows), columns=["skill_id", "province", *value_columns])


def gap_table(demand: pd.DataFrame, supply: pd.DataFrame, *, minimum: int) -> pd.DataFrame:
    """Gap indicators of one province's table: `demand` (skill_id, postings, weight) and
    `supply` (skill_id, sessions, seats, weight) already summed for the province and period.

    Shares of the totals, the smoothed log ratio (analytics/weights.py) and the suppression flag.
    """
    d = demand.groupby("skill_id")[["postings", "weight"]].sum()
    s = supply.groupby("skill_id")[["sessions", "seats", "weight"]].sum()
    d.columns = ["demand_postings", "demand_weight"]
    s.columns = ["supply_sessions", "supply_seats", "supply_weight"]
    table = d.join(s, how="outer").fillna(0).astype(float)
    if table.empty or not (table["demand_postings"] > 0).any():
        return pd.DataFrame()
    # Shares and N are of every skill in the province's table, demanded or taught; only the
    # demanded ones get a row (a skill nobody asks for has no gap to show).
    alpha = weights.SMOOTHING
    n = len(table)
    total_d = table["demand_weight"].sum()
    total_s = table["supply_weight"].sum()
    table["demand_share"] = table["demand_weight"] / total_d if total_d else 0.0
    table["supply_share"] = table["supply_weight"] / total_s if total_s else 0.0
    table["log_ratio"] = np.log((table["demand_weight"] + alpha) / (total_d + alpha * n)) - np.log(
        (table["supply_weight"] + alpha) / (total_s + alpha * n)
    )
    table = table[table["demand_postings"] > 0].copy()
    table["suppressed"] = table["demand_postings"] < minimum
    return table.reset_index()


def _gap_indicators(run, window: Window, minimum: int) -> pd.DataFrame:
    frames = []
    for period in Period.values:
        start = window.period_start(period)
        demand = _cell_sums(DemandCell, ["postings", "weight"], run, start, window.vintage_end)
        supply = _cell_sums(
            SupplyCell, ["sessions", "seats", "weight"], run, start, window.supply_end
        )
        for province in [ALL, *PROVINCES]:
            if province == ALL:
                d, s = demand, supply
            else:
                d = demand[demand["province"] == province]
                s = supply[supply["province"].isin([province, ONLINE])]
            table = gap_table(d, s, minimum=minimum)
            if table.empty:
                continue
            frames.append(table.assign(province=province, period=period))
    if not frames:
        return pd.DataFrame()
    gaps = pd.concat(frames, ignore_index=True)
    insert_rows(
        GapIndicator,
        [
            "run",
            "skill",
            "province",
            "period",
            "demand_postings",
            "demand_weight",
            "demand_share",
            "supply_sessions",
            "supply_seats",
            "supply_weight",
            "supply_share",
            "log_ratio",
            "suppressed",
        ],
        (
            (
                run.pk,
                int(row.skill_id),
                row.province,
                row.period,
                int(row.demand_postings),
                float(row.demand_weight),
                float(row.demand_share),
                int(row.supply_sessions),
                int(row.supply_seats),
                float(row.supply_weight),
                float(row.supply_share),
                float(row.log_ratio),
                bool(row.suppressed),
            )
            for row in gaps.itertuples(index=False)
        ),
    )
    return gaps


# -- professions ----------------------------------------------------------------------------------


def _listed_occupations() -> dict[int, list[dict]]:
    listed: dict[int, list[dict]] = defaultdict(list)
    through = ShortageListEntry.occupations.through
    rows = through.objects.values_list(
        "occupation_id",
        "shortagelistentry__shortage_list_id",
        "shortagelistentry__shortage_list__title",
        "shortagelistentry__shortage_list__year",
        "shortagelistentry__label",
        "shortagelistentry__kind",
    ).order_by("shortagelistentry__shortage_list__year", "shortagelistentry__position")
    for occupation_id, list_id, title, year, label, kind in rows:
        listed[occupation_id].append(
            {"list_id": list_id, "title": title, "year": year, "entry": label, "kind": kind}
        )
    return listed


def coverage_table(
    essential: pd.DataFrame, taught: pd.DataFrame, *, provinces: list[str]
) -> pd.DataFrame:
    """Coverage per occupation and province.

    `essential`: (occupation_id, skill_id) essential links; `taught`: (skill_id, province)
    where at least one session in the coverage window teaches the skill (province may be
    `online`). A skill counts as covered in a province when taught there or online; in `ALL`
    when taught anywhere.
    """
    rows = []
    by_province: dict[str, set[int]] = defaultdict(set)
    for skill_id, province in taught[["skill_id", "province"]].itertuples(index=False):
        by_province[province].add(int(skill_id))
    anywhere = set().union(*by_province.values()) if by_province else set()
    groups = essential.groupby("occupation_id")["skill_id"].apply(
        lambda s: sorted({int(i) for i in s})
    )
    for occupation_id, skills in groups.items():
        for province in provinces:
            reachable = anywhere if province == ALL else by_province[province] | by_province[ONLINE]
            uncovered = [s for s in skills if s not in reachable]
            covered = len(skills) - len(uncovered)
            rows.append(
                (
                    int(occupation_id),
                    province,
                    len(skills),
                    covered,
                    covered / len(skills) if skills else None,
                    uncovered,
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "occupation_id",
            "province",
            "essential_skills",
            "covered_skills",
            "coverage",
            "uncovered",
        ],
    )


def _professions(run, window: Window, minimum: int) -> dict:
    listed = _listed_occupations()
    cells = pd.DataFrame(
        list(
            OccupationDemandCell.objects.filter(run=run).values_list(
                "occupation_id", "province", "month", "postings", "reposted"
            )
        ),
        columns=["occupation_id", "province", "month", "postings", "reposted"],
    )
    if not cells.empty:
        cells["month"] = pd.to_datetime(cells["month"]).dt.date
    followed = set(listed) | {int(i) for i in cells["occupation_id"].unique()}
    essential = pd.DataFrame(
        list(
            OccupationSkill.objects.filter(
                occupation_id__in=list(followed), relation=OccupationSkill.Relation.ESSENTIAL
            ).values_list("occupation_id", "skill_id")
        ),
        columns=["occupation_id", "skill_id"],
    )
    taught = pd.DataFrame(
        list(
            SupplyCell.objects.filter(
                run=run, month__gte=window.coverage_start, month__lte=window.supply_end
            )
            .values_list("skill_id", "province")
            .distinct()
        ),
        columns=["skill_id", "province"],
    )
    provinces = [ALL, *PROVINCES]
    coverage = coverage_table(essential, taught, provinces=provinces)
    insert_rows(
        OccupationCoverage,
        [
            "run",
            "occupation",
            "province",
            "essential_skills",
            "covered_skills",
            "coverage",
            "uncovered_skill_ids",
        ],
        (
            (
                run.pk,
                int(row.occupation_id),
                row.province,
                int(row.essential_skills),
                int(row.covered_skills),
                None if pd.isna(row.coverage) else float(row.coverage),
                list(row.uncovered),
            )
            for row in coverage.itertuples(index=False)
        ),
    )
    coverage_by = {
        (int(row.occupation_id), row.province): row for row in coverage.itertuples(index=False)
    }

    supply: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for occupation_id, province, sessions, seats in sql.occupation_supply(
        start=window.coverage_start, end=window.supply_end
    ):
        for key in (province, ALL) if province != ONLINE else (*PROVINCES, ALL):
            supply[(occupation_id, key)][0] += sessions
            supply[(occupation_id, key)][1] += seats or 0

    forem = _vacancy_figures()
    trend_months = [add_months(window.vintage_month, -n) for n in range(TREND_MONTHS - 1, -1, -1)]
    rows: list[ShortageProfession] = []
    for period in Period.values:
        start, previous_start = window.period_start(period), window.previous_start(period)
        for province in provinces:
            scope = cells if province == ALL else cells[cells["province"] == province]
            current = scope[scope["month"] >= start]
            previous = scope[(scope["month"] >= previous_start) & (scope["month"] < start)]
            now = current.groupby("occupation_id")[["postings", "reposted"]].sum()
            now_postings = {int(k): int(v) for k, v in now["postings"].items()}
            now_reposted = {int(k): int(v) for k, v in now["reposted"].items()}
            before = {
                int(k): int(v)
                for k, v in previous.groupby("occupation_id")["postings"].sum().items()
            }
            recent = scope[scope["month"] >= trend_months[0]]
            trend = {
                (int(o), m): int(v)
                for (o, m), v in recent.groupby(["occupation_id", "month"])["postings"]
                .sum()
                .items()
            }
            total_postings = sum(now_postings.values())
            average_repost = sum(now_reposted.values()) / total_postings if total_postings else 0.0
            for occupation_id in sorted(followed):
                postings = now_postings.get(occupation_id, 0)
                reposted = now_reposted.get(occupation_id, 0)
                prior = before.get(occupation_id, 0)
                cov = coverage_by.get((occupation_id, province))
                cov_value = None if cov is None or pd.isna(cov.coverage) else float(cov.coverage)
                figures = forem.get((occupation_id, province)) or forem.get((occupation_id, ALL))
                if figures is not None:
                    label = weights.forem_tension(figures)
                    basis = {"rule": "forem", **figures.__dict__}
                else:
                    label, basis = weights.postings_tension_proxy(
                        weights.ProxyInputs(
                            postings=postings,
                            previous_postings=prior,
                            coverage=cov_value,
                            repost_rate=reposted / postings if postings else 0.0,
                            average_repost_rate=average_repost,
                        )
                    )
                tense = label in (
                    weights.TensionLabel.PROXY_TENSE,
                    weights.TensionLabel.FOREM_CRITICAL,
                    weights.TensionLabel.FOREM_SHORTAGE,
                )
                if occupation_id not in listed and not tense:
                    continue
                sessions, seats = supply.get((occupation_id, province), (0, 0))
                rows.append(
                    ShortageProfession(
                        run=run,
                        occupation_id=occupation_id,
                        province=province,
                        period=period,
                        listed=occupation_id in listed,
                        list_entries=listed.get(occupation_id, []),
                        tension_label=label.value,
                        tension_basis=basis,
                        demand_postings=postings,
                        demand_previous=prior,
                        demand_trend=[trend.get((occupation_id, m), 0) for m in trend_months],
                        reposted=reposted,
                        supply_sessions=sessions,
                        supply_seats=seats,
                        essential_skills=cov.essential_skills if cov is not None else 0,
                        covered_skills=cov.covered_skills if cov is not None else 0,
                        coverage=cov_value,
                        suppressed=postings < minimum,
                    )
                )
    professions = sorted({row.occupation_id for row in rows})
    _attach_offers_and_requests(run, rows, window, essential, professions)
    ShortageProfession.objects.bulk_create(rows, batch_size=BATCH)
    return {
        "shortage_rows": len(rows),
        "coverage_rows": len(coverage),
        "followed_occupations": len(followed),
        "shortage_occupations": len(professions),
    }


def _vacancy_figures() -> dict[tuple[int, str], weights.VacancyFigures]:
    """Le Forem's inputs per (occupation, province) from the latest year loaded, with the
    averages of that year and province; empty when no statistics are loaded."""
    stats = list(VacancyStatistic.objects.order_by("-year"))
    if not stats:
        return {}
    year = stats[0].year
    stats = [s for s in stats if s.year == year]
    averages: dict[str, tuple[float, float]] = {}
    for province in {s.province for s in stats}:
        same = [s for s in stats if s.province == province]
        averages[province] = (
            sum(s.median_days_open for s in same) / len(same),
            sum(s.fill_rate for s in same) / len(same),
        )
    return {
        (s.occupation_id, s.province): weights.VacancyFigures(
            median_days_open=s.median_days_open,
            average_days_open=averages[s.province][0],
            fill_rate=s.fill_rate,
            average_fill_rate=averages[s.province][1],
            jobseekers_per_vacancy=s.jobseekers_per_vacancy,
        )
        for s in stats
    }


def _attach_offers_and_requests(run, rows, window, essential: pd.DataFrame, professions) -> None:
    """Nearest offers and training requests of each shortage row; provider alignment rows.

    An offer answers a profession by the number of its essential skills it teaches; the nearest
    come first among those teaching as many (same province or online, then neighbouring).
    Worked on (offer, skill) and (occupation, skill) tables with pandas: one pass per province,
    not one per shortage row."""
    wanted = set(professions)
    needed_frame = essential[essential["occupation_id"].isin(wanted)].drop_duplicates()
    needed: dict[int, set[int]] = defaultdict(set)
    for occupation_id, skill_id in needed_frame.itertuples(index=False):
        needed[int(occupation_id)].add(int(skill_id))

    needed_frame = needed_frame.astype("int64")
    offers = pd.DataFrame(
        sql.offer_skills(start=window.coverage_start, end=window.supply_end),
        columns=["offer_id", "provider_id", "offer_province", "online", "skill_id"],
    ).astype({"offer_id": "int64", "online": "int64", "skill_id": "int64"})
    # (offer, skill, occupation): each essential skill of a profession that an offer teaches.
    pairs = offers.merge(needed_frame, on="skill_id")
    taught = (
        pairs.groupby(["occupation_id", "offer_id"], sort=False)
        .size()
        .rename("covered")
        .reset_index()
        .merge(
            offers.drop_duplicates("offer_id")[["offer_id", "offer_province", "online"]],
            on="offer_id",
        )
    )
    # Only offers teaching at least as many skills as the profession's tenth best can be among
    # its nearest (distance only breaks ties): an exact cut before sorting.
    taught["best"] = taught.groupby("occupation_id")["covered"].rank(method="min", ascending=False)
    taught = taught[taught["best"] <= NEAREST_OFFERS]
    nearest: dict[tuple[int, str], list[int]] = {}
    for province in {row.province for row in rows}:
        if province == ALL:
            distance = pd.Series(0, index=taught.index)
        else:
            distance = taught["offer_province"].map(
                {q: province_distance(province, q) for q in taught["offer_province"].unique()}
            )
            distance = distance.where(taught["online"] == 0, 0)
        ranked = (
            taught.assign(distance=distance, minus=-taught["covered"])
            .sort_values(["occupation_id", "minus", "distance", "offer_id"])
            .groupby("occupation_id", sort=False)
            .head(NEAREST_OFFERS)
        )
        for occupation_id, offer_ids in _split_by(
            ranked["occupation_id"].to_numpy(), ranked["offer_id"].to_numpy()
        ):
            nearest[(occupation_id, province)] = offer_ids

    requests = list(
        TrainingRequest.objects.filter(
            status__in=[TrainingRequest.Status.OPEN, TrainingRequest.Status.IN_PROGRESS]
        ).values_list("pk", "province")
    )
    request_skills: dict[int, set[int]] = defaultdict(set)
    through = TrainingRequest.skills.through
    for request_id, skill_id in through.objects.filter(
        trainingrequest_id__in=[pk for pk, _p in requests]
    ).values_list("trainingrequest_id", "skill_id"):
        request_skills[request_id].add(skill_id)

    for row in rows:
        row.nearest_offer_ids = nearest.get((row.occupation_id, row.province), [])
        skills = needed.get(row.occupation_id, set())
        row.training_request_ids = sorted(
            pk
            for pk, province in requests
            if request_skills[pk] & skills and (row.province == ALL or province == row.province)
        )

    by_provider = pairs.dropna(subset=["provider_id"]).astype({"provider_id": "int64"})
    # One key per (occupation, provider) pair, both below 2**31: sort once, split per pair.
    key = (
        by_provider["occupation_id"].to_numpy() * (1 << 32) + by_provider["provider_id"].to_numpy()
    )
    skills = by_provider.assign(key=key).drop_duplicates(["key", "skill_id"])
    skills = skills.sort_values(["key", "skill_id"])
    offer_rows = by_provider.assign(key=key).drop_duplicates(["key", "offer_id"])
    offer_rows = offer_rows.sort_values(["key", "offer_id"])
    offer_lists = dict(_split_by(offer_rows["key"].to_numpy(), offer_rows["offer_id"].to_numpy()))

    def alignment_rows():
        for pair, covered in _split_by(skills["key"].to_numpy(), skills["skill_id"].to_numpy()):
            occupation_id, provider_id = pair >> 32, pair & 0xFFFFFFFF
            essential_skills = needed[occupation_id]
            yield (
                run.pk,
                provider_id,
                occupation_id,
                len(essential_skills),
                len(covered),
                len(covered) / len(essential_skills),
                offer_lists[pair],
                sorted(essential_skills.difference(covered)),
            )

    insert_rows(
        ProviderAlignment,
        [
            "run",
            "provider_id",
            "occupation",
            "essential_skills",
            "covered_skills",
            "coverage",
            "offer_ids",
            "missing_skill_ids",
        ],
        alignment_rows(),
    )


def _split_by(keys: np.ndarray, values: np.ndarray):
    """(key, [values…]) for each run of equal `keys` (already grouped, e.g. sorted), as
    Python ints: no pandas call per group, and slices of one Python list rather than a numpy
    array per group (a third faster)."""
    if not len(keys):
        return
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    bounds = [*starts.tolist(), len(values)]
    items = values.tolist()
    for n, key in enumerate(keys[starts].tolist()):
        yield key, items[bounds[n] : bounds[n + 1]]


# -- overview -------------------------------------------------------------------------------------


def _area_summaries(run, window: Window, gaps: pd.DataFrame, posting_totals: list[tuple]) -> None:
    """Overview tiles per province and period; `posting_totals` from `sql.posting_totals`."""
    postings = pd.DataFrame(posting_totals, columns=["province", "month", "postings", "duplicates"])
    sessions = pd.DataFrame(
        sql.session_totals(start=window.history_start, end=window.supply_end),
        columns=["province", "month", "offers", "sessions", "seats"],
    )
    for frame in (postings, sessions):
        if not frame.empty:
            frame["month"] = pd.to_datetime(frame["month"]).dt.date
    shortage = ShortageProfession.objects.filter(run=run)
    tense_labels = [
        weights.TensionLabel.PROXY_TENSE,
        weights.TensionLabel.FOREM_CRITICAL,
        weights.TensionLabel.FOREM_SHORTAGE,
    ]
    summaries = []
    for period in Period.values:
        start = window.period_start(period)
        offers = dict(sql.offer_counts(start=start, end=window.supply_end))
        for province in [ALL, *PROVINCES]:
            p = postings[postings["month"] >= start] if not postings.empty else postings
            s = sessions[sessions["month"] >= start] if not sessions.empty else sessions
            if province != ALL:
                p = p[p["province"] == province] if not p.empty else p
                s = s[s["province"].isin([province, ONLINE])] if not s.empty else s
                offer_count = offers.get(province, 0) + offers.get(ONLINE, 0)
            else:
                offer_count = sum(offers.values())
            g = (
                gaps[(gaps["province"] == province) & (gaps["period"] == period)]
                if not gaps.empty
                else gaps
            )
            rows = shortage.filter(province=province, period=period)
            coverages = [c for c in rows.values_list("coverage", flat=True) if c is not None]
            summaries.append(
                AreaSummary(
                    run=run,
                    province=province,
                    period=period,
                    postings=int(p["postings"].sum()) if not p.empty else 0,
                    duplicates=int(p["duplicates"].sum()) if not p.empty else 0,
                    offers=offer_count,
                    sessions=int(s["sessions"].sum()) if not s.empty else 0,
                    seats=int(s["seats"].sum()) if not s.empty else 0,
                    skills_demanded=len(g),
                    skills_in_shortage=int(
                        ((~g["suppressed"]) & (g["log_ratio"] >= weights.SHORTAGE_LOG_RATIO)).sum()
                    )
                    if not g.empty
                    else 0,
                    skills_suppressed=int(g["suppressed"].sum()) if not g.empty else 0,
                    shortage_professions=rows.filter(listed=True).count(),
                    tense_professions=rows.filter(tension_label__in=tense_labels).count(),
                    average_coverage=sum(coverages) / len(coverages) if coverages else None,
                )
            )
    AreaSummary.objects.bulk_create(summaries)


__all__ = ["UNKNOWN", "Window", "analytics_compute", "coverage_table", "gap_table"]
