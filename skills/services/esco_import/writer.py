"""Write a validated `EscoSnapshot`: diffs against the database, keyed on concept URIs.

Only what changed is written, in bulk: new and changed rows are upserted in batches
(`INSERT … ON CONFLICT DO UPDATE`, on SQLite and PostgreSQL alike) and rows whose only change is
their ESCO version are restamped by id (`UPDATE … WHERE id IN (…)`), so that a version upgrade,
which touches every concept and link, costs seconds; a second run over the same files writes
nothing. Concepts missing from the snapshot are marked obsolete, never deleted; links
(hierarchies, collections, occupation skills, job titles) are made equal to the snapshot's. The
caller holds the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import models
from django.db.models.fields.related_descriptors import ManyToManyDescriptor
from django.utils import timezone

from skills.models import (
    IscoGroup,
    Occupation,
    OccupationJobTitle,
    OccupationSkill,
    Skill,
    SkillCollection,
    SkillGroup,
    bilingual_labels,
    compute_search_text,
    uri_key,
)
from skills.services.esco_import.report import ImportReport, Progress
from skills.services.esco_import.validation import COLLECTIONS, EscoSnapshot

ROME_SOURCE = "rome-v4.60"
BATCH_SIZE = 2000
# Fields that say which release a concept is in; a row that differs only there is restamped.
STAMP_FIELDS = frozenset({"esco_version", "is_obsolete"})


def _sync_concepts(
    model: type[models.Model],
    rows: dict[str, dict],
    *,
    version: str,
    scope: models.QuerySet | None = None,
    extra: Callable[[str, dict], dict] | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Upsert `rows` (URI -> fields) into `model`; mark the rest of `scope` obsolete.

    Only new and changed rows are sent. Returns (outcome counts, URI -> primary key).
    """
    scope = scope if scope is not None else model.objects.all()
    fields = [*next(iter(rows.values()), {}).keys()]
    if extra:
        fields += list(extra("", next(iter(rows.values()), {})).keys())
    fields += ["esco_version", "is_obsolete"]
    existing = {row["uri"]: row for row in scope.values("id", "uri", *fields)}
    changed, restamped = [], []
    outcome = {"created": 0, "updated": 0, "unchanged": 0, "obsoleted": 0}
    for uri, values in rows.items():
        values = dict(values)
        if extra:
            values.update(extra(uri, values))
        values["esco_version"] = version
        values["is_obsolete"] = False
        current = existing.get(uri)
        if current is None:
            outcome["created"] += 1
        else:
            differing = {name for name in values if current[name] != values[name]}
            if not differing:
                outcome["unchanged"] += 1
                continue
            outcome["updated"] += 1
            if differing <= STAMP_FIELDS:
                restamped.append(current["id"])
                continue
        changed.append(model(uri=uri, **values))
    if hasattr(model, "key"):
        for instance in changed:
            instance.key = uri_key(instance.uri)  # used by new rows only: `key` is never updated
    # `updated_at` is what the extractor's index fingerprint watches for changed concepts.
    now = timezone.now()
    _upsert(model, changed, unique_fields=["uri"], update_fields=[*fields, "updated_at"])
    _update(model, restamped, esco_version=version, is_obsolete=False, updated_at=now)
    gone = [
        current["id"]
        for uri, current in existing.items()
        if uri not in rows and not current["is_obsolete"]
    ]
    _update(model, gone, is_obsolete=True, updated_at=now)
    outcome["obsoleted"] = len(gone)
    ids = (
        dict(scope.values_list("uri", "id"))
        if outcome["created"]
        else {uri: current["id"] for uri, current in existing.items()}
    )
    return outcome, ids


def _upsert(
    model: type[models.Model],
    objects: list[models.Model],
    *,
    unique_fields: list[str],
    update_fields: list[str],
) -> None:
    """Insert `objects`, updating `update_fields` of the rows they meet on `unique_fields`.

    One `INSERT … ON CONFLICT DO UPDATE` per batch. (`bulk_update` was the bottleneck of
    upgrades: its `CASE WHEN id = … THEN …` per column makes each batch cost rows × rows on
    SQLite.) Rows whose only change is their ESCO version go through `_update` instead, which
    sends ids rather than whole rows: that is almost every row of a version upgrade.
    """
    model.objects.bulk_create(
        objects,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )


def _update(model: type[models.Model], ids: list[int], **values) -> None:
    """Set the same `values` on the rows `ids`: one `UPDATE … WHERE id IN (…)` per batch."""
    for batch in _in_batches(ids):
        model.objects.filter(id__in=batch).update(**values)


def _delete(model: type[models.Model], ids: list[int]) -> None:
    for batch in _in_batches(ids):
        model.objects.filter(id__in=batch).delete()


