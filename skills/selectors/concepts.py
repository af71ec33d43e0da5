"""One concept at a time: what the skill and occupation pages show, and the home page counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext

from core.languages import active_language
from core.text import fold
from skills.models import (
    Occupation,
    OccupationSkill,
    ShortageListEntry,
    Skill,
    SkillCollection,
    SkillGroup,
    preferred_label_field,
)
from skills.selectors.hierarchy import Crumb, SkillGroupTree, isco_path, skill_hierarchy_path

OCCUPATIONS_PER_PAGE = 40
NARROWER_SKILLS_CAP = 60


def taxonomy_overview() -> dict[str, int]:
    """Counts shown on the home page."""
    return {
        "skills": Skill.objects.current().count(),
        "occupations": Occupation.objects.current().count(),
        "links": OccupationSkill.objects.count(),
    }


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


def _occupation_page(skill: Skill, relation: str, page_number, language: str, count: int) -> Page:
    links = (
        OccupationSkill.objects.filter(skill=skill, relation=relation)
        .select_related("occupation")
        .order_by(f"occupation__{preferred_label_field(language)}", "occupation_id")
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
    """Everything the public skill page shows about the concept. Raises Http404 for an
    unknown key (a skill group's key included: see `skill_group_by_key`)."""
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
    label_field = preferred_label_field(language)
    narrower = skill.narrower_skills.order_by(label_field)
    narrower_list = list(narrower[:NARROWER_SKILLS_CAP])
    narrower_count = (
        len(narrower_list) if len(narrower_list) < NARROWER_SKILLS_CAP else narrower.count()
    )
    broader_groups = [
        (group, group.get_absolute_url()) for group in skill.broader_groups.order_by("code")
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
                url=group.get_absolute_url() if group else "",
                skills=[],
            )
        by_group[section_key].skills.append(link.skill)
    sections = sorted(by_group.values(), key=lambda s: (s.group is None, fold(s.label)))
    for section in sections:
        section.skills.sort(key=lambda skill: fold(skill.label()))
    return sections


def occupation_detail(*, key: str, language: str | None = None) -> OccupationDetail:
    """Everything the public occupation page shows about the concept. Raises Http404 for an
    unknown key."""
    language = active_language(language)
    occupation = (
        Occupation.objects.filter(key=key)
        .select_related("isco_group__broader__broader__broader")
        .first()
    )
    if occupation is None:
        raise Http404("No occupation with this key.")
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
    label_field = preferred_label_field(language)
    return OccupationDetail(
        occupation=occupation,
        isco_path=isco_path(occupation.isco_group),
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
    )
