"""The per-record work of an ingestion that needs no database: clean, fingerprint, parse.

`prepare_batch` runs in the main process or in forked worker processes (large batches); it
returns plain picklable values. The extractor is the platform's (`skills.extraction`); a
process loads it once (`load_extractor`) before workers fork, so they share its index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from jobs.ingestion.cleaning import clean_record
from jobs.ingestion.dedup import signature

if TYPE_CHECKING:
    from skills.extraction import Extractor

SKILL_TOP_K = 30
OCCUPATION_TOP_K = 3
CONFIDENT_OCCUPATION_SCORE = 0.6

_extractor = None


def load_extractor() -> Extractor:
    """The shared extractor, loaded (or built) on the first call of the process."""
    global _extractor
    if _extractor is None:
        # Imported here, not at the top: the extractor brings numpy and scikit-learn, which
        # a process that never parses (a web worker serving pages) should not pay for.
        from skills.extraction import get_extractor

        _extractor = get_extractor()
    return _extractor


def parse_text(title: str, text: str) -> str:
    """The text the extractor reads; `PostingSkill.spans` are offsets into it."""
    return f"{title}\n\n{text}" if text else title


@dataclass(slots=True)
class Analysis:
    language: str
    skills: list[tuple[str, float, list[list[int]], str]] = field(default_factory=list)
    occupations: list[tuple[str, float, str]] = field(default_factory=list)


def analyse(extractor, *, title: str, text: str, language: str = "") -> Analysis:
    """Skills (uri, score, spans, method) and the top occupations (uri, score, method) of a
    posting, best first."""
    body = parse_text(title, text)
    language = language or extractor.detect_language(body)
    found = posting_occupations(extractor, title=title, text=text)
    confident = found[:1] if found and found[0].score >= CONFIDENT_OCCUPATION_SCORE else []
    matches = extractor.extract(
        body, lang=language, top_k=SKILL_TOP_K, occupations=[m.uri for m in confident]
    )
    skills = [
        (m.uri, float(m.score), [list(span) for span in m.spans], str(m.method)) for m in matches
    ]
    occupations = [(m.uri, float(m.score), str(m.method)) for m in found]
    return Analysis(language=language, skills=skills, occupations=occupations)


def posting_occupations(extractor, *, title: str, text: str, top_k: int = OCCUPATION_TOP_K):
    """The occupations of a posting, best first: its title's, unless the best scores under
    `CONFIDENT_OCCUPATION_SCORE`; then the title's helped by the skills of its text.

    The title alone settles most postings (and is memoised by the extractor); only a weak
    title match pays for a pass over the text.
    """
    found = extractor.match_occupation(title, top_k=top_k)
    if text and (not found or found[0].score < CONFIDENT_OCCUPATION_SCORE):
        found = extractor.match_occupation(title, text=text, top_k=top_k)
    return found


@dataclass(slots=True)
class Prepared:
    position: int
    external_id: str
    content_hash: str
    fields: dict
    errors: list[str]
    fingerprint: bytes = b""
    analysis: Analysis | None = None


def prepare_batch(
    items: list[tuple[int, dict, str]], *, today: date, parse: bool
) -> list[Prepared]:
    """items: (position, raw record, content hash) → cleaned, fingerprinted, parsed records."""
    extractor = load_extractor() if parse else None
    prepared = []
    for position, data, digest in items:
        fields, errors = clean_record(data, today=today)
        external_id = str(data.get("external_id") or "").strip()
        item = Prepared(position, external_id, digest, fields, errors)
        if not errors:
            item.fingerprint = signature(f"{fields['title']}\n{fields['description_text']}")
            if extractor is not None:
                item.analysis = analyse(
                    extractor,
                    title=fields["title"],
                    text=fields["description_text"],
                    language=fields["language"],
                )
        prepared.append(item)
    return prepared
