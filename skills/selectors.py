"""Read access to the taxonomy. Pages and views call these; nothing here writes.

Every selector runs a bounded number of queries whatever the size of the concept it reads
(no N+1): lists that can be long (occupations of a transversal skill, narrower skills) are
paginated or capped, with their full count.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.http import Http404
from django.urls import reverse

from core.languages import active_language
from core.text import fold
from skills.models import (
    IscoGroup,
    Occupation,
    OccupationSkill,
    ShortageList,
    ShortageListEntry,
    Skill,
    SkillCollection,
    SkillGroup,
    SkillSynonym,
    uri_key,
)

AUTOCOMPLETE_LIMIT = 10
OCCUPATIONS_PER_PAGE = 40
NARROWER_SKILLS_CAP = 60
MAX_HIERARCHY_DEPTH = 12
OFFERS_CAP = 20


def taxonomy_overview() -> dict[str, int]:
    """Counts shown on the home page."""
    return {
        "skills": Skill.objects.current().count(),
        "occupations": Occupation.objects.current().count(),
        "links": OccupationSkill.objects.count(),
    }


def occupation_count_for_skills(skill_ids) -> dict[int, int]:
    rows = (
        OccupationSkill.objects.filter(skill_id__in=skill_ids)
        .values("skill_id")
        .annotate(n=Count("id"))
    )
    return {row["skill_id"]: row["n"] for row in rows}


def _label_field(language: str) -> str:
    return f"preferred_label_{active_language(language)}"


# --------------------------------------------------------------------------- hooks to other apps


def _optional_selector(module: str, name: str):
    """`module.name` if the app that provides it is installed and defines it, else None.

    The courses app fills the "offers that teach this skill" slot once it exists; until
    then the taxonomy pages render without it instead of failing.
    """
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except ModuleNotFoundError:
        return None
    return getattr(importlib.import_module(module), name, None)


def _capped(offers) -> list | None:
    return None if offers is None else list(offers[:OFFERS_CAP])


def offers_for_skill_or_none(*, skill: Skill) -> list | None:
    """The first offers that teach `skill`, or None while no app provides them."""
    selector = _optional_selector("courses.selectors", "offers_for_skill")
    return _capped(selector(skill=skill)) if selector else None


def offers_for_occupation_or_none(*, occupation: Occupation) -> list | None:
    selector = _optional_selector("courses.selectors", "offers_for_occupation")
    return _capped(selector(occupation=occupation)) if selector else None


# --------------------------------------------------------------------------- hierarchy


@dataclass(frozen=True)
class Crumb:
    """One step of a path up the hierarchy, ready for a breadcrumb."""

    label: str
    url: str
    code: str = ""


class SkillGroupTree:
    """ESCO's skill-group graph (about 640 nodes) in memory: two queries, then walks for free."""

    def __init__(self):
        self.groups = {group.pk: group for group in SkillGroup.objects.all()}
        self.parents: dict[int, list[int]] = {}
        self.children: dict[int, list[int]] = {}
        for child_id, parent_id in SkillGroup.broader.through.objects.values_list(
            "from_skillgroup_id", "to_skillgroup_id"
        ):
            self.parents.setdefault(child_id, []).append(parent_id)
            self.children.setdefault(parent_id, []).append(child_id)
        self.sort_keys = {pk: (g.code or "~", g.label()) for pk, g in self.groups.items()}
        for ids in (*self.parents.values(), *self.children.values()):
            ids.sort(key=self.sort_keys.__getitem__)

    def _sort_key(self, group: SkillGroup):
        return self.sort_keys[group.pk]

    def first_group(self, group_ids) -> SkillGroup | None:
        """The group that sorts first (by code, then label) among `group_ids`, if any."""
        known = [pk for pk in group_ids if pk in self.groups]
        return self.groups[min(known, key=self.sort_keys.__getitem__)] if known else None

    def path_to_root(self, group_id: int) -> list[SkillGroup]:
        """From the top group down to `group_id`, following the first broader group each time."""
        path, seen = [], set()
        current = group_id
        while current is not None and current not in seen and len(path) < MAX_HIERARCHY_DEPTH:
            seen.add(current)
            path.append(self.groups[current])
            parents = self.parents.get(current)
            current = parents[0] if parents else None
        return list(reversed(path))

    def roots(self) -> list[SkillGroup]:
        roots = [group for pk, group in self.groups.items() if pk not in self.parents]
        return sorted(roots, key=self._sort_key)

    def narrower(self, group_id: int) -> list[SkillGroup]:
        return [self.groups[pk] for pk in self.children.get(group_id, [])]


