"""The exact layer: every label and synonym, normalised, in one Aho-Corasick automaton per language.

The text is normalised to a sequence of stemmed content words, each written as one character
of a private alphabet; a pattern is a label normalised and encoded the same way, so a hit
always covers whole words. One pass over the text finds every label in time linear in the
text, whatever the number of labels.
"""

from __future__ import annotations

import itertools
import math
import re
import string
from typing import NamedTuple

import ahocorasick

from core.text import fold
from skills.extraction.memos import PickledWithoutMemos
from skills.extraction.taxonomy import Method, TaxonomySnapshot
from skills.extraction.text import LANGUAGES, TOKEN_RE, Normaliser, Token


class SurfaceHit(NamedTuple):
    """A label found in the text: which form, which skill, which tokens."""

    skill: int
    form: int
    first_token: int
    last_token: int  # inclusive
    specificity: float  # in [0, 1]: how much this form alone says the skill is meant


# Forms of the other language are matched too (English tool names in French postings), but only
# short ones: a long English phrase does not occur verbatim in French text.
CROSS_LANGUAGE_MAX_TERMS = 3
# Languages that put the head noun first where English puts it last: a French text writes an
# English two-word term head first ("analyse business", "design web", "tennis de table"), and
# the exact layer of these languages also knows the other language's two-word forms reversed.
# Measured on the TECH validation sentences (French translations of the English ones): the
# English text found "business analysis" literally, the French one never did. TECH-fr RP@5
# 62.6 -> 65.9 (tune half, odd ids, 57.1 -> 63.2; held-out half 69.1 -> 69.1), HOUSE-fr and
# the project's dev set unchanged.
HEAD_FIRST_LANGUAGES = frozenset({"fr"})
# Languages whose inflection is a regular ending (`english_inflection_of`), added to the word:
# there a one-word hit whose written word is no inflection of the label's word is another word
# that only shares the Snowball stem, and no hit at all. English stemming strips derivational
# endings (-ence, -ment, -ation, -ive, -ity), so it merges words of unrelated meanings:
# "experience" and "experiment" (an alternative label of "think creatively", read in "5 years
# of experience" in most job ads), "integrating" and "integrity", "animals" and "animations".
# French inflects verbs by changing their endings and stems ("soyez" and "soies" share a stem,
# so do "accueille" and "accueillir"), which no ending rule recognises: there such a hit keeps
# half its specificity. Measured on the English validation sentences: TECH RP@5 66.9 -> 67.4
# (tune half, odd ids, 65.5 -> 66.3; held-out 68.7 -> 68.7), HOUSE 55.2 -> 57.6 (tune 62.1 ->
# 65.5; held-out 48.9 -> 50.5); no sentence lost a gold skill from its top 5.
SUFFIX_INFLECTED_LANGUAGES = frozenset({"en"})
# What may stand between the two words of a reversed key on one line: a space, or "de"/"du"/
# "des"/"d'" and an article ("revue de code", "administration du personnel").
_COMPOUND_GAP_RE = re.compile(
    r"[^\S\n]+(?:(?:de|du|des|d['’])[^\S\n]*(?:la[^\S\n]+|les[^\S\n]+|l['’][^\S\n]*)?)?"
    r"|[^\S\n]*d['’][^\S\n]*",
    re.IGNORECASE,
)
# Each normalised word becomes a fixed-width code of three characters from a 64-letter
# alphabet followed by a separator, so keys stay short and the automaton's nodes have few
# children (a one-character-per-word alphabet of tens of thousands of letters made every step
# from the root slow). The separator keeps matches aligned on whole words.
_ALPHABET = string.ascii_letters + string.digits + "+/"
_SEPARATOR = "|"
_UNKNOWN = "~~~" + _SEPARATOR  # never part of a key
_CODE_WIDTH = 4
# Whether a written word is an inflection of a one-word key's label words is remembered for
# this many (key, written word) pairs: the same words recur from posting to posting.
INFLECTION_MEMO_SIZE = 100_000


def _code(number: int) -> str:
    return (
        _ALPHABET[(number >> 12) & 63]
        + _ALPHABET[(number >> 6) & 63]
        + _ALPHABET[number & 63]
        + _SEPARATOR
    )


