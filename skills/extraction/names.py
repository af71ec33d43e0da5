"""Literal hits written as names: "Java", "SQL", "PostgreSQL", "Adobe Photoshop".

A label that ESCO writes with capitals (a tool, a programming language, a standard, an
acronym) and that the text writes the same way names that thing: "Java / J2EE" in a profile
means Java. Such a hit is conclusive whatever the label's length or how often its word shows up
in prose — the two measures that make a short word ambiguous ("plan", "soie") and used to score
"SQL" (three letters, two skills) under a generic sector word. Written in lower case ("une
pause café à Java"? "spark" of creativity), or as a lower-case label ("paris", the bets), it
stays an ordinary word.
"""

from __future__ import annotations

import re
import unicodedata

from skills.extraction.taxonomy import TaxonomySnapshot

_WORD_RE = re.compile(r"[^\W_]+(?:[+#]+)?")


def _plain_case(word: str) -> str:
    """`word` without accents, case kept: "Réseau" -> "Reseau"."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_words(form_text: str) -> tuple[str, ...]:
    """The words of a label written with a capital ("Adobe Photoshop" -> both); () if none."""
    return tuple(
        _plain_case(word)
        for word in _WORD_RE.findall(form_text)
        if any(ch.isupper() for ch in word)
    )


def name_forms(snapshot: TaxonomySnapshot) -> dict[int, tuple[tuple[str, ...], bool]]:
    """{form index: (its capitalised words, whether it is the skill's preferred label)} for
    every surface form written with at least one capital."""
    out: dict[int, tuple[tuple[str, ...], bool]] = {}
    for index, form in enumerate(snapshot.forms):
        words = name_words(form.text)
        if words:
            out[index] = (words, form.preferred)
    return out


def written_as_name(words: tuple[str, ...], written: str) -> bool:
    """Whether the text `written` (the hit's stretch) writes every capitalised word of the
    label as the label does. In a stretch written all in capitals ("AUTOCAD 2D - BASE",
    "PYTHON - PROGRAMMATION"), case says nothing, so the words need only be there."""
    written_words = [_plain_case(word) for word in _WORD_RE.findall(written)]
    if not written_words:
        return False
    letters = [ch for word in written_words for ch in word if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 3:
        upper = {word.upper() for word in written_words}
        return all(word.upper() in upper for word in words)
    present = set(written_words)
    return all(word in present for word in words)