def skill_group_url(group: SkillGroup) -> str:
    return reverse("skills:skill_group_detail", kwargs={"key": uri_key(group.uri)})


def isco_group_url(group: IscoGroup) -> str:
    return reverse("skills:isco_group_detail", kwargs={"code": group.code})


def _group_crumbs(path: list[SkillGroup]) -> list[Crumb]:
    return [Crumb(label=g.label(), url=skill_group_url(g), code=g.code) for g in path]


def skill_hierarchy_path(skill: Skill, *, tree: SkillGroupTree | None = None) -> list[Crumb]:
    """The path from the top of ESCO's hierarchy down to `skill`'s parent.

    Follows broader skills first (one query per level, a handful at most), then the skill
    groups from the tree. Local concepts hang under their ESCO broader concept the same way.
    """
    tree = tree or SkillGroupTree()
    skill_crumbs: list[Crumb] = []
    current, seen = skill, {skill.pk}
    for _depth in range(MAX_HIERARCHY_DEPTH):
        group_ids = list(current.broader_groups.values_list("pk", flat=True))
        best = tree.first_group(group_ids)
        if best is not None:
            return _group_crumbs(tree.path_to_root(best.pk)) + skill_crumbs
        parent = current.broader_skills.order_by("preferred_label_fr").first()
        if parent is None or parent.pk in seen:
            break
        seen.add(parent.pk)
        skill_crumbs.insert(0, Crumb(label=parent.label(), url=parent.get_absolute_url()))
        current = parent
    return skill_crumbs


# --------------------------------------------------------------------------- skill page


@dataclass
class SkillDetail:
    skill: Skill
    breadcrumbs: list[Crumb]
    broader_groups: list[tuple[SkillGroup, str]]
    broader_skills: list[Skill]
    narrower_skills: list[Skill]
    narrower_count: int
    collections: list[SkillCollection]
    essential: Page
    optional: Page
    essential_count: int
    optional_count: int
    synonyms: list = field(default_factory=list)
    offers: object = None


def _occupation_page(skill: Skill, relation: str, page_number, language: str, count: int) -> Page:
    links = (
        OccupationSkill.objects.filter(skill=skill, relation=relation)
        .select_related("occupation")
        .order_by(f"occupation__{_label_field(language)}", "occupation_id")
    )
    paginator = Paginator(links, OCCUPATIONS_PER_PAGE)
    # The count is known already: spare the paginator its own COUNT query.
    paginator.count = count
    return paginator.get_page(page_number)


def skill_detail(
    *,
    key: str,
    language: str | None = None,
    essential_page=1,
    optional_page=1,
) -> SkillDetail:
    """Everything the public skill page shows. Raises Http404 for an unknown key."""
    language = active_language(language)
    skill = Skill.objects.filter(key=key).prefetch_related("collections").first()
    if skill is None:
        raise Http404("No skill with this key.")
    tree = SkillGroupTree()
    counts = dict(
        OccupationSkill.objects.filter(skill=skill)
        .values_list("relation")
        .annotate(n=Count("id"))
        .values_list("relation", "n")
    )
    essential_count = counts.get(OccupationSkill.Relation.ESSENTIAL, 0)
    optional_count = counts.get(OccupationSkill.Relation.OPTIONAL, 0)
    label_field = _label_field(language)
    narrower = skill.narrower_skills.order_by(label_field)
    narrower_list = list(narrower[:NARROWER_SKILLS_CAP])
    narrower_count = (
        len(narrower_list) if len(narrower_list) < NARROWER_SKILLS_CAP else narrower.count()
    )
    broader_groups = [
        (group, skill_group_url(group)) for group in skill.broader_groups.order_by("code")
    ]
    return SkillDetail(
        skill=skill,
        breadcrumbs=skill_hierarchy_path(skill, tree=tree),
        broader_groups=broader_groups,
        broader_skills=list(skill.broader_skills.order_by(label_field)),
        narrower_skills=narrower_list,
        narrower_count=narrower_count,
        collections=list(skill.collections.all()),
        essential=_occupation_page(
            skill, OccupationSkill.Relation.ESSENTIAL, essential_page, language, essential_count
        ),
        optional=_occupation_page(
            skill, OccupationSkill.Relation.OPTIONAL, optional_page, language, optional_count
        ),
        essential_count=essential_count,
        optional_count=optional_count,
        synonyms=list(skill.synonyms.order_by("language", "label")),
        offers=offers_for_skill_or_none(skill=skill),
    )


