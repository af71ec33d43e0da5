"""The request bodies the Elasticsearch engine sends for the documented cases (no server).

What matters is the shape Elasticsearch will execute: where each condition sits (query, hard
filter, post filter, per-facet aggregation filter), which fields the words search, and how
sorting and pagination are expressed.
"""

from __future__ import annotations

import datetime

import pytest

from search.contract import CATALOGUE_FACETS, CatalogueQuery, PostingQuery, SkillRef, Understanding
from search.engines.elasticsearch import (
    ASKED_SKILL_BOOST,
    FACET_SIZE,
    SKILL_BOOST,
    ElasticsearchEngine,
)

TODAY = datetime.date(2026, 11, 12)
PYTHON = "http://data.europa.eu/esco/skill/python"
JS = "http://data.europa.eu/esco/skill/javascript"
HTML = "http://data.europa.eu/esco/skill/html"
SKILLS = {
    1: SkillRef(uri=PYTHON, label="Python"),
    2: SkillRef(uri=JS, label="JavaScript"),
    3: SkillRef(uri=HTML, label="HTML"),
}


@pytest.fixture
def engine():
    # Building bodies sends nothing: the port does not matter.
    return ElasticsearchEngine(url="http://127.0.0.1:9", index_prefix="test")


def body_for(engine, understanding=None, **query):
    search = engine.offer_search(
        query=CatalogueQuery(**query),
        understanding=understanding or Understanding(terms=query.get("text", "")),
        skills=SKILLS,
        today=TODAY,
    )
    return search.body()


