"""The relevance set over the demo cadastre: a regression guard on what learners find first.

The floors are figures measured on the test database (the ESCO fixture slice, the whole demo
cadastre) minus a small margin, not targets: `bench/search_relevance.py` prints the figures
per query on the development database (the full taxonomy).

Loading the whole demo cadastre (120 offers through the import service) and running the 54
queries takes about 95 s on the 2-core development machine: one test does both, once.
"""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import translation

from demo.loaders import cadastre
from demo.loaders.site import ensure_site
from tests.search.relevance.scoring import evaluate, load_queries, offer_keys

pytestmark = pytest.mark.django_db

# Measured on the test database with the database engine: nDCG@10 0.852, good first result
# 0.86 (50 judged queries, typos corrected). Raise the floors when search improves.
NDCG_FLOOR = 0.80
GOOD_FIRST_FLOOR = 0.80
# Queries allowed to find nothing: none since the database engine corrects misspelt words
# ("pyhton", "javascrpit"); add one here only with the reason.
EMPTY_KNOWN: set[str] = set()


def test_the_set_is_well_formed():
    queries = load_queries()
    assert len(queries) >= 40
    assert not [key for key, n in Counter(q.id for q in queries).items() if n > 1]
    assert {q.language for q in queries} == {"fr", "en"}
    for judged in queries:
        assert judged.text.strip(), judged.id
        assert set(judged.patterns.values()) <= {1, 2}, judged.id
    # The failing searches of the issue are all in the set.
    texts = {q.text for q in queries}
    for text in ("Python", "JavaScript", "gestion de projet", "modélisation 3D", "soudure"):
        assert text in texts
    for text in ("Blender", "After Effects", "motion design", "développeur web", "pyhton"):
        assert text in texts


def load_demo_cadastre() -> None:
    home = ensure_site()
    cadastre.load(home=home, stdout=io.StringIO())
    # The demo's writes never commit inside a test: bring the search tables in step by hand.
    call_command("rebuild_search_index", stdout=io.StringIO())


def test_relevance_over_the_demo():
    load_demo_cadastre()
    keys = list(offer_keys().values())
    queries = load_queries()
    # Every judgement names demo offers that exist: a renamed offer must not pass unnoticed.
    for judged in queries:
        assert not judged.unmatched_patterns(keys), judged.id
    with translation.override("fr"):
        report = evaluate(queries)
    summary = "\n".join(f"{s.judged.id}: ndcg={s.ndcg} first={s.ranked[:1]}" for s in report.scores)
    # Shown with `pytest -rP`: the figures the floors are taken from.
    print(f"RELEVANCE ndcg10={report.mean_ndcg:.3f} good_first={report.good_first_share:.2f}")
    assert report.mean_ndcg >= NDCG_FLOOR, summary
    assert report.good_first_share >= GOOD_FIRST_FLOOR, summary
    # Queries with offers to find that come back empty: only the typos the engine does not
    # forgive yet (see EMPTY_KNOWN); any other is a regression.
    empty = {s.judged.id for s in report.judged if s.total == 0}
    assert empty <= EMPTY_KNOWN, summary
