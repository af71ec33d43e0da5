"""The process-wide extractor: loaded from the disk cache, or built from the database.

The cache lives in `settings.WAKE_DATA_DIR / "extraction"`, one pickle per taxonomy
fingerprint, so an import, a new synonym or a rejected pattern makes the next load rebuild.
Nothing is downloaded: every model file is built here from the taxonomy.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from pathlib import Path

from django.conf import settings

from core.files import replaced_atomically
from skills.extraction.extractor import Extractor
from skills.extraction.taxonomy import load_snapshot, taxonomy_fingerprint

logger = logging.getLogger(__name__)

_LOCK = threading.RLock()
_EXTRACTOR: Extractor | None = None


def cache_dir() -> Path:
    return Path(settings.WAKE_DATA_DIR) / "extraction"


def cache_path(fingerprint: str) -> Path:
    return cache_dir() / f"index-{fingerprint}.pkl"


def build_index(*, force: bool = False, embed_labels: bool = False) -> tuple[Extractor, bool]:
    """The extractor for the current taxonomy, from the cache or freshly built and saved.

    Returns (extractor, built) where `built` says whether it had to be (re)built.
    The label mode's skill vectors (`labels`) are attached from their own file when it holds
    every label; `embed_labels=True` embeds the missing ones first (minutes of CPU for the
    whole of ESCO the first time, seconds after), which the build command does and a web
    process never should.
    """
    fingerprint = taxonomy_fingerprint()
    path = cache_path(fingerprint)
    if not force and path.exists():
        try:
            with path.open("rb") as handle:
                extractor = pickle.load(handle)
            if isinstance(extractor, Extractor) and extractor.fingerprint == fingerprint:
                _attach_label_vectors(extractor, embed=embed_labels)
                return extractor, False
        except Exception:  # a truncated or stale cache file is rebuilt, never fatal
            logger.warning("Extraction cache %s unreadable; rebuilding.", path, exc_info=True)
    started = time.perf_counter()
    extractor = Extractor(load_snapshot(), fingerprint=fingerprint)
    _save(extractor, path)
    logger.info("Extraction index built in %.1fs: %s", time.perf_counter() - started, path)
    _attach_label_vectors(extractor, embed=embed_labels)
    return extractor, True


def _attach_label_vectors(extractor: Extractor, *, embed: bool) -> None:
    for channel in extractor.label_channels:
        if not channel.attach(cache_dir(), embed_missing=embed):
            logger.info(
                "Label mode without %s: skill label vectors not built (build_extraction_index).",
                channel.encoder.name,
            )


def _save(extractor: Extractor, path: Path) -> None:
    with replaced_atomically(path, prefix=".index-", suffix=".tmp") as out:
        pickle.dump(extractor, out, protocol=pickle.HIGHEST_PROTOCOL)
    for old in path.parent.glob("index-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)


def get_extractor(refresh: bool = False) -> Extractor:
    """The shared extractor. `refresh=True` re-checks the taxonomy fingerprint (cheap) and
    rebuilds if curators changed synonyms, rejected patterns or the taxonomy since."""
    global _EXTRACTOR
    with _LOCK:
        if _EXTRACTOR is not None and not refresh:
            return _EXTRACTOR
        if _EXTRACTOR is not None and _EXTRACTOR.fingerprint == taxonomy_fingerprint():
            return _EXTRACTOR
        _EXTRACTOR, _built = build_index()
        return _EXTRACTOR


def invalidate_extractor() -> None:
    """Forget the shared extractor; the next `get_extractor()` checks the cache again."""
    global _EXTRACTOR
    with _LOCK:
        _EXTRACTOR = None
