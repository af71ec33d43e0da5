"""Text search on concept labels: the browser's results and the search box's suggestions.

Matching runs on `search_text` (every label folded: lower case, no accents), so "developpeur"
finds "développeur" in either language; results are ranked by how well a label matches.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from core.languages import active_language
from core.text import fold
from skills.models import Occupation, Skill, SkillSynonym, preferred_label_field

AUTOCOMPLETE_LIMIT = 10


def _rank_by_label_match(queryset: QuerySet, query: str, folded: str, language: str) -> QuerySet:
    """Order `matching_text` results so the likeliest concept comes first.

    Tiers, best first: the displayed label is the query; another label is the query; the
    displayed label starts with it; another label does; a word of the displayed label starts
    with it; a word of another label does; the displayed label contains it; anything else.
    `search_text` holds one folded label per line, so "a label starts with the query" is
    "after a line break". Current concepts go before obsolete ones, and ties go to the
    shorter displayed label ("Python" before "Python (computer programming)").
    """
    line = "\n"
    label_field = preferred_label_field(language)
    spellings = {query.strip(), folded}

    def displayed(lookup: str, template: str = "{}") -> Q:
        condition = Q()
        for spelling in spellings:
            condition |= Q(**{f"{label_field}__{lookup}": template.format(spelling)})
        return condition

    if language == "fr":
        # The first line of `search_text` is the folded French preferred label: compare
        # there, accent-insensitively ("developp" starts "développement").
        displayed_whole = Q(search_text=folded) | Q(search_text__startswith=folded + line)
        displayed_prefix = Q(search_text__startswith=folded)
    else:
        displayed_whole = displayed("iexact")
        displayed_prefix = displayed("istartswith")
    any_whole = (
        Q(search_text=folded)
        | Q(search_text__startswith=folded + line)
        | Q(search_text__endswith=line + folded)
        | Q(search_text__contains=line + folded + line)
    )
    any_prefix = Q(search_text__startswith=folded) | Q(search_text__contains=line + folded)
    any_word = Q(search_text__contains=" " + folded)
    return queryset.annotate(
        match_rank=Case(
            When(displayed_whole, then=Value(0)),
            When(any_whole, then=Value(1)),
            When(displayed_prefix, then=Value(2)),
            When(any_prefix, then=Value(3)),
            When(displayed("icontains", " {}"), then=Value(4)),
            When(any_word, then=Value(5)),
            When(displayed("icontains"), then=Value(6)),
            default=Value(7),
            output_field=IntegerField(),
        ),
        label_length=Length(label_field),
    ).order_by("is_obsolete", "match_rank", "label_length", label_field, "pk")


def skill_search(
    *, query: str, language: str | None = None, collection: str = "", skill_type: str = ""
) -> QuerySet:
    """Skills matching `query` in any label of either language, best matches first."""
    language = active_language(language)
    queryset = Skill.objects.all()
    if collection:
        queryset = queryset.filter(collections__slug=collection)
    if skill_type:
        queryset = queryset.filter(skill_type=skill_type)
    folded = fold(query)
    if not folded:
        return queryset.current().order_by(preferred_label_field(language), "pk")
    return _rank_by_label_match(queryset.matching_text(query), query, folded, language)


def occupation_search(*, query: str, language: str | None = None) -> QuerySet:
    """Occupations matching `query` in any label or French job title, best matches first."""
    language = active_language(language)
    folded = fold(query)
    if not folded:
        return Occupation.objects.current().order_by(preferred_label_field(language), "pk")
    return _rank_by_label_match(Occupation.objects.matching_text(query), query, folded, language)


def matched_alternative(concept, folded: str, language: str) -> str:
    """The label that matched when it is not the preferred label shown, else ""."""
    shown = concept.label(language)
    if folded in fold(shown):
        return ""
    labels = concept.all_labels()
    # Prefer a label in the reader's language, then any other.
    labels.sort(key=lambda pair: pair[0] != language)
    for _lang, label in labels:
        if folded in fold(label):
            return label
    if hasattr(concept, "job_titles"):
        for title in concept.job_titles.all():
            if folded in fold(title.label):
                return title.label
    return ""


def taxonomy_autocomplete(
    *, query: str, kind: str = "", language: str | None = None, limit: int = AUTOCOMPLETE_LIMIT
) -> list[dict]:
    """At most `limit` suggestions for the search box, best first.

    `kind` is "skill", "occupation" or "" for both. Each result carries the URI, the label in
    `language`, the alternative label that matched (if the preferred one did not), the kind
    and the public URL. One LIKE query per kind on the folded labels, limited in SQL, and
    one on the curated synonyms.
    """
    language = active_language(language)
    folded = fold(query)
    if len(folded) < 2:
        return []
    limit = max(1, min(limit, AUTOCOMPLETE_LIMIT))
    fields = ["pk", "uri", "key", "is_obsolete", "preferred_label_fr", "preferred_label_en"]
    alt_fields = ["alt_labels_fr", "alt_labels_en"]
    candidates: list[tuple[tuple[bool, int], int, str, dict]] = []
    kinds = [kind] if kind in ("skill", "occupation") else ["skill", "occupation"]
    for current_kind in kinds:
        if current_kind == "skill":
            queryset = skill_search(query=query, language=language)
        else:
            queryset = occupation_search(query=query, language=language).prefetch_related(
                "job_titles"
            )
        for concept in queryset.only(*fields, *alt_fields)[:limit]:
            label = concept.label(language)
            candidates.append(
                (
                    (concept.is_obsolete, concept.match_rank),
                    len(label),
                    fold(label),
                    {
                        "uri": concept.uri,
                        "label": label,
                        "alt_match": matched_alternative(concept, folded, language),
                        "type": current_kind,
                        "url": concept.get_absolute_url(),
                    },
                )
            )
    if "skill" in kinds:
        candidates.extend(_synonym_candidates(query, folded, language, limit, candidates))
    candidates.sort(key=lambda row: row[:3])
    return [row[3] for row in candidates[:limit]]


def _synonym_candidates(query: str, folded: str, language: str, limit: int, found: list):
    """Skills reached through a curated synonym ("JS" -> JavaScript), ranked like alt labels.

    Synonyms are few (curated by hand), so one `icontains` query on them is cheap; the
    folded spelling is tried too, and the match is confirmed on folded text in Python.
    """
    seen = {row[3]["uri"] for row in found}
    synonyms = (
        SkillSynonym.objects.filter(
            Q(label__icontains=query.strip()) | Q(label__icontains=folded),
            skill__is_obsolete=False,
        )
        .select_related("skill")
        .order_by(Length("label"), "label")[: limit * 2]
    )
    for synonym in synonyms:
        folded_synonym = fold(synonym.label)
        skill = synonym.skill
        if folded not in folded_synonym or skill.uri in seen:
            continue
        seen.add(skill.uri)
        if folded_synonym == folded:
            rank = 1
        elif folded_synonym.startswith(folded):
            rank = 3
        elif f" {folded}" in folded_synonym:
            rank = 5
        else:
            rank = 7
        label = skill.label(language)
        yield (
            (False, rank),
            len(label),
            fold(label),
            {
                "uri": skill.uri,
                "label": label,
                "alt_match": synonym.label,
                "type": "skill",
                "url": skill.get_absolute_url(),
            },
        )
