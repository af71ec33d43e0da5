"""The search pages' URL scheme: query strings to queries and back, and clear errors."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import translation

from cms.search_params import (
    SearchParamsError,
    catalogue_params,
    catalogue_query_from_params,
    posting_params,
    posting_query_from_params,
    to_querystring,
    with_facet_value,
)
from search.contract import CatalogueQuery
from skills.models import Occupation, Skill

pytestmark = pytest.mark.django_db

JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_DEVELOPER = "http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d"


def parse(querystring: str) -> CatalogueQuery:
    return catalogue_query_from_params(QueryDict(querystring), language="fr")


def errors_of(querystring: str) -> dict[str, list[str]]:
    with pytest.raises(SearchParamsError) as caught:
        parse(querystring)
    return caught.value.errors


def other_skill() -> str:
    return Skill.objects.exclude(uri=JAVASCRIPT).order_by("pk").values_list("uri", flat=True)[0]


class TestCatalogueParams:
    def test_empty_querystring_is_the_default_query(self):
        assert parse("") == CatalogueQuery(language="fr")
        assert catalogue_params(parse("")) == []

    def test_every_parameter_round_trips(self):
        second = other_skill()
        assert Occupation.objects.filter(uri=WEB_DEVELOPER).exists()
        pairs = [
            ("q", "motion design"),
            ("skill", JAVASCRIPT),
            ("skill", second),
            ("all", "1"),
            ("occupation", WEB_DEVELOPER),
            ("drop", "http://data.europa.eu/esco/skill/understood"),
            ("province", "liege"),
            ("province", "namur"),
            ("modality", "distance"),
            ("format", "short"),
            ("price", "free"),
            ("audience", "jobseekers"),
            ("level", "5"),
            ("language", "en"),
            ("provider_kind", "universite"),
            ("start", "three-months"),
            ("schedule", "evening"),
            ("certification", "yes"),
            ("near", "Namur"),
            ("radius", "50"),
            ("price_min", "10"),
            ("price_max", "499.50"),
            ("sort", "price"),
            ("page_size", "50"),
            ("page", "3"),
        ]
        query = parse(to_querystring(pairs))
        assert query.skills == (JAVASCRIPT, second)
        assert query.require_all_skills
        assert query.filters["province"] == ("liege", "namur")
        assert query.filters["level"] == ("5",)
        assert (query.near, query.radius_km) == ("Namur", 50)
        assert (query.price_min, query.price_max) == (Decimal("10"), Decimal("499.50"))
        assert (query.sort, query.page, query.page_size) == ("price", 3, 50)
        assert query.dropped_chips == ("http://data.europa.eu/esco/skill/understood",)
        # The canonical form holds the same pairs (its own order), and reads back the same.
        assert sorted(catalogue_params(query)) == sorted(pairs)
        assert parse(to_querystring(catalogue_params(query))) == query

    def test_empty_fields_and_defaults_are_left_out(self):
        """What a GET form sends when nothing is filled in is the default search."""
        query = parse("q=++Python+&near=&radius=&price_min=&price_max=&sort=relevance&page=1")
        assert catalogue_params(query) == [("q", "Python")]

    def test_a_distance_without_a_commune_is_ignored(self):
        """The form always sends its distance menu, filled or not."""
        assert catalogue_params(parse("q=UX&radius=25&near=")) == [("q", "UX")]

    def test_commune_is_recognised_without_accents_and_gets_a_default_radius(self):
        query = parse("near=liege")
        assert (query.near, query.radius_km) == ("Liège", 25)
        assert catalogue_params(query) == [("near", "Liège")]

    def test_a_change_goes_back_to_the_first_page(self):
        query = parse("q=UX&page=4")
        assert ("page", "4") in catalogue_params(query)
        assert catalogue_params(query, sort="price") == [("q", "UX"), ("sort", "price")]
        assert catalogue_params(query, page=5)[-1] == ("page", "5")

    def test_facet_values_toggle(self):
        query = parse("province=liege&province=namur")
        assert with_facet_value(query, facet="province", value="namur").filters == {
            "province": ("liege",)
        }
        assert with_facet_value(query, facet="modality", value="hybrid").filters == {
            "province": ("liege", "namur"),
            "modality": ("hybrid",),
        }
        lifted = with_facet_value(parse("province=liege"), facet="province", value="liege")
        assert lifted.filters == {}

    def test_repeated_skills_are_kept_once(self):
        query = parse(to_querystring([("skill", JAVASCRIPT), ("skill", JAVASCRIPT)]))
        assert query.skills == (JAVASCRIPT,)

    @pytest.mark.parametrize(
        ("querystring", "field"),
        [
            ("sort=cheapest", "sort"),
            ("page=0", "page"),
            ("page=abc", "page"),
            ("page=100000", "page"),
            ("page_size=1000", "page_size"),
            ("province=atlantis", "province"),
            ("level=9", "level"),
            ("price=gratis", "price"),
            ("price_min=-5", "price_min"),
            ("price_min=abc", "price_min"),
            ("price_min=200&price_max=100", "price_max"),
            ("near=Gotham", "near"),
            ("near=Namur&radius=-1", "radius"),
            ("skill=http://data.europa.eu/esco/skill/unknown", "skill"),
            ("occupation=http://data.europa.eu/esco/occupation/unknown", "occupation"),
            ("drop=not-a-uri", "drop"),
            ("q=" + "x" * 201, "q"),
        ],
    )
    def test_bad_values_name_their_parameter(self, querystring, field):
        errors = errors_of(querystring)
        assert field in errors and all(errors[field])

    def test_errors_are_translated(self):
        with translation.override("en"):
            assert "not a value of this filter" in errors_of("province=atlantis")["province"][0]
        with translation.override("fr"):
            message = errors_of("near=Gotham")["near"][0]
        assert "Gotham" in message


class TestPostingParams:
    def test_round_trip(self):
        pairs = [
            ("q", "soudeur"),
            ("skill", JAVASCRIPT),
            ("occupation", WEB_DEVELOPER),
            ("province", "hainaut"),
            ("contract", "permanent"),
            ("working_time", "part_time"),
            ("posted", "quarter"),
            ("since", "2026-01-31"),
            ("sort", "date"),
            ("page", "2"),
        ]
        query = posting_query_from_params(QueryDict(to_querystring(pairs)), language="en")
        assert query.filters == {
            "province": ("hainaut",),
            "contract": ("permanent",),
            "working_time": ("part_time",),
            "posted": ("quarter",),
        }
        assert query.posted_since.isoformat() == "2026-01-31"
        assert sorted(posting_params(query)) == sorted(pairs)

    @pytest.mark.parametrize(
        ("querystring", "field"),
        [("contract=forever", "contract"), ("since=31/01/2026", "since"), ("sort=price", "sort")],
    )
    def test_bad_values(self, querystring, field):
        with pytest.raises(SearchParamsError) as caught:
            posting_query_from_params(QueryDict(querystring), language="fr")
        assert field in caught.value.errors
