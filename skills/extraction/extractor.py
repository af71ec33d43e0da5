"""The extractor: text in, ranked ESCO skills (and occupations) out, each with its reasons.

Pipeline for one text:
1. clean (bytes decoded, control characters blanked, HTML entities decoded, offsets kept),
   detect the language, split a posting into its parts (`structure`: company, missions,
   profile, offer, process, legal mentions; a text without structure is one body part);
2. tokenise and normalise once (`text.Normaliser`), split each part into passages (sentences
   and list items, short ones merged with the next; a passage weighs what its part weighs);
3. exact layer: every label/synonym found by the Aho-Corasick automaton, with its span, except
   inside the names and phrases of the gazetteer (places, organisations, HR and legal
   phrases, sense blockers: "Ile de France", "échange téléphonique"); curated terms that
   require a context are dropped outside one (`context.ContextRule`);
4. ranking layer: each passage scored against every skill (`semantic.SemanticIndex`);
5. per passage, raw = ranking score + weight x specificity of the literal hit (a label nested
   inside a longer hit counts half, a curated synonym more); per skill, the best passage
   wins, and skills that more occupations need get a small prior;
6. calibration: a logistic curve turns the raw score into [0, 1]. `rank` returns the top K
   regardless; `extract` keeps what passes the threshold, then only the best skill for each
   stretch of literal evidence and the best inferred skill per sentence or list item of a
   passage (curated synonyms always pass).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from core.text import fold
from skills.extraction.context import ContextRule, hide_refused_words
from skills.extraction.gazetteer import Gazetteer, load_entries
from skills.extraction.labels import E5, USE, LabelChannel
from skills.extraction.language import detect_language
from skills.extraction.names import name_forms, written_as_name
from skills.extraction.occupations import OccupationIndex
from skills.extraction.reading import keep_evidence, mask_names, weigh_passages
from skills.extraction.semantic import SemanticIndex, Weights
from skills.extraction.structure import (
    FRAME_WORDS,
    PART_WEIGHTS,
    DecodedText,
    decode_entities,
    split_parts,
)
from skills.extraction.surface import SurfaceHit, SurfaceIndex, rejected_keys
from skills.extraction.taxonomy import TOOL_EVIDENCE_KINDS, Method, TaxonomySnapshot
from skills.extraction.text import (
    LANGUAGES,
    Normaliser,
    Token,
    clean_text,
    sentences,
)

# Sentences scored together: bounds the dense (sentences x skills) score block in memory.
SENTENCE_CHUNK = 48
# `extract` never returns more than this many skills, however long the text.
MAX_RESULTS = 200
CURATED_METHODS = frozenset({Method.SYNONYM, Method.LOCAL})
# Consecutive sentences shorter than this are read together as one passage: a fragment such as
# "Profil :" or "Industry:" says too little on its own, and fewer, longer passages are faster.
MIN_PASSAGE_CHARS = 200
MAX_PASSAGE_CHARS = 400
# Whether a hit is written as a name is remembered for this many (label, written) pairs: the
# same tool names recur from posting to posting.
NAME_MEMO_SIZE = 50_000
# Language detection reads this much of the text: enough to decide, cheap on huge inputs.
LANGUAGE_SAMPLE = 500
# Label mode (`as_label=True`): the encoders read at most this much of the text (a label, or a
# short list of them), and each skill's raw score gains, per encoder, a weight times its label
# channel score (`labels.LabelChannel.scores`, in [0, 1]): LABEL_WEIGHT for e5, tuned with
# `labels.E5Encoder.floor` on the tune half of the Competent dev labels (odd positions in the
# file), checked on the held-out half:
# MRR 0.271 lexical alone; 0.331 (tune 0.326, held-out 0.337) with the French label read as a
# query (weight 2, floor 0.85); 0.358 (tune 0.357, held-out 0.359; Hit@1 0.250 -> 0.273) with
# the mean of five readings of each skill (`labels.skill_readings`), weight 4, floor 0.85.
# Weights 3.5-5 and floors 0.83-0.86 all give 0.351-0.357 on the tune half. Tried and no
# better: reciprocal rank fusion (k 5-60) instead of adding scores, 0.33-0.34; weighing by
# the text's best lexical score, or by per-text normalised cosines; the max over the 3,174
# French alternative labels, or their readings in the mean; a prior on occupation links.
# Also no better on the tune half (all within the noise: a paired bootstrap puts the standard
# error of a difference between two fusions at ~0.005, of the half's MRR itself at 0.019):
# capping or bending the lexical score (cap 1.0: 0.357; power 0.75: 0.356; its logistic
# calibration: 0.333); label-mode lexical weights (coverage off, halved or raised, the English
# bridge changed, descriptions on, prior doubled, exact weight 0.4-0.9, no damping of one- or
# two-word passages: best 0.346-0.357 each); the text read as a passage (0.33), as query and
# passage (0.34), or lower-cased (the encoder alone 0.308 -> 0.313, fused 0.341-0.352);
# hubness correction of skill vectors (CSLS-like, 0.32-0.35); pseudo-relevance feedback on the
# text's vector (0.33-0.35); a type prior (skill vs knowledge) for texts that open with a verb
# (0.355); a listwise-trained linear fusion of lexical, encoder and literal-hit features
# (0.353). Cosines with each skill's normalised mean (its readings' centroid) lift the encoder
# alone (0.308 -> 0.321) and the plateau's floor (weights 3-5 x floors: 0.353-0.358 against
# 0.348-0.356) but not its top (0.358).
# A second encoder, trained apart from e5 (USE, `labels.UseEncoder`), added with
# USE_LABEL_WEIGHT over its own floor, lifts both halves: MRR 0.365 (tune 0.367, held-out 0.364;
# Hit@1 0.273 -> 0.283; 31 CPU-ms per label against 23). Weights 0.5-1 give 0.365-0.367 on the
# tune half, e5's weight and floor unchanged.
# Thresholded (`extract`): on the 1,000 dev labels, 1,181 skills kept, 26.2 % of them gold
# (1,148 and 25.5 % with e5 alone, 1,245 and 21.9 % with e5's French query reading alone).
LABEL_MAX_CHARS = 300
LABEL_WEIGHT = 4.0
USE_LABEL_WEIGHT = 0.75
# What `Extractor.warm_up` reads: a posting's usual parts and words.
WARM_UP_TITLE = "Assistant administratif (H/F/X) - CDI temps plein"
WARM_UP_POSTING = """Notre société, une PME wallonne en pleine croissance, recrute.
Vos missions : vous assurez l'accueil des clients et la gestion administrative des dossiers,
vous préparez les devis et les factures, vous organisez les réunions de l'équipe.
Votre profil : vous avez une expérience dans un poste similaire, vous maîtrisez Excel et la
suite Microsoft Office, vous êtes bilingue français-néerlandais, rigoureux et autonome.
Nous offrons : un contrat à durée indéterminée, des chèques-repas et une formation continue.
Intéressé(e) ? Envoyez votre CV et votre lettre de motivation."""


@dataclass(frozen=True)
class SkillMatch:
    """One skill found in (or inferred from) a text.

    `spans` are (start, end) character offsets into the text as given; empty when the skill
    was inferred from a sentence rather than read literally. `evidence` is the label or
    synonym that matched, or the sentence the skill was inferred from.
    """

    uri: str
    score: float
    spans: tuple[tuple[int, int], ...]
    method: str
    evidence: str
    label_fr: str = ""
    label_en: str = ""

    @property
    def start(self) -> int | None:
        return self.spans[0][0] if self.spans else None

    @property
    def end(self) -> int | None:
        return self.spans[0][1] if self.spans else None

    def explain(self) -> str:
        """A sentence saying why this skill was matched."""
        label = self.label_fr or self.label_en or self.uri
        if self.spans:
            where = ", ".join(f"{start}–{end}" for start, end in self.spans[:5])
            kind = {
                Method.SYNONYM: _("the curated synonym"),
                Method.LOCAL: _("the local concept label"),
            }.get(self.method, _("the label"))
            return _(
                '"%(label)s" was found because %(kind)s "%(evidence)s" occurs in the text '
                "at characters %(where)s (score %(score).2f)."
            ) % {
                "label": label,
                "kind": kind,
                "evidence": self.evidence,
                "where": where,
                "score": self.score,
            }
        return _(
            '"%(label)s" was inferred from the sentence "%(evidence)s", which resembles its '
            "labels and description (score %(score).2f)."
        ) % {"label": label, "evidence": _shorten(self.evidence, 160), "score": self.score}


@dataclass(frozen=True)
class OccupationMatch:
    """One occupation for a job title; `evidence` is the known title it resembles most."""

    uri: str
    score: float
    method: str
    evidence: str
    label_fr: str = ""
    label_en: str = ""

    def explain(self) -> str:
        return _('Matched through the known title "%(evidence)s" (score %(score).2f).') % {
            "evidence": self.evidence,
            "score": self.score,
        }


@dataclass
class Calibration:
    """raw score -> [0, 1] through a logistic curve; the threshold applies to the result."""

    exact_weight: float = 0.6
    nested_factor: float = 0.5
    slope: float = 6.0
    # Set so that the default threshold keeps what reaches a precision of about 0.6 on the
    # development sets (see bench/extraction.py).
    midpoint: float = 1.24
    threshold: float = 0.5
    # A need (an employer's few lines: longer than a title, at most `need_max_chars`
    # characters) names few skills outright, and the ones its words point to are more often
    # right than in a long posting: its curve is centred lower. Measured on bench/data, judged
    # precision (`Pj`), tune / held-out: at 1.24 recall 0.333 / 0.226, Pj 0.800 / 0.643; at
    # 1.0 recall 0.364 / 0.290, Pj 0.812 / 0.667; at 0.9 Pj falls (0.684 / 0.632). Titles keep
    # the default curve (centred at 1.0 their judged precision fell from 0.95 to 0.88), and
    # postings too (recall +0.02, judged precision -0.06 to -0.09).
    need_midpoint: float = 1.0
    need_max_chars: int = 400
    # Curated synonyms and local concepts were vouched for by a person: their literal
    # occurrence counts this much more than an ESCO label's.
    curated_boost: float = 1.6
    # Product output keeps at most this many inferred (non-literal) skills per sentence or list
    # item: the runners-up are mostly near-synonyms of the best. A passage merges short
    # sentences (`passages`), so it keeps that many per sentence it holds, up to
    # `per_sentence_items` of them: "vous accueillez les enfants…" and "vous observez leur
    # développement…" are two requirements, not one. Measured on bench/data, postings and
    # needs as the product reads them, tune | held-out, against one per passage: recall 0.667
    # | 0.485 -> 0.697 | 0.505 (+6 | +4 top skills); of the other skills it adds that the
    # pooled judgments cover, 4 of 5 | 3 of 4 were judged right; 12 | 19 are not judged yet,
    # counted wrong in the judged precision (0.727 | 0.756 -> 0.709 | 0.718). Up to 2 items:
    # +3 | +3 top skills; 4 or more: as 3, with more unjudged skills.
    per_sentence: int = 1
    per_sentence_items: int = 3
    # A literal hit of a curated synonym or local concept passes whatever its score: a person
    # vouched for it. (ESCO labels pass on their score: on the development sets, letting
    # specific-looking labels through on their own cost more precision than it gained recall.)
    curated_always: bool = True
    # ... and scores at least this: a tool or term a curator vouched for, read literally (and in
    # context, for ambiguous ones), is a requirement the text names, even in a title or a
    # short need where the passage rule below divides literal evidence ("Excel - niveau 1").
    curated_floor: float | None = 0.5
    # In a short passage (a title, a label) a literal hit is conclusive only if it covers most
    # of it: "montage" inside "suivre les étapes de montage d'un produit touristique" is not.
    short_passage_tokens: int = 6
    # A one-word label that heads a longer noun phrase ("cartographie de la chaîne de valeur",
    # "mapping of processes") names something narrower than the label: its literal hit counts
    # this much (as a nested hit does).
    head_factor: float = 0.5
    # A literal hit of a label ESCO writes with capitals, written the same way in the text
    # ("Java", "SQL", "PostgreSQL"), is a name: at least this specific (see `names`); an
    # alternative label shared with other skills somewhat less than a preferred one.
    name_specificity: float = 0.95
    name_alternative_specificity: float = 0.8
    # A literal hit that covers the whole subject of a short passage (see `_exact_by_sentence`)
    # counts this much more. Tuned on the tune half of the course titles in bench/data.
    subject_boost: float = 1.5
    # How much each part of a posting counts (`structure.PartKind`): a skill named only where
    # the employer presents itself, offers benefits or explains how to apply is no requirement.
    part_weights: dict[str, float] = field(default_factory=lambda: dict(PART_WEIGHTS))
    # A title-like text (at most this many characters) in which the lexical reading finds
    # nothing confident gets label mode's best skill if it scores at least
    # `short_label_threshold` (`Extractor._short_text_fallback`). Course titles of bench/data,
    # tune | held-out: without it covered 0.85 | 0.71, judged precision 0.97 | 0.95; with it
    # (0.6 to 0.9 alike on the tune half) 0.90 | 0.90 and 0.97 | 0.92.
    short_text_chars: int = 120
    short_label_threshold: float = 0.8
    # A skill that the occupation of a posting lists (its title's match) and that the text
    # points to gains this much raw score (`Extractor.extract(occupations=...)`): the title
    # says which of the text's weak hints are the job's. Measured on bench/data as the product
    # reads a posting (`jobs.ingestion.prepare.analyse`: the occupation when it scores >= 0.6),
    # recall / judged precision, tune | held-out: none 0.602 / 0.712 | 0.420 / 0.747; 0.3
    # 0.632 / 0.717 | 0.435 / 0.746; 0.6 0.667 / 0.711 | 0.485 / 0.743; 0.8 0.692 / 0.698 |
    # 0.500 / 0.714 (precision starts to fall). Not for a need (at most `need_max_chars`): its
    # title is rarely a job title, and with the prior the needs' judged precision fell from
    # 0.59 / 0.60 to 0.52 / 0.52 for 0.03 of recall.
    occupation_prior: float = 0.6
    # A local concept read literally ("Docker", "Figma") also evidences the ESCO skill curators
    # placed it under: that skill scores this share of the concept's score, and never less
    # than the threshold when the concept is kept.
    broader_factor: float = 0.95

    def __call__(self, raw, *, length: int | None = None):
        """`length`: of the text in characters, when its curve depends on it (a need's)."""
        midpoint = self.midpoint
        if length is not None and self.short_text_chars < length <= self.need_max_chars:
            midpoint = self.need_midpoint
        return 1.0 / (1.0 + np.exp(-self.slope * (raw - midpoint)))


@dataclass
class _Analysis:
    text: str
    lang: str
    tokens: list[Token]
    sentence_bounds: list[tuple[int, int]]  # char offsets
    sentence_tokens: list[tuple[int, int]]  # [first, last) token indices
    hits: list[SurfaceHit] = field(default_factory=list)
    # Per passage, the weight of the part of the posting it belongs to.
    passage_weights: np.ndarray | None = None
    # `text` is the caller's text with HTML entities decoded; spans are mapped back through it.
    decoded: DecodedText | None = None
    # {passage: skills} read in a sense-blocking phrase there: that passage is no evidence
    # for them, literal or inferred ("messagerie électronique" says nothing of electronics).
    sense_blocked: dict[int, set[int]] = field(default_factory=dict)
    # Per passage, how many sentences or list items it merges (`passages`).
    passage_items: list[int] = field(default_factory=list)


class Extractor:
    """Everything needed to read skills from text; build once, pickle, share read-only."""

    def __init__(self, snapshot: TaxonomySnapshot, *, fingerprint: str = ""):
        started = time.perf_counter()
        self.fingerprint = fingerprint
        self.normalisers = {lang: Normaliser(lang) for lang in LANGUAGES}
        rejected = rejected_keys(snapshot, self.normalisers)
        self.uris = [skill.uri for skill in snapshot.skills]
        self.labels = [(skill.label_fr, skill.label_en) for skill in snapshot.skills]
        self.uri_index = {uri: idx for idx, uri in enumerate(self.uris)}
        self.forms = [(form.text, form.method) for form in snapshot.forms]
        self.name_forms = name_forms(snapshot)
        self._name_memo: dict[tuple, bool] = {}
        self.surface = SurfaceIndex(snapshot, self.normalisers)
        self.gazetteer = Gazetteer(load_entries(), self.normalisers)
        self.frame_terms = {
            lang: frozenset(normaliser.terms(FRAME_WORDS))
            for lang, normaliser in self.normalisers.items()
        }
        self.context = context_rule(snapshot, frame_terms=self.frame_terms)
        self.local_broader = dict(snapshot.local_broader)
        self.language_skills = frozenset(snapshot.language_skills)
        # Products: skills whose French label opens with a capital ("Adobe Photoshop
        # Lightroom", "SketchBook Pro", "Tableau (logiciel)"), languages aside. A text requires
        # a product by naming it; inferred from its neighbours ("Photoshop" -> Lightroom,
        # "Premiere Pro" -> SketchBook Pro) it is not kept (`_product_selection`).
        self.product_skills = frozenset(
            index
            for index, skill in enumerate(snapshot.skills)
            if skill.label_fr[:1].isupper() and index not in self.language_skills
        )
        self.semantic = SemanticIndex(snapshot, self.normalisers, rejected)
        self.label_channels = label_channels(snapshot)
        self.occupations = OccupationIndex(snapshot)
        self.occupation_uris = [occ.uri for occ in snapshot.occupations]
        self.occupation_index = {uri: idx for idx, uri in enumerate(self.occupation_uris)}
        self.occupation_labels = [(occ.label_fr, occ.label_en) for occ in snapshot.occupations]
        self.weights = Weights()
        self.calibration = Calibration()
        self.build_seconds = time.perf_counter() - started
        self.stats = {
            "skills": len(self.uris),
            "surface_forms": len(self.forms),
            "occupations": len(self.occupation_uris),
            "occupation_titles": len(self.occupations.titles),
            "rejections": len(snapshot.rejections),
        }

    # ------------------------------------------------------------------ public API

    @property
    def threshold(self) -> float:
        return self.calibration.threshold

    def warm_up(self) -> None:
        """Load now what the first text would load (the language identifier, the occupation
        index's word tables) and fill the memos with a posting's everyday words.

        A process that forks workers calls it first: they then share all that with it
        instead of each building its own copy while its first texts wait.
        """
        # One call does it all: the text's skills are read (its language detected first) to
        # help the title, whose match reads the occupation index's word tables.
        self.match_occupation(WARM_UP_TITLE, text=WARM_UP_POSTING)

    def detect_language(self, text) -> str:
        """ "fr" or "en"; French (the platform's language) when the text says too little."""
        if isinstance(text, str):
            text = text[:LANGUAGE_SAMPLE]  # before cleaning: a megabyte need not be cleaned
        return detect_language(clean_text(text)[:LANGUAGE_SAMPLE])

    def extract(
        self,
        text,
        *,
        lang: str | None = None,
        top_k: int | None = None,
        threshold: float | None = None,
        as_label: bool = False,
        infer_short: bool = True,
        occupations: Sequence[str] = (),
    ) -> list[SkillMatch]:
        """The product output: skills scoring at least `threshold`, best first.

        `as_label=True` says the text is a skill label (or a short list of labels), not a
        sentence: see `label_mode_ready`. A title-like text in which nothing is read gets label
        mode's best skill if it is strong enough (`_short_text_fallback`), unless
        `infer_short=False` (a caller with its own use of label mode). `occupations`: ESCO
        occupation URIs the text is known to be about (a posting's, matched on its title): the
        skills they list that the text points to count more (`Calibration.occupation_prior`).
        """
        threshold = self.calibration.threshold if threshold is None else threshold
        limit = min(top_k, MAX_RESULTS) if top_k is not None else MAX_RESULTS
        found = self._matches(
            text,
            lang=lang,
            limit=limit,
            threshold=threshold,
            as_label=as_label,
            occupations=occupations,
        )
        if found or as_label or not infer_short or limit <= 0 or not self.label_mode_ready:
            return found
        return self._short_text_fallback(text, lang=lang, threshold=threshold)

    def rank(
        self, text, *, lang: str | None = None, top_k: int = 50, as_label: bool = False
    ) -> list[SkillMatch]:
        """The full ranking of skills for `text`, no threshold: for evaluation and suggestions.

        `as_label=True` says the text is a skill label (or a short list of labels), not a
        sentence: see `label_mode_ready`.
        """
        return self._matches(
            text, lang=lang, limit=max(0, int(top_k)), threshold=None, as_label=as_label
        )

    @property
    def label_mode_ready(self) -> bool:
        """Whether `as_label=True` adds a sentence encoder (`labels`) to the lexical ranking.

        It does once the skill label vectors of an encoder are attached (`cache.build_index`
        does it when they were embedded, by `manage.py build_extraction_index`), and adds
        every encoder whose vectors are; until then label mode ranks as the lexical ranking
        alone does.
        """
        return any(channel.ready for channel in self.label_channels)

    def match_occupation(
        self, title, *, text: str | None = None, top_k: int = 5
    ) -> list[OccupationMatch]:
        """ESCO occupations for a job title, best first, optionally helped by the posting text."""
        skill_scores = None
        if text:
            skill_scores = {
                self.uri_index[m.uri]: m.score
                for m in self.extract(text)
                if m.uri in self.uri_index
            }
        candidates = self.occupations.match(
            clean_text(title), skill_scores=skill_scores, top_k=max(0, int(top_k))
        )
        return [
            OccupationMatch(
                uri=self.occupation_uris[c.occupation],
                score=round(min(max(c.score, 0.0), 1.0), 4),
                method=c.method,
                evidence=c.evidence,
                label_fr=self.occupation_labels[c.occupation][0],
                label_en=self.occupation_labels[c.occupation][1],
            )
            for c in candidates
        ]

    # ------------------------------------------------------------------ internals

    def analyse(self, text, *, lang: str | None = None) -> _Analysis:
        decoded = decode_entities(clean_text(text))
        text = decoded.text
        if lang not in LANGUAGES:
            lang = self.detect_language(text) if lang is None else _language_or_error(lang)
        normaliser = self.normalisers[lang]
        tokens: list[Token] = []
        bounds: list[tuple[int, int]] = []
        token_ranges: list[tuple[int, int]] = []
        weights: list[float] = []
        items: list[int] = []
        part_weights = self.calibration.part_weights
        for part in split_parts(text):
            weight = part_weights.get(part.kind, 1.0)
            for start, end, count in passages(text[part.start : part.end], counted=True):
                start, end = start + part.start, end + part.start
                first = len(tokens)
                tokens.extend(normaliser.tokens(text[start:end], offset=start))
                if len(tokens) > first:
                    bounds.append((start, end))
                    token_ranges.append((first, len(tokens)))
                    weights.append(weight)
                    items.append(count)
        analysis = _Analysis(text, lang, tokens, bounds, token_ranges)
        analysis.passage_weights = np.asarray(weights, dtype=np.float32)
        analysis.passage_items = items
        analysis.decoded = decoded
        names = mask_names(self.gazetteer, tokens, lang, text)
        hits, out_of_context = self.context.filter(
            self.surface.find(tokens, lang, text),
            tokens=tokens,
            passages=token_ranges,
            text=text,
            lang=lang,
        )
        if lang == "fr" and self.language_skills:
            hits, adjectives = self._without_language_adjectives(hits, tokens, text)
            out_of_context += adjectives
        if out_of_context:
            # The ranking layer would read the skill back into the words just refused (a tool
            # out of context, a language's adjective).
            analysis.tokens = hide_refused_words(tokens, out_of_context, hits)
        analysis.hits = hits
        keep_evidence(analysis, names)
        return analysis

    def _without_language_adjectives(self, hits, tokens, text):
        """(hits, refused): a French language is named by its noun ("le français", "parler
        anglais", "bilingue français-néerlandais"); its other forms qualify another noun ("une
        cuisine française", "une PME française", "des clients allemands") unless that noun is
        the language itself ("la langue française")."""
        kept, refused = [], []
        for hit in hits:
            if hit.skill in self.language_skills and hit.first_token == hit.last_token:
                token = tokens[hit.first_token]
                written = fold(text[token.start : token.end])
                if written != fold(self.forms[hit.form][0]) and not _after_language_noun(
                    text, token.start
                ):
                    refused.append(hit)
                    continue
            kept.append(hit)
        return kept, refused

    def raw_scores(self, analysis: _Analysis):
        """Per skill: best raw score over sentences and the sentence it came from."""
        n_skills = len(self.uris)
        best = np.zeros(n_skills, dtype=np.float32)
        best_sentence = np.full(n_skills, -1, dtype=np.int64)
        if not analysis.sentence_tokens:
            return best, best_sentence
        exact = self._exact_by_sentence(analysis)
        text, tokens = analysis.text, analysis.tokens
        part_weights = analysis.passage_weights
        if part_weights is None:
            part_weights = np.ones(len(analysis.sentence_tokens), dtype=np.float32)
        for chunk_start in range(0, len(analysis.sentence_tokens), SENTENCE_CHUNK):
            chunk = analysis.sentence_tokens[chunk_start : chunk_start + SENTENCE_CHUNK]
            # Words of listed names were emptied by `analyse` (`reading.mask_names`): they rank
            # nothing. A passage of a part that weighs nothing (the company presentation, the
            # process, the legal mentions) would have its row zeroed by `weigh_passages`: it
            # is not scored at all (a fifth of the passages of the postings in bench/data).
            counted = (part_weights[chunk_start : chunk_start + len(chunk)] > 0).tolist()
            terms = [
                [token for token in tokens[first:last] if token.norm] if keep else []
                for (first, last), keep in zip(chunk, counted, strict=True)
            ]
            chunk_exact = [
                exact.get(chunk_start + offset, {}) if keep else {}
                for offset, keep in enumerate(counted)
            ]
            skills, block = self.semantic.scores(
                terms,
                analysis.lang,
                self.weights,
                text=text,
                include={skill for hits in chunk_exact for skill in hits},
            )
            # One or two words make any single-word label look perfect: damp short passages.
            lengths = np.array([last - first for first, last in chunk], dtype=np.float32)
            block *= np.minimum(1.0, 0.4 + 0.2 * lengths)[:, None]
            _add_exact(block, skills, chunk_exact, self.calibration.exact_weight)
            weigh_passages(analysis, chunk_start, skills, block)
            if not len(skills):
                continue
            # max along axis 0 is vectorised; argmax is not, so it only runs where needed.
            values = block.max(axis=0)
            better = np.flatnonzero(values > best[skills])
            if len(better):
                best[skills[better]] = values[better]
                # Most columns are better in the first chunk (and there is usually only one).
                rows = _first_row_of_max(block, values)[better]
                best_sentence[skills[better]] = chunk_start + rows
        if self.weights.prior:
            # Among skills the text points to, the ones more occupations need come first.
            # (`where=`: the same float32 additions as on the masked entries, without
            # gathering and scattering them.)
            np.add(best, self.weights.prior * self.semantic.prior, out=best, where=best > 0)
        return best, best_sentence

    def _exact_by_sentence(self, analysis: _Analysis) -> dict[int, dict[int, float]]:
        """{sentence: {skill: specificity}} of literal hits, nested hits discounted."""
        if not analysis.hits:
            return {}
        token_sentence = np.empty(len(analysis.tokens), dtype=np.int64)
        for idx, (first, last) in enumerate(analysis.sentence_tokens):
            token_sentence[first:last] = idx
        nested = _nested_hits(analysis.hits)
        out: dict[int, dict[int, float]] = {}
        short = self.calibration.short_passage_tokens
        for i, hit in enumerate(analysis.hits):
            name = self._name_specificity(analysis, hit)
            value = max(hit.specificity, name)
            value *= self.calibration.nested_factor if nested[i] else 1.0
            if self.forms[hit.form][1] in CURATED_METHODS:
                value *= self.calibration.curated_boost
            if (
                hit.first_token == hit.last_token
                and self.forms[hit.form][0].islower()  # not a tool name ("SQL de base")
                and _heads_complement(analysis, hit.last_token)
            ):
                value *= self.calibration.head_factor
            sentence = int(token_sentence[hit.first_token])
            first, last = analysis.sentence_tokens[sentence]
            if last - first <= short:
                # In a short passage (a title), a label that covers all of it, words that frame
                # a title aside, names its subject ("ACCESS - INITIATION", "Gestion des
                # conflits"); one that covers part of it counts for that part, unless it is a
                # name ("Initiation au langage Python") or a language ("Bilingue
                # français-néerlandais (anglais est un atout)": three requirements).
                covered = hit.last_token - hit.first_token + 1
                subject = self._subject_length(analysis, first, last)
                if covered >= subject:
                    value *= self.calibration.subject_boost
                elif not name and hit.skill not in self.language_skills:
                    value *= covered / subject
            per_sentence = out.setdefault(sentence, {})
            if value > per_sentence.get(hit.skill, 0.0):
                per_sentence[hit.skill] = value
        return out

    def _subject_length(self, analysis: _Analysis, first: int, last: int) -> int:
        """Tokens first..last-1 that are not framing words (level, format) or numbers."""
        frame = self.frame_terms[analysis.lang]
        return sum(
            1
            for token in analysis.tokens[first:last]
            if token.norm and token.norm not in frame and not token.norm.isdigit()
        )

    def _name_specificity(self, analysis: _Analysis, hit: SurfaceHit) -> float:
        """The specificity a hit earns as a name (see `names`), 0.0 when it is not one."""
        name = self.name_forms.get(hit.form)
        if name is None:
            return 0.0
        words, preferred = name
        tokens = analysis.tokens
        written = analysis.text[tokens[hit.first_token].start : tokens[hit.last_token].end]
        key = (words, written)
        as_name = self._name_memo.get(key)
        if as_name is None:
            if len(self._name_memo) >= NAME_MEMO_SIZE:
                self._name_memo.clear()
            as_name = self._name_memo[key] = written_as_name(words, written)
        if not as_name:
            return 0.0
        if preferred:
            return self.calibration.name_specificity
        return self.calibration.name_alternative_specificity

    def _matches(
        self,
        text,
        *,
        lang,
        limit: int,
        threshold: float | None,
        as_label: bool = False,
        occupations: Sequence[str] = (),
    ) -> list[SkillMatch]:
        if limit <= 0:
            return []
        analysis = self.analyse(text, lang=lang)
        best, best_sentence = self.raw_scores(analysis)
        if occupations and len(analysis.text) > self.calibration.need_max_chars:
            self._add_occupation_prior(best, occupations)
        if as_label and self.label_mode_ready and analysis.sentence_bounds:
            best, best_sentence = self._with_label_channels(analysis, best, best_sentence)
        candidates = np.flatnonzero(best > 0)
        if not len(candidates):
            return []
        calibrated = self.calibration(best[candidates], length=len(analysis.text))
        curated = self._curated_hits(analysis, n_skills=len(best))[candidates]
        if self.calibration.curated_floor is not None:
            calibrated = np.where(
                curated, np.maximum(calibrated, self.calibration.curated_floor), calibrated
            )
        candidates, calibrated, curated, credited_by = self._with_broader(
            candidates, calibrated, curated, threshold=threshold
        )
        if threshold is not None:
            keep = calibrated >= threshold
            if self.calibration.curated_always:
                keep |= curated
            candidates, calibrated = candidates[keep], calibrated[keep]
            keep = self._product_selection(analysis, candidates, calibrated, best_sentence)
            if credited_by:
                keep |= np.isin(candidates, list(credited_by))
            candidates, calibrated = candidates[keep], calibrated[keep]
        if len(candidates) > limit:
            top = np.argpartition(-calibrated, limit - 1)[:limit]
            candidates, calibrated = candidates[top], calibrated[top]
        order = np.lexsort((candidates, -calibrated))
        hits_by_skill: dict[int, list[SurfaceHit]] = {}
        wanted = set(candidates.tolist())
        local_hits: dict[int, list[SurfaceHit]] = {}
        for hit in analysis.hits:
            if hit.skill in wanted:
                hits_by_skill.setdefault(hit.skill, []).append(hit)
            if credited_by:
                local_hits.setdefault(hit.skill, []).append(hit)
        for broader, local in credited_by.items():
            # A broader skill credited through a local concept shows the concept's evidence.
            if broader in wanted and broader not in hits_by_skill:
                hits_by_skill[broader] = local_hits.get(local, [])
        out = []
        for position in order:
            skill = int(candidates[position])
            out.append(
                self._match(
                    analysis,
                    skill,
                    float(calibrated[position]),
                    hits_by_skill.get(skill, []),
                    int(best_sentence[skill]),
                )
            )
        return out

    def _short_text_fallback(self, text, *, lang, threshold: float) -> list[SkillMatch]:
        """For a title-like text the lexical reading found nothing in ("Introduction au
        machine learning", "Podcast : enregistrer et monter son émission"): the best skill
        of label mode, if it scores at least `short_label_threshold` (and `threshold`).

        Label-like means at most `short_text_chars` characters: course titles, one-line needs,
        a skill typed by hand; a posting's sentences are longer and have their own evidence.
        """
        if isinstance(text, bytes | bytearray) or len(str(text).strip()) > (
            self.calibration.short_text_chars
        ):
            return []
        bar = max(threshold, self.calibration.short_label_threshold)
        best = self._matches(text, lang=lang, limit=1, threshold=None, as_label=True)
        return [match for match in best if match.score >= bar]

    def _add_occupation_prior(self, best: np.ndarray, occupations: Sequence[str]) -> None:
        """Add, in place, `occupation_prior` to the raw score of every skill one of
        `occupations` lists (essential or optional) that the text already points to."""
        listed: set[int] = set()
        for uri in occupations:
            position = self.occupation_index.get(uri)
            if position is not None:
                listed.update(self.occupations.skill_sets[position])
        if not listed:
            return
        skills = np.fromiter(listed, dtype=np.int64, count=len(listed))
        skills = skills[best[skills] > 0]
        best[skills] += self.calibration.occupation_prior

    def _with_label_channels(self, analysis: _Analysis, best, best_sentence):
        """Raw scores plus the ready label channels'; a skill the encoders alone find is
        inferred from the passage its lexical ranking would have used, the first one."""
        label = " ".join(analysis.text.split())[:LABEL_MAX_CHARS]
        fused = best.copy()
        for channel in self.label_channels:
            if channel.ready:
                fused += channel.weight * channel.scores(label)
        new = (best <= 0) & (fused > 0)
        best_sentence = best_sentence.copy()
        best_sentence[new] = 0
        return fused, best_sentence

    def _with_broader(self, candidates, calibrated, curated, *, threshold):
        """Candidates with the broader ESCO skill of every local concept read literally
        (product output only: with a threshold).

        Returns (candidates, calibrated, curated, {broader skill: local concept}) where a
        broader skill scores `broader_factor` times its concept (at least the threshold when
        the concept is kept by curation), unless it scores more on its own.
        """
        credit: dict[int, tuple[float, int]] = {}
        # Only the product output: in the full ranking the broader skills are generic
        # ("computer programming", "cloud technologies") and push the specific ones down
        # (TECH RP@5 66.9 -> 63.8 on the development sets when the ranking was credited too).
        if self.local_broader and threshold is not None:
            for position in np.flatnonzero(curated):
                local = int(candidates[position])
                for broader in self.local_broader.get(local, ()):
                    score = float(calibrated[position]) * self.calibration.broader_factor
                    if self.calibration.curated_always:
                        score = max(score, threshold)
                    if score > credit.get(broader, (0.0, -1))[0]:
                        credit[broader] = (score, local)
        if not credit:
            return candidates, calibrated, curated, {}
        # `candidates` is sorted (np.flatnonzero): a binary search finds each broader skill
        # without a dict of the thousands of candidates (a sixth of a posting's time).
        positions = np.searchsorted(candidates, np.fromiter(credit, dtype=candidates.dtype))
        credited_by: dict[int, int] = {}
        extra_skills, extra_scores = [], []
        calibrated = calibrated.copy()
        for (broader, (score, local)), position in zip(credit.items(), positions, strict=True):
            if position >= len(candidates) or candidates[position] != broader:
                extra_skills.append(broader)
                extra_scores.append(score)
                credited_by[broader] = local
            elif score > calibrated[position]:
                calibrated[position] = score
                credited_by[broader] = local
        if extra_skills:
            candidates = np.concatenate([candidates, np.asarray(extra_skills, candidates.dtype)])
            calibrated = np.concatenate(
                [calibrated, np.asarray(extra_scores, dtype=calibrated.dtype)]
            )
            curated = np.concatenate([curated, np.zeros(len(extra_skills), dtype=bool)])
        return candidates, calibrated, curated, credited_by

    def _curated_hits(self, analysis, *, n_skills: int) -> np.ndarray:
        """Per skill, whether a curated synonym or local concept label occurs literally."""
        out = np.zeros(n_skills, dtype=bool)
        for hit in analysis.hits:
            if self.forms[hit.form][1] in CURATED_METHODS:
                out[hit.skill] = True
        return out

    def _product_selection(self, analysis, candidates, calibrated, best_sentence) -> np.ndarray:
        """Mask of the candidates the product output keeps, beyond the threshold.

        A literal match is kept when it is the best-scoring skill for at least one stretch of
        text it was read from: "SQL" is evidence for one skill, not for every skill that lists
        it. A skill only inferred (no literal evidence) is kept when it is among the
        `per_sentence` best inferred skills of its passage for each sentence or list item the
        passage holds (at most `per_sentence_items` of them), unless it is a product (a
        recruiter tags a software the text names, not one it resembles). Measured on
        bench/data (postings and needs): judged precision 0.75 -> 0.76, recall unchanged;
        on 24 fresh postings a recruiter judged, the three inferred products were all wrong.
        """
        keep = np.zeros(len(candidates), dtype=bool)
        if not len(candidates):
            return keep
        position_of = {int(skill): i for i, skill in enumerate(candidates)}
        owner: dict[tuple[int, int], int] = {}
        literal = np.zeros(len(candidates), dtype=bool)
        for hit in analysis.hits:
            position = position_of.get(hit.skill)
            if position is None:
                continue
            literal[position] = True
            span = (hit.first_token, hit.last_token)
            current = owner.get(span)
            if current is None or calibrated[position] > calibrated[current]:
                owner[span] = position
        keep[list(set(owner.values()))] = True
        inferred = np.asarray(
            [i for i in np.flatnonzero(~literal) if int(candidates[i]) not in self.product_skills],
            dtype=np.int64,
        )
        if len(inferred):
            sentence_of = best_sentence[candidates[inferred]]
            order = np.lexsort((-calibrated[inferred], sentence_of))
            current, count, allowed = -2, 0, 0
            for idx in order:
                if sentence_of[idx] != current:
                    current, count = sentence_of[idx], 0
                    allowed = self._inferred_allowed(analysis, int(current))
                if count < allowed:
                    keep[inferred[idx]] = True
                    count += 1
        return keep

    def _inferred_allowed(self, analysis: _Analysis, passage: int) -> int:
        """How many inferred skills `passage` may give: `per_sentence` per sentence or list
        item it merges, up to `per_sentence_items` of them."""
        items = 1
        if 0 <= passage < len(analysis.passage_items):
            items = analysis.passage_items[passage]
        items = max(1, min(items, self.calibration.per_sentence_items))
        return self.calibration.per_sentence * items

    def _match(self, analysis, skill, score, hits, sentence) -> SkillMatch:
        label_fr, label_en = self.labels[skill]
        score = round(min(max(score, 0.0), 1.0), 4)
        if hits:
            tokens = analysis.tokens
            original = analysis.decoded.original if analysis.decoded else _unchanged
            spans = tuple(
                sorted(
                    {
                        (original(tokens[h.first_token].start), original(tokens[h.last_token].end))
                        for h in hits
                    }
                )
            )
            best_hit = max(hits, key=lambda h: (h.specificity, h.last_token - h.first_token))
            form_text, method = self.forms[best_hit.form]
            return SkillMatch(self.uris[skill], score, spans, method, form_text, label_fr, label_en)
        start, end = analysis.sentence_bounds[sentence] if sentence >= 0 else (0, 0)
        evidence = _shorten(analysis.text[start:end], 300)
        return SkillMatch(
            self.uris[skill], score, (), Method.SEMANTIC, evidence, label_fr, label_en
        )


def context_rule(
    snapshot: TaxonomySnapshot, *, frame_terms: dict[str, frozenset[str]] | None = None
) -> ContextRule:
    """The context rule for this taxonomy: which forms it guards and which are tool hits.

    A tool hit is any form of a technical skill (ESCO's digital collection, local concepts)
    or a curated tool, method, certification or trade term; noun forms ("recrutement") and
    ordinary ESCO labels say nothing about tools.
    """
    curated, guarded, tools = {}, [], []
    for idx, form in enumerate(snapshot.forms):
        if form.method in CURATED_METHODS:
            curated[idx] = form.text
        if form.requires_context:
            guarded.append(idx)
        elif form.skill in snapshot.technical_skills or form.kind in TOOL_EVIDENCE_KINDS:
            tools.append(idx)
    return ContextRule(
        curated_terms=curated,
        guarded_forms=guarded,
        tool_forms=tools,
        cues=snapshot.context_cues,
        frame_terms=frame_terms,
    )


def label_channels(snapshot: TaxonomySnapshot) -> tuple[LabelChannel, ...]:
    """The label mode's ESCO side, one channel per encoder (e5, then USE): one row per skill
    with a French preferred label, read as each encoder reads a skill (`Encoder.readings`: its
    French and English labels, for e5 its description too), vectors unset."""
    texts, skills, skill_texts = [], [], []
    for idx, skill in enumerate(snapshot.skills):
        label = (skill.label_fr or "").strip()
        if not label:
            continue
        texts.append(label)
        skills.append(idx)
        description = skill.description_fr or skill.description_en or ""
        skill_texts.append((label, skill.label_en or "", description))
    return tuple(
        LabelChannel(
            texts,
            skills,
            len(snapshot.skills),
            weight=weight,
            readings=[encoder.readings(*row) for row in skill_texts],
            encoder=encoder,
        )
        for encoder, weight in ((E5, LABEL_WEIGHT), (USE, USE_LABEL_WEIGHT))
    )


def passages(text: str, *, counted: bool = False):
    """(start, end) of passages: sentences, short ones merged with the next (see constants);
    with `counted`, (start, end, how many sentences the passage merges)."""
    current = None
    for start, end in sentences(text):
        if current is None:
            current = [start, end, 1]
        elif current[1] - current[0] < MIN_PASSAGE_CHARS and end - current[0] <= MAX_PASSAGE_CHARS:
            current[1] = end
            current[2] += 1
        else:
            yield tuple(current) if counted else (current[0], current[1])
            current = [start, end, 1]
    if current is not None:
        yield tuple(current) if counted else (current[0], current[1])


def _unchanged(position: int) -> int:
    return position


def _add_exact(block: np.ndarray, skills: np.ndarray, chunk_exact, weight: float) -> None:
    """Add, in place, `weight` x each literal hit's value to its (passage, skill) cell.

    `chunk_exact` holds per row of `block` {skill: value}; every skill is in `skills` (sorted).
    One scatter instead of a binary search and an add per hit; each cell appears once (one
    value per skill and passage), and the addend is rounded to float32 first, so the sums are
    the ones adding the hits one by one makes (NumPy 2 adds a Python float to a float32 in
    float32).
    """
    n_hits = sum(len(hits) for hits in chunk_exact)
    if not n_hits:
        return
    rows = np.repeat(np.arange(len(chunk_exact)), [len(hits) for hits in chunk_exact])
    hit_skills = np.fromiter(
        (skill for hits in chunk_exact for skill in hits), dtype=np.int64, count=n_hits
    )
    values = np.fromiter(
        (weight * value for hits in chunk_exact for value in hits.values()),
        dtype=np.float64,
        count=n_hits,
    )
    block[rows, np.searchsorted(skills, hit_skills)] += values.astype(np.float32)


def _first_row_of_max(block: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per column of `block`, the first row holding its maximum `values` (= `block.max(0)`):
    `block.argmax(axis=0)`, found in a boolean block (a float argmax down the columns of a
    C-ordered block is the slower one; scores are never NaN)."""
    return (block == values).argmax(axis=0)


_LANGUAGE_NOUN_RE = re.compile(r"\blangues?\W*$", re.IGNORECASE)


def _after_language_noun(text: str, position: int) -> bool:
    """Whether the word at `position` follows "langue(s)" ("la langue française")."""
    return bool(_LANGUAGE_NOUN_RE.search(text, max(0, position - 12), position))


def _nested_hits(hits: list[SurfaceHit]) -> list[bool]:
    """For each hit, whether a longer hit elsewhere covers its tokens ("design" in "motion
    design"). Hits over the very same tokens are ambiguity, not nesting."""
    order = sorted(range(len(hits)), key=lambda i: (hits[i].first_token, -hits[i].last_token))
    nested = [False] * len(hits)
    max_last = -1
    i = 0
    while i < len(order):
        first, last = hits[order[i]].first_token, hits[order[i]].last_token
        j = i
        while (
            j < len(order)
            and hits[order[j]].first_token == first
            and hits[order[j]].last_token == last
        ):
            nested[order[j]] = last <= max_last
            j += 1
        max_last = max(max_last, last)
        i = j
    return nested


# What follows a noun when a prepositional complement narrows it, per language.
_COMPLEMENT_RE = {
    "fr": re.compile(r"\s*(?:de|des|du|d['’])\s*(?:la\s+|l['’]\s*)?\w", re.IGNORECASE),
    "en": re.compile(r"\s*of\s+(?:the\s+)?\w", re.IGNORECASE),
}


def _heads_complement(analysis: _Analysis, token: int) -> bool:
    """Whether the word at `token` is followed by a complement ("de la chaîne", "of data")."""
    end = analysis.tokens[token].end
    return bool(_COMPLEMENT_RE[analysis.lang].match(analysis.text, end, end + 12))


def _language_or_error(lang: str) -> str:
    short = (lang or "").lower()[:2]
    if short not in LANGUAGES:
        raise ValueError(f"Unsupported language {lang!r}; expected 'fr' or 'en'.")
    return short


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