# --------------------------------------------------------------------------- occupation page


@dataclass
class SkillSection:
    """Skills of one relation (essential or optional) that share a skill group."""

    group: SkillGroup | None
    label: str
    url: str
    skills: list[Skill]


@dataclass
class OccupationDetail:
    occupation: Occupation
    isco_path: list[Crumb]
    broader_occupations: list[Occupation]
    narrower_occupations: list[Occupation]
    job_titles: list
    essential_sections: list[SkillSection]
    optional_sections: list[SkillSection]
    essential_count: int
    optional_count: int
    shortage_entries: list[ShortageListEntry]
    offers: object = None


def _section_groups(skill_ids: list[int], tree: SkillGroupTree) -> dict[int, SkillGroup | None]:
    """Each skill's section: its own first group, else its broader skill's (ESCO hangs many
    skills under a broader skill rather than a group). Three flat queries on the link tables.
    """
    group_links = Skill.broader_groups.through.objects
    own: dict[int, list[int]] = {}
    for skill_id, group_id in group_links.filter(skill_id__in=skill_ids).values_list(
        "skill_id", "skillgroup_id"
    ):
        own.setdefault(skill_id, []).append(group_id)
    parents: dict[int, list[int]] = {}
    orphans = [skill_id for skill_id in skill_ids if skill_id not in own]
    if orphans:
        for child_id, parent_id in Skill.broader_skills.through.objects.filter(
            from_skill_id__in=orphans
        ).values_list("from_skill_id", "to_skill_id"):
            parents.setdefault(child_id, []).append(parent_id)
    parent_groups: dict[int, list[int]] = {}
    parent_ids = {pk for ids in parents.values() for pk in ids}
    if parent_ids:
        for skill_id, group_id in group_links.filter(skill_id__in=parent_ids).values_list(
            "skill_id", "skillgroup_id"
        ):
            parent_groups.setdefault(skill_id, []).append(group_id)
    sections = {}
    for skill_id in skill_ids:
        group_ids = own.get(skill_id) or [
            group_id
            for parent in parents.get(skill_id, [])
            for group_id in parent_groups.get(parent, [])
        ]
        sections[skill_id] = tree.first_group(group_ids)
    return sections


def _sections(
    links: list[OccupationSkill],
    groups_of: dict[int, SkillGroup | None],
    other_label: str,
) -> list[SkillSection]:
    by_group: dict[int | None, SkillSection] = {}
    for link in links:
        group = groups_of.get(link.skill_id)
        section_key = group.pk if group else None
        if section_key not in by_group:
            by_group[section_key] = SkillSection(
                group=group,
                label=group.label() if group else other_label,
                url=skill_group_url(group) if group else "",
                skills=[],
            )
        by_group[section_key].skills.append(link.skill)
    sections = sorted(by_group.values(), key=lambda s: (s.group is None, fold(s.label)))
    for section in sections:
        section.skills.sort(key=lambda skill: fold(skill.label()))
    return sections


def occupation_detail(*, key: str, language: str | None = None) -> OccupationDetail:
    """Everything the public occupation page shows. Raises Http404 for an unknown key."""
    from django.utils.translation import gettext

    language = active_language(language)
    occupation = (
        Occupation.objects.filter(key=key)
        .select_related("isco_group__broader__broader__broader")
        .first()
    )
    if occupation is None:
        raise Http404("No occupation with this key.")
    isco_path = []
    group = occupation.isco_group
    while group is not None and len(isco_path) < MAX_HIERARCHY_DEPTH:
        isco_path.insert(0, Crumb(label=group.label(), url=isco_group_url(group), code=group.code))
        group = group.broader
    # Only what the sections show: an occupation can have several hundred skills.
    links = list(
        occupation.skill_links.select_related("skill").only(
            "relation",
            "occupation_id",
            "skill__uri",
            "skill__key",
            "skill__preferred_label_fr",
            "skill__preferred_label_en",
        )
    )
    groups_of = _section_groups([link.skill_id for link in links], SkillGroupTree())
    other = gettext("Other skills")
    essential = [link for link in links if link.relation == OccupationSkill.Relation.ESSENTIAL]
    optional = [link for link in links if link.relation == OccupationSkill.Relation.OPTIONAL]
    label_field = _label_field(language)
    return OccupationDetail(
        occupation=occupation,
        isco_path=isco_path,
        broader_occupations=list(occupation.broader_occupations.order_by(label_field)),
        narrower_occupations=list(occupation.narrower_occupations.order_by(label_field)),
        job_titles=list(occupation.job_titles.order_by("label")),
        essential_sections=_sections(essential, groups_of, other),
        optional_sections=_sections(optional, groups_of, other),
        essential_count=len(essential),
        optional_count=len(optional),
        shortage_entries=list(
            occupation.shortage_entries.select_related("shortage_list").order_by(
                "-shortage_list__year", "shortage_list__title", "position"
            )
        ),
        offers=offers_for_occupation_or_none(occupation=occupation),
    )


