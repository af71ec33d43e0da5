"""The index definition (analyzers, mapping) and the documents projected from the database."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from search.documents import (
    OfferDocument,
    PostingDocument,
    build_index,
    offer_count,
    offer_sources,
)
from tests.search import elasticsearch_fixtures

cadastre = elasticsearch_fixtures.cadastre
provider_index = elasticsearch_fixtures.provider_index


def offer_mapping() -> dict:
    return build_index(
        name="test-offers", document=OfferDocument, synonyms_fr=["a, b"], synonyms_en=["c, d"]
    ).to_dict()


class TestMapping:
    def test_text_fields_are_french_with_an_english_subfield_and_synonyms_at_search_time(self):
        properties = offer_mapping()["mappings"]["properties"]
        for name in ("title", "summary", "description", "provider", "keywords"):
            assert properties[name]["analyzer"] == "french_text", name
            assert properties[name]["search_analyzer"] == "french_search", name
            assert properties[name]["fields"]["en"]["analyzer"] == "english_text", name
        assert properties["skill_labels_fr"]["search_analyzer"] == "french_search"
        assert properties["skill_labels_en"]["analyzer"] == "english_text"

    def test_sessions_are_nested_and_facets_are_keywords(self):
        mapping = offer_mapping()["mappings"]
        assert mapping["dynamic"] == "strict"
        properties = mapping["properties"]
        assert properties["sessions"]["type"] == "nested"
        assert properties["sessions"]["properties"]["start_date"] == {"type": "date"}
        for name in ("schedule", "commune", "province", "status"):
            assert properties["sessions"]["properties"][name] == {"type": "keyword"}
        keywords = [
            "skill_uris",
            "occupation_uris",
            "provinces",
            "modality",
            "format",
            "price_band",
            "funding",
            "audiences",
            "eqf_level",
            "languages",
            "provider_kind",
            "certification",
        ]
        for name in keywords:
            assert properties[name] == {"type": "keyword"}, name
        assert properties["price"]["type"] == "scaled_float"
        assert properties["next_session"] == {"type": "date"}
        assert properties["location"] == {"type": "geo_point"}

    def test_settings_carry_the_analyzers_and_both_synonym_filters(self):
        settings = offer_mapping()["settings"]
        analysis = settings["analysis"]
        assert set(analysis["analyzer"]) == {
            "french_text",
            "french_search",
            "english_text",
            "english_search",
        }
        assert analysis["filter"]["skill_synonyms_fr"] == {
            "type": "synonym_graph",
            "synonyms": ["a, b"],
            "lenient": True,
        }
        assert analysis["filter"]["french_stemmer"]["language"] == "light_french"
        assert analysis["filter"]["french_elision"]["articles_case"] is True
        assert settings["number_of_shards"] == 1

    def test_posting_mapping(self):
        properties = build_index(
            name="p", document=PostingDocument, synonyms_fr=[], synonyms_en=[]
        ).to_dict()["mappings"]["properties"]
        for name in ("province", "contract", "working_time", "skill_uris", "occupation_uris"):
            assert properties[name] == {"type": "keyword"}
        assert properties["posted"] == {"type": "date"}


@pytest.mark.django_db
class TestProjection:
    def test_only_live_offers_are_projected_with_confirmed_skills(self, cadastre):
        documents = {doc["offer_id"]: doc for doc in offer_sources()}
        assert set(documents) == {cadastre["free"].pk, cadastre["paid"].pk}
        assert offer_count() == 2
        paid = documents[cadastre["paid"].pk]
        assert paid["skill_uris"] == [cadastre["python"].uri]  # the suggestion is left out
        assert paid["next_session"] is None
        assert paid["price"] == 750.0 and paid["price_band"] == "500-1500"
        assert paid["certification"] == "no"

    def test_an_offer_document(self, cadastre):
        (document,) = offer_sources([cadastre["free"].pk, cadastre["draft"].pk])
        today = timezone.localdate()
        assert document["title"] == "Développeur web"
        assert document["description"] == "Au programme :\nHTML et Python."
        assert document["url"] == cadastre["free"].get_url()
        assert set(document["skill_uris"]) == {cadastre["python"].uri, cadastre["web"].uri}
        assert "développement web" in document["skill_labels_fr"]
        assert "web development" in document["skill_labels_en"]
        # Provinces: the provider's and every session's.
        assert document["provinces"] == ["hainaut", "namur"]
        # The next session is the next *open* one (the cancelled one is earlier).
        assert document["next_session"] == (today + datetime.timedelta(days=10)).isoformat()
        sessions = {s["schedule"]: s for s in document["sessions"]}
        assert sessions["day"]["commune"] == "Charleroi"  # the provider's address
        assert sessions["evening"]["province"] == "namur"
        assert sessions["weekend"]["status"] == "cancelled"
        assert document["price"] == 0 and document["is_free"] is True
        assert document["price_band"] == "free"
        assert document["certification"] == "yes"
        assert document["eqf_level"] == "5"
        assert document["audiences"] == ["jobseekers"]
        assert len(document["funding"]) == 1
        assert document["location"] == {"lat": 50.4108, "lon": 4.4446}
        assert document["provider_kind"] == cadastre["provider"].kind

    def test_every_projected_field_is_mapped(self, cadastre):
        """The mapping is strict: a field the projection adds must be declared."""
        properties = offer_mapping()["mappings"]["properties"]
        for document in offer_sources():
            assert set(document) <= set(properties)
