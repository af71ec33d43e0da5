"""Read what the extractor needs from the taxonomy tables, and fingerprint it for the cache.

The snapshot is plain Python data (lists and tuples), so building the index does not depend on
the ORM after this point and the tests can build an index from any database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Max

from skills.extraction.cues import CONTEXT_CUES_PATH, read_context_cues
from skills.extraction.gazetteer import data_digest as gazetteer_digest
from skills.extraction.text import LANGUAGES
from skills.models import (
    Occupation,
    OccupationJobTitle,
    OccupationSkill,
    RejectedMatchPattern,
    Skill,
    SkillSynonym,
)

# Bump when the index layout or the normalisation changes: old caches are then ignored. The
# fingerprint also hashes this package's source, so a code change never loads a stale pickle.
INDEX_FORMAT_VERSION = "3"
DIGITAL_COLLECTION = "digital"  # slug of ESCO's digital skills collection (`esco_import`)
# ESCO's skill group "Langues" (languages): its 69 skills are the languages themselves.
LANGUAGES_GROUP = "http://data.europa.eu/esco/skill/43f425aa-f45d-4bb4-a200-6f82fa211b66"
# Curated kinds whose literal hit shows a passage is about tools, for the context rule; noun
# forms ("recrutement") do not.
TOOL_EVIDENCE_KINDS = frozenset(
    kind.value
    for kind in (
        SkillSynonym.Kind.TOOL,
        SkillSynonym.Kind.METHOD,
        SkillSynonym.Kind.CERTIFICATION,
        SkillSynonym.Kind.TRADE_TERM,
    )
)


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Method:
    """How a match was found; also the `method` of `SkillMatch`."""

    LABEL = "label"  # an ESCO preferred or alternative label occurs in the text
    SYNONYM = "synonym"  # a curated SkillSynonym occurs in the text
    LOCAL = "local"  # a label of a local concept (origin="local") occurs in the text
    SEMANTIC = "semantic"  # inferred from a sentence by the ranking model, no literal label


@dataclass(frozen=True, slots=True)
class SurfaceForm:
    """One way of writing a skill: a label, an alternative label or a curated synonym."""

    skill: int  # index into TaxonomySnapshot.skills
    lang: str
    text: str
    method: str
    preferred: bool = False
    # Curated terms with an everyday sense too: they count only in a technical context
    # (`context.ContextRule`).
    requires_context: bool = False
    kind: str = ""  # a curated synonym's SkillSynonym.Kind: tool, method, noun_form, …


@dataclass(frozen=True, slots=True)
class SkillRecord:
    uri: str
    label_fr: str
    label_en: str
    description_fr: str
    description_en: str
    skill_type: str
    occupation_links: int


JOB_TITLE = "job_title"  # the "language" of a ROME job title in OccupationRecord.titles


@dataclass(frozen=True, slots=True)
class OccupationRecord:
    uri: str
    label_fr: str
    label_en: str
    # (lang, title) for ESCO labels and alt labels, (JOB_TITLE, title) for ROME job titles
    titles: tuple[tuple[str, str], ...]
    skills: tuple[tuple[int, bool], ...]  # (skill index, essential)


@dataclass
class TaxonomySnapshot:
    skills: list[SkillRecord] = field(default_factory=list)
    forms: list[SurfaceForm] = field(default_factory=list)
    occupations: list[OccupationRecord] = field(default_factory=list)
    # (surface form as curators typed it, skill index or None for every skill)
    rejections: list[tuple[str, int | None]] = field(default_factory=list)
    # Skills whose literal label shows a passage is about tools or techniques: ESCO's digital
    # collection and the local concepts (context for ambiguous terms, see `context.py`).
    technical_skills: set[int] = field(default_factory=set)
    # {language: folded cue words} of `skills/data/curated/context_cues.csv`
    context_cues: dict[str, frozenset[str]] = field(default_factory=dict)
    # {local concept: its broader ESCO skills}: a tool ESCO lacks ("Docker") evidences the
    # skill curators placed it under ("manage ICT virtualisation environments").
    local_broader: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # The languages (ESCO's group "Langues"): named, like tools, by one word that is the whole
    # requirement ("français", "néerlandais"), however many a short passage lists.
    language_skills: set[int] = field(default_factory=set)


def taxonomy_fingerprint() -> str:
    """A short hash that changes whenever anything the index is built from changes.

    The code of this package and the gazetteer lists count too: an edit of either rebuilds.

    Counts and the latest `updated_at` catch imports and edits of concepts; synonyms, rejected
    patterns and job titles are hashed in full (they are few, and have no `updated_at`), and
    so is the file of context cue words.
    """
    parts: list[str] = [INDEX_FORMAT_VERSION, _code_digest(), gazetteer_digest()]
    for model in (Skill, Occupation):
        agg = model.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        parts.append(f"{model.__name__}:{agg['n']}:{agg['last']}")
    parts.append(f"links:{OccupationSkill.objects.count()}")
    titles = OccupationJobTitle.objects.aggregate(n=Count("id"), last=Max("id"))
    parts.append(f"titles:{titles['n']}:{titles['last']}")
    digest = hashlib.sha256("|".join(parts).encode())
    for row in SkillSynonym.objects.order_by("id").values_list(
        "id", "skill_id", "label", "language", "requires_context", "kind"
    ):
        digest.update(repr(row).encode())
    digest.update(b"|cues|")
    digest.update(CONTEXT_CUES_PATH.read_bytes())
    digest.update(b"|rejected|")
    for row in RejectedMatchPattern.objects.order_by("id").values_list("id", "skill_id", "pattern"):
        digest.update(repr(row).encode())
    return digest.hexdigest()[:20]


def load_snapshot() -> TaxonomySnapshot:
    """Every current skill with its labels, curated synonyms and rejections, and occupations."""
    snapshot = TaxonomySnapshot()
    index_of: dict[int, int] = {}
    links = dict(
        OccupationSkill.objects.values_list("skill_id")
        .annotate(n=Count("id"))
        .values_list("skill_id", "n")
    )
    rows = (
        Skill.objects.current()
        .order_by("id")
        .values_list(
            "id",
            "uri",
            "origin",
            "preferred_label_fr",
            "preferred_label_en",
            "alt_labels_fr",
            "alt_labels_en",
            "description_fr",
            "description_en",
            "skill_type",
        )
    )
    for (
        pk,
        uri,
        origin,
        label_fr,
        label_en,
        alt_fr,
        alt_en,
        desc_fr,
        desc_en,
        kind,
    ) in rows.iterator(chunk_size=2000):
        idx = len(snapshot.skills)
        index_of[pk] = idx
        snapshot.skills.append(
            SkillRecord(uri, label_fr, label_en, desc_fr, desc_en, kind, links.get(pk, 0))
        )
        method = Method.LOCAL if origin == Skill.Origin.LOCAL else Method.LABEL
        if origin == Skill.Origin.LOCAL:
            snapshot.technical_skills.add(idx)
        for lang, preferred, alternatives in (("fr", label_fr, alt_fr), ("en", label_en, alt_en)):
            if preferred:
                snapshot.forms.append(SurfaceForm(idx, lang, preferred, method, preferred=True))
            for alt in alternatives or []:
                if isinstance(alt, str) and alt.strip():
                    snapshot.forms.append(SurfaceForm(idx, lang, alt, method))
    synonyms = SkillSynonym.objects.order_by("id").values_list(
        "skill_id", "label", "language", "requires_context", "kind"
    )
    for skill_id, label, language, requires_context, kind in synonyms:
        if skill_id in index_of and label.strip():
            # An empty language is both: one form per language, each native to its automaton.
            for lang in (language,) if language else LANGUAGES:
                snapshot.forms.append(
                    SurfaceForm(
                        index_of[skill_id],
                        lang,
                        label,
                        Method.SYNONYM,
                        requires_context=requires_context,
                        kind=kind,
                    )
                )
    digital = Skill.objects.filter(collections__slug=DIGITAL_COLLECTION).values_list(
        "id", flat=True
    )
    snapshot.technical_skills.update(index_of[pk] for pk in digital if pk in index_of)
    languages = Skill.objects.filter(broader_groups__uri=LANGUAGES_GROUP).values_list(
        "id", flat=True
    )
    snapshot.language_skills = {index_of[pk] for pk in languages if pk in index_of}
    snapshot.context_cues = read_context_cues()
    broader: dict[int, list[int]] = {}
    for local_pk, broader_pk in Skill.broader_skills.through.objects.filter(
        from_skill__origin=Skill.Origin.LOCAL
    ).values_list("from_skill_id", "to_skill_id"):
        if local_pk in index_of and broader_pk in index_of:
            broader.setdefault(index_of[local_pk], []).append(index_of[broader_pk])
    snapshot.local_broader = {local: tuple(sorted(uris)) for local, uris in broader.items()}
    for pattern, skill_id in RejectedMatchPattern.objects.values_list("pattern", "skill_id"):
        if skill_id is None:
            snapshot.rejections.append((pattern, None))
        elif skill_id in index_of:
            snapshot.rejections.append((pattern, index_of[skill_id]))

    occupation_skills: dict[int, list[tuple[int, bool]]] = {}
    for occ_id, skill_id, relation in OccupationSkill.objects.values_list(
        "occupation_id", "skill_id", "relation"
    ).iterator(chunk_size=5000):
        if skill_id in index_of:
            occupation_skills.setdefault(occ_id, []).append(
                (index_of[skill_id], relation == OccupationSkill.Relation.ESSENTIAL)
            )
    job_titles: dict[int, list[tuple[str, str]]] = {}
    for occ_id, label in OccupationJobTitle.objects.values_list("occupation_id", "label"):
        job_titles.setdefault(occ_id, []).append((JOB_TITLE, label))
    for pk, uri, label_fr, label_en, alt_fr, alt_en in (
        Occupation.objects.current()
        .order_by("id")
        .values_list(
            "id",
            "uri",
            "preferred_label_fr",
            "preferred_label_en",
            "alt_labels_fr",
            "alt_labels_en",
        )
    ):
        titles = [("fr", label_fr), ("en", label_en)]
        titles += [("fr", alt) for alt in alt_fr or [] if isinstance(alt, str)]
        titles += [("en", alt) for alt in alt_en or [] if isinstance(alt, str)]
        titles += job_titles.get(pk, [])
        snapshot.occupations.append(
            OccupationRecord(
                uri,
                label_fr,
                label_en,
                tuple((lang, title) for lang, title in titles if title and title.strip()),
                tuple(occupation_skills.get(pk, ())),
            )
        )
    return snapshot
