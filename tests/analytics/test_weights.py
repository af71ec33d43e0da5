"""The weights and rules of analytics/weights.py, by hand."""

import pytest

from analytics import weights
from analytics.weights import (
    ProxyInputs,
    TensionLabel,
    VacancyFigures,
    demand_link_weight,
    forem_tension,
    postings_tension_proxy,
    supply_session_weight,
)


class TestDemandWeights:
    def test_confirmed_links_count_fully_rejected_never(self):
        assert demand_link_weight(relation="essential", status="confirmed", score=0.2) == 1.0
        assert demand_link_weight(relation="essential", status="rejected", score=1.0) == 0.0

    def test_suggestions_count_by_confidence_and_relation(self):
        assert demand_link_weight(relation="optional", status="suggested", score=0.5) == 0.3
        assert demand_link_weight(relation=None, status="suggested", score=0.5) == 0.2
        assert demand_link_weight(relation=None, status="suggested", score=1.7) == 0.4


class TestSupplyWeights:
    def test_seats_format_duration_and_relation(self):
        # 20 seats, certifying (0.8), 60 h of 120 (0.5), secondary skill (0.5)
        assert supply_session_weight(
            seats=20, format="certifying", duration_hours=60, relation="secondary"
        ) == pytest.approx(4.0)

    def test_unknown_seats_and_duration_use_the_documented_defaults(self):
        assert supply_session_weight(
            seats=None, format="long", duration_hours=None
        ) == pytest.approx(weights.SEATS_WHEN_UNKNOWN * 1.0 * weights.DURATION_WEIGHT_UNKNOWN)

    def test_duration_weight_is_bounded(self):
        assert weights.duration_weight(1) == weights.MIN_DURATION_WEIGHT
        assert weights.duration_weight(1000) == 1.0


class TestSuppression:
    def test_below_the_minimum_is_suppressed(self, settings):
        settings.ANALYTICS_MIN_CELL_VOLUME = 4
        assert weights.is_suppressed(3)
        assert not weights.is_suppressed(4)
        assert weights.current_parameters().min_cell_volume == 4


class TestForemTensionRule:
    AVERAGES = {"average_days_open": 30.0, "average_fill_rate": 0.7}

    def figures(self, days, fill, jobseekers):
        return VacancyFigures(
            median_days_open=days,
            fill_rate=fill,
            jobseekers_per_vacancy=jobseekers,
            **self.AVERAGES,
        )

    def test_longer_and_filled_less_often_is_critical(self):
        assert forem_tension(self.figures(45, 0.5, 3.0)) == TensionLabel.FOREM_CRITICAL

    def test_critical_with_few_jobseekers_is_a_shortage(self):
        assert forem_tension(self.figures(45, 0.5, 1.5)) == TensionLabel.FOREM_SHORTAGE

    def test_both_conditions_are_needed(self):
        assert forem_tension(self.figures(45, 0.8, 1.0)) == TensionLabel.FOREM_NONE
        assert forem_tension(self.figures(20, 0.5, 1.0)) == TensionLabel.FOREM_NONE

    def test_unknown_jobseekers_leave_a_critical_function_critical(self):
        assert forem_tension(self.figures(45, 0.5, None)) == TensionLabel.FOREM_CRITICAL


class TestPostingsProxy:
    def test_rising_and_poorly_covered_is_tense(self):
        label, basis = postings_tension_proxy(
            ProxyInputs(
                postings=20,
                previous_postings=10,
                coverage=0.3,
                repost_rate=0,
                average_repost_rate=0,
            )
        )
        assert label == TensionLabel.PROXY_TENSE
        assert basis["rule"] == "proxy" and basis["growth"] == pytest.approx(21 / 11, abs=1e-3)

    def test_rising_and_reposted_more_than_average_is_tense(self):
        label, _basis = postings_tension_proxy(
            ProxyInputs(
                postings=20,
                previous_postings=10,
                coverage=0.9,
                repost_rate=0.2,
                average_repost_rate=0.1,
            )
        )
        assert label == TensionLabel.PROXY_TENSE

    def test_flat_demand_or_too_few_postings_is_not_tense(self):
        flat = ProxyInputs(
            postings=20, previous_postings=20, coverage=0.1, repost_rate=0, average_repost_rate=0
        )
        few = ProxyInputs(
            postings=3, previous_postings=0, coverage=0.1, repost_rate=0, average_repost_rate=0
        )
        assert postings_tension_proxy(flat)[0] == TensionLabel.PROXY_NONE
        assert postings_tension_proxy(few)[0] == TensionLabel.PROXY_NONE
