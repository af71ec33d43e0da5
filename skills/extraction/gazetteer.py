"""Names and phrases in which a skill label is no skill: places, organisations, HR and legal
phrases, and phrases that give a word another sense.

"Ile de France" holds the label "France" of the French language, "Brabant wallon" the Walloon
language, "Paris" the bets, "France Travail" both; "échange téléphonique" (a step of the
recruitment) holds phoning, "messagerie électronique" electronics. The curated lists under
`skills/data/gazetteer/` (see the README there for sources and licence) are normalised once,
when the index is built, like the labels; `Gazetteer.find` then marks where they occur:

- a skill label read inside a place, an organisation or an HR/legal phrase never counts, and
  the words of the name are left out of the passage's ranking too;
- a label read strictly inside a sense-blocking phrase does not count either, but the phrase's
  words stay in the ranking ("messagerie électronique" still points to e-mail skills).

Places and organisations are names: they match only where the text writes them with a capital
("Paris", not "paris sportifs"), in capitals when the list does ("ONE", not "one"), and word
for word as the list writes them, accents and case aside, not merely with the same stem
("Français" is not "France", "LESS" is not the river Lesse). Phrases match inflected
("conventions collectives").
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from core.text import fold
from skills.extraction.text import LANGUAGES, Normaliser, Token

GAZETTEER_DIR = Path(__file__).resolve().parents[1] / "data" / "gazetteer"


class NameKind(StrEnum):
    PLACE = "place"
    ORGANISATION = "organisation"
    HR_LEGAL = "hr_legal"
    SENSE = "sense"


# Which list holds which kind of name.
FILES = {
    "places_be.txt": NameKind.PLACE,
    "places_fr.txt": NameKind.PLACE,
    "countries.txt": NameKind.PLACE,
    "organisations.txt": NameKind.ORGANISATION,
    "hr_legal.txt": NameKind.HR_LEGAL,
    "senses.txt": NameKind.SENSE,
}
PROPER_NAMES = frozenset({NameKind.PLACE, NameKind.ORGANISATION})


class NameEntry(NamedTuple):
    text: str
    kind: NameKind


class NameSpan(NamedTuple):
    """Where a listed name occurs: tokens first..last (inclusive) of the analysed text."""

    first: int
    last: int
    kind: NameKind


def load_entries(folder: Path = GAZETTEER_DIR) -> list[NameEntry]:
    """Every listed name, in file order; blank lines and "#" comments skipped."""
    entries = []
    for filename, kind in FILES.items():
        path = folder / filename
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.split("#", 1)[0].strip()
            if text:
                entries.append(NameEntry(text, kind))
    return entries


def data_digest(folder: Path = GAZETTEER_DIR) -> str:
    """A hash of the lists: part of the index fingerprint, so an edit rebuilds the cache."""
    digest = hashlib.sha256()
    for filename in sorted(FILES):
        path = folder / filename
        if path.exists():
            digest.update(filename.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class _Pattern(NamedTuple):
    terms: tuple[str, ...]  # normalised words
    written: tuple[str, ...]  # the same words folded, as the list writes them
    kind: NameKind
    capitals: bool  # written in capitals in the list (an acronym): the text must do the same


class Gazetteer:
    """The listed names, normalised per language, found in token sequences."""

    def __init__(self, entries: list[NameEntry], normalisers: dict[str, Normaliser]):
        # Per language: {first normalised word: patterns starting with it, longest first}.
        self.patterns: dict[str, dict[str, tuple[_Pattern, ...]]] = {}
        for lang in LANGUAGES:
            normaliser = normalisers[lang]
            by_first: dict[str, dict[tuple[str, ...], _Pattern]] = {}
            for entry in entries:
                tokens = normaliser.tokens(entry.text)
                if not tokens:
                    continue
                terms = tuple(token.norm for token in tokens)
                written = tuple(fold(entry.text[t.start : t.end]) for t in tokens)
                letters = [ch for ch in entry.text if ch.isalpha()]
                capitals = len(letters) > 1 and all(ch.isupper() for ch in letters)
                pattern = _Pattern(terms, written, entry.kind, capitals)
                bucket = by_first.setdefault(terms[0], {})
                # The same words listed twice keep the kind that blocks most (a proper name).
                if terms not in bucket or entry.kind in PROPER_NAMES:
                    bucket[terms] = pattern
            self.patterns[lang] = {
                first: tuple(sorted(bucket.values(), key=lambda p: -len(p.terms)))
                for first, bucket in by_first.items()
            }

    def find(self, tokens: list[Token], lang: str, text: str) -> list[NameSpan]:
        """Every listed name in `tokens` (normalised for `lang`), longest first where they
        overlap, left to right."""
        patterns = self.patterns.get(lang)
        if not patterns or not tokens:
            return []
        spans: list[NameSpan] = []
        n = len(tokens)
        # Most words start no listed name: look only where one does.
        for index in [i for i, token in enumerate(tokens) if token.norm in patterns]:
            if spans and index <= spans[-1].last:
                continue
            for pattern in patterns[tokens[index].norm]:
                length = len(pattern.terms)
                if index + length > n:
                    continue
                if any(tokens[index + k].norm != pattern.terms[k] for k in range(1, length)):
                    continue
                if _written_as_listed(pattern, tokens[index : index + length], text):
                    spans.append(NameSpan(index, index + length - 1, pattern.kind))
                    break
        return spans


def _written_as_listed(pattern: _Pattern, tokens: list[Token], text: str) -> bool:
    """Whether the text writes the name's words as the list does (inflections aside), and
    with a capital (or in capitals) when the name is a proper one."""
    first = text[tokens[0].start : tokens[0].end]
    if pattern.kind in PROPER_NAMES:
        if pattern.capitals and not first.isupper():
            return False
        if not first[:1].isupper():
            return False
    proper = pattern.kind in PROPER_NAMES
    for token, listed in zip(tokens, pattern.written, strict=True):
        written = fold(text[token.start : token.end])
        # Names do not inflect: "LESS" (the style sheet language) is not the river Lesse.
        if written != listed and (proper or not _same_word(written, listed)):
            return False
    return True


def _same_word(written: str, listed: str) -> bool:
    """Equal, or two forms of one word: a shared base of at least three letters, each with an
    ending of at most three ("pneumatique"/"pneumatiques", "gérer"/"gérez"/"gère"). Only
    common words inflect this way; names must be written as listed."""
    if written == listed:
        return True
    base = next(
        (i for i, (a, b) in enumerate(zip(written, listed, strict=False)) if a != b),
        min(len(written), len(listed)),
    )
    return base >= 3 and len(written) - base <= 3 and len(listed) - base <= 3


def blocked_tokens(spans: list[NameSpan]) -> list[tuple[int, int]]:
    """(first, last) token ranges whose words leave the ranking: proper names and HR/legal
    phrases, not sense blockers."""
    return [(span.first, span.last) for span in spans if span.kind != NameKind.SENSE]
