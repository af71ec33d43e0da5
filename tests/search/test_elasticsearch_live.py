"""Against a real Elasticsearch (skipped unless ELASTICSEARCH_URL is set): rebuild behind the
alias, search, incremental updates, alias swap. Each test uses its own index prefix and
deletes what it created."""

from __future__ import annotations

import os
import uuid

import pytest

from search.contract import CatalogueQuery, Understanding
from search.engines.elasticsearch import ElasticsearchEngine
from search.es_indexing import delete_indices, rebuild_index
from skills.models import SkillSynonym
from tests.search import elasticsearch_fixtures

cadastre = elasticsearch_fixtures.cadastre
provider_index = elasticsearch_fixtures.provider_index

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs ELASTICSEARCH_URL"),
]


@pytest.fixture
def engine():
    engine = ElasticsearchEngine(
        url=os.environ["ELASTICSEARCH_URL"], index_prefix=f"wake-test-{uuid.uuid4().hex[:10]}"
    )
    yield engine
    delete_indices(engine)


def search(engine, understanding=None, **query):
    return engine.catalogue(
        query=CatalogueQuery(**query),
        understanding=understanding or Understanding(terms=query.get("text", "")),
    )


@pytest.mark.django_db
class TestLive:
    def test_rebuild_then_search_words_facets_and_skills(self, engine, cadastre):
        report = rebuild_index(engine, catalogue="offers")
        assert report.indexed == report.expected == 2
        result = search(engine, text="developpeur")  # no accent, French stemming
        assert [hit.offer_id for hit in result.hits] == [cadastre["free"].pk]
        result = search(engine, text="pyhton")  # a typo
        assert {hit.offer_id for hit in result.hits} == {cadastre["free"].pk, cadastre["paid"].pk}
        result = search(engine, filters={"price": ("free",)})
        assert [hit.offer_id for hit in result.hits] == [cadastre["free"].pk]
        price = next(f for f in result.facets if f.name == "price")
        # The price facet ignores its own filter: the paid offer still counts.
        assert {(v.value, v.count) for v in price.values} == {("free", 1), ("500-1500", 1)}
        understanding = Understanding(skill_ids=(cadastre["web"].pk,))
        result = search(engine, understanding, skills=(cadastre["web"].uri,))
        assert [hit.offer_id for hit in result.hits] == [cadastre["free"].pk]
        assert result.hits[0].covered[0].uri == cadastre["web"].uri

    def test_curated_synonym_finds_the_skill(self, engine, cadastre):
        SkillSynonym.objects.create(skill=cadastre["web"], label="dev front", language="fr")
        rebuild_index(engine, catalogue="offers")
        result = search(engine, text="dev front")
        assert [hit.offer_id for hit in result.hits] == [cadastre["free"].pk]

    def test_second_rebuild_swaps_the_alias_and_deletes_the_old_index(self, engine, cadastre):
        first = rebuild_index(engine, catalogue="offers")
        second = rebuild_index(engine, catalogue="offers")
        aliases = engine.client.indices.get_alias(name=engine.offer_alias).body
        assert list(aliases) == [second.index]
        assert second.deleted_indices == [first.index]
        assert not engine.client.indices.exists(index=first.index)

    def test_incremental_update_removes_an_unpublished_offer(self, engine, cadastre):
        rebuild_index(engine, catalogue="offers")
        cadastre["paid"].unpublish()
        engine.index_offers(offer_ids=[cadastre["paid"].pk, cadastre["free"].pk])
        result = search(engine)
        assert [hit.offer_id for hit in result.hits] == [cadastre["free"].pk]

    def test_postings_rebuild(self, engine, cadastre):
        report = rebuild_index(engine, catalogue="postings")
        assert report.indexed == report.expected
