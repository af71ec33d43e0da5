"""The recomputation on small worlds whose figures are computed by hand in each test."""

from __future__ import annotations

import datetime
import math

import pytest
from django.db import connection

from analytics import selectors
from analytics.models import (
    ALL,
    ONLINE,
    AreaSummary,
    ComputationRun,
    DemandCell,
    GapIndicator,
    OccupationCoverage,
    ShortageProfession,
    SupplyCell,
)
from analytics.services import compute, sql
from analytics.services.compute import analytics_compute
from courses.models import Modality, OfferFormat
from jobs.models import JobPosting
from skills.links import LinkStatus
from skills.models import ShortageList, ShortageListEntry
from tests.analytics.conftest import MONTH, make_occupation, make_posting, make_skill
from tests.cms.test_browser import restore_seed_data  # noqa: F401

CONFIRMED, SUGGESTED, REJECTED = (
    LinkStatus.CONFIRMED,
    LinkStatus.SUGGESTED,
    LinkStatus.REJECTED,
)

pytestmark = pytest.mark.django_db


def demand_cell(skill, province="liege", month=MONTH) -> DemandCell:
    run = ComputationRun.objects.succeeded().get()
    return DemandCell.objects.get(run=run, skill=skill, province=province, month=month)


class TestDemand:
    def test_unique_postings_weighted_by_relation_and_confidence(self):
        """p1 confirmed essential (1.0), p2 suggested essential at 0.5 (0.5), p5 suggested
        without occupation at 0.8 (0.4 × 0.8), p6 confirmed optional (0.6): 2.42. The
        duplicate of p1, the rejected link and the draft never count."""
        skill = make_skill("animation 3D")
        essential_for = make_occupation("animateur", essential=[skill])
        optional_for = make_occupation("monteur", optional=[skill])
        p1 = make_posting(skills={skill: (CONFIRMED, 1.0)}, occupation=essential_for)
        make_posting(skills={skill: (SUGGESTED, 0.5)}, occupation=essential_for)
        make_posting(skills={skill: (CONFIRMED, 1.0)}, occupation=essential_for, duplicate_of=p1)
        make_posting(skills={skill: (REJECTED, 0.9)}, occupation=essential_for)
        make_posting(skills={skill: (SUGGESTED, 0.8)})
        make_posting(skills={skill: (CONFIRMED, 1.0)}, occupation=optional_for)
        make_posting(skills={skill: (CONFIRMED, 1.0)}, status=JobPosting.Status.DRAFT)

        analytics_compute()

        cell = demand_cell(skill)
        assert cell.postings == 4
        assert cell.confirmed_postings == 2
        assert cell.weight == pytest.approx(1.0 + 0.5 + 0.4 * 0.8 + 0.6)

    def test_a_skill_only_in_rejected_links_or_duplicates_has_no_demand(self):
        counted, rejected = make_skill("montage"), make_skill("étalonnage")
        original = make_posting(skills={counted: (CONFIRMED, 1.0)})
        make_posting(skills={rejected: (CONFIRMED, 1.0)}, duplicate_of=original)
        make_posting(skills={rejected: (REJECTED, 1.0)})

        analytics_compute()

        assert not DemandCell.objects.filter(skill=rejected).exists()
        overview = selectors.overview(period="12m")
        assert overview.postings == 2  # unique postings: the original and the rejected one
        assert overview.duplicates == 1

    def test_a_province_with_duplicates_only_counts_them(self):
        skill = make_skill("montage")
        original = make_posting(skills={skill: (CONFIRMED, 1.0)})
        make_posting(skills={skill: (CONFIRMED, 1.0)}, province="namur", duplicate_of=original)
        make_posting(skills={skill: (CONFIRMED, 1.0)}, province="namur", duplicate_of=original)

        analytics_compute()

        namur = selectors.overview(province="namur", period="12m")
        assert (namur.postings, namur.duplicates) == (0, 2)
        everywhere = selectors.overview(period="12m")
        assert (everywhere.postings, everywhere.duplicates) == (1, 2)

    def test_months_and_provinces_are_separate_cells(self):
        skill = make_skill("compositing")
        make_posting(skills={skill: (CONFIRMED, 1.0)}, province="namur")
        earlier = datetime.date(2026, 1, 15)
        make_posting(skills={skill: (CONFIRMED, 1.0)}, province="namur", posted_on=earlier)
        make_posting(skills={skill: (CONFIRMED, 1.0)}, province="")

        analytics_compute()

        assert demand_cell(skill, "namur").postings == 1
        assert demand_cell(skill, "namur", datetime.date(2026, 1, 1)).postings == 1
        assert demand_cell(skill, "unknown").postings == 1


