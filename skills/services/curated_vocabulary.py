"""Load the curated vocabulary shipped in `skills/data/curated/` (see its README).

Two files: `local_concepts.csv` declares the concepts ESCO lacks (each under an ESCO broader
skill), `vocabulary.csv` maps tool names, methods, certifications, noun forms and trade terms
to an ESCO skill or to one of those local concepts. They become local `Skill`s and
`SkillSynonym`s with `origin="vocabulary"`.

Two phases, so that a bad file writes nothing: every row is read and checked first (columns,
kinds, yes/no, languages, targets that exist), and every error is reported with its file and
line; then everything is written inside one transaction through the taxonomy services, whose
rules (no synonym repeating the skill's own label, a broader concept that is current ESCO, …)
apply exactly as in the admin, and any refusal rolls the whole run back.

The file owns its rows and only those: a second run over the same files changes nothing;
a row that left the file is deleted; a synonym a curator added or edited in the admin
(`origin="curator"`) is never updated or deleted, and when it covers the same term as a file
entry the curator's row wins (reported as a warning). Local concepts the file declares are kept
to the file's labels, descriptions and broader skill; alternative labels curators added stay.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from core.languages import TAXONOMY_LANGUAGES
from core.text import fold
from skills.models import ESCO_URI_PREFIX, LOCAL_URI_PREFIX, Skill, SkillSynonym
from skills.services.taxonomy import (
    LOCAL_KEY_RE,
    local_concept_create,
    local_concept_update,
    synonym_add,
    synonym_dropped_words,
    synonym_update,
)

VOCABULARY_FOLDER = Path(__file__).resolve().parents[1] / "data" / "curated"
VOCABULARY_FILE = "vocabulary.csv"
LOCAL_CONCEPTS_FILE = "local_concepts.csv"
VOCABULARY_COLUMNS = ("term", "language", "kind", "target", "requires_context", "source", "note")
LOCAL_CONCEPT_COLUMNS = (
    "key",
    "label_fr",
    "label_en",
    "description_fr",
    "description_en",
    "broader_esco_uri",
    "note",
)
LOCAL_TARGET_PREFIX = "local:"
ANY_LANGUAGE = "any"  # the file's word for SkillSynonym.BOTH_LANGUAGES
YES_NO = {"yes": True, "no": False}
ESCO_SKILL_PREFIX = ESCO_URI_PREFIX + "skill/"


@dataclass(frozen=True)
class LocalConceptRow:
    line: int
    key: str
    label_fr: str
    label_en: str
    description_fr: str
    description_en: str
    broader_uri: str

    @property
    def uri(self) -> str:
        return LOCAL_URI_PREFIX + self.key


@dataclass(frozen=True)
class VocabularyRow:
    line: int
    term: str
    language: str  # "fr", "en" or "" for both
    kind: str
    target: str  # an ESCO skill URI, or "local:<key>"
    requires_context: bool
    source: str
    note: str

    @property
    def target_uri(self) -> str:
        if self.target.startswith(LOCAL_TARGET_PREFIX):
            return LOCAL_URI_PREFIX + self.target.removeprefix(LOCAL_TARGET_PREFIX)
        return self.target

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language,) if self.language else tuple(map(str, TAXONOMY_LANGUAGES))


@dataclass
class VocabularyReport:
    """What a run did: counts per `<what>.<outcome>`, and warnings worth a curator's look."""

    counts: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """Rows created, updated or deleted: zero on a repeated run over the same files."""
        return sum(
            value
            for key, value in self.counts.items()
            if key.rsplit(".", 1)[-1] in {"created", "updated", "deleted"}
        )


@dataclass
class CuratedVocabulary:
    """The rows of both files that passed the checks on their own, and the errors of the rest."""

    local_concepts: list[LocalConceptRow]
    entries: list[VocabularyRow]
    errors: list[str]


def curated_vocabulary_read(*, folder: Path = VOCABULARY_FOLDER) -> CuratedVocabulary:
    """Read and check both files without the database: columns, keys, kinds, languages,
    yes/no values, empty sources or notes, repeated entries. Errors name file and line."""
    folder = Path(folder)
    errors: list[str] = []
    concepts = _read_local_concepts(folder / LOCAL_CONCEPTS_FILE, errors)
    entries = _read_vocabulary(folder / VOCABULARY_FILE, errors)
    return CuratedVocabulary(concepts, entries, errors)


