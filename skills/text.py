"""Small text helpers shared by the taxonomy, its search and the extractor."""

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes and collapse white space.

    `fold("  Développeur  d’Applications ")` is `"developpeur d'applications"`. Used for
    accent-insensitive matching where the database cannot do it the same way on SQLite and
    PostgreSQL.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()