class SurfaceIndex(PickledWithoutMemos):
    """Normalised surface forms -> (skill, form) pairs, one automaton per text language."""

    MEMOS = ("_inflection_memo",)

    def __init__(self, snapshot: TaxonomySnapshot, normalisers: dict[str, Normaliser]):
        self.normalisers = normalisers
        rejected = _normalised_rejections(snapshot, normalisers)
        self.codes: dict[str, str] = {}
        self.automata: dict[str, ahocorasick.Automaton] = {}
        # Per language and entry: a slice of the flat (skill, form) arrays, a specificity and
        # the key length in words.
        self.entries: dict[str, dict[str, tuple]] = {}
        # For one-word keys, the words as the labels write them: a stem shared by unrelated
        # words ("soyez" and "soies" both stem to "soi") must not count as the label.
        self.single_words: dict[str, dict[int, tuple[str, ...]]] = {}
        for lang in LANGUAGES:
            normaliser = normalisers[lang]
            by_key: dict[str, dict[int, int]] = {}
            head_first: dict[str, dict[int, int]] = {}
            for form_idx, form in enumerate(snapshot.forms):
                key_terms = normaliser.terms(form.text)
                if not key_terms:
                    continue
                if form.lang != lang and len(key_terms) > CROSS_LANGUAGE_MAX_TERMS:
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
                if lang in HEAD_FIRST_LANGUAGES and form.lang != lang and len(key_terms) == 2:
                    reversed_key = f"{key_terms[1]} {key_terms[0]}"
                    if reversed_key not in rejected[lang].get(
                        None, ()
                    ) and reversed_key not in rejected[lang].get(form.skill, ()):
                        head_first.setdefault(reversed_key, {}).setdefault(form.skill, form_idx)
            reversed_keys = set()
            for key, skills in head_first.items():
                # Only where no label of the language itself is written so: the language's own
                # labels keep their meaning.
                if key not in by_key:
                    by_key[key] = skills
                    reversed_keys.add(key)
            prose_df, n_prose = _prose_document_frequency(snapshot, normaliser)
            automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            offsets, skills_flat, forms_flat, specificities, lengths = [0], [], [], [], []
            words: dict[int, tuple[str, ...]] = {}
            reversed_entries = set()
            for key, skills in by_key.items():
                terms = key.split()
                if key in reversed_keys:
                    reversed_entries.add(len(lengths))
                specificities.append(_specificity(terms, len(skills), prose_df, n_prose))
                lengths.append(len(terms))
                if len(terms) == 1:
                    written = {
                        _plain(word)
                        for form in skills.values()
                        for word in TOKEN_RE.findall(snapshot.forms[form].text)
                        if normaliser.word(word.lower()) == terms[0]
                    }
                    if written:
                        words[len(lengths) - 1] = tuple(written)
                skills_flat.extend(skills.keys())
                forms_flat.extend(skills.values())
                offsets.append(len(skills_flat))
                automaton.add_word(self._encode(terms, create=True), len(lengths) - 1)
            if len(automaton):
                automaton.make_automaton()
            self.automata[lang] = automaton
            self.entries[lang] = {
                # Per key: its (skill, form) pairs, specificity and length in words. Plain tuples:
                # read once per hit in a Python loop, where numpy scalars would be slower.
                "pairs": tuple(
                    tuple(zip(skills_flat[lo:hi], forms_flat[lo:hi], strict=True))
                    for lo, hi in itertools.pairwise(offsets)
                ),
                "specificity": tuple(round(value, 4) for value in specificities),
                "length": tuple(lengths),
                # Keys that are another language's two-word forms reversed (see
                # `HEAD_FIRST_LANGUAGES`): they count only as one noun phrase.
                "reversed": frozenset(reversed_entries),
            }
            self.single_words[lang] = words
        self._inflection_memo: dict[tuple[str, int, str], bool] = {}

    def _encode(self, terms: list[str], *, create: bool = False) -> str:
        codes = self.codes
        if create:
            for term in terms:
                if term not in codes:
                    if len(codes) >= 64**3:  # pragma: no cover - 262,144 distinct words
                        raise ValueError("Too many distinct words for the exact layer.")
                    codes[term] = _code(len(codes))
        return _SEPARATOR + "".join(codes.get(term, _UNKNOWN) for term in terms)

    def find(self, tokens: list[Token], lang: str, text: str) -> list[SurfaceHit]:
        """Every occurrence of a known surface form in `tokens` (normalised for `lang`).

        A one-word hit whose written word is not an inflection of the label's own word (only
        the stem is shared) keeps half its specificity; in a language of
        `SUFFIX_INFLECTED_LANGUAGES` it is no hit.
        """
        automaton = self.automata[lang]
        if not tokens or not len(automaton):
            return []
        codes = self.codes
        haystack = _SEPARATOR + "".join([codes.get(token.norm, _UNKNOWN) for token in tokens])
        entries = self.entries[lang]
        pairs, specificity, length = entries["pairs"], entries["specificity"], entries["length"]
        reversed_entries = entries["reversed"]
        singles = self.single_words[lang]
        memo = self._inflection_memo
        by_ending = lang in SUFFIX_INFLECTED_LANGUAGES
        hits = []
        for end, entry in automaton.iter(haystack):
            # Token t's code ends with the separator at index 4t + 4 of the haystack.
            last = end // _CODE_WIDTH - 1
            first = last - length[entry] + 1
            if entry in reversed_entries and not _COMPOUND_GAP_RE.fullmatch(
                text, tokens[first].end, tokens[last].start
            ):
                # "rôle : vous préparez", "Google Ads et Meta" are no "prepare role", no
                # "Meta Ads": the two words must make one noun phrase.
                continue
            spec = specificity[entry]
            if first == last:
                known = singles.get(entry)  # none for glued tool names ("aftereffects")
                if known:
                    token = tokens[first]
                    raw = text[token.start : token.end]
                    key = (lang, entry, raw)
                    inflected = memo.get(key)
                    if inflected is None:
                        if len(memo) >= INFLECTION_MEMO_SIZE:
                            memo.clear()
                        written = _plain(raw)
                        inflected = memo[key] = any(
                            inflection_of(written, w)
                            or (by_ending and english_inflection_of(written, w))
                            for w in known
                        )
                    if not inflected:
                        if by_ending:
                            continue
                        spec *= 0.5
            for skill, form in pairs[entry]:
                hits.append(SurfaceHit(skill, form, first, last, spec))
        return hits


