"""Reading a recorded Elasticsearch response into the contract's result (no server)."""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from search.contract import CatalogueQuery, Chip, SkillRef, Understanding
from search.engines.elasticsearch import (
    ElasticsearchEngine,
    catalogue_result,
    goal_path,
)

RECORDED = Path(__file__).parent / "data" / "elasticsearch_offers_response.json"
TODAY = datetime.date(2026, 11, 12)
PY = SkillRef(
    uri="http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", label="Python"
)
JS = SkillRef(
    uri="http://data.europa.eu/esco/skill/b2ae4bd6-1c0d-4b04-9a63-d8a3c7eb2f53", label="JavaScript"
)
HTML = SkillRef(
    uri="http://data.europa.eu/esco/skill/4c7ad42e-56d9-4e69-8c2f-4a0ad2ae5fdd", label="HTML"
)
SKILLS = {1: PY, 2: JS, 3: HTML}
GOAL = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
CHIP = Chip(kind="occupation", uri=GOAL, label="développeur web", origin="picked")


def parse(raw: dict, **query_fields):
    query = CatalogueQuery(**query_fields)
    understanding = Understanding(chips=(CHIP,), occupation_id=4, goal_skill_ids=(1, 2, 3))
    engine = ElasticsearchEngine(url="http://127.0.0.1:9", index_prefix="test")
    search = engine.offer_search(
        query=query, understanding=understanding, skills=SKILLS, today=TODAY
    )
    return catalogue_result(
        query=query,
        understanding=understanding,
        search=search,
        raw=raw,
        skills=SKILLS,
        today=TODAY,
    )


@pytest.fixture
def recorded() -> dict:
    return json.loads(RECORDED.read_text())


@pytest.mark.django_db
class TestCatalogueResponse:
    def test_hits_with_coverage_next_session_place_and_price(self, recorded):
        with translation.override("fr"):
            result = parse(
                recorded,
                occupation=GOAL,
                filters={"province": ("hainaut", "liege"), "modality": ("on-site",)},
            )
        assert result.engine == "elasticsearch"
        assert result.total == 4
        assert result.chips == (CHIP,)
        first, second = result.hits
        assert (first.offer_id, first.title, first.provider) == (
            25,
            "Développeur web full stack",
            "Technofutur TIC",
        )
        assert first.url == "/organismes/technofutur-tic/developpeur-web/"
        # The September session is past and the November one cancelled.
        assert first.next_session == datetime.date(2027, 1, 11)
        assert first.place == "Mons"  # the next session's commune
        assert first.price is None and first.is_free
        assert first.duration_hours == 480
        assert first.score == pytest.approx(312.4)
        assert first.covered == (PY, JS, HTML) and first.missing == () and first.wanted == 3
        # No session: the provider's place; the goal skill it lacks is listed.
        assert second.next_session is None
        assert second.place == "Liège"
        assert second.price == Decimal("350.00") and not second.is_free
        assert second.covered == (JS, HTML) and second.missing == (PY,)

    def test_facets_in_vocabulary_order_with_selection_and_labels(self, recorded):
        with translation.override("en"):
            result = parse(recorded, filters={"province": ("hainaut", "luxembourg")})
        facets = {facet.name: facet for facet in result.facets}
        assert list(facets) == [
            "province",
            "modality",
            "format",
            "price",
            "funding",
            "audience",
            "level",
            "language",
            "provider_kind",
            "start",
            "schedule",
            "certification",
        ]
        province = facets["province"]
        assert province.label == "Province"
        assert [(v.value, v.count, v.selected) for v in province.values] == [
            ("hainaut", 4, True),
            ("liege", 3, False),
            # Selected but matching nothing any more: kept, so it can be unselected.
            ("luxembourg", 0, True),
            ("namur", 2, False),
        ]
        assert province.values[1].label == "Liège"
        assert [(v.value, v.count) for v in facets["start"].values] == [
            ("this-month", 1),
            ("three-months", 2),
            ("later", 1),
            ("none", 1),
        ]
        assert [v.value for v in facets["schedule"].values] == ["day", "evening"]
        assert [v.value for v in facets["price"].values] == ["free", "100-500", "500-1500"]
        assert facets["price"].values[0].label == "Free"
        assert facets["funding"].values[0].label == "Formation gratuite Forem"
        assert [v.value for v in facets["level"].values] == ["4", "5"]
        assert result.suggestions == ()

    def test_an_empty_result_suggests_dropping_the_filter_that_removed_most(self, recorded):
        empty = copy.deepcopy(recorded)
        empty["hits"] = {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}
        with translation.override("en"):
            result = parse(
                empty,
                text="javascript",
                filters={"province": ("luxembourg",), "modality": ("hybrid",)},
            )
        assert result.hits == ()
        (suggestion,) = result.suggestions
        assert suggestion.kind == "drop_filter"
        # `_filter_province` counts every filter but the province one: 9 offers.
        assert suggestion.count == 9
        assert suggestion.params == {"q": ("javascript",), "modality": ("hybrid",)}
        assert suggestion.label == "Province"

    def test_near_adds_a_note(self, recorded):
        with translation.override("en"):
            result = parse(recorded, near="Mons")
        assert result.notes == ("Distance is approximated by province: Hainaut.",)
        with translation.override("en"):
            unknown = parse(recorded, near="Atlantis")
        assert unknown.notes == ("The commune “Atlantis” is not known; distance is ignored.",)


