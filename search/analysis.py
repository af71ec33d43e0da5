"""Text analysis for the Elasticsearch engine: the French and English analyzers and the synonym
rules generated from the taxonomy.

Synonyms come from two places: ESCO's preferred and alternative labels of a skill (one
equivalence rule per skill and language: "développement web, développement de sites web, dev
web") and the curated `SkillSynonym` rows (tool names, jargon, Belgian usage), each a one-way
rule to its skill's preferred label (see `synonym_rules`).

Where they live: an inline `synonym_graph` filter in the index settings, not a synonyms set.
The rebuild creates a new index every time anyway (so rules change at each rebuild without the
synonyms API, its separate privilege, or ES >= 8.10), and the rules are bounded: only skills
that an indexed offer or posting teaches or asks for get a rule (a few thousand at most, where
all of ESCO would be ~14,000 skills and ~100,000 labels in each language, too much for cluster
state), curated synonyms first, and at most `ELASTICSEARCH_SYNONYM_RULES_MAX` rules per
language. `synonym_graph` is a search-time filter: documents are indexed with the plain analyzer
and queries are expanded, which handles multi-word synonyms ("UX" ≈ "expérience utilisateur").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from core.text import fold

logger = logging.getLogger(__name__)

DEFAULT_MAX_RULES = 10_000
# Labels longer than this (in words) are descriptions rather than something a learner types;
# as synonym rules they only slow the query parser down.
MAX_LABEL_WORDS = 6
# ESCO alternative labels shorter than this are mostly ambiguous abbreviations; curated ones
# ("UX", "3D") are kept whatever their length, a curator having checked them.
MIN_ESCO_LABEL_CHARS = 3

# French elision as Elasticsearch's own `french` analyzer does it ("l'informatique").
FRENCH_ELISION_ARTICLES = [
    "l",
    "m",
    "t",
    "qu",
    "n",
    "s",
    "j",
    "d",
    "c",
    "jusqu",
    "quoiqu",
    "lorsqu",
    "puisqu",
]


@dataclass(frozen=True)
class SynonymSource:
    """The labels of one skill in one language; `curated` labels come from `SkillSynonym`."""

    esco: tuple[str, ...]
    curated: tuple[str, ...] = ()


def clean_label(label: str) -> str:
    """A label as a synonym rule term: folded (lower case, no accents), without the characters
    the Solr synonym format gives a meaning to (`,` separates terms, `=>` maps, `#` comments,
    `\\` escapes), spaces collapsed. Empty when nothing usable is left."""
    text = fold(label)
    for reserved in (",", "=>", "#", "\\", "|", ";", "(", ")", '"'):
        text = text.replace(reserved, " ")
    return " ".join(text.split())


def _usable(label: str, *, min_chars: int) -> str:
    term = clean_label(label)
    if len(term) >= min_chars and len(term.split()) <= MAX_LABEL_WORDS:
        return term
    return ""


def synonym_rules(sources: Iterable[SynonymSource], *, max_rules: int) -> list[str]:
    """Solr-format rules for the sources' labels, curated rules first (a cap drops plain ESCO
    rules before curated ones), in a stable order for the same input.

    ESCO labels of one skill are true synonyms: one equivalence rule "a, b, c". A curated
    label is a way to *ask* for the skill (a tool, jargon) but not its equal: two tools of the
    same skill are not synonyms of each other ("sketch" must not find "axure"), so each gets a
    one-way rule "sketch => sketch, <preferred label>" (the term itself is kept so it still
    matches literally).
    """
    curated_rules: dict[str, None] = {}
    esco_rules: dict[str, None] = {}
    for source in sources:
        terms: dict[str, None] = {}
        for label in source.esco:
            term = _usable(label, min_chars=MIN_ESCO_LABEL_CHARS)
            if term:
                terms.setdefault(term, None)
        if len(terms) >= 2:
            esco_rules.setdefault(", ".join(terms), None)
        # The preferred label is the target even when too long to be a synonym itself: the
        # curated term then finds it as a phrase in the offer's skill labels.
        preferred = clean_label(source.esco[0]) if source.esco else ""
        target = preferred if 0 < len(preferred.split()) <= 2 * MAX_LABEL_WORDS else ""
        target = target or next(iter(terms), "")
        if not target:
            continue
        for label in source.curated:
            term = _usable(label, min_chars=1)
            if term and term not in terms:
                curated_rules.setdefault(f"{term} => {term}, {target}", None)
    rules = [*curated_rules, *esco_rules]
    if len(rules) > max_rules:
        logger.warning(
            "Synonym rules capped at %d of %d; the rest of the labels match without synonyms.",
            max_rules,
            len(rules),
        )
    return rules[:max_rules]


def synonym_sources(*, skill_ids: Iterable[int], language: str) -> list[SynonymSource]:
    """The labels in `language` of each skill in `skill_ids`, plus every skill with a curated
    synonym in that language (or in both), whether or not anything teaches it yet."""
    from skills.models import Skill, SkillSynonym

    curated: dict[int, list[str]] = {}
    # Ambiguous short names (Java, Go, Tableau) count only in a technical context, which a
    # synonym filter cannot see: they get no rule.
    rows = SkillSynonym.objects.filter(
        language__in=[language, SkillSynonym.BOTH_LANGUAGES], requires_context=False
    )
    for skill_id, label in rows.order_by("skill_id", "label").values_list("skill_id", "label"):
        curated.setdefault(skill_id, []).append(label)
    wanted = set(skill_ids) | set(curated)
    sources = []
    skills = (
        Skill.objects.filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", f"preferred_label_{language}", f"alt_labels_{language}")
    )
    for skill_id, preferred, alternatives in skills.iterator(chunk_size=2000):
        labels = [preferred, *(alternatives or [])]
        sources.append(
            SynonymSource(
                esco=tuple(label for label in labels if label),
                curated=tuple(curated.get(skill_id, ())),
            )
        )
    return sources


def skill_synonym_rules(*, skill_ids: Iterable[int], language: str) -> list[str]:
    """The synonym rules of the `language` search analyzer for an index whose documents link
    to `skill_ids` (see the module docstring for the bound)."""
    max_rules = getattr(settings, "ELASTICSEARCH_SYNONYM_RULES_MAX", DEFAULT_MAX_RULES)
    return synonym_rules(
        synonym_sources(skill_ids=list(skill_ids), language=language), max_rules=max_rules
    )


# French function words, accent-folded (the stop filter runs after folding, so "à" is "a").
# Without them an every-word query ("formation en gestion de projet") would require "en" and
# "de" in the same field; the database engine drops stop words too.
FRENCH_STOP_WORDS = [
    "a",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "cet",
    "cette",
    "d",
    "dans",
    "de",
    "des",
    "du",
    "elle",
    "en",
    "et",
    "il",
    "ils",
    "je",
    "l",
    "la",
    "le",
    "les",
    "leur",
    "leurs",
    "lui",
    "ma",
    "mais",
    "me",
    "mes",
    "moi",
    "mon",
    "n",
    "ne",
    "nos",
    "notre",
    "nous",
    "on",
    "ou",
    "par",
    "pas",
    "pour",
    "qu",
    "que",
    "qui",
    "s",
    "sa",
    "se",
    "ses",
    "son",
    "sur",
    "t",
    "ta",
    "te",
    "tes",
    "toi",
    "ton",
    "tu",
    "un",
    "une",
    "vos",
    "votre",
    "vous",
    "y",
]

# Analyzer names the document mappings refer to (`search/documents.py`).
FRENCH = "french_text"
FRENCH_SEARCH = "french_search"
ENGLISH = "english_text"
ENGLISH_SEARCH = "english_search"


def build_analyzers(*, synonyms_fr: list[str], synonyms_en: list[str]) -> list:
    """The four analyzers of an index: French and English, each in an index-time form and a
    search-time form that adds the synonym graph. Synonyms come before the stop words and
    stemming: rules are parsed by the filters that precede them, and a stop word removed there
    would leave a gap that makes a multi-word rule unparsable (skipped, with `lenient`);
    expanded terms are then stemmed like the indexed ones. A language without rules gets no
    synonym filter: an empty `synonym_graph` is refused by some Elasticsearch versions."""
    from elasticsearch.dsl import analyzer, token_filter

    elision = token_filter(
        "french_elision", "elision", articles_case=True, articles=FRENCH_ELISION_ARTICLES
    )
    french_stemmer = token_filter("french_stemmer", "stemmer", language="light_french")
    french_stop = token_filter("french_stop", "stop", stopwords=FRENCH_STOP_WORDS)
    english_stop = token_filter("english_stop", "stop", stopwords="_english_")
    english_possessive = token_filter(
        "english_possessive", "stemmer", language="possessive_english"
    )
    english_stemmer = token_filter("english_stemmer", "stemmer", language="english")

    def synonyms(name: str, rules: list[str]) -> list:
        if not rules:
            return []
        # `lenient`: a rule whose terms analyse to nothing is skipped instead of failing the
        # index creation (a label made only of punctuation after folding, say).
        return [token_filter(name, "synonym_graph", synonyms=rules, lenient=True)]

    french_base = [elision, "lowercase", "asciifolding"]
    english_base = [english_possessive, "lowercase", "asciifolding"]
    french_end = [french_stop, french_stemmer]
    english_end = [english_stop, english_stemmer]
    return [
        analyzer(FRENCH, tokenizer="standard", filter=[*french_base, *french_end]),
        analyzer(
            FRENCH_SEARCH,
            tokenizer="standard",
            filter=[*french_base, *synonyms("skill_synonyms_fr", synonyms_fr), *french_end],
        ),
        analyzer(ENGLISH, tokenizer="standard", filter=[*english_base, *english_end]),
        analyzer(
            ENGLISH_SEARCH,
            tokenizer="standard",
            filter=[*english_base, *synonyms("skill_synonyms_en", synonyms_en), *english_end],
        ),
    ]