# --------------------------------------------------------------------------- browsing


@dataclass
class SkillGroupDetail:
    group: SkillGroup
    breadcrumbs: list[Crumb]
    narrower_groups: list[tuple[SkillGroup, str]]
    skills: Page


def skill_group_tree_roots() -> list[tuple[SkillGroup, str, list[tuple[SkillGroup, str]]]]:
    """The top of ESCO's skill hierarchy (S, K, T, L) with each root's first level."""
    tree = SkillGroupTree()
    return [
        (
            root,
            skill_group_url(root),
            [(child, skill_group_url(child)) for child in tree.narrower(root.pk)],
        )
        for root in tree.roots()
    ]


def skill_group_by_key(key: str) -> SkillGroup | None:
    """The skill group whose URI ends with `key` (groups have no key column of their own)."""
    if not key or "/" in key:
        return None
    return SkillGroup.objects.filter(uri__endswith="/" + key).first()


def skill_group_detail(*, key: str, language: str | None = None, page=1) -> SkillGroupDetail:
    tree = SkillGroupTree()
    group = next((g for g in tree.groups.values() if uri_key(g.uri) == key), None)
    if group is None:
        raise Http404("No skill group with this key.")
    path = tree.path_to_root(group.pk)
    skills = group.skills.current().order_by(_label_field(language), "pk")
    return SkillGroupDetail(
        group=group,
        breadcrumbs=_group_crumbs(path[:-1]),
        narrower_groups=[(g, skill_group_url(g)) for g in tree.narrower(group.pk)],
        skills=Paginator(skills, 50).get_page(page),
    )


@dataclass
class IscoGroupDetail:
    group: IscoGroup
    breadcrumbs: list[Crumb]
    narrower_groups: list[IscoGroup]
    occupations: list[Occupation]


def isco_major_groups() -> list[IscoGroup]:
    return list(IscoGroup.objects.filter(broader__isnull=True).order_by("code"))


def isco_group_detail(*, code: str, language: str | None = None) -> IscoGroupDetail:
    group = IscoGroup.objects.filter(code=code).select_related("broader__broader__broader").first()
    if group is None:
        raise Http404("No ISCO group with this code.")
    crumbs, parent = [], group.broader
    while parent is not None and len(crumbs) < MAX_HIERARCHY_DEPTH:
        crumbs.insert(0, Crumb(label=parent.label(), url=isco_group_url(parent), code=parent.code))
        parent = parent.broader
    return IscoGroupDetail(
        group=group,
        breadcrumbs=crumbs,
        narrower_groups=list(group.narrower.order_by("code")),
        occupations=list(group.occupations.current().order_by(_label_field(language))),
    )


# --------------------------------------------------------------------------- text search


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
    label_field = _label_field(language)
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
        return queryset.current().order_by(_label_field(language), "pk")
    return _rank_by_label_match(queryset.matching_text(query), query, folded, language)


def occupation_search(*, query: str, language: str | None = None) -> QuerySet:
    language = active_language(language)
    folded = fold(query)
    if not folded:
        return Occupation.objects.current().order_by(_label_field(language), "pk")
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


# --------------------------------------------------------------------------- shortage lists


def shortage_lists() -> list[ShortageList]:
    return list(ShortageList.objects.annotate(entry_count=Count("entries")).order_by("-year"))


def shortage_list_detail(*, pk: int) -> tuple[ShortageList, list[ShortageListEntry]]:
    shortage_list = ShortageList.objects.filter(pk=pk).first()
    if shortage_list is None:
        raise Http404("No shortage list with this id.")
    entries = list(
        shortage_list.entries.prefetch_related(
            Prefetch("occupations", queryset=Occupation.objects.order_by("preferred_label_fr"))
        ).order_by("position", "label")
    )
    return shortage_list, entries


def skill_collections() -> list[SkillCollection]:
    return list(SkillCollection.objects.order_by("slug"))