def curated_vocabulary_import(*, folder: Path = VOCABULARY_FOLDER) -> VocabularyReport:
    """Create or update the shipped local concepts and synonyms from `folder`.

    Raises `ValidationError` whose messages name the file and line of every bad row (and of
    every row a taxonomy service refused); nothing is written then. Needs the ESCO skills the
    files point to: run it after `import_esco`.
    """
    vocabulary = curated_vocabulary_read(folder=folder)
    concepts, entries = vocabulary.local_concepts, vocabulary.entries
    errors = list(vocabulary.errors)
    report = VocabularyReport()
    esco = _check_targets(concepts, entries, errors, report)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            _write_local_concepts(concepts, esco, report, errors)
            _write_synonyms(entries, report, errors)
            if errors:
                raise _RolledBack
    except _RolledBack:
        raise ValidationError(errors) from None
    return report


class _RolledBack(Exception):
    """Raised inside the transaction to undo a run that a service refused part of."""


# --------------------------------------------------------------------------- reading


def _rows(path: Path, columns: tuple[str, ...], errors: list[str]):
    """(line, row) of a semicolon-separated UTF-8 file with exactly `columns`."""
    if not path.exists():
        errors.append(f"{path.name}: file not found in {path.parent}.")
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        if tuple(reader.fieldnames or ()) != columns:
            errors.append(f"{path.name}, line 1: expected the columns {';'.join(columns)}.")
            return
        line = reader.line_num
        for row in reader:
            line, start = reader.line_num, line + 1
            if None in row or any(value is None for value in row.values()):
                errors.append(f"{path.name}, line {start}: expected {len(columns)} fields.")
                continue
            yield start, {key: " ".join(value.split()) for key, value in row.items()}


def _read_local_concepts(path: Path, errors: list[str]) -> list[LocalConceptRow]:
    concepts: list[LocalConceptRow] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, LOCAL_CONCEPT_COLUMNS, errors):
        where = f"{path.name}, line {line}"
        key = row["key"]
        problems = []
        if not LOCAL_KEY_RE.match(key):
            problems.append(f"key “{key}” is not lower-case letters, digits and hyphens")
        elif key in seen:
            problems.append(f"key “{key}” is already declared on line {seen[key]}")
        if not row["label_fr"]:
            problems.append("the French label is empty")
        if not row["broader_esco_uri"].startswith(ESCO_SKILL_PREFIX):
            problems.append("broader_esco_uri must be an ESCO skill URI")
        if not row["note"]:
            problems.append("the note (why ESCO has nothing precise) is empty")
        if problems:
            errors.extend(f"{where}: {problem}." for problem in problems)
            continue
        seen[key] = line
        concepts.append(
            LocalConceptRow(
                line,
                key,
                row["label_fr"],
                row["label_en"],
                row["description_fr"],
                row["description_en"],
                row["broader_esco_uri"],
            )
        )
    return concepts


