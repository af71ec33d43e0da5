"""Turn the rows of one ESCO release into a validated `EscoSnapshot`, keyed on URI.

Every row is checked (URIs, concept types, skill types, reuse levels, relations) before anything
is written: the first problem raises `EscoImportError` naming the file and the line. Links to
concepts missing from the release are skipped with a warning (ESCO v1.1 has one known gap).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from skills.importing.esco_reader import EscoImportError, find_source, read_rows
from skills.models import OccupationSkill, Skill, uri_key
from skills.services.esco_import.report import Progress

KNOWN_DANGLING_OCCUPATIONS = {
    # Present in v1.1.1 relations but absent from the v1.1 occupation exports (see data README).
    "http://data.europa.eu/esco/occupation/a9e54177-a185-404d-b6e6-15663d31137e",
}
COLLECTIONS = {
    # slug: (file stem, French name, English name)
    "digital": ("digitalSkillsCollection_fr", "Compétences numériques", "Digital skills"),
    "digcomp": ("digCompSkillsCollection_fr", "DigComp", "DigComp"),
    "transversal": (
        "transversalSkillsCollection_fr",
        "Compétences transversales",
        "Transversal skills",
    ),
    "green": ("greenSkillsCollection_fr", "Compétences vertes", "Green skills"),
    "language": ("languageSkillsCollection_fr", "Compétences linguistiques", "Language skills"),
    "research": ("researchSkillsCollection_fr", "Compétences de recherche", "Research skills"),
}


def require_uri(path: Path, line: int, value: str, column: str) -> str:
    value = value.strip()
    if not value.startswith(("http://", "https://")):
        raise EscoImportError(path, f"{column} is not a URI: {value[:80]!r}", line=line)
    return value


def split_labels(value: str) -> list[str]:
    """Official exports separate labels with newlines, derived files with `|`."""
    separators = "\n" if "\n" in value else "|"
    labels: dict[str, None] = {}
    for label in value.split(separators):
        label = label.strip()
        if label:
            labels.setdefault(label, None)
    return list(labels)


@dataclass
class EscoSnapshot:
    """Everything read from one ESCO release, validated, keyed on URI."""

    version: str
    skills: dict[str, dict] = field(default_factory=dict)
    skill_groups: dict[str, dict] = field(default_factory=dict)
    isco_groups: dict[str, dict] = field(default_factory=dict)
    occupations: dict[str, dict] = field(default_factory=dict)
    skill_broader_groups: set[tuple[str, str]] = field(default_factory=set)
    skill_broader_skills: set[tuple[str, str]] = field(default_factory=set)
    group_broader_groups: set[tuple[str, str]] = field(default_factory=set)
    isco_broader: dict[str, str] = field(default_factory=dict)
    occupation_isco: dict[str, str] = field(default_factory=dict)
    occupation_broader: set[tuple[str, str]] = field(default_factory=set)
    collections: dict[str, set[str]] = field(default_factory=dict)
    occupation_skills: dict[tuple[str, str], str] = field(default_factory=dict)
    job_titles: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_snapshot(folder: Path, *, version: str, progress: Progress) -> EscoSnapshot:
    """Every file of the release in `folder` (and the ROME folder beside it), validated.

    Raises `EscoImportError` at the first missing file or invalid row.
    """
    snapshot = EscoSnapshot(version=version)
    _load_skills(folder, snapshot)
    progress(f"skills read: {len(snapshot.skills)}")
    _load_groups(folder, snapshot)
    progress(
        f"skill groups read: {len(snapshot.skill_groups)}, "
        f"ISCO groups read: {len(snapshot.isco_groups)}"
    )
    _load_occupations(folder, snapshot)
    progress(f"occupations read: {len(snapshot.occupations)}")
    _load_hierarchies(folder, snapshot)
    _load_collections(folder, snapshot)
    progress("hierarchies and collections read")
    _load_occupation_skills(folder, snapshot)
    progress(f"occupation-skill links read: {len(snapshot.occupation_skills)}")
    _load_job_titles(folder.parent / "rome", snapshot)
    progress(f"French job titles read: {len(snapshot.job_titles)}")
    return snapshot


def _load_skills(folder: Path, snapshot: EscoSnapshot) -> None:
    path = find_source(folder, "skills_fr_en_merged")
    columns = [
        "conceptUri",
        "skillType",
        "reuseLevel",
        "preferredLabel_fr",
        "altLabels_fr",
        "description_fr",
        "fr_source",
        "preferredLabel_en",
        "altLabels_en",
        "description_en",
    ]
    skill_types = {choice.value for choice in Skill.SkillType}
    reuse_levels = {choice.value for choice in Skill.ReuseLevel}
    for line, row in read_rows(path, columns):
        uri = require_uri(path, line, row["conceptUri"], "conceptUri")
        label_fr, label_en = row["preferredLabel_fr"].strip(), row["preferredLabel_en"].strip()
        if not (label_fr or label_en):
            raise EscoImportError(path, "skill without any preferred label", line=line)
        skill_type = row["skillType"].strip()
        if skill_type not in skill_types:
            raise EscoImportError(path, f"unknown skillType {skill_type!r}", line=line)
        reuse_level = row["reuseLevel"].strip()
        if reuse_level not in reuse_levels:
            raise EscoImportError(path, f"unknown reuseLevel {reuse_level!r}", line=line)
        snapshot.skills[uri] = {
            "preferred_label_fr": label_fr,
            "preferred_label_en": label_en,
            "alt_labels_fr": [a for a in split_labels(row["altLabels_fr"]) if a != label_fr],
            "alt_labels_en": [a for a in split_labels(row["altLabels_en"]) if a != label_en],
            "description_fr": row["description_fr"].strip(),
            "description_en": row["description_en"].strip(),
            "skill_type": skill_type,
            "reuse_level": reuse_level,
            "fr_label_source": row["fr_source"].strip(),
        }


def _load_bilingual(
    folder: Path, stem: str, columns: list[str], build: Callable[[int, dict, dict], dict]
) -> dict[str, dict]:
    """Read the French and English files of one concept type and merge them by URI."""
    rows: dict[str, dict] = {}
    english: dict[str, dict] = {}
    path_en = find_source(folder, f"{stem}_en")
    for line, row in read_rows(path_en, columns):
        english[require_uri(path_en, line, row["conceptUri"], "conceptUri")] = row
    path_fr = find_source(folder, f"{stem}_fr")
    seen_fr = set()
    for line, row in read_rows(path_fr, columns):
        uri = require_uri(path_fr, line, row["conceptUri"], "conceptUri")
        seen_fr.add(uri)
        rows[uri] = build(line, row, english.get(uri, {}))
    for uri, row_en in english.items():
        if uri not in seen_fr:
            rows[uri] = build(0, {}, row_en)
    return rows


def _load_groups(folder: Path, snapshot: EscoSnapshot) -> None:
    def skill_group(_line, fr, en):
        return {
            "code": (fr.get("code") or en.get("code") or "").strip(),
            "preferred_label_fr": (fr.get("preferredLabel") or "").strip(),
            "preferred_label_en": (en.get("preferredLabel") or "").strip(),
            "description_fr": (fr.get("description") or "").strip(),
            "description_en": (en.get("description") or "").strip(),
        }

    snapshot.skill_groups = _load_bilingual(
        folder, "skillGroups", ["conceptUri", "preferredLabel", "code"], skill_group
    )
    snapshot.isco_groups = _load_bilingual(
        folder, "ISCOGroups", ["conceptUri", "preferredLabel", "code"], skill_group
    )


def _load_occupations(folder: Path, snapshot: EscoSnapshot) -> None:
    def occupation(_line, fr, en):
        label_fr = (fr.get("preferredLabel") or "").strip()
        label_en = (en.get("preferredLabel") or "").strip()
        return {
            "code": (fr.get("code") or en.get("code") or "").strip(),
            "isco_code": (fr.get("iscoGroup") or en.get("iscoGroup") or "").strip(),
            "preferred_label_fr": label_fr,
            "preferred_label_en": label_en,
            "alt_labels_fr": [a for a in split_labels(fr.get("altLabels") or "") if a != label_fr],
            "alt_labels_en": [a for a in split_labels(en.get("altLabels") or "") if a != label_en],
            "description_fr": (fr.get("description") or "").strip(),
            "description_en": (en.get("description") or "").strip(),
            "regulated_profession_note": uri_key(
                fr.get("regulatedProfessionNote") or en.get("regulatedProfessionNote") or ""
            ),
        }

    snapshot.occupations = _load_bilingual(
        folder,
        "occupations",
        ["conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"],
        occupation,
    )


def _load_hierarchies(folder: Path, snapshot: EscoSnapshot) -> None:
    columns = ["conceptType", "conceptUri", "broaderType", "broaderUri"]
    pillars = {
        # file stem: {(narrower type, broader type): where the (narrower, broader) pair goes}
        "broaderRelationsSkillPillar": {
            ("KnowledgeSkillCompetence", "SkillGroup"): snapshot.skill_broader_groups,
            ("KnowledgeSkillCompetence", "KnowledgeSkillCompetence"): snapshot.skill_broader_skills,
            ("SkillGroup", "SkillGroup"): snapshot.group_broader_groups,
        },
        "broaderRelationsOccPillar": {
            ("ISCOGroup", "ISCOGroup"): snapshot.isco_broader,
            ("Occupation", "ISCOGroup"): snapshot.occupation_isco,
            ("Occupation", "Occupation"): snapshot.occupation_broader,
        },
    }
    for stem, targets in pillars.items():
        path = find_source(folder, stem)
        for line, row in read_rows(path, columns):
            narrower = require_uri(path, line, row["conceptUri"], "conceptUri")
            broader = require_uri(path, line, row["broaderUri"], "broaderUri")
            kinds = (row["conceptType"].strip(), row["broaderType"].strip())
            if kinds not in targets:
                raise EscoImportError(path, f"unexpected concept types {kinds}", line=line)
            # A set gains the pair; a dict maps narrower to broader (a single parent).
            targets[kinds].update([(narrower, broader)])


def _load_collections(folder: Path, snapshot: EscoSnapshot) -> None:
    for slug, (stem, _fr, _en) in COLLECTIONS.items():
        path = find_source(folder, stem, required=False)
        if path is None:
            continue
        members = snapshot.collections.setdefault(slug, set())
        for line, row in read_rows(path, ["conceptUri"]):
            members.add(require_uri(path, line, row["conceptUri"], "conceptUri"))


def _load_occupation_skills(folder: Path, snapshot: EscoSnapshot) -> None:
    path = find_source(folder, "occupationSkillRelations")
    relations = {choice.value for choice in OccupationSkill.Relation}
    dangling: dict[str, int] = defaultdict(int)
    for line, row in read_rows(path, ["occupationUri", "relationType", "skillUri"]):
        occupation = require_uri(path, line, row["occupationUri"], "occupationUri")
        skill = require_uri(path, line, row["skillUri"], "skillUri")
        relation = row["relationType"].strip()
        if relation not in relations:
            raise EscoImportError(path, f"unknown relationType {relation!r}", line=line)
        if occupation not in snapshot.occupations:
            dangling[occupation] += 1
            continue
        if skill not in snapshot.skills:
            dangling[skill] += 1
            continue
        snapshot.occupation_skills[(occupation, skill)] = relation
    for uri, count in sorted(dangling.items()):
        known = " (known gap of ESCO v1.1)" if uri in KNOWN_DANGLING_OCCUPATIONS else ""
        snapshot.warnings.append(
            f"{path.name}: {count} link(s) skipped, {uri} is not in the taxonomy{known}"
        )


def _load_job_titles(folder: Path, snapshot: EscoSnapshot) -> None:
    crosswalk = find_source(folder, "rome_esco_occupation_crosswalk_v1.4", required=False)
    appellations = find_source(folder, "unix_referentiel_appellation_v460_utf8", required=False)
    if crosswalk is None or appellations is None:
        return
    rome_code_of: dict[str, str] = {}
    for _line, row in read_rows(appellations, ["code_ogr", "code_rome"]):
        rome_code_of[row["code_ogr"].strip()] = row["code_rome"].strip()
    seen = set()
    for line, row in read_rows(
        crosswalk,
        [
            "classification 1 ID",
            "classification 2 ID",
            "classification 2 prefered label",
            "mapping relation",
        ],
        header_prefix="classification 1 ID",
    ):
        occupation = require_uri(crosswalk, line, row["classification 1 ID"], "classification 1 ID")
        code = row["classification 2 ID"].strip()
        label = row["classification 2 prefered label"].strip()
        if occupation not in snapshot.occupations or not label or (occupation, code) in seen:
            continue
        seen.add((occupation, code))
        snapshot.job_titles.append(
            {
                "occupation": occupation,
                "label": label[:255],
                "external_code": code,
                "rome_code": rome_code_of.get(code, ""),
                "mapping_relation": row["mapping relation"].strip(),
            }
        )