class TestSupply:
    def test_sessions_weighted_by_seats_format_and_duration(self, teach):
        """Short course (0.5) of 60 hours (60/120 = 0.5): 10 seats give 2.5, unknown seats
        count as 12 (3.0); the cancelled session and the suggested link do not count."""
        skill = make_skill("sculpture numérique")
        make_posting(skills={skill: (CONFIRMED, 1.0)})
        start = MONTH + datetime.timedelta(days=3)
        teach(
            [skill],
            sessions=[
                {"start_date": start, "seats": 10},
                {"start_date": start, "seats": None},
                {"start_date": start, "seats": 30, "status": "cancelled"},
            ],
        )
        teach([skill], link_status=SUGGESTED, sessions=[{"start_date": start, "seats": 50}])

        analytics_compute()

        cell = SupplyCell.objects.get(skill=skill, province="liege", month=MONTH)
        assert (cell.sessions, cell.seats) == (2, 10)
        assert cell.weight == pytest.approx(2.5 + 3.0)

    def test_a_province_with_only_online_offers(self, teach):
        """Luxembourg has no session of its own: the distance-learning offer is its supply and
        covers the occupation's essential skill there."""
        skill = make_skill("rigging")
        occupation = make_occupation("animateur technique", essential=[skill])
        for _n in range(3):
            make_posting(
                skills={skill: (CONFIRMED, 1.0)}, occupation=occupation, province="luxembourg"
            )
        teach(
            [skill],
            province="namur",
            modality=Modality.DISTANCE,
            format=OfferFormat.QUALIFYING,
            duration_hours=240,
            sessions=[{"start_date": MONTH, "seats": 20}],
        )

        analytics_compute()

        run = ComputationRun.objects.succeeded().get()
        assert SupplyCell.objects.get(run=run, skill=skill).province == ONLINE
        gap = GapIndicator.objects.get(run=run, skill=skill, province="luxembourg", period="12m")
        assert gap.supply_sessions == 1
        assert gap.supply_weight == pytest.approx(20 * 1.0 * 1.0)
        coverage = OccupationCoverage.objects.get(
            run=run, occupation=occupation, province="luxembourg"
        )
        assert (coverage.covered_skills, coverage.essential_skills) == (1, 1)
        assert coverage.uncovered_skill_ids == []


class TestGap:
    def test_smoothed_log_ratio_by_hand(self, teach, settings):
        """Liège: A (essential) demanded twice, weight 2, not taught; B demanded once, weight 1,
        taught by a short 60 h course with unknown seats (12 × 0.5 × 0.5 = 3); C taught the
        same way, not demanded. D = 3, S = 6, N = 3 skills, α = 1:
        A: ln(3/6) − ln(1/9) = ln 4.5;  B: ln(2/6) − ln(4/9) = ln 0.75. C has no row."""
        settings.ANALYTICS_MIN_CELL_VOLUME = 1
        a, b, c = make_skill("A"), make_skill("B"), make_skill("C")
        occupation = make_occupation("graphiste", essential=[a, b])
        make_posting(skills={a: (CONFIRMED, 1.0), b: (CONFIRMED, 1.0)}, occupation=occupation)
        make_posting(skills={a: (CONFIRMED, 1.0)}, occupation=occupation)
        teach([b], sessions=[{"start_date": MONTH, "seats": None}])
        teach([c], sessions=[{"start_date": MONTH, "seats": None}])

        analytics_compute()

        rows = {row.skill.label: row for row in selectors.skill_gaps(province="liege")}
        assert set(rows) == {"A", "B"}
        assert rows["A"].log_ratio == pytest.approx(math.log(4.5))
        assert rows["B"].log_ratio == pytest.approx(math.log(0.75))
        assert rows["A"].demand_share == pytest.approx(2 / 3)
        assert rows["B"].supply_share == pytest.approx(0.5)
        assert rows["A"].in_shortage and not rows["B"].in_shortage

    def test_rows_below_the_minimum_volume_are_suppressed(self, settings):
        settings.ANALYTICS_MIN_CELL_VOLUME = 3
        rare, common = make_skill("rare"), make_skill("courante")
        for n in range(3):
            make_posting(
                skills={common: (CONFIRMED, 1.0), **({rare: (CONFIRMED, 1.0)} if n < 2 else {})}
            )

        analytics_compute()

        rows = {row.skill.label: row for row in selectors.skill_gaps(province="liege")}
        assert rows["rare"].suppressed and not rows["rare"].in_shortage
        assert not rows["courante"].suppressed
        assert [row.skill.label for row in selectors.skill_gaps(province="liege")][-1] == "rare"
        assert selectors.overview(province="liege").skills_suppressed == 1

    def test_an_empty_province_has_no_rows_and_zero_tiles(self):
        skill = make_skill("storyboard")
        make_posting(skills={skill: (CONFIRMED, 1.0)}, province="hainaut")

        analytics_compute()

        assert selectors.skill_gaps(province="namur") == []
        assert selectors.shortage_professions(province="namur") == []
        tiles = selectors.overview(province="namur")
        assert (tiles.postings, tiles.sessions, tiles.skills_demanded) == (0, 0, 0)
        assert AreaSummary.objects.get(province=ALL, period="12m").postings == 1