def walk(node):
    """Every dict inside a body, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def clauses(node, kind: str) -> list:
    return [item[kind] for item in walk(node) if kind in item]


class TestTextQuery:
    def test_words_search_french_fields_and_english_subfields_with_typos_and_and(self, engine):
        body = body_for(engine, text="gestion de projet")
        matches = clauses(body["query"], "multi_match")
        best = next(m for m in matches if m["type"] == "best_fields")
        assert best["operator"] == "and"
        assert best["fuzziness"] == "AUTO"
        assert "title^10" in best["fields"]  # French interface: French fields weigh double
        assert "title.en^3" in best["fields"]
        assert "skill_labels_fr^6" in best["fields"]
        cross = next(m for m in matches if m["type"] == "cross_fields")
        assert cross["operator"] == "and" and "fuzziness" not in cross
        assert any(m["type"] == "phrase" for m in matches)

    def test_when_no_offer_has_every_word_any_word_is_enough(self, engine):
        search = engine.offer_search(
            query=CatalogueQuery(text="atelier soudure"),
            understanding=Understanding(terms="atelier soudure"),
            skills=SKILLS,
            today=TODAY,
            any_word=True,
        )
        operators = {m.get("operator") for m in clauses(search.body()["query"], "multi_match")}
        assert operators == {"or", None}  # None: the phrase clause

    def test_english_interface_weighs_the_english_fields(self, engine):
        body = body_for(engine, text="project management", language="en")
        best = next(m for m in clauses(body, "multi_match") if m["type"] == "best_fields")
        assert "title.en^6" in best["fields"] and "title^5" in best["fields"]

    def test_understood_skills_are_alternatives_to_the_words(self, engine):
        """An offer teaching an understood skill matches even without the words."""
        understanding = Understanding(terms="dev python", boost_skill_ids=(1,))
        body = body_for(engine, understanding, text="dev python")
        alternatives = body["query"]["bool"]["must"][0]["bool"]
        assert alternatives["minimum_should_match"] == 1
        kinds = [next(iter(clause)) for clause in alternatives["should"]]
        assert kinds == ["bool", "constant_score", "constant_score"]
        boosts = {
            (c["constant_score"]["boost"], next(iter(c["constant_score"]["filter"]["term"])))
            for c in alternatives["should"][1:]
        }
        assert boosts == {(SKILL_BOOST, "skill_uris"), (2.0, "core_skill_uris")}
        assert "post_filter" not in body

    def test_no_words_and_no_skills_match_everything(self, engine):
        body = body_for(engine)
        assert "query" not in body  # match_all
        assert body["track_total_hits"] is True


class TestSkillQuery:
    def test_two_picked_skills_need_one_and_rank_by_how_many(self, engine):
        understanding = Understanding(skill_ids=(1, 2))
        body = body_for(engine, understanding, skills=(PYTHON, JS))
        filters = body["query"]["bool"]["filter"]
        assert {"terms": {"skill_uris": [PYTHON, JS]}} in filters
        ranking = body["query"]["bool"]["should"]
        assert [c["constant_score"]["filter"]["term"]["skill_uris"] for c in ranking] == [
            PYTHON,
            JS,
        ]
        assert {c["constant_score"]["boost"] for c in ranking} == {ASKED_SKILL_BOOST}

    def test_require_all_skills_is_one_term_filter_per_skill(self, engine):
        understanding = Understanding(skill_ids=(1, 2))
        body = body_for(engine, understanding, skills=(PYTHON, JS), require_all_skills=True)
        filters = body["query"]["bool"]["filter"]
        assert {"term": {"skill_uris": PYTHON}} in filters
        assert {"term": {"skill_uris": JS}} in filters
        assert not any("terms" in f for f in filters)

    def test_goal_filters_on_any_essential_skill_and_scores_coverage(self, engine):
        understanding = Understanding(occupation_id=9, goal_skill_ids=(1, 2, 3))
        body = body_for(engine, understanding, occupation="http://data.europa.eu/esco/occ/web")
        query = body["query"]["bool"]
        assert {"terms": {"skill_uris": [PYTHON, JS, HTML]}} in query["filter"]
        assert len(query["should"]) == 3
        assert all(c["constant_score"]["boost"] == ASKED_SKILL_BOOST for c in query["should"])
        # Relevance with a goal: coverage first, then the next session, the title, the id.
        assert body["sort"][0] == "_score"
        assert body["sort"][2:] == [
            {"sort_title": {"order": "asc"}},
            {"offer_id": {"order": "asc"}},
        ]

    def test_goal_path_request_reads_the_best_window_without_aggregations(self, engine):
        search = engine.offer_search(
            query=CatalogueQuery(occupation="x"),
            understanding=Understanding(goal_skill_ids=(1, 2)),
            skills=SKILLS,
            today=TODAY,
        )
        body = search.path_body()
        assert "aggs" not in body
        assert body["from"] == 0 and body["size"] == 50
        assert body["_source"] == ["offer_id", "skill_uris"]
        assert body["query"] == search.body()["query"]


class TestFacet:
    def test_three_facets_multi_select_post_filter_and_per_facet_aggregations(self, engine):
        body = body_for(
            engine,
            filters={
                "province": ("hainaut", "namur"),
                "modality": ("on-site", "hybrid"),
                "price": ("free",),
            },
        )
        province = {"terms": {"provinces": ["hainaut", "namur"]}}
        modality = {"terms": {"modality": ["on-site", "hybrid"]}}
        price = {"terms": {"price_band": ["free"]}}
        # Hits: every facet filter, after the aggregations.
        assert body["post_filter"]["bool"]["must"] == [province, modality, price]
        # Counts: each facet under every filter but its own.
        aggs = body["aggs"]
        assert set(aggs) == {f"_filter_{name}" for name in CATALOGUE_FACETS}
        assert aggs["_filter_province"]["filter"]["bool"]["must"] == [modality, price]
        assert aggs["_filter_modality"]["filter"]["bool"]["must"] == [province, price]
        assert aggs["_filter_price"]["filter"]["bool"]["must"] == [province, modality]
        assert aggs["_filter_level"]["filter"]["bool"]["must"] == [province, modality, price]
        assert aggs["_filter_province"]["aggs"]["province"] == {
            "terms": {"field": "provinces", "size": FACET_SIZE}
        }
        # Facet choices never narrow the query itself.
        assert "query" not in body

    def test_start_and_schedule_are_nested_session_buckets_relative_to_today(self, engine):
        body = body_for(engine, filters={"start": ("this-month", "bogus")})
        buckets = body["aggs"]["_filter_start"]["aggs"]["start"]["filters"]["filters"]
        assert list(buckets) == ["this-month", "three-months", "later", "none"]
        this_month = buckets["this-month"]["nested"]
        assert this_month["path"] == "sessions"
        window = this_month["query"]["bool"]["filter"][0]["range"]["sessions.start_date"]
        assert window == {"gte": "2026-11-12", "lt": "2026-12-01"}
        later = buckets["later"]["nested"]["query"]["bool"]["filter"][0]["range"]
        assert later["sessions.start_date"] == {"gte": "2027-02-11"}
        assert "must_not" in buckets["none"]["bool"]
        # An unknown value is ignored, the known one filters.
        assert body["post_filter"] == buckets["this-month"]
        schedule = body["aggs"]["_filter_schedule"]["aggs"]["schedule"]["filters"]["filters"]
        assert set(schedule) == {"day", "evening", "weekend", "mixed"}

    def test_unknown_facet_names_are_ignored(self, engine):
        body = body_for(engine, filters={"colour": ("red",), "province": ()})
        assert "post_filter" not in body

    def test_near_a_commune_filters_by_province_as_the_database_engine(self, engine):
        body = body_for(engine, near="Mons", radius_km=20)
        assert body["query"]["bool"]["filter"] == [{"terms": {"provinces": ["hainaut"]}}]
        wider = body_for(engine, near="Mons", radius_km=80)["query"]["bool"]["filter"][0]
        provinces = wider["terms"]["provinces"]
        assert "hainaut" in provinces and "luxembourg" not in provinces and len(provinces) > 1
        assert "query" not in body_for(engine, near="Mons", radius_km=200)
        assert "query" not in body_for(engine, near="Atlantis")

    def test_price_range_is_a_hard_filter(self, engine):
        body = body_for(engine, price_min=100, price_max=500)
        assert body["query"]["bool"]["filter"] == [
            {"range": {"price": {"gte": 100.0, "lte": 500.0}}}
        ]
        # A zero minimum is no minimum (free offers, priced 0, stay in).
        body = body_for(engine, price_min=0, price_max=50)
        assert body["query"]["bool"]["filter"] == [{"range": {"price": {"lte": 50.0}}}]

    def test_removed_chips_exclude_the_offers_teaching_them(self, engine):
        body = body_for(engine, Understanding(terms="web", excluded_skill_ids=(1,)), text="web")
        assert {"bool": {"must_not": [{"terms": {"skill_uris": [PYTHON]}}]}} in body["query"][
            "bool"
        ]["filter"]

    def test_related_skills_only_rank_what_words_found(self, engine):
        understanding = Understanding(terms="développeur web", related_skill_ids=(2, 3))
        body = body_for(engine, understanding, text="développeur web")
        alternatives = body["query"]["bool"]["must"][0]["bool"]["should"]
        assert [next(iter(c)) for c in alternatives] == ["bool"]  # the words alone
        ranking = body["query"]["bool"]["should"]
        assert [c["constant_score"]["filter"]["term"]["skill_uris"] for c in ranking] == [JS, HTML]
        # Without words, related skills do nothing (no list of every generic skill's offers).
        assert "query" not in body_for(engine, Understanding(related_skill_ids=(2,)))


class TestSortAndPage:
    @pytest.mark.parametrize(
        ("sort", "first"),
        [
            ("duration", {"duration_hours": {"order": "asc", "missing": "_last"}}),
            ("price", {"price": {"order": "asc", "missing": "_last"}}),
            ("relevance", "_score"),
        ],
    )
    def test_sorts(self, engine, sort, first):
        assert body_for(engine, sort=sort)["sort"][0] == first

    def test_next_session_sorts_on_the_earliest_future_open_session(self, engine):
        sort = body_for(engine, sort="next_session")["sort"][0]["sessions.start_date"]
        assert sort["mode"] == "min" and sort["order"] == "asc" and sort["missing"] == "_last"
        assert sort["nested"]["path"] == "sessions"
        assert sort["nested"]["filter"]["bool"]["filter"] == [
            {"range": {"sessions.start_date": {"gte": "2026-11-12"}}},
            {"term": {"sessions.status": "open"}},
        ]

    def test_pagination(self, engine):
        body = body_for(engine, page=3, page_size=10)
        assert (body["from"], body["size"]) == (20, 10)

    def test_pages_beyond_the_result_window_stop_at_its_end(self, engine):
        body = body_for(engine, page=100_000, page_size=20)
        assert body["from"] + body["size"] == 10_000


class TestPostingQuery:
    def test_posting_search_filters_occupation_skills_and_date_and_facets(self, engine):
        search = engine.posting_search(
            query=PostingQuery(
                text="soudeur",
                occupation="http://data.europa.eu/esco/occupation/welder",
                filters={"province": ("liege",), "contract": ("permanent", "fixed_term")},
                posted_since=datetime.date(2026, 10, 1),
                sort="date",
            ),
            understanding=Understanding(terms="soudeur", skill_ids=(1,)),
            skills=SKILLS,
            today=TODAY,
        )
        body = search.body()
        filters = body["query"]["bool"]["filter"]
        assert {"terms": {"skill_uris": [PYTHON]}} in filters
        assert {"term": {"occupation_uris": "http://data.europa.eu/esco/occupation/welder"}} in (
            filters
        )
        assert {"range": {"posted": {"gte": "2026-10-01"}}} in filters
        assert body["post_filter"]["bool"]["must"] == [
            {"terms": {"province": ["liege"]}},
            {"terms": {"contract": ["permanent", "fixed_term"]}},
        ]
        assert body["aggs"]["_filter_contract"]["filter"] == {"terms": {"province": ["liege"]}}
        assert body["sort"][0] == {"posted": {"order": "desc"}}
        posted = body["aggs"]["_filter_posted"]["aggs"]["posted"]["filters"]["filters"]
        assert posted["week"] == {"range": {"posted": {"gte": "2026-11-05"}}}