def _plain(word: str) -> str:
    return fold(word)


def inflection_of(written: str, label_word: str) -> bool:
    """Whether two folded words differ only by an ending of at most three letters."""
    if written == label_word:
        return True
    shorter, longer = sorted((written, label_word), key=len)
    return longer.startswith(shorter) and len(longer) - len(shorter) <= 3 and len(shorter) >= 3


def english_inflection_of(written: str, label_word: str) -> bool:
    """Whether two folded English words are forms of one word by its regular inflection: a
    plural or third person (-s, -es, -ies), a past (-ed, -d, -ied) or a present participle
    (-ing), with the final "e" dropped or the last consonant doubled ("managing" and "manage",
    "crafted" and "crafting", "planning" and "plan", "studies" and "study"). Derivations
    ("experience" and "experiment", "communicate" and "communication") are other words."""
    return bool(_english_bases(written) & _english_bases(label_word))


def _english_bases(word: str) -> set[str]:
    """The word and what it may be the inflection of (a few candidates, some not words)."""
    bases = {word}
    for ending in ("ing", "ed"):
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3:
            bases.update((stem, stem + "e"))
            if stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
                bases.add(stem[:-1])  # planning, stopped
    if word.endswith(("ies", "ied")) and len(word) > 4:
        bases.add(word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        bases.add(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        bases.add(word[:-1])
    return bases


def _rank(form) -> int:
    if form.requires_context:
        # A curated term that needs a context guards every form of its skill written the same
        # way: "Blender" as a local concept's label must not match a kitchen blender either.
        return 10
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


def _prose_document_frequency(snapshot: TaxonomySnapshot, normaliser) -> tuple[dict, int]:
    """In how many descriptions (running text, both languages) each normalised word occurs.

    Descriptions stand in for ordinary prose: a word common there ("plan", "mécanique",
    "soie") is ambiguous when it is a whole label, while a tool name ("JavaScript",
    "Photoshop") is rare in prose and says exactly what it names.
    """
    df: dict[str, int] = {}
    n = 0
    for skill in snapshot.skills:
        for description in (skill.description_fr, skill.description_en):
            if description:
                n += 1
                for term in set(normaliser.terms(description)):
                    df[term] = df.get(term, 0) + 1
    return df, n


def _specificity(terms: list[str], n_skills: int, prose_df: dict[str, int], n_prose: int) -> float:
    """How strongly a literal occurrence of a key means its skill(s), in [0, 1].

    Longer forms are safer than single words; a single word is as specific as it is rare in
    prose (see `_prose_document_frequency`); a form shared by several skills is ambiguous; a
    very short single token (two or three letters) is often an abbreviation of something else.
    """
    scale = math.log(n_prose + 2)
    rarity = max(1.0 - math.log(1 + prose_df.get(term, 0)) / scale for term in terms)
    if len(terms) == 1:
        specificity = 0.3 + 0.7 * rarity
        if len(terms[0]) <= 3:
            specificity -= 0.15
    else:
        length_bonus = min(len(terms) - 1, 3) / 3
        specificity = 0.55 + 0.25 * length_bonus + 0.2 * rarity
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
