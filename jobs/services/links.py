"""Skill and occupation links of postings, written from the extractor's analyses.

Feeds (`posting_ingest`) and the employer portal (`posting_parse`) both write them through
`posting_links_relink`, which follows the rule every text follows when it is read again
(`skills.links.relink`): confirmed and rejected links survive untouched, suggestions are
replaced by the new analysis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

from django.db import connections, models, router

from jobs.ingestion.prepare import Analysis
from jobs.models import PostingOccupation, PostingSkill
from skills.links import LinkStatus, relink

SKILL_LINK_FIELDS = (
    "posting_id", "skill_id", "status", "score", "method", "spans", "esco_version",
)  # fmt: skip
OCCUPATION_LINK_FIELDS = (
    "posting_id", "occupation_id", "status", "score", "method", "spans", "esco_version", "rank",
)  # fmt: skip
SUGGESTED = LinkStatus.SUGGESTED.value


class ConceptRef(NamedTuple):
    id: int
    esco_version: str


def concept_refs(model, *, uris: Iterable[str]) -> dict[str, ConceptRef]:
    """URI → (id, ESCO version) of the concepts of `model` (`Skill` or `Occupation`) among
    `uris` (unknown URIs are left out)."""
    concepts = model.objects.filter(uri__in=list(uris))
    return {
        uri: ConceptRef(pk, version)
        for uri, pk, version in concepts.values_list("uri", "id", "esco_version")
    }


def analysis_link_values(
    analysis: Analysis,
    *,
    posting_id: int,
    skills: Mapping[str, ConceptRef],
    occupations: Mapping[str, ConceptRef],
    existing_skills: Mapping[int, str] | None = None,
    existing_occupations: Mapping[int, str] | None = None,
) -> tuple[list[tuple], list[tuple]]:
    """The suggestions one analysis makes for a posting, as value tuples in the order of
    `SKILL_LINK_FIELDS` and `OCCUPATION_LINK_FIELDS`: what `relink` inserts or updates, given
    the posting's existing links (concept id → status; none for a new posting).

    Suggested occupations rank after the confirmed ones, best first. URIs missing from `skills`
    / `occupations` (concepts not in this database) are skipped.
    """
    skill_rows = _suggestion_rows(
        posting_id,
        ((uri, score, method, spans) for uri, score, spans, method in analysis.skills),
        skills,
        existing_skills or {},
    )
    existing_occupations = existing_occupations or {}
    first_rank = 1 + sum(status == LinkStatus.CONFIRMED for status in existing_occupations.values())
    occupation_rows = [
        (*row, rank)
        for rank, row in enumerate(
            _suggestion_rows(
                posting_id,
                # An occupation is matched on the title as a whole: no stretch of text.
                ((uri, score, method, []) for uri, score, method in analysis.occupations),
                occupations,
                existing_occupations,
            ),
            start=first_rank,
        )
    ]
    return skill_rows, occupation_rows


def _suggestion_rows(posting_id, matches, concepts, existing) -> list[tuple]:
    """The rows (up to `esco_version`) of the concepts `matches` (uri, score, method, spans,
    best first) suggest for the posting, under `relink` against its `existing` links."""
    found: dict[int, tuple] = {}
    for uri, score, method, spans in matches:
        ref = concepts.get(uri)
        if ref is not None and ref.id not in found:
            found[ref.id] = (
                posting_id, ref.id, SUGGESTED, round(score, 4), method[:32], spans, ref.esco_version
            )  # fmt: skip
    return [found[concept_id] for concept_id in relink(existing=existing, found=found).suggestions]


def _statuses(model, concept_field: str, posting_ids: Collection[int]) -> dict[int, dict]:
    """posting id → {concept id: link status} of `model`'s links of those postings."""
    statuses: dict[int, dict] = defaultdict(dict)
    if posting_ids:
        rows = model.objects.filter(posting_id__in=posting_ids)
        for posting_id, concept_id, status in rows.values_list(
            "posting_id", concept_field, "status"
        ):
            statuses[posting_id][concept_id] = status
    return statuses


def posting_links_relink(
    analyses: Iterable[tuple[int, Analysis]],
    *,
    skills: Mapping[str, ConceptRef],
    occupations: Mapping[str, ConceptRef],
    linked: Collection[int] = (),
) -> None:
    """Write the links of each (posting id, analysis) under the re-parsing rule
    (`skills.links.relink`).

    `linked` are the postings that may have links already (updated ones): their suggestions
    are replaced, their confirmed and rejected links kept. A posting of `linked` without an
    analysis loses its suggestions (its text changed and was not read). New postings have no
    links to look up, which spares the ingestion a query.
    """
    existing_skills = _statuses(PostingSkill, "skill_id", linked)
    existing_occupations = _statuses(PostingOccupation, "occupation_id", linked)
    skill_rows, occupation_rows = [], []
    for posting_id, analysis in analyses:
        skills_of, occupations_of = analysis_link_values(
            analysis,
            posting_id=posting_id,
            skills=skills,
            occupations=occupations,
            existing_skills=existing_skills.get(posting_id),
            existing_occupations=existing_occupations.get(posting_id),
        )
        skill_rows += skills_of
        occupation_rows += occupations_of
    if linked:
        # Each suggestion is either withdrawn (the plan's `delete`) or written again below (its
        # `update`): deleting them all first keeps the whole write to a few bulk statements.
        PostingSkill.objects.filter(posting_id__in=linked).pending().delete()
        PostingOccupation.objects.filter(posting_id__in=linked).pending().delete()
    _insert_new_links(PostingSkill, SKILL_LINK_FIELDS, skill_rows)
    _insert_new_links(PostingOccupation, OCCUPATION_LINK_FIELDS, occupation_rows)


def _insert_new_links(model, field_names: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO NOTHING of value tuples (SQLite and PostgreSQL).

    What `bulk_create(ignore_conflicts=True)` does, without building and preparing a model
    instance per row: an ingestion writes about thirteen links per posting, and that ORM work
    was most of the writing process's time. Only JSON values need the backend's adaptation.
    A conflict is a link confirmed or rejected since its statuses were read: it stays.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in field_names]
    json_positions = [i for i, field in enumerate(fields) if isinstance(field, models.JSONField)]
    if json_positions:
        rows = [list(row) for row in rows]
        for row in rows:
            for i in json_positions:
                row[i] = fields[i].get_db_prep_save(row[i], connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values}) "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