def hit(offer_id: int, *uris: str) -> dict:
    return {"_source": {"offer_id": offer_id, "skill_uris": list(uris)}}


class TestGoalPath:
    def test_greedy_path_covers_most_of_the_goal(self):
        goal = ("a", "b", "c", "d", "e")
        hits = [hit(1, "a", "b", "c"), hit(2, "a", "b"), hit(3, "d", "x"), hit(4, "e")]
        path, coverage = goal_path(hits, goal_uris=goal)
        assert path == (1, 3, 4)
        assert coverage == 1.0

    def test_path_stops_when_nothing_is_added(self):
        path, coverage = goal_path(
            [hit(1, "a"), hit(2, "a"), hit(3, "b")], goal_uris=("a", "b", "c")
        )
        assert path == (1, 3)
        assert coverage == pytest.approx(2 / 3)

    def test_one_offer_is_not_a_path(self):
        path, coverage = goal_path([hit(1, "a", "b"), hit(2, "a")], goal_uris=("a", "b"))
        assert path == ()
        assert coverage == 1.0


@pytest.mark.django_db
class TestSkillSuggestions:
    def test_neighbours_in_esco_are_counted_and_suggested(self):
        from search.engines.elasticsearch import (
            neighbour_skills,
            skill_count_body,
            skill_suggestions,
        )
        from skills.models import Skill, SkillGroup

        group = SkillGroup.objects.filter(skills__isnull=False).first()
        members = list(group.skills.order_by("pk")[:3])
        asked, *others = members
        neighbours = neighbour_skills([asked.pk])
        assert asked.uri not in neighbours
        assert {skill.uri for skill in others} <= set(neighbours)
        body = skill_count_body(neighbours)
        assert body["size"] == 0
        assert body["aggs"]["skills"]["terms"]["include"] == sorted(neighbours)
        first = others[0].uri
        recorded = {
            "hits": {"total": {"value": 5, "relation": "eq"}, "hits": []},
            "aggregations": {
                "skills": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": first, "doc_count": 5}],
                }
            },
        }
        (suggestion,) = skill_suggestions(recorded, neighbours=neighbours)
        assert suggestion.kind == "skill"
        assert suggestion.params == {"skill": (first,)}
        assert suggestion.count == 5
        assert suggestion.label == Skill.objects.get(uri=first).label()
