"""Label-mode vectors for a few skills only: embedding the whole fixture slice would take a
test a minute."""

import numpy as np

from skills.extraction.labels import LabelChannel, mean_vectors


def attach_some(channel: LabelChannel, labels) -> None:
    """Give `channel` the real vectors of its rows whose text is in `labels` and a zero vector
    elsewhere (which the channel never favours)."""
    rows = [row for row, text in enumerate(channel.texts) if text in labels]
    assert {channel.texts[row] for row in rows} == set(labels), "labels missing from the fixture"
    vectors = np.zeros((len(channel.texts), channel.encoder.dim), dtype=np.float32)
    vectors[rows] = mean_vectors([channel.readings[row] for row in rows], channel.encoder)
    channel.vectors = vectors
