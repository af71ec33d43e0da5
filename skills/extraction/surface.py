"""The exact layer: every label and synonym, normalised, in one Aho-Corasick automaton per language.

The text is normalised to a sequence of stemmed content words joined by single spaces, with a
space at either end; a pattern is a label normalised the same way, also framed by spaces, so a
hit always covers whole words. One pass over the text finds every label in time linear in the
text, whatever the number of labels.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

import ahocorasick
import numpy as np

from skills.extraction.taxonomy import Method, TaxonomySnapshot
from skills.extraction.text import LANGUAGES, Normaliser, Token


@dataclass(frozen=True, slots=True)
class SurfaceHit:
    """A label found in the text: which form, which skill, which tokens."""

    skill: int
    form: int
    first_token: int
    last_token: int  # inclusive
    specificity: float  # in [0, 1]: how much this form alone says the skill is meant


class SurfaceIndex:
    """Normalised surface forms -> (skill, form) pairs, one automaton per text language."""

    def __init__(self, snapshot: TaxonomySnapshot, normalisers: dict[str, Normaliser]):
        self.normalisers = normalisers
        rejected = _normalised_rejections(snapshot, normalisers)
        self.automata: dict[str, ahocorasick.Automaton] = {}
        # Per key: the (skill, form) pairs and the key's specificity.
        self.entries: dict[str, list[tuple[tuple[tuple[int, int], ...], float, int]]] = {}
        for lang in LANGUAGES:
            normaliser = normalisers[lang]
            by_key: dict[str, dict[int, int]] = {}
            for form_idx, form in enumerate(snapshot.forms):
                key_terms = normaliser.terms(form.text)
                if not key_terms:
                    continue
                for variant in _variants(key_terms, normaliser):
                    if variant in rejected[lang].get(None, ()) or variant in rejected[lang].get(
                        form.skill, ()
                    ):
                        continue
                    skills = by_key.setdefault(variant, {})
                    # Prefer the curated / preferred form as the evidence of the key.
                    if form.skill not in skills or _rank(form) > _rank(
                        snapshot.forms[skills[form.skill]]
                    ):
                        skills[form.skill] = form_idx
            term_df = _term_document_frequency(by_key)
            automaton = ahocorasick.Automaton()
            entries = []
            for key, skills in by_key.items():
                specificity = _specificity(key, len(skills), term_df, snapshot, skills)
                entries.append((tuple(skills.items()), specificity, len(key)))
                automaton.add_word(f" {key} ", len(entries) - 1)
            automaton.make_automaton()
            self.automata[lang] = automaton
            self.entries[lang] = entries

    def find(self, tokens: list[Token], lang: str) -> list[SurfaceHit]:
        """Every occurrence of a known surface form in `tokens` (normalised for `lang`)."""
        if not tokens:
            return []
        starts = np.empty(len(tokens), dtype=np.int64)
        position = 1
        parts = []
        for i, token in enumerate(tokens):
            starts[i] = position
            parts.append(token.norm)
            position += len(token.norm) + 1
        haystack = " " + " ".join(parts) + " "
        entries = self.entries[lang]
        hits = []
        for end, entry_idx in self.automata[lang].iter(haystack):
            pairs, specificity, key_len = entries[entry_idx]
            # `end` is the index of the closing space, so the key starts `key_len` before it.
            first_char = end - key_len
            first = bisect_right(starts, first_char) - 1
            last = bisect_right(starts, end - 1) - 1
            for skill, form in pairs:
                hits.append(SurfaceHit(skill, form, first, last, specificity))
        return hits


def _rank(form) -> int:
    return {Method.SYNONYM: 3, Method.LOCAL: 2}.get(form.method, 0) + (1 if form.preferred else 0)


def _variants(terms: list[str], normaliser: Normaliser) -> list[str]:
    """The key of a form, plus its words glued together for two-word tool names.

    "After Effects" is also written "AfterEffects"; "Toon Boom" also "ToonBoom".
    """
    key = " ".join(terms)
    variants = [key]
    if len(terms) == 2 and all(len(term) >= 2 for term in terms):
        glued = normaliser.word("".join(terms))
        if glued and glued != key:
            variants.append(glued)
    return variants


def _term_document_frequency(by_key: dict[str, dict[int, int]]) -> dict[str, int]:
    df: dict[str, int] = {}
    for key, skills in by_key.items():
        for term in set(key.split()):
            df[term] = df.get(term, 0) + len(skills)
    return df


def _specificity(key: str, n_skills: int, term_df: dict[str, int], snapshot, skills) -> float:
    """How strongly a literal occurrence of `key` means its skill(s), in [0, 1].

    Longer forms are safer than single words; a word that occurs in many labels ("gestion",
    "management") is weak on its own; a form shared by several skills is ambiguous; a very
    short single token (two or three letters) is often an abbreviation of something else.
    """
    terms = key.split()
    n_forms = len(snapshot.forms) or 1
    idf = [math.log(n_forms / term_df.get(term, 1)) / math.log(n_forms) for term in terms]
    rarity = max(idf) if idf else 0.0
    length_bonus = min(len(terms) - 1, 3) / 3
    specificity = 0.45 + 0.3 * length_bonus + 0.25 * rarity
    if len(terms) == 1 and len(key) <= 3:
        specificity -= 0.15
    if n_skills > 1:
        specificity -= 0.1 * min(n_skills - 1, 3)
    return float(min(max(specificity, 0.05), 1.0))


def _normalised_rejections(snapshot: TaxonomySnapshot, normalisers) -> dict[str, dict]:
    rejected: dict[str, dict[int | None, set[str]]] = {lang: {} for lang in LANGUAGES}
    for pattern, skill in snapshot.rejections:
        for lang, normaliser in normalisers.items():
            key = " ".join(normaliser.terms(pattern))
            if key:
                rejected[lang].setdefault(skill, set()).add(key)
    return rejected


def rejected_keys(snapshot: TaxonomySnapshot, normalisers) -> dict[str, dict]:
    """Normalised rejected patterns per language: {lang: {skill or None: {key, ...}}}."""
    return _normalised_rejections(snapshot, normalisers)
