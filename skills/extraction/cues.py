"""The cue words of the context rule, shipped as data in `skills/data/curated/context_cues.csv`.

Kept apart from `context.py` because the taxonomy snapshot reads them (and hashes the file
into its fingerprint) before the index that `context.py` works on exists.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from core.text import fold
from skills.extraction.text import LANGUAGES

CONTEXT_CUES_PATH = Path(__file__).resolve().parents[1] / "data" / "curated" / "context_cues.csv"
CUE_COLUMNS = ("cue", "language", "domain")


def read_context_cues(path: Path = CONTEXT_CUES_PATH) -> dict[str, frozenset[str]]:
    """{language: folded cue words} from the cue file; `any` rows count for both languages.

    Cues are compared with the words of the text as written (folded, not stemmed), so the file
    lists the inflections it means. Raises `ValueError` naming the line of a malformed row.
    """
    cues: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        if tuple(reader.fieldnames or ()) != CUE_COLUMNS:
            raise ValueError(f"{path.name}: expected the columns {';'.join(CUE_COLUMNS)}.")
        for line, row in enumerate(reader, start=2):
            word = fold((row["cue"] or "").strip())
            language = (row["language"] or "").strip()
            if not re.fullmatch(r"\w+", word) or language not in (*LANGUAGES, "any"):
                raise ValueError(f"{path.name}, line {line}: one word and fr, en or any expected.")
            for lang in LANGUAGES if language == "any" else (language,):
                cues[lang].add(word)
    return {lang: frozenset(words) for lang, words in cues.items()}