class TestShortageProfessions:
    def test_a_listed_profession_with_its_figures_and_uncovered_skills(self, teach, settings):
        settings.ANALYTICS_MIN_CELL_VOLUME = 1
        taught, missing = make_skill("modélisation 3D"), make_skill("éclairage 3D")
        occupation = make_occupation("infographiste 3D", essential=[taught, missing])
        shortage = ShortageList.objects.create(title="Livre blanc", source="test", year=2025)
        entry = ShortageListEntry.objects.create(
            shortage_list=shortage, label="Animateur 3D", kind="sector_need"
        )
        entry.occupations.add(occupation)
        for _n in range(2):
            make_posting(skills={taught: (CONFIRMED, 1.0)}, occupation=occupation)
        offer = teach([taught], sessions=[{"start_date": MONTH, "seats": 8}])

        analytics_compute()

        [row] = selectors.shortage_professions(shortage_list=shortage.pk)
        assert row.listed and row.list_entries[0]["entry"] == "Animateur 3D"
        assert row.demand_postings == 2
        assert row.demand_trend[-1] == 2 and len(row.demand_trend) == 24
        assert row.coverage == pytest.approx(0.5)
        assert row.is_proxy  # no vacancy statistics loaded: the label is the proxy's
        detail = selectors.profession_detail(occupation_uri=occupation.uri, province="liege")
        assert [s.label for s in detail.uncovered_skills] == ["éclairage 3D"]
        assert [s.label for s in detail.covered_skills] == ["modélisation 3D"]
        assert [o.id for o in detail.nearest_offers] == [offer.pk]
        assert detail.candidate_providers[0].missing_skills[0].label == "éclairage 3D"
        assert detail.trend_postings[-1] == 2

    def test_rising_poorly_covered_demand_is_flagged_tense_by_the_proxy(self):
        skill = make_skill("shader")
        occupation = make_occupation("technical artist", essential=[skill, make_skill("x")])
        earlier = datetime.date(2025, 2, 10)  # in the previous 12 months
        make_posting(skills={skill: (CONFIRMED, 1.0)}, occupation=occupation, posted_on=earlier)
        for _n in range(12):
            make_posting(skills={skill: (CONFIRMED, 1.0)}, occupation=occupation)

        analytics_compute()

        [row] = ShortageProfession.objects.filter(occupation=occupation, province=ALL, period="12m")
        assert row.tension_label == "proxy_tense"
        assert row.tension_basis["rising"] and row.tension_basis["poorly_covered"]
        assert row.demand_previous == 1 and not row.listed


class TestAtomicity:
    def test_a_failed_run_leaves_the_previous_results(self, monkeypatch):
        skill = make_skill("étalonnage")
        make_posting(skills={skill: (CONFIRMED, 1.0)})
        first = analytics_compute()

        make_posting(skills={skill: (CONFIRMED, 1.0)})

        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(compute, "_area_summaries", broken)
        with pytest.raises(RuntimeError):
            analytics_compute()

        failed = ComputationRun.objects.get(status=ComputationRun.Status.FAILED)
        assert "disk full" in failed.failure
        assert not DemandCell.objects.filter(run=failed).exists()
        assert selectors.latest_run().id == first.pk
        assert demand_cell(skill).postings == 1  # the first run's figure, still readable

    def test_a_new_run_replaces_the_previous_results(self):
        skill = make_skill("compositing")
        make_posting(skills={skill: (CONFIRMED, 1.0)})
        first = analytics_compute()
        make_posting(skills={skill: (CONFIRMED, 1.0)})
        second = analytics_compute()

        assert not DemandCell.objects.filter(run=first).exists()
        assert DemandCell.objects.get(run=second, skill=skill).postings == 2
        assert selectors.latest_run().id == second.pk
        assert second.latest_posting_date == MONTH
        assert second.parameters["relation_weights"]["essential"] == 1.0


def test_selectors_answer_empty_before_any_run():
    assert selectors.latest_run() is None
    assert selectors.overview() is None
    assert selectors.shortage_professions() == []
    assert selectors.skill_gaps() == []
    assert selectors.public_summary() is None
    assert selectors.methodology().parameters["smoothing"] == 1.0


