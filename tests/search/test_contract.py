"""The search contract, on every engine: the database engine always, Elasticsearch when
ELASTICSEARCH_URL is set (the `engine` fixture). Nothing here knows which engine answers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from courses.models import OfferSkill
from search import CatalogueQuery, catalogue_search
from skills.links import LinkStatus
from tests.courses.factories import make_offer
from tests.search.conftest import (
    AGILE,
    JAVASCRIPT,
    MOTION_GRAPHICS,
    PYTHON,
    WEB_DEVELOPER,
    link,
)

pytestmark = pytest.mark.django_db


def search(**fields):
    return catalogue_search(query=CatalogueQuery(**fields))


def ids(result) -> list[int]:
    return [hit.offer_id for hit in result.hits]


def titles(result) -> set[str]:
    return {hit.title for hit in result.hits}


def counts(result, facet: str) -> dict[str, int]:
    for candidate in result.facets:
        if candidate.name == facet:
            return {value.value: value.count for value in candidate.values}
    raise AssertionError(f"no facet {facet}")


class TestText:
    def test_a_word_finds_offers_through_the_skill_they_teach(self, catalogue):
        """Neither offer says "Python": both teach the skill; the draft never shows."""
        result = search(text="Python")
        assert set(ids(result)) == {catalogue.id("coding"), catalogue.id("fullstack")}
        assert any(chip.uri == PYTHON and chip.origin == "understood" for chip in result.chips)

    def test_english_labels_find_french_offers(self, catalogue):
        assert catalogue.id("projects") in ids(search(text="project management"))
        assert catalogue.id("web") in ids(search(text="web programming", language="en"))

    def test_accents_are_folded_and_words_stemmed(self, catalogue):
        assert ids(search(text="modelisation")) == [catalogue.id("modelling")]
        assert ids(search(text="MODÉLISATIONS", understand=False)) == [catalogue.id("modelling")]
        assert catalogue.id("projects") in ids(search(text="gestion de projet"))

    def test_curated_synonyms_match(self, catalogue):
        result = search(text="After Effects")
        assert ids(result)[0] == catalogue.id("motion")
        assert any(chip.uri == MOTION_GRAPHICS for chip in result.chips)

    def test_a_dropped_chip_no_longer_brings_offers(self, catalogue):
        result = search(text="Python", dropped_chips=(PYTHON,))
        assert result.total == 0
        assert all(chip.uri != PYTHON for chip in result.chips)

    def test_words_must_all_match_when_some_offer_has_them_all(self, catalogue):
        result = search(text="atelier front", understand=False)
        assert ids(result) == [catalogue.id("front")]


class TestSkill:
    def test_picked_skills_filter_and_count_coverage(self, catalogue):
        result = search(skills=(PYTHON, JAVASCRIPT))
        assert set(ids(result)) == {
            catalogue.id("web"),
            catalogue.id("coding"),
            catalogue.id("fullstack"),
        }
        assert ids(result)[0] == catalogue.id("fullstack")  # teaches both
        first = result.hits[0]
        assert first.wanted == 2 and {ref.uri for ref in first.covered} == {PYTHON, JAVASCRIPT}
        others = {hit.offer_id: hit for hit in result.hits[1:]}
        assert len(others[catalogue.id("coding")].covered) == 1
        assert [ref.uri for ref in others[catalogue.id("coding")].missing] == [JAVASCRIPT]

    def test_every_picked_skill_can_be_required(self, catalogue):
        result = search(skills=(PYTHON, JAVASCRIPT), require_all_skills=True)
        assert ids(result) == [catalogue.id("fullstack")]

    def test_goal_orders_by_coverage_and_builds_a_path(self, catalogue):
        goal = catalogue.goal_skills
        result = search(occupation=WEB_DEVELOPER)
        assert ids(result)[0] == catalogue.id("fullstack")
        assert set(ids(result)) == {
            catalogue.id("fullstack"),
            catalogue.id("front"),
            catalogue.id("web"),
        }
        first = result.hits[0]
        assert first.wanted == len(goal)
        assert len(first.covered) == 2 and len(first.missing) == len(goal) - 2
        path = [hit.offer_id for hit in result.path]
        assert path[0] == catalogue.id("fullstack")
        assert set(path) == {catalogue.id("fullstack"), catalogue.id("front"), catalogue.id("web")}
        assert result.path_coverage == pytest.approx(4 / len(goal), abs=1e-3)


FACET_CASES = [
    ("province", ("liege",), {"coding", "projects", "fullstack"}),
    ("modality", ("distance", "hybrid"), {"coding", "motion"}),
    ("format", ("workshop",), {"motion", "modelling", "front"}),
    ("price", ("free",), {"web"}),
    ("price", ("under-100", "over-1500"), {"modelling", "front", "projects", "fullstack"}),
    ("funding", ("forem-gratuit",), {"web"}),
    ("audience", ("women-in-tech",), {"coding"}),
    ("audience", ("young-people", "jobseekers"), {"motion", "web"}),
    ("level", ("4", "6"), {"web", "coding"}),
    ("language", ("en",), {"motion"}),
    ("provider_kind", ("universite",), {"coding", "projects", "fullstack"}),
    ("start", ("this-month",), set()),  # filled in by the test: depends on today's date
    ("start", ("none",), {"projects"}),
    ("schedule", ("evening", "weekend"), {"web", "motion"}),
    ("certification", ("yes",), {"coding"}),
]


class TestFacet:
    def test_each_facet_filters(self, catalogue):
        today = timezone.localdate()
        this_month = {
            key
            for key, days in (("web", 10), ("modelling", 5), ("fullstack", 20), ("front", 15))
            if (today + datetime.timedelta(days=days)).month == today.month
        }
        for facet, values, expected in FACET_CASES:
            if facet == "start" and values == ("this-month",):
                expected = this_month
            result = search(filters={facet: values}, page_size=50)
            wanted = {catalogue.id(key) for key in expected}
            assert set(ids(result)) == wanted, (facet, values)
            assert result.total == len(expected), (facet, values)

    def test_counts_stay_right_under_multi_select(self, catalogue):
        result = search(filters={"province": ("hainaut",), "modality": ("on-site",)})
        # Province counts ignore the province filter but keep the modality one.
        assert counts(result, "province") == {"hainaut": 3, "liege": 2}
        # Modality counts ignore the modality filter but keep the province one.
        assert counts(result, "modality") == {"on-site": 3, "hybrid": 1}
        assert result.total == 3
        selected = [
            v.value for f in result.facets if f.name == "province" for v in f.values if v.selected
        ]
        assert selected == ["hainaut"]
        result = search(filters={"province": ("hainaut", "liege"), "modality": ("on-site",)})
        assert result.total == 5

    def test_price_range(self, catalogue):
        result = search(price_min=Decimal("60"), price_max=Decimal("1000"), page_size=50)
        assert set(ids(result)) == {catalogue.id(k) for k in ("coding", "motion", "front")}

    def test_distance_from_a_commune_by_province(self, catalogue):
        result = search(near="Seraing", radius_km=20, page_size=50)
        assert set(ids(result)) == {catalogue.id(k) for k in ("coding", "projects", "fullstack")}
        assert result.notes


class TestOrder:
    def test_sorts(self, catalogue):
        by_price = ids(search(sort="price", page_size=50))
        assert by_price[0] == catalogue.id("web")  # free first
        assert by_price[-1] == catalogue.id("fullstack")
        by_date = ids(search(sort="next_session", page_size=50))
        assert by_date[0] == catalogue.id("modelling")
        assert by_date[-1] == catalogue.id("projects")  # no session last
        by_duration = ids(search(sort="duration", page_size=50))
        assert by_duration[:2] == [catalogue.id("modelling"), catalogue.id("front")]

    def test_pages_are_disjoint_and_complete(self, catalogue):
        pages = [search(sort="price", page=n, page_size=3) for n in (1, 2, 3)]
        assert [len(p.hits) for p in pages] == [3, 3, 1]
        assert all(p.total == 7 for p in pages)
        seen = [offer_id for p in pages for offer_id in ids(p)]
        assert len(set(seen)) == 7

    def test_hits_show_provider_place_session_and_price(self, catalogue):
        hit = search(text="motion design").hits[0]
        assert hit.provider == "Technocité" and hit.place == "Mons"
        assert hit.price == Decimal("900.00") and not hit.is_free
        assert hit.next_session == timezone.localdate() + datetime.timedelta(days=120)
        assert hit.url.endswith("/") and hit.duration_hours == 16


class TestSuggestion:
    def test_empty_result_proposes_the_filter_to_drop(self, catalogue):
        with translation.override("en"):
            result = search(text="Python", filters={"province": ("hainaut",), "format": ("long",)})
        assert result.total == 0
        drop = [s for s in result.suggestions if s.kind == "drop_filter"]
        assert drop and drop[0].params.get("q") == ("Python",)
        assert drop[0].count >= 1
        assert "province" not in drop[0].params or "format" not in drop[0].params

    def test_empty_result_proposes_nearby_skills_with_offers(self, catalogue):
        result = search(skills=(AGILE,), filters={"province": ("hainaut",)})
        assert result.total == 0
        assert any(s.kind == "drop_filter" and s.count == 1 for s in result.suggestions)


class TestIndexInStep:
    def test_publish_unpublish_and_link_changes(
        self, catalogue, django_capture_on_commit_callbacks
    ):
        provider = catalogue["web"].get_parent()
        with django_capture_on_commit_callbacks(execute=True):
            fresh = make_offer(provider, title="Soudage semi-automatique", price=100)
        assert ids(search(text="soudage", understand=False)) == [fresh.pk]

        with django_capture_on_commit_callbacks(execute=True):
            fresh.unpublish()
        assert search(text="soudage", understand=False).total == 0

        with django_capture_on_commit_callbacks(execute=True):
            link(catalogue["modelling"], PYTHON)
        assert catalogue.id("modelling") in ids(search(skills=(PYTHON,)))

        with django_capture_on_commit_callbacks(execute=True):
            OfferSkill.objects.filter(offer=catalogue["modelling"]).delete()
        assert catalogue.id("modelling") not in ids(search(skills=(PYTHON,)))

        with django_capture_on_commit_callbacks(execute=True):
            OfferSkill.objects.filter(offer=catalogue["coding"], skill__uri=PYTHON).update(
                status=LinkStatus.REJECTED
            )
            catalogue["coding"].save_revision().publish()
        assert catalogue.id("coding") not in ids(search(skills=(PYTHON,)))

    def test_nothing_is_indexed_when_the_transaction_rolls_back(
        self, catalogue, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            make_offer(catalogue["web"].get_parent(), title="Soudage à l'arc")
        assert callbacks  # queued, and only run on commit
        assert search(text="soudage", understand=False).total == 0
