"""Query understanding: what the learner typed and picked, resolved to ESCO concepts, once per
search and before any engine.

- Picked skills (URIs) must be taught; a picked occupation is a goal, whose essential skills
  (ESCO's occupation -> skill links with relation "essential") the offers should cover.
- The text runs through the extractor: its literal layer (every preferred label, alternative
  label and curated synonym, French and English, read directly so that a one-word query
  such as "Blender" needs no surrounding context) and its thresholded extraction; when
  neither finds anything, the extraction again in label mode (a query names skills the way a
  label does: the extractor adds its sentence encoders, so a query sharing no word with any
  label still finds the skills whose labels mean much the same); the skills
  found become "understood" chips that boost offers teaching them. The occupation matcher
  adds an understood occupation only on a near-exact title ("développeur web"): its fuzzy
  scores on short queries are too loose to trust, and its essential skills then only boost
  weakly (`Understanding.related_skill_ids`).
- Chips the learner removed (`dropped_chips`) are neither used nor shown.

Understanding a text costs a few milliseconds once the extractor is loaded (a few tens with
the encoders of label mode); results are memoised per (text, extractor fingerprint).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from core.text import fold
from search.contract import CatalogueQuery, Chip, PostingQuery, Understanding
from skills.extraction import get_extractor
from skills.extraction.text import LANGUAGES
from skills.models import Occupation, OccupationSkill, Skill

# Below this, an occupation matched from free text is not trusted (short queries such as
# "Blender" reach 0.8 against unrelated titles).
OCCUPATION_MIN_SCORE = 0.9
# A literal hit of a form that says little on its own ("gestion") is not a chip.
MIN_SPECIFICITY = 0.3
MAX_SKILLS_PER_SPAN = 2
MAX_UNDERSTOOD_SKILLS = 8
MEMO_SIZE = 2048


@dataclass(frozen=True)
class _TextReading:
    skills: tuple[tuple[str, float], ...]  # (uri, score), best first
    occupation: tuple[str, float] | None


_memo: OrderedDict[tuple, _TextReading] = OrderedDict()
_memo_lock = threading.Lock()


def _literal_hits(extractor, text: str) -> list[tuple[str, float]]:
    """Skills whose label or synonym the text spells out, longest spans first; a hit nested
    inside a longer one is dropped ("projet" inside "gestion de projet")."""
    found: dict[str, float] = {}
    for lang in LANGUAGES:
        tokens = extractor.normalisers[lang].tokens(text)
        hits = extractor.surface.find(tokens, lang, text)
        spans = [(tokens[h.first_token].start, tokens[h.last_token].end) for h in hits]
        by_span: dict[tuple[int, int], list] = {}
        for hit, span in zip(hits, spans, strict=True):
            nested = any(
                other != span and other[0] <= span[0] and span[1] <= other[1] for other in spans
            )
            if nested or hit.specificity < MIN_SPECIFICITY:
                continue
            if hit.first_token == hit.last_token and not _same_word(
                text[span[0] : span[1]], extractor.forms[hit.form][0]
            ):
                continue
            by_span.setdefault(span, []).append(hit)
        for span_hits in by_span.values():
            span_hits.sort(key=lambda h: -h.specificity)
            for hit in span_hits[:MAX_SKILLS_PER_SPAN]:
                uri = extractor.uris[hit.skill]
                score = 0.7 + 0.3 * float(hit.specificity)
                found[uri] = max(found.get(uri, 0.0), score)
    return sorted(found.items(), key=lambda pair: -pair[1])


def _same_word(written: str, form: str) -> bool:
    """A one-word query names a concept only by its own word, give or take a plural: the
    shared stem alone is too loose there ("dev" is the stem of "devis")."""
    written, form = fold(written), fold(form)
    return written == form or form in (written + "s", written + "x") or written == form + "s"


def read_text(text: str) -> _TextReading:
    """The skills and (trusted) occupation the extractor reads in a search text."""
    text = " ".join((text or "").split())[:300]
    if not text:
        return _TextReading((), None)
    extractor = get_extractor()
    key = (text.casefold(), extractor.fingerprint)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    skills = dict(_literal_hits(extractor, text))
    matches = extractor.extract(text, infer_short=False)
    if not skills and not matches:
        # Nothing the query spells out: read it as the label it is, the sentence encoder
        # beside the lexical ranking. Only then: on Competent labels, label mode's extra
        # confident skills were right a fifth of the time against a strict gold, too loose
        # to add chips beside literal ones.
        matches = extractor.extract(text, as_label=True)
    for match in matches:
        skills[match.uri] = max(skills.get(match.uri, 0.0), float(match.score))
    ranked = sorted(skills.items(), key=lambda pair: -pair[1])[:MAX_UNDERSTOOD_SKILLS]
    occupation = None
    matches = extractor.match_occupation(text, top_k=1)
    if matches and matches[0].score >= OCCUPATION_MIN_SCORE:
        occupation = (matches[0].uri, float(matches[0].score))
    reading = _TextReading(tuple(ranked), occupation)
    with _memo_lock:
        _memo[key] = reading
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return reading


def essential_skill_ids(occupation_id: int) -> tuple[int, ...]:
    return tuple(
        OccupationSkill.objects.filter(
            occupation_id=occupation_id, relation=OccupationSkill.Relation.ESSENTIAL
        )
        .order_by("skill_id")
        .values_list("skill_id", flat=True)
    )


def understand(query: CatalogueQuery | PostingQuery) -> Understanding:
    """Resolve the query's picked concepts and text into what the engines use."""
    language = "en" if query.language == "en" else "fr"
    dropped = set(query.dropped_chips)
    chips: list[Chip] = []

    picked_uris = [uri for uri in dict.fromkeys(query.skills) if uri]
    picked = {s.uri: s for s in Skill.objects.filter(uri__in=picked_uris)}
    skill_ids = []
    for uri in picked_uris:
        if uri in picked:
            chips.append(Chip("skill", uri, picked[uri].label(language), "picked"))
            skill_ids.append(picked[uri].pk)

    occupation_id = None
    goal_skill_ids: tuple[int, ...] = ()
    if query.occupation:
        occupation = Occupation.objects.filter(uri=query.occupation).first()
        if occupation is not None:
            chips.append(Chip("occupation", occupation.uri, occupation.label(language), "picked"))
            occupation_id = occupation.pk
            goal_skill_ids = essential_skill_ids(occupation.pk)

    boost_skill_ids: list[int] = []
    related_skill_ids: tuple[int, ...] = ()
    if query.text and query.understand:
        reading = read_text(query.text)
        scores = {uri: score for uri, score in reading.skills if uri not in dropped}
        understood = Skill.objects.filter(uri__in=scores).exclude(pk__in=skill_ids)
        for skill in sorted(understood, key=lambda s: -scores[s.uri]):
            chips.append(
                Chip("skill", skill.uri, skill.label(language), "understood", scores[skill.uri])
            )
            boost_skill_ids.append(skill.pk)
        if reading.occupation and reading.occupation[0] not in dropped and not occupation_id:
            uri, score = reading.occupation
            occupation = Occupation.objects.filter(uri=uri).first()
            if occupation is not None:
                chips.append(
                    Chip("occupation", uri, occupation.label(language), "understood", score)
                )
                related_skill_ids = essential_skill_ids(occupation.pk)

    excluded = (
        tuple(Skill.objects.filter(uri__in=dropped).order_by("pk").values_list("pk", flat=True))
        if dropped
        else ()
    )
    return Understanding(
        excluded_skill_ids=excluded,
        chips=tuple(chips),
        skill_ids=tuple(skill_ids),
        boost_skill_ids=tuple(boost_skill_ids),
        occupation_id=occupation_id,
        goal_skill_ids=goal_skill_ids,
        terms=(query.text or "").strip(),
        related_skill_ids=related_skill_ids,
    )
