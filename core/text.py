"""Text folding shared by every app: the taxonomy, its search, the extractor and the ingestion."""

import re
import sys
import unicodedata
from functools import cache

import numpy as np

_APOSTROPHES = ("’", "‘", "ʼ", "`", "´")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and collapse white space.

    `fold("  Développeur  d’Applications ")` is `"developpeur d'applications"`. Used for
    accent-insensitive matching where the database cannot do it the same way on SQLite and
    PostgreSQL.
    """
    if not text:
        return ""
    for apostrophe in _APOSTROPHES:
        # str.replace scans in C; str.translate looks every non-ASCII character up in a dict.
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        if len(text) < _LONG_TEXT:
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
        else:
            # Long texts (job postings) go through one vectorised mask instead of a Python
            # loop over every character, several times faster; the result is the same.
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            kept = codes[~_combining_table()[codes]]
            text = kept.tobytes().decode("utf-32-le", "surrogatepass")
    return _SPACES.sub(" ", text.casefold()).strip()


_LONG_TEXT = 200


@cache
def _combining_table() -> np.ndarray:
    """Per code point, whether it is a combining mark (built once, ~0.2 s)."""
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    for code in range(sys.maxunicode + 1):
        if unicodedata.combining(chr(code)):
            table[code] = True
    return table
