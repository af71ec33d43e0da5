"""The posting generator: deterministic, realistic, and drawing its words from the data file."""

import pytest

from demo import datafiles
from tests.demo.helpers import generated


@pytest.mark.django_db
class TestGenerator:
    def test_same_seed_same_postings(self):
        first = [item.record for item in generated(40)]
        assert first == [item.record for item in generated(40)]
        assert first != [item.record for item in generated(40, seed=4)]

    def test_postings_are_realistic_french_and_spread_over_the_months(self):
        items = generated(200)
        lengths = [len(item.record["description"]) for item in items]
        assert 1200 < sum(lengths) / len(lengths) < 3500
        months = {item.record["date_posted"][:7] for item in items}
        assert len(months) == 12
        assert items, "the check below needs something to check"
        assert all("Vous" in item.record["description"] for item in items)
        assert {item.source for item in items} == {"forem", "jobboard"}
        assert any(item.original_id for item in items)

    def test_postings_draw_their_words_from_the_vocabulary_file(self):
        vocabulary = datafiles.posting_vocabulary()
        items = generated(100)
        contracts = {contract.name for contract in vocabulary.contracts}
        assert {item.record["contract_type"] for item in items} <= contracts
        for item in items:
            assert any(root in item.record["employer"] for root in vocabulary.name_roots)
            headings = [f"<h3>{heading}</h3>" for heading in vocabulary.mission_headings]
            assert any(heading in item.record["description"] for heading in headings)
