"""How the extractor reads a posting beyond its words: listed names left out, evidence kept
only where it counts, passages weighed by the part of the posting they belong to.

Three steps of `Extractor.analyse` / `Extractor.raw_scores`, kept here so that the extractor's
pipeline stays one page:

1. `mask_names`: the words of places, organisations and HR/legal phrases of the gazetteer are
   emptied before the exact layer runs, so no label matches inside them and they rank nothing;
2. `keep_evidence`: literal hits strictly inside a sense-blocking phrase are dropped (and
   their passage is no evidence for that skill), and so are hits in parts that weigh nothing
   (how to apply, legal mentions: not even a curated synonym counts from there);
3. `weigh_passages`: each passage's scores are multiplied by its part's weight, and zeroed for
   the skills a sense-blocking phrase ruled out there.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import numpy as np

from skills.extraction.gazetteer import Gazetteer, NameKind, NameSpan, blocked_tokens
from skills.extraction.surface import SurfaceHit
from skills.extraction.text import Token

if TYPE_CHECKING:  # the extractor imports this module
    from skills.extraction.extractor import _Analysis


def mask_names(gazetteer: Gazetteer, tokens: list[Token], lang: str, text: str) -> list[NameSpan]:
    """Empty, in place, the words of the listed names found in `tokens`; return every name
    found (sense blockers included, whose words stay)."""
    names = gazetteer.find(tokens, lang, text)
    for first, last in blocked_tokens(names):
        for index in range(first, last + 1):
            tokens[index] = tokens[index]._replace(norm="")
    return names


def keep_evidence(analysis: _Analysis, names: list[NameSpan]) -> None:
    """Drop from `analysis.hits` the hits that are no evidence (see the module docstring) and
    record, per passage, the skills a sense-blocking phrase ruled out."""
    if names and analysis.hits:
        analysis.hits, blocked = _hits_outside_senses(analysis.hits, names)
        firsts = [first for first, _last in analysis.sentence_tokens]
        for hit in blocked:
            passage = bisect.bisect_right(firsts, hit.first_token) - 1
            analysis.sense_blocked.setdefault(passage, set()).add(hit.skill)
    weights = analysis.passage_weights
    if analysis.hits and weights is not None and (weights == 0).any():
        token_weight = np.empty(len(analysis.tokens), dtype=np.float32)
        for (first, last), weight in zip(analysis.sentence_tokens, weights, strict=True):
            token_weight[first:last] = weight
        analysis.hits = [hit for hit in analysis.hits if token_weight[hit.first_token] > 0]


def weigh_passages(analysis: _Analysis, chunk_start: int, skills: np.ndarray, block) -> None:
    """Adjust, in place, the (passages x skills) score `block` of the passages from
    `chunk_start` on: sense-blocked skills zeroed, each row times its part's weight."""
    n_rows = block.shape[0]
    for offset in range(n_rows):
        for skill in analysis.sense_blocked.get(chunk_start + offset, ()):
            column = np.searchsorted(skills, skill)
            if column < len(skills) and skills[column] == skill:
                block[offset, column] = 0.0
    if analysis.passage_weights is not None:
        weights = analysis.passage_weights[chunk_start : chunk_start + n_rows]
        if (weights != 1.0).any():
            block *= weights[:, None]


def _hits_outside_senses(
    hits: list[SurfaceHit], names: list[NameSpan]
) -> tuple[list[SurfaceHit], list[SurfaceHit]]:
    """(kept, blocked): a hit strictly inside a sense-blocking phrase ("électronique" in
    "messagerie électronique") is blocked; a hit over the whole phrase, or beyond it, stays."""
    senses = [(span.first, span.last) for span in names if span.kind == NameKind.SENSE]
    if not senses:
        return hits, []
    kept, blocked = [], []
    for hit in hits:
        inside = any(
            first <= hit.first_token
            and hit.last_token <= last
            and (hit.first_token, hit.last_token) != (first, last)
            for first, last in senses
        )
        (blocked if inside else kept).append(hit)
    return kept, blocked