def _read_vocabulary(path: Path, errors: list[str]) -> list[VocabularyRow]:
    entries: list[VocabularyRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    kinds = [kind for kind in SkillSynonym.Kind.values if kind]
    for line, row in _rows(path, VOCABULARY_COLUMNS, errors):
        where = f"{path.name}, line {line}"
        problems = []
        language = row["language"]
        if language not in (*map(str, TAXONOMY_LANGUAGES), ANY_LANGUAGE):
            problems.append(f"language “{language}” is not fr, en or any")
        if row["kind"] not in kinds:
            problems.append(f"kind “{row['kind']}” is not one of {', '.join(kinds)}")
        if row["requires_context"] not in YES_NO:
            problems.append(f"requires_context “{row['requires_context']}” is not yes or no")
        target = row["target"]
        if not (target.startswith(ESCO_SKILL_PREFIX) or target.startswith(LOCAL_TARGET_PREFIX)):
            problems.append(f"target “{target}” is neither an ESCO skill URI nor local:<key>")
        for column in ("term", "source", "note"):
            if not row[column]:
                problems.append(f"the {column} is empty")
        if problems:
            errors.extend(f"{where}: {problem}." for problem in problems)
            continue
        entry = VocabularyRow(
            line,
            row["term"],
            "" if language == ANY_LANGUAGE else language,
            row["kind"],
            target,
            YES_NO[row["requires_context"]],
            row["source"],
            row["note"],
        )
        duplicate = next(
            (
                seen[(target, fold(entry.term), lang)]
                for lang in entry.languages
                if (target, fold(entry.term), lang) in seen
            ),
            None,
        )
        if duplicate:
            errors.append(f"{where}: “{entry.term}” → {target} repeats line {duplicate}.")
            continue
        seen.update({(target, fold(entry.term), lang): line for lang in entry.languages})
        entries.append(entry)
    return entries


def _check_targets(concepts, entries, errors, report) -> dict[str, Skill]:
    """Every ESCO URI the files name must be an imported ESCO skill; every local key declared.

    Returns the ESCO skills by URI. A target obsolete in ESCO is loaded with a warning: the
    extractor ignores obsolete concepts, so the entry needs a curator's review.
    """
    if not Skill.objects.esco().exists():
        errors.append("No ESCO skill in the database: run import_esco first.")
        return {}
    uris = {concept.broader_uri for concept in concepts}
    uris |= {entry.target for entry in entries if not entry.target.startswith(LOCAL_TARGET_PREFIX)}
    esco = {skill.uri: skill for skill in Skill.objects.esco().filter(uri__in=uris)}
    for concept in concepts:
        skill = esco.get(concept.broader_uri)
        if skill is None:
            errors.append(
                f"{LOCAL_CONCEPTS_FILE}, line {concept.line}: unknown ESCO skill "
                f"{concept.broader_uri} (is ESCO imported?)."
            )
        elif skill.is_obsolete:
            errors.append(
                f"{LOCAL_CONCEPTS_FILE}, line {concept.line}: the broader skill "
                f"{concept.broader_uri} is obsolete in ESCO."
            )
    declared = {concept.key for concept in concepts}
    for entry in entries:
        where = f"{VOCABULARY_FILE}, line {entry.line}"
        if entry.target.startswith(LOCAL_TARGET_PREFIX):
            key = entry.target.removeprefix(LOCAL_TARGET_PREFIX)
            if key not in declared:
                errors.append(f"{where}: unknown local key “{key}” (not in {LOCAL_CONCEPTS_FILE}).")
        elif entry.target not in esco:
            errors.append(f"{where}: unknown ESCO skill {entry.target} (is ESCO imported?).")
        elif esco[entry.target].is_obsolete:
            report.warnings.append(f"{where}: {entry.target} is obsolete in ESCO.")
    return esco


# --------------------------------------------------------------------------- writing


def _write_local_concepts(concepts, esco, report, errors) -> None:
    existing = {
        skill.uri: skill
        for skill in Skill.objects.local()
        .filter(uri__in=[concept.uri for concept in concepts])
        .prefetch_related("broader_skills", "broader_groups")
    }
    for concept in concepts:
        broader = esco[concept.broader_uri]
        fields = {
            "label_fr": concept.label_fr,
            "label_en": concept.label_en,
            "description_fr": concept.description_fr,
            "description_en": concept.description_en,
            "broader": broader,
        }
        skill = existing.get(concept.uri)
        try:
            if skill is None:
                local_concept_create(**fields, key=concept.key)
                report.counts["local_concepts.created"] += 1
            elif _concept_matches(skill, concept, broader):
                report.counts["local_concepts.unchanged"] += 1
            else:
                local_concept_update(
                    skill=skill,
                    **fields,
                    alt_labels_fr=skill.alt_labels_fr,
                    alt_labels_en=skill.alt_labels_en,
                    skill_type=skill.skill_type,
                )
                report.counts["local_concepts.updated"] += 1
        except ValidationError as error:
            errors.extend(_located(LOCAL_CONCEPTS_FILE, concept.line, error))


def _concept_matches(skill: Skill, concept: LocalConceptRow, broader: Skill) -> bool:
    return (
        skill.preferred_label_fr == concept.label_fr
        and skill.preferred_label_en == concept.label_en
        and skill.description_fr == concept.description_fr
        and skill.description_en == concept.description_en
        and not skill.is_obsolete
        and [other.pk for other in skill.broader_skills.all()] == [broader.pk]
        and not skill.broader_groups.all()
    )


def _write_synonyms(entries, report, errors) -> None:
    skills = {
        skill.uri: skill
        for skill in Skill.objects.filter(uri__in={entry.target_uri for entry in entries})
    }
    # Every synonym of the targeted skills, by (skill, folded label, language).
    rows: dict[tuple[int, str, str], SkillSynonym] = {}
    for synonym in SkillSynonym.objects.filter(skill__in=skills.values()):
        for lang in synonym.languages:
            rows[(synonym.skill_id, fold(synonym.label), lang)] = synonym
    claimed: set[int] = set()
    for entry in entries:
        skill = skills[entry.target_uri]
        matches = {
            rows[key]
            for lang in entry.languages
            if (key := (skill.pk, fold(entry.term), lang)) in rows
        }
        curators = [row for row in matches if row.origin == SkillSynonym.Origin.CURATOR]
        own = [row for row in matches if row.origin == SkillSynonym.Origin.VOCABULARY]
        dropped = synonym_dropped_words(label=entry.term, language=entry.language)
        if dropped:
            # The term is right; the extractor cannot read it yet (see the README).
            report.counts["synonyms.unreadable"] += 1
            report.warnings.append(
                f"{VOCABULARY_FILE}, line {entry.line}: not loaded, the extractor would read "
                f"“{entry.term}” without “{', '.join(dropped)}” and match more than it says."
            )
            continue
        if not entry.requires_context and _is_own_label(skill, entry):
            # Nothing to add: the label already matches. Expected for a local concept's main
            # name (the file declares both); for an ESCO skill, ESCO has caught up with us.
            report.counts["synonyms.already_a_label"] += 1
            if skill.origin == Skill.Origin.ESCO:
                report.warnings.append(
                    f"{VOCABULARY_FILE}, line {entry.line}: “{entry.term}” is already a label "
                    f"of {skill.uri}; the entry can go."
                )
            continue
        if curators:
            report.counts["synonyms.kept_curator"] += 1
            report.warnings.append(
                f"{VOCABULARY_FILE}, line {entry.line}: kept the curator's synonym "
                f"“{curators[0].label}” of {skill.uri} instead of this entry."
            )
            continue
        fields = {
            "skill": skill,
            "label": entry.term,
            "language": entry.language,
            "kind": entry.kind,
            "requires_context": entry.requires_context,
            "source": entry.source,
            "note": entry.note,
            "origin": SkillSynonym.Origin.VOCABULARY,
        }
        try:
            if not own:
                claimed.add(synonym_add(**fields).pk)
                report.counts["synonyms.created"] += 1
                continue
            synonym = own[0]
            claimed.add(synonym.pk)
            if _synonym_matches(synonym, entry):
                report.counts["synonyms.unchanged"] += 1
            else:
                synonym_update(synonym=synonym, **fields)
                report.counts["synonyms.updated"] += 1
        except ValidationError as error:
            errors.extend(_located(VOCABULARY_FILE, entry.line, error))
    stale = SkillSynonym.objects.filter(origin=SkillSynonym.Origin.VOCABULARY).exclude(
        pk__in=claimed
    )
    if not errors:
        report.counts["synonyms.deleted"] += stale.delete()[0]


def _is_own_label(skill: Skill, entry: VocabularyRow) -> bool:
    folded = fold(entry.term)
    return any(
        fold(label) == folded for lang, label in skill.all_labels() if lang in entry.languages
    )


def _synonym_matches(synonym: SkillSynonym, entry: VocabularyRow) -> bool:
    return (
        synonym.label == entry.term
        and synonym.language == entry.language
        and synonym.kind == entry.kind
        and synonym.requires_context == entry.requires_context
        and synonym.source == entry.source
        and synonym.note == entry.note
    )


def _located(filename: str, line: int, error: ValidationError) -> list[str]:
    return [f"{filename}, line {line}: {message}" for message in error.messages]
