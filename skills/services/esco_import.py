"""Import the vendored ESCO files into the taxonomy models.

Two phases, so that bad input loses nothing: every file is read and validated first (a
malformed or truncated row stops the import with the file name and line number), then
everything is written inside one transaction. Writes are diffs against what the database
holds, keyed on concept URIs, so a second run over the same files changes nothing and
reports zero changes. Concepts missing from the files are marked obsolete, never deleted.
"""

from __future__ import annotations

import csv
import gzip
import io
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from skills.models import (
    IscoGroup,
    Occupation,
    OccupationJobTitle,
    OccupationSkill,
    Skill,
    SkillCollection,
    SkillGroup,
    TaxonomyImport,
    bilingual_labels,
    compute_search_text,
    uri_key,
)

ROME_SOURCE = "rome-v4.60"
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
BATCH_SIZE = 2000

Progress = Callable[[str], None]


class EscoImportError(Exception):
    """A source file is missing, malformed or truncated. Nothing has been written."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        where = f"{Path(path).name}, line {line}" if line else Path(path).name
        super().__init__(f"{where}: {message}")


@dataclass
class ImportReport:
    esco_version: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changes(self) -> int:
        """Rows created, updated, obsoleted, linked or unlinked: zero on a repeated run."""
        return sum(
            value
            for key, value in self.counts.items()
            if key.rsplit(".", 1)[-1] in {"created", "updated", "obsoleted", "deleted"}
        )

    def add(self, prefix: str, outcome: dict[str, int]) -> None:
        for key, value in outcome.items():
            self.counts[f"{prefix}.{key}"] += value


# --------------------------------------------------------------------------- reading


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def find_source(folder: Path, stem: str, *, required: bool = True) -> Path | None:
    for candidate in (folder / f"{stem}.csv.gz", folder / f"{stem}.csv"):
        if candidate.exists():
            return candidate
    if required:
        raise EscoImportError(folder / f"{stem}.csv.gz", "file not found")
    return None


def read_csv(
    path: Path, required_columns: Iterable[str], *, skip_until: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) and fail with file and line on anything malformed.

    `skip_until` skips preamble lines until a header starting with that text (the ROME
    crosswalk opens with metadata lines).
    """
    line = 0
    try:
        with _open_text(path) as handle:
            if skip_until:
                for offset, raw in enumerate(handle, start=1):  # noqa: B007 - used below
                    if raw.startswith(skip_until):
                        break
                else:
                    raise EscoImportError(path, f"no header line starting with {skip_until!r}")
                header_text = raw
                reader = csv.reader(handle, strict=True)
                header = next(csv.reader([header_text]))
            else:
                offset = 0
                reader = csv.reader(handle, strict=True)
                header = next(reader, None)
                if header is None:
                    raise EscoImportError(path, "the file is empty", line=1)
            header = [name.strip() for name in header]
            missing = [name for name in required_columns if name not in header]
            if missing:
                raise EscoImportError(
                    path, f"missing column(s): {', '.join(missing)}", line=offset + 1
                )
            width = len(header)
            for values in reader:
                line = reader.line_num + offset
                if not values or values == [""]:
                    continue
                if len(values) != width:
                    raise EscoImportError(
                        path,
                        f"expected {width} fields, found {len(values)} "
                        "(truncated or malformed row)",
                        line=line,
                    )
                yield line, dict(zip(header, values, strict=True))
    except csv.Error as exc:
        raise EscoImportError(path, f"malformed CSV ({exc})", line=line + 1) from exc
    except (EOFError, gzip.BadGzipFile, OSError) as exc:
        raise EscoImportError(path, f"cannot read the file ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise EscoImportError(path, f"not valid UTF-8 ({exc.reason})") from exc


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


def read_snapshot(folder: Path, *, version: str, progress: Progress) -> EscoSnapshot:
    snapshot = EscoSnapshot(version=version)
    _read_skills(folder, snapshot)
    progress(f"skills read: {len(snapshot.skills)}")
    _read_groups(folder, snapshot)
    progress(
        f"skill groups read: {len(snapshot.skill_groups)}, "
        f"ISCO groups read: {len(snapshot.isco_groups)}"
    )
    _read_occupations(folder, snapshot)
    progress(f"occupations read: {len(snapshot.occupations)}")
    _read_hierarchies(folder, snapshot)
    _read_collections(folder, snapshot)
    progress("hierarchies and collections read")
    _read_occupation_skills(folder, snapshot)
    progress(f"occupation-skill links read: {len(snapshot.occupation_skills)}")
    _read_job_titles(folder.parent / "rome", snapshot)
    progress(f"French job titles read: {len(snapshot.job_titles)}")
    return snapshot


def _read_skills(folder: Path, snapshot: EscoSnapshot) -> None:
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
    for line, row in read_csv(path, columns):
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


def _read_bilingual(
    folder: Path, stem: str, columns: list[str], build: Callable[[int, dict, dict], dict]
) -> dict[str, dict]:
    """Read the French and English files of one concept type and merge them by URI."""
    rows: dict[str, dict] = {}
    english: dict[str, dict] = {}
    path_en = find_source(folder, f"{stem}_en")
    for line, row in read_csv(path_en, columns):
        english[require_uri(path_en, line, row["conceptUri"], "conceptUri")] = row
    path_fr = find_source(folder, f"{stem}_fr")
    seen_fr = set()
    for line, row in read_csv(path_fr, columns):
        uri = require_uri(path_fr, line, row["conceptUri"], "conceptUri")
        seen_fr.add(uri)
        rows[uri] = build(line, row, english.get(uri, {}))
    for uri, row_en in english.items():
        if uri not in seen_fr:
            rows[uri] = build(0, {}, row_en)
    return rows


def _read_groups(folder: Path, snapshot: EscoSnapshot) -> None:
    def skill_group(_line, fr, en):
        return {
            "code": (fr.get("code") or en.get("code") or "").strip(),
            "preferred_label_fr": (fr.get("preferredLabel") or "").strip(),
            "preferred_label_en": (en.get("preferredLabel") or "").strip(),
            "description_fr": (fr.get("description") or "").strip(),
            "description_en": (en.get("description") or "").strip(),
        }

    snapshot.skill_groups = _read_bilingual(
        folder, "skillGroups", ["conceptUri", "preferredLabel", "code"], skill_group
    )
    snapshot.isco_groups = _read_bilingual(
        folder, "ISCOGroups", ["conceptUri", "preferredLabel", "code"], skill_group
    )


def _read_occupations(folder: Path, snapshot: EscoSnapshot) -> None:
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

    snapshot.occupations = _read_bilingual(
        folder,
        "occupations",
        ["conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"],
        occupation,
    )


def _read_hierarchies(folder: Path, snapshot: EscoSnapshot) -> None:
    columns = ["conceptType", "conceptUri", "broaderType", "broaderUri"]
    path = find_source(folder, "broaderRelationsSkillPillar")
    for line, row in read_csv(path, columns):
        narrower = require_uri(path, line, row["conceptUri"], "conceptUri")
        broader = require_uri(path, line, row["broaderUri"], "broaderUri")
        kinds = (row["conceptType"].strip(), row["broaderType"].strip())
        if kinds == ("KnowledgeSkillCompetence", "SkillGroup"):
            snapshot.skill_broader_groups.add((narrower, broader))
        elif kinds == ("KnowledgeSkillCompetence", "KnowledgeSkillCompetence"):
            snapshot.skill_broader_skills.add((narrower, broader))
        elif kinds == ("SkillGroup", "SkillGroup"):
            snapshot.group_broader_groups.add((narrower, broader))
        else:
            raise EscoImportError(path, f"unexpected concept types {kinds}", line=line)
    path = find_source(folder, "broaderRelationsOccPillar")
    for line, row in read_csv(path, columns):
        narrower = require_uri(path, line, row["conceptUri"], "conceptUri")
        broader = require_uri(path, line, row["broaderUri"], "broaderUri")
        kinds = (row["conceptType"].strip(), row["broaderType"].strip())
        if kinds == ("ISCOGroup", "ISCOGroup"):
            snapshot.isco_broader[narrower] = broader
        elif kinds == ("Occupation", "ISCOGroup"):
            snapshot.occupation_isco[narrower] = broader
        elif kinds == ("Occupation", "Occupation"):
            snapshot.occupation_broader.add((narrower, broader))
        else:
            raise EscoImportError(path, f"unexpected concept types {kinds}", line=line)


def _read_collections(folder: Path, snapshot: EscoSnapshot) -> None:
    for slug, (stem, _fr, _en) in COLLECTIONS.items():
        path = find_source(folder, stem, required=False)
        if path is None:
            continue
        members = snapshot.collections.setdefault(slug, set())
        for line, row in read_csv(path, ["conceptUri"]):
            members.add(require_uri(path, line, row["conceptUri"], "conceptUri"))


def _read_occupation_skills(folder: Path, snapshot: EscoSnapshot) -> None:
    path = find_source(folder, "occupationSkillRelations")
    relations = {choice.value for choice in OccupationSkill.Relation}
    dangling: dict[str, int] = defaultdict(int)
    for line, row in read_csv(path, ["occupationUri", "relationType", "skillUri"]):
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


def _read_job_titles(folder: Path, snapshot: EscoSnapshot) -> None:
    crosswalk = find_source(folder, "rome_esco_occupation_crosswalk_v1.4", required=False)
    appellations = find_source(folder, "unix_referentiel_appellation_v460_utf8", required=False)
    if crosswalk is None or appellations is None:
        return
    rome_code_of: dict[str, str] = {}
    for _line, row in read_csv(appellations, ["code_ogr", "code_rome"]):
        rome_code_of[row["code_ogr"].strip()] = row["code_rome"].strip()
    seen = set()
    for line, row in read_csv(
        crosswalk,
        [
            "classification 1 ID",
            "classification 2 ID",
            "classification 2 prefered label",
            "mapping relation",
        ],
        skip_until="classification 1 ID",
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


# --------------------------------------------------------------------------- writing


def _sync_concepts(
    model: type[models.Model],
    rows: dict[str, dict],
    *,
    version: str,
    scope: models.QuerySet | None = None,
    extra: Callable[[str, dict], dict] | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Upsert `rows` (URI -> fields) into `model`; mark the rest of `scope` obsolete.

    Returns (outcome counts, URI -> primary key).
    """
    scope = scope if scope is not None else model.objects.all()
    fields = [*next(iter(rows.values()), {}).keys()]
    if extra:
        fields += list(extra("", next(iter(rows.values()), {})).keys())
    fields += ["esco_version", "is_obsolete"]
    existing = {row["uri"]: row for row in scope.values("id", "uri", *fields)}
    to_create, to_update = [], []
    outcome = {"created": 0, "updated": 0, "unchanged": 0, "obsoleted": 0}
    for uri, values in rows.items():
        values = dict(values)
        if extra:
            values.update(extra(uri, values))
        values["esco_version"] = version
        values["is_obsolete"] = False
        current = existing.get(uri)
        if current is None:
            to_create.append(model(uri=uri, **values))
        elif any(current[name] != values[name] for name in values):
            to_update.append(model(id=current["id"], uri=uri, **values))
        else:
            outcome["unchanged"] += 1
    if hasattr(model, "key"):
        for instance in to_create:
            instance.key = uri_key(instance.uri)
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    model.objects.bulk_update(to_update, fields, batch_size=500)
    outcome["created"], outcome["updated"] = len(to_create), len(to_update)
    gone = [
        current["id"]
        for uri, current in existing.items()
        if uri not in rows and not current["is_obsolete"]
    ]
    for start in range(0, len(gone), BATCH_SIZE):
        model.objects.filter(id__in=gone[start : start + BATCH_SIZE]).update(is_obsolete=True)
    outcome["obsoleted"] = len(gone)
    ids = (
        dict(scope.values_list("uri", "id"))
        if to_create
        else {uri: current["id"] for uri, current in existing.items()}
    )
    return outcome, ids


def _sync_links(
    through: type[models.Model],
    left: str,
    right: str,
    desired: set[tuple[int, int]],
    *,
    scope: models.QuerySet | None = None,
) -> dict[str, int]:
    """Make the rows of an M2M `through` table (restricted to `scope`) equal to `desired`."""
    scope = scope if scope is not None else through.objects.all()
    existing = {(a, b): pk for pk, a, b in scope.values_list("id", f"{left}_id", f"{right}_id")}
    missing = [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in desired - existing.keys()]
    stale = [pk for pair, pk in existing.items() if pair not in desired]
    through.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    for start in range(0, len(stale), BATCH_SIZE):
        through.objects.filter(id__in=stale[start : start + BATCH_SIZE]).delete()
    return {"created": len(missing), "deleted": len(stale)}


def _resolve_pairs(
    pairs: Iterable[tuple[str, str]], left_ids: dict[str, int], right_ids: dict[str, int]
) -> set[tuple[int, int]]:
    return {(left_ids[a], right_ids[b]) for a, b in pairs if a in left_ids and b in right_ids}


def write_snapshot(snapshot: EscoSnapshot, *, report: ImportReport, progress: Progress) -> None:
    version = snapshot.version
    # Concept tables first, links after: links need the primary keys.
    outcome, isco_ids = _sync_concepts(IscoGroup, snapshot.isco_groups, version=version)
    report.add("isco_groups", outcome)
    outcome, group_ids = _sync_concepts(SkillGroup, snapshot.skill_groups, version=version)
    report.add("skill_groups", outcome)

    def skill_search_text(_uri: str, values: dict) -> dict:
        return {"search_text": compute_search_text(label for _, label in bilingual_labels(values))}

    outcome, skill_ids = _sync_concepts(
        Skill,
        snapshot.skills,
        version=version,
        scope=Skill.objects.filter(origin=Skill.Origin.ESCO),
        extra=skill_search_text,
    )
    report.add("skills", outcome)
    progress(f"skills written: {_summary(outcome)}")

    titles_by_occupation: dict[str, list[str]] = defaultdict(list)
    for title in snapshot.job_titles:
        titles_by_occupation[title["occupation"]].append(title["label"])

    def occupation_fields(uri: str, values: dict) -> dict:
        labels = [label for _, label in bilingual_labels(values)]
        return {
            "isco_group_id": isco_ids.get(snapshot.occupation_isco.get(uri, "")),
            "search_text": compute_search_text(labels + titles_by_occupation.get(uri, [])),
        }

    occupation_rows = {
        uri: {key: value for key, value in row.items() if key != "isco_code"}
        for uri, row in snapshot.occupations.items()
    }
    outcome, occupation_ids = _sync_concepts(
        Occupation, occupation_rows, version=version, extra=occupation_fields
    )
    report.add("occupations", outcome)
    progress(f"occupations written: {_summary(outcome)}")

    # ISCO hierarchy is a plain foreign key.
    updated = 0
    current_broader = dict(IscoGroup.objects.values_list("id", "broader_id"))
    for narrower, broader in snapshot.isco_broader.items():
        narrower_id, broader_id = isco_ids.get(narrower), isco_ids.get(broader)
        if narrower_id and current_broader.get(narrower_id) != broader_id:
            IscoGroup.objects.filter(id=narrower_id).update(broader_id=broader_id)
            updated += 1
    report.add("isco_hierarchy", {"updated": updated})

    report.add(
        "skill_group_hierarchy",
        _sync_links(
            SkillGroup.broader.through,
            "from_skillgroup",
            "to_skillgroup",
            _resolve_pairs(snapshot.group_broader_groups, group_ids, group_ids),
        ),
    )
    report.add(
        "skill_in_group",
        _sync_links(
            Skill.broader_groups.through,
            "skill",
            "skillgroup",
            _resolve_pairs(snapshot.skill_broader_groups, skill_ids, group_ids),
            scope=Skill.broader_groups.through.objects.filter(skill__origin=Skill.Origin.ESCO),
        ),
    )
    report.add(
        "skill_hierarchy",
        _sync_links(
            Skill.broader_skills.through,
            "from_skill",
            "to_skill",
            _resolve_pairs(snapshot.skill_broader_skills, skill_ids, skill_ids),
            scope=Skill.broader_skills.through.objects.filter(from_skill__origin=Skill.Origin.ESCO),
        ),
    )
    report.add(
        "occupation_hierarchy",
        _sync_links(
            Occupation.broader_occupations.through,
            "from_occupation",
            "to_occupation",
            _resolve_pairs(snapshot.occupation_broader, occupation_ids, occupation_ids),
        ),
    )

    collection_ids = {}
    for slug, (_stem, name_fr, name_en) in COLLECTIONS.items():
        collection, _created = SkillCollection.objects.update_or_create(
            slug=slug, defaults={"name_fr": name_fr, "name_en": name_en}
        )
        collection_ids[slug] = collection.id
    memberships = {
        (skill_ids[uri], collection_ids[slug])
        for slug, members in snapshot.collections.items()
        for uri in members
        if uri in skill_ids
    }
    report.add(
        "collection_membership",
        _sync_links(Skill.collections.through, "skill", "skillcollection", memberships),
    )
    progress("hierarchies and collections written")

    report.add("occupation_skills", _sync_occupation_skills(snapshot, occupation_ids, skill_ids))
    progress("occupation-skill links written")
    report.add("job_titles", _sync_job_titles(snapshot, occupation_ids))


def _sync_occupation_skills(
    snapshot: EscoSnapshot, occupation_ids: dict[str, int], skill_ids: dict[str, int]
) -> dict[str, int]:
    desired = {
        (occupation_ids[occupation], skill_ids[skill]): relation
        for (occupation, skill), relation in snapshot.occupation_skills.items()
    }
    existing = {
        (occupation_id, skill_id): (pk, relation, version)
        for pk, occupation_id, skill_id, relation, version in OccupationSkill.objects.values_list(
            "id", "occupation_id", "skill_id", "relation", "esco_version"
        )
    }
    to_create, to_update = [], []
    for pair, relation in desired.items():
        current = existing.get(pair)
        if current is None:
            to_create.append(
                OccupationSkill(
                    occupation_id=pair[0],
                    skill_id=pair[1],
                    relation=relation,
                    esco_version=snapshot.version,
                )
            )
        elif current[1:] != (relation, snapshot.version):
            to_update.append(
                OccupationSkill(id=current[0], relation=relation, esco_version=snapshot.version)
            )
    stale = [current[0] for pair, current in existing.items() if pair not in desired]
    OccupationSkill.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    OccupationSkill.objects.bulk_update(to_update, ["relation", "esco_version"], batch_size=500)
    for start in range(0, len(stale), BATCH_SIZE):
        OccupationSkill.objects.filter(id__in=stale[start : start + BATCH_SIZE]).delete()
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "deleted": len(stale),
        "unchanged": len(desired) - len(to_create) - len(to_update),
    }


def _sync_job_titles(snapshot: EscoSnapshot, occupation_ids: dict[str, int]) -> dict[str, int]:
    existing = {
        (row["occupation_id"], row["external_code"]): row
        for row in OccupationJobTitle.objects.filter(source=ROME_SOURCE).values(
            "id", "occupation_id", "external_code", "label", "rome_code", "mapping_relation"
        )
    }
    to_create, to_update, desired = [], [], set()
    for title in snapshot.job_titles:
        key = (occupation_ids[title["occupation"]], title["external_code"])
        desired.add(key)
        values = {
            "label": title["label"],
            "rome_code": title["rome_code"],
            "mapping_relation": title["mapping_relation"],
        }
        current = existing.get(key)
        if current is None:
            to_create.append(
                OccupationJobTitle(
                    occupation_id=key[0],
                    external_code=key[1],
                    source=ROME_SOURCE,
                    language="fr",
                    **values,
                )
            )
        elif any(current[name] != value for name, value in values.items()):
            to_update.append(OccupationJobTitle(id=current["id"], **values))
    stale = [row["id"] for key, row in existing.items() if key not in desired]
    OccupationJobTitle.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    OccupationJobTitle.objects.bulk_update(to_update, list(values), batch_size=500)
    OccupationJobTitle.objects.filter(id__in=stale).delete()
    return {"created": len(to_create), "updated": len(to_update), "deleted": len(stale)}


def _summary(outcome: dict[str, int]) -> str:
    return ", ".join(f"{value} {key}" for key, value in outcome.items())


# --------------------------------------------------------------------------- entry point


def skill_import_esco(
    *, source: Path, version: str, progress: Progress | None = None
) -> ImportReport:
    """Read and validate every ESCO file under `source`, then write the diff atomically.

    Raises `EscoImportError` (naming file and line) before writing anything if a file is
    missing, malformed or truncated. Idempotent: a second run reports `changes == 0`.
    """
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            progress(f"[{time.perf_counter() - started:6.1f}s] {message}")

    snapshot = read_snapshot(Path(source), version=version, progress=say)
    report = ImportReport(esco_version=version, warnings=list(snapshot.warnings))
    with transaction.atomic():
        write_snapshot(snapshot, report=report, progress=say)
        report.seconds = time.perf_counter() - started
        TaxonomyImport.objects.create(
            esco_version=version,
            source=str(source),
            finished_at=timezone.now(),
            counts=dict(report.counts),
            warnings=report.warnings,
        )
    return report