class TestReadingsForTheDashboards:
    def test_provider_alignment_and_public_summary(self, teach, settings):
        settings.ANALYTICS_MIN_CELL_VOLUME = 1
        taught, missing = make_skill("montage vidéo"), make_skill("étalonnage")
        occupation = make_occupation("monteur vidéo", essential=[taught, missing])
        shortage = ShortageList.objects.create(title="Liste", source="test", year=2025)
        entry = ShortageListEntry.objects.create(
            shortage_list=shortage, label="Monteur", kind="penurie"
        )
        entry.occupations.add(occupation)
        make_posting(skills={taught: (CONFIRMED, 1.0)}, occupation=occupation)
        offer = teach([taught])

        analytics_compute()

        view = selectors.provider_alignment(provider_id=offer.provider_id)
        [row] = view.rows
        assert row.listed and row.coverage == pytest.approx(0.5)
        assert [o.id for o in row.offers] == [offer.pk]
        assert [s.label for s in row.missing_skills] == ["étalonnage"]
        assert view.nearly_covered == [row]

        summary = selectors.public_summary()
        assert [p.occupation.label for p in summary.professions] == ["monteur vidéo"]
        assert summary.postings == 1
        assert not hasattr(summary.professions[0], "training_requests")


# Real commits (the helper connections read them); the rows every other test expects are put
# back afterwards, and the flush does not run post_migrate (which would create groups again).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
class TestDemandCellsOnSeveralConnections:
    """SQLite works out the demand cells one (province, month) at a time, shared between this
    connection and helper threads with their own connections (`sql.SQLITE_THREADS`), outside a
    transaction only: both ways give the same cells, here computed by hand."""

    def cells(self, monkeypatch, threads: int) -> tuple[list, list, int]:
        from analytics.models import OccupationDemandCell

        monkeypatch.setattr(sql, "SQLITE_THREADS", threads)
        # Whatever else this machine runs: a helper whenever the run may have one.
        monkeypatch.setattr(sql, "_idle_cpus", lambda: threads - 1)
        helped = []
        helper = sql._demand_cells_helper

        def counting_helper(**kwargs):
            done = helper(**kwargs)
            helped.extend(done)
            return done

        monkeypatch.setattr(sql, "_demand_cells_helper", counting_helper)
        run = analytics_compute()
        demand = sorted(
            (skill, province, month, postings, confirmed, round(weight, 9))
            for skill, province, month, postings, confirmed, weight in DemandCell.objects.filter(
                run=run
            ).values_list(
                "skill__preferred_label_fr",
                "province",
                "month",
                "postings",
                "confirmed_postings",
                "weight",
            )
        )
        occupations = sorted(
            OccupationDemandCell.objects.filter(run=run).values_list(
                "province", "month", "postings", "reposted"
            )
        )
        return demand, occupations, len(helped)

    def test_one_connection_or_several_give_the_cells_by_hand(self, monkeypatch):
        s1, s2 = make_skill("s1"), make_skill("s2")
        occupation = make_occupation("monteur", essential=[s1], optional=[s2])
        february = datetime.date(2026, 2, 10)
        p1 = make_posting(
            skills={s1: (CONFIRMED, 1.0), s2: (SUGGESTED, 0.5)}, occupation=occupation
        )
        make_posting(skills={s1: (SUGGESTED, 0.8)})
        make_posting(skills={s1: (CONFIRMED, 1.0)}, occupation=occupation, duplicate_of=p1)
        make_posting(
            skills={s2: (CONFIRMED, 0.2)}, occupation=occupation, province="namur",
            posted_on=february,
        )  # fmt: skip
        make_posting(
            skills={s1: (REJECTED, 1.0), s2: (SUGGESTED, 1.5)}, occupation=occupation,
            province="namur", posted_on=february,
        )  # fmt: skip
        make_posting(skills={s1: (CONFIRMED, 1.0)}, province="")
        feb = datetime.date(2026, 2, 1)
        # s1 in Liège: essential confirmed (1.0) + no occupation at 0.8 (0.4 × 0.8);
        # s2 in Liège: optional at 0.5 (0.6 × 0.5); s2 in Namur: optional confirmed (0.6) and
        # optional with a score above 1 (0.6 × 1); s1 unknown province: no occupation (0.4).
        expected = sorted(
            [
                ("s1", "liege", MONTH, 2, 1, 1.32),
                ("s2", "liege", MONTH, 1, 0, 0.3),
                ("s2", "namur", feb, 2, 1, 1.2),
                ("s1", "unknown", MONTH, 1, 1, 0.4),
            ]
        )
        occupations = [("liege", MONTH, 1, 1), ("namur", feb, 2, 0)]

        alone = self.cells(monkeypatch, threads=1)
        shared = self.cells(monkeypatch, threads=2)

        assert alone[0] == shared[0] == expected
        assert alone[1] == shared[1] == occupations
        assert alone[2] == 0
        if connection.vendor == "sqlite":  # PostgreSQL has its own parallel plan
            assert shared[2] == 1  # of the 3 cells, the helper took one
