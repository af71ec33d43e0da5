"""Typo tolerance, on every engine: a misspelt word finds the offers the right spelling finds.
The database engine corrects a word no offer holds to the closest indexed title or skill
term (pg_trgm shortlists on PostgreSQL, the term table on SQLite)."""

from __future__ import annotations

import pytest

from search import CatalogueQuery, catalogue_search
from search.engines.spelling import corrections, max_distance
from search.models import SearchTerm
from tests.courses.factories import make_offer

pytestmark = pytest.mark.django_db


def ids(**fields) -> set[int]:
    result = catalogue_search(query=CatalogueQuery(understand=False, page_size=50, **fields))
    return {hit.offer_id for hit in result.hits}


class TestTypos:
    def test_misspelt_skills_find_the_offers_teaching_them(self, catalogue):
        python = {catalogue.id("coding"), catalogue.id("fullstack")}
        assert ids(text="python") == python
        assert ids(text="pyhton") == python  # two letters swapped
        assert ids(text="pyton") == python  # one letter missing
        javascript = {catalogue.id("web"), catalogue.id("fullstack")}
        assert ids(text="javscript") == javascript
        assert ids(text="javascrpit") == javascript

    def test_a_misspelt_title_word_finds_the_offer(
        self, catalogue, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            photoshop = make_offer(
                catalogue["web"].get_parent(), title="Retouche d'images avec Photoshop"
            )
        assert ids(text="photshop") == {photoshop.pk}
        # The right words of the query still have to match.
        assert ids(text="retouche photshop") == {photoshop.pk}

    def test_the_database_engine_corrects_only_close_long_words(self, catalogue, engine):
        if engine != "database":
            pytest.skip("the correction rules of the database engine")
        assert "python" in set(SearchTerm.objects.values_list("term", flat=True))
        assert "python" in corrections("pyhton")  # with "pyston", an alternative label
        assert max_distance("pytn") == 0 and corrections("pytn") == []
        assert ids(text="pxtxon") == set()  # two edits away from a six-letter word
        result = catalogue_search(query=CatalogueQuery(text="pyhton", understand=False))
        assert result.notes  # the learner is told the words were corrected