def _in_batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _sync_links(
    relation: ManyToManyDescriptor, desired: set[tuple[int, int]], *, esco_skills_only: bool = False
) -> dict[str, int]:
    """Make the rows of a many-to-many `relation` equal to `desired` (pairs of primary keys).

    With `esco_skills_only`, links from local skills are left alone: curators made them.
    """
    field, through = relation.field, relation.through
    left, right = field.m2m_field_name(), field.m2m_reverse_field_name()
    scope = through.objects.all()
    if esco_skills_only and field.model is Skill:
        scope = scope.filter(**{f"{left}__origin": Skill.Origin.ESCO})
    existing = {(a, b): pk for pk, a, b in scope.values_list("id", f"{left}_id", f"{right}_id")}
    missing = [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in desired - existing.keys()]
    stale = [pk for pair, pk in existing.items() if pair not in desired]
    through.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    _delete(through, stale)
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

    # ISCO hierarchy is a plain foreign key; it changes rarely, so bulk_update's cost is small.
    current_broader = dict(IscoGroup.objects.values_list("id", "broader_id"))
    moved = [
        IscoGroup(id=isco_ids[narrower], broader_id=isco_ids.get(broader))
        for narrower, broader in snapshot.isco_broader.items()
        if narrower in isco_ids and current_broader.get(isco_ids[narrower]) != isco_ids.get(broader)
    ]
    IscoGroup.objects.bulk_update(moved, ["broader"], batch_size=BATCH_SIZE)
    report.add("isco_hierarchy", {"updated": len(moved)})

    ids_by_model = {SkillGroup: group_ids, Skill: skill_ids, Occupation: occupation_ids}
    hierarchies = {
        # report prefix: (relation, URI pairs)
        "skill_group_hierarchy": (SkillGroup.broader, snapshot.group_broader_groups),
        "skill_in_group": (Skill.broader_groups, snapshot.skill_broader_groups),
        "skill_hierarchy": (Skill.broader_skills, snapshot.skill_broader_skills),
        "occupation_hierarchy": (Occupation.broader_occupations, snapshot.occupation_broader),
    }
    for prefix, (relation, pairs) in hierarchies.items():
        left, right = relation.field.model, relation.field.related_model
        desired = _resolve_pairs(pairs, ids_by_model[left], ids_by_model[right])
        report.add(prefix, _sync_links(relation, desired, esco_skills_only=True))

    collection_ids = {}
    stored = {collection.slug: collection for collection in SkillCollection.objects.all()}
    for slug, (_stem, name_fr, name_en) in COLLECTIONS.items():
        collection = stored.get(slug) or SkillCollection(slug=slug)
        if (collection.name_fr, collection.name_en) != (name_fr, name_en):
            collection.name_fr, collection.name_en = name_fr, name_en
            collection.save()
        collection_ids[slug] = collection.id
    memberships = {
        (skill_ids[uri], collection_ids[slug])
        for slug, members in snapshot.collections.items()
        for uri in members
        if uri in skill_ids
    }
    report.add("collection_membership", _sync_links(Skill.collections, memberships))
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
    changed, restamped = [], []
    outcome = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    for (occupation_id, skill_id), relation in desired.items():
        current = existing.get((occupation_id, skill_id))
        if current is None:
            outcome["created"] += 1
        elif current[1:] == (relation, snapshot.version):
            outcome["unchanged"] += 1
            continue
        else:
            outcome["updated"] += 1
            if current[1] == relation:
                restamped.append(current[0])
                continue
        changed.append(
            OccupationSkill(
                occupation_id=occupation_id,
                skill_id=skill_id,
                relation=relation,
                esco_version=snapshot.version,
            )
        )
    _upsert(
        OccupationSkill,
        changed,
        unique_fields=["occupation", "skill"],
        update_fields=["relation", "esco_version"],
    )
    _update(OccupationSkill, restamped, esco_version=snapshot.version)
    stale = [current[0] for pair, current in existing.items() if pair not in desired]
    _delete(OccupationSkill, stale)
    outcome["deleted"] = len(stale)
    return outcome


def _sync_job_titles(snapshot: EscoSnapshot, occupation_ids: dict[str, int]) -> dict[str, int]:
    compared = ("label", "rome_code", "mapping_relation")
    existing = {
        (row["occupation_id"], row["external_code"]): row
        for row in OccupationJobTitle.objects.filter(source=ROME_SOURCE).values(
            "id", "occupation_id", "external_code", *compared
        )
    }
    changed, desired = [], set()
    outcome = {"created": 0, "updated": 0, "deleted": 0}
    for title in snapshot.job_titles:
        key = (occupation_ids[title["occupation"]], title["external_code"])
        desired.add(key)
        current = existing.get(key)
        if current is None:
            outcome["created"] += 1
        elif any(current[name] != title[name] for name in compared):
            outcome["updated"] += 1
        else:
            continue
        changed.append(
            OccupationJobTitle(
                occupation_id=key[0],
                external_code=key[1],
                source=ROME_SOURCE,
                language="fr",
                **{name: title[name] for name in compared},
            )
        )
    _upsert(
        OccupationJobTitle,
        changed,
        unique_fields=["occupation", "source", "external_code"],
        update_fields=list(compared),
    )
    stale = [row["id"] for key, row in existing.items() if key not in desired]
    _delete(OccupationJobTitle, stale)
    outcome["deleted"] = len(stale)
    return outcome


def _summary(outcome: dict[str, int]) -> str:
    return ", ".join(f"{value} {key}" for key, value in outcome.items())
