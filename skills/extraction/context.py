"""Which literal hits of curated terms count: written as the term, and in context if ambiguous.

A curated term is vouched for by a person, so its literal hit always passes and scores as a
requirement (`extractor.Calibration`). Two checks keep that trust deserved.

**Written as the term.** The exact layer compares stems, and a short term shares its stem with
unrelated words: "SAV" (service après-vente) with "savez", "devis" with "devez". A one-word
curated term counts only when the text writes that word: a name (a term with a capital, "SAV",
"Excel") exactly, or with a plural "s", and with no accent the name lacks ("Première
expérience" is not Adobe Premiere); a common noun ("devis", "caisse") or one of its
inflections (a few letters more or less at the end).

**In a technical context,** for the terms curators mark `requires_context`: their words have an
everyday sense as well ("Java" the island, "Go" the gigabyte, "Tableau" the French noun,
"caisse" a crate). Such a hit counts only when its passage (the sentence or list item the
extractor reads it in) shows it, looking at most `WINDOW` words either side:

1. A name heading a complement is the common noun, not the name: a one-word term written with
   a capital in the vocabulary and followed by "de/du/des/d'" (French) or "of" (English) is
   dropped ("un Tableau de bord", "Vue d'ensemble", "10 Go de données", "Word of mouth").
2. A *tool hit* in the window is enough: another literal hit, on other words, of a term that
   does not itself require context and is either a curated tool, method, certification or
   trade term, or a label of a technical skill (ESCO's digital collection, or a local concept;
   see `extractor.context_rule`). So "Java, Spring et SQL" keeps Java (SQL is a digital
   skill), and "Unity et C#" keeps Unity.
3. Otherwise a *cue word* in the window is enough ("développeur", "langage", "logiciel",
   "maîtrise", "soudeur", …: `skills/data/curated/context_cues.csv`), except for
   - a name the text writes all in lower case ("excel", "premiere"): without the capital the
     text gives no sign that a name is meant;
   - a term of one or two characters ("R", "Go"): "R&D" and "10 Go" sit next to "logiciel" and
     "serveur" too often;
   for those only a tool hit will do.
4. A name written with its capital in a passage of at most `SHORT_PASSAGE_WORDS` words whose
   other words only frame a title (level, format: "Initiation Excel", "EXCEL - niveau 2") is
   in context: such a title is about the tool.

Ambiguous terms never vouch for one another: "un tableau Excel" has two ambiguous words and no
context, so neither counts. The rule is cheap: it only looks at the hits of curated terms, and
at most 2 x `WINDOW` words around each ambiguous one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from core.text import fold
from skills.extraction.surface import SurfaceHit, inflection_of
from skills.extraction.text import TOKEN_RE, Token

# Content words (stop words are not counted) on each side of a hit where context is looked
# for: about a line of a posting, enough for "Compétences : Java, Spring Boot, SQL".
WINDOW = 8

# Terms this short are read from tool hits only, never from cue words (see step 3).
SHORT_TERM_CHARS = 2

# A title of at most this many words that names a tool with its capital, the rest framing
# words, is about that tool ("Initiation Excel", "Tableau - niveau 1"): see step 4.
SHORT_PASSAGE_WORDS = 4

# What follows a noun when a prepositional complement narrows it.
_COMPLEMENT_RE = {
    "fr": re.compile(r"\s*(?:de|des|du|d['’])\s*\w", re.IGNORECASE),
    "en": re.compile(r"\s*of\s+\w", re.IGNORECASE),
}


def is_name(term: str) -> bool:
    """Whether the vocabulary writes `term` as a name (with a capital): "Excel", "SAV"."""
    return any(char.isupper() for char in term)


class ContextRule:
    """Which literal hits of curated terms to keep (see the module docstring).

    Built once with the index from per-form facts; pickled with the extractor.
    """

    def __init__(
        self,
        *,
        curated_terms: dict[int, str],
        guarded_forms: Iterable[int],
        tool_forms: Iterable[int],
        cues: dict[str, frozenset[str]],
        frame_terms: dict[str, frozenset[str]] | None = None,
    ):
        # form index -> the term as written, for the one-word curated terms (synonyms, local
        # concept labels): their hits must be written as the term
        self.one_word_terms = {
            form: fold(words[0])
            for form, term in curated_terms.items()
            if len(words := TOKEN_RE.findall(term)) == 1
        }
        self.names = frozenset(form for form, term in curated_terms.items() if is_name(term))
        # the accented spellings (lower case, singular and plural) of the one-word names
        self.accented = {
            form: (word.lower(), word.lower() + "s")
            for form, term in curated_terms.items()
            if form in self.names
            and len(words := TOKEN_RE.findall(term)) == 1
            and not (word := words[0]).isascii()
        }
        self.terms = curated_terms
        self.guarded = frozenset(guarded_forms)
        self.tool_forms = frozenset(tool_forms)
        self.cues = cues
        # normalised words that frame a course title (level, format, audience)
        self.frame_terms = frame_terms or {}

    def filter(
        self,
        hits: list[SurfaceHit],
        *,
        tokens: list[Token],
        passages: list[tuple[int, int]],
        text: str,
        lang: str,
    ) -> tuple[list[SurfaceHit], list[SurfaceHit]]:
        """(hits to keep, hits refused for lack of context) out of `hits`.

        Hits of curated terms not written as the term are in neither list. `passages` are the
        [first, last) token ranges of the passages, in order.
        """
        written_ok = [hit for hit in hits if self._written_as_term(hit, tokens, text)]
        if not any(hit.form in self.guarded for hit in written_ok):
            return written_ok, []
        passage_starts = [first for first, _last in passages]
        tool_hits = [hit for hit in written_ok if hit.form in self.tool_forms]
        kept, refused = [], []
        for hit in written_ok:
            if hit.form not in self.guarded:
                kept.append(hit)
                continue
            passage = passages[bisect.bisect_right(passage_starts, hit.first_token) - 1]
            low = max(passage[0], hit.first_token - WINDOW)
            high = min(passage[1], hit.last_token + 1 + WINDOW)  # exclusive
            in_context = self._in_context(
                hit, tool_hits, tokens, low, high, text, lang, passage=passage
            )
            (kept if in_context else refused).append(hit)
        return kept, refused

    def _written_as_term(self, hit: SurfaceHit, tokens: list[Token], text: str) -> bool:
        term = self.one_word_terms.get(hit.form)
        if term is None or hit.first_token != hit.last_token:
            return True
        token = tokens[hit.first_token]
        raw = text[token.start : token.end]
        written = fold(raw)
        if hit.form in self.names:
            # A name is written as the vocabulary writes it, accents aside only when the text
            # drops them: "Première expérience" is the French word, not Adobe Premiere.
            if not raw.isascii() and raw.lower() not in self.accented.get(hit.form, ()):
                return False
            return written in (term, term + "s")
        return inflection_of(written, term)

    def _names_the_subject(self, hit, tokens, passage, lang) -> bool:
        """Whether the passage is a short title whose every other word frames it ("Initiation
        Excel", "EXCEL - niveau 2"): then the name is its subject."""
        first, last = passage
        if last - first > SHORT_PASSAGE_WORDS:
            return False
        frame = self.frame_terms.get(lang, frozenset())
        return all(
            not token.norm or token.norm in frame or token.norm.isdigit()
            for position, token in enumerate(tokens[first:last], start=first)
            if not hit.first_token <= position <= hit.last_token
        )

    def _in_context(self, hit, tool_hits, tokens, low, high, text, lang, *, passage) -> bool:
        term = self.terms[hit.form]
        name = hit.form in self.names
        end = tokens[hit.last_token].end
        heads_complement = _COMPLEMENT_RE[lang].match(text, end, end + 8)
        if name and hit.first_token == hit.last_token and heads_complement:
            return False
        for other in tool_hits:
            outside = other.last_token < hit.first_token or other.first_token > hit.last_token
            if outside and other.first_token < high and other.last_token >= low:
                return True
        written = text[tokens[hit.first_token].start : end]
        if (name and written.islower()) or len(term) <= SHORT_TERM_CHARS:
            return False
        if name and self._names_the_subject(hit, tokens, passage, lang):
            return True
        cues = self.cues.get(lang, frozenset())
        return any(
            fold(text[token.start : token.end]) in cues
            for position, token in enumerate(tokens[low:high], start=low)
            if not hit.first_token <= position <= hit.last_token
        )


def hide_refused_words(
    tokens: list[Token], refused: list[SurfaceHit], kept: list[SurfaceHit]
) -> list[Token]:
    """`tokens` with the words of hits refused for lack of context (and of no kept hit) made
    unreadable.

    A refused word keeps its place, so token indices and passages stay valid, but becomes a
    zero-width token with no text: no layer can match it any more ("Un blender pour les
    smoothies" must not be read as the 3D software by the ranking layer either).
    """
    covered = {position for hit in kept for position in range(hit.first_token, hit.last_token + 1)}
    hidden = list(tokens)
    for hit in refused:
        for position in range(hit.first_token, hit.last_token + 1):
            if position not in covered:
                token = tokens[position]
                hidden[position] = token._replace(norm="", end=token.start)
    return hidden
