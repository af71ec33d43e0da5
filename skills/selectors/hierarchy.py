"""ESCO's two hierarchies: skill groups above skills, ISCO groups above occupations.

Breadcrumbs, the browser's tree roots and the group pages read from here. The skill-group
graph is small (about 640 nodes), so it is loaded whole and walked in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import Http404

from skills.models import (
    IscoGroup,
    Occupation,
    Skill,
    SkillCollection,
    SkillGroup,
    preferred_label_field,
    uri_key,
)

MAX_HIERARCHY_DEPTH = 12
SKILLS_PER_GROUP_PAGE = 50


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


def _group_crumbs(path: list[SkillGroup]) -> list[Crumb]:
    return [Crumb(label=g.label(), url=g.get_absolute_url(), code=g.code) for g in path]


def isco_path(group: IscoGroup | None) -> list[Crumb]:
    """From the ISCO major group down to `group` (included); [] for None.

    Reads `broader` links, so select the broader groups with `group` (three levels at most).
    """
    crumbs: list[Crumb] = []
    while group is not None and len(crumbs) < MAX_HIERARCHY_DEPTH:
        crumbs.insert(0, Crumb(label=group.label(), url=group.get_absolute_url(), code=group.code))
        group = group.broader
    return crumbs


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


# --------------------------------------------------------------------------- skill groups


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
            root.get_absolute_url(),
            [(child, child.get_absolute_url()) for child in tree.narrower(root.pk)],
        )
        for root in tree.roots()
    ]


def skill_group_by_key(key: str) -> SkillGroup | None:
    """The skill group whose URI ends with `key` (groups have no key column of their own)."""
    if not key or "/" in key:
        return None
    return SkillGroup.objects.filter(uri__endswith="/" + key).first()


def skill_group_detail(*, key: str, language: str | None = None, page=1) -> SkillGroupDetail:
    """Everything the public skill-group page shows. Raises Http404 for an unknown key."""
    tree = SkillGroupTree()
    group = next((g for g in tree.groups.values() if uri_key(g.uri) == key), None)
    if group is None:
        raise Http404("No skill group with this key.")
    path = tree.path_to_root(group.pk)
    skills = group.skills.current().order_by(preferred_label_field(language), "pk")
    return SkillGroupDetail(
        group=group,
        breadcrumbs=_group_crumbs(path[:-1]),
        narrower_groups=[(g, g.get_absolute_url()) for g in tree.narrower(group.pk)],
        skills=Paginator(skills, SKILLS_PER_GROUP_PAGE).get_page(page),
    )


def skill_collections() -> list[SkillCollection]:
    return list(SkillCollection.objects.order_by("slug"))


# --------------------------------------------------------------------------- ISCO groups


@dataclass
class IscoGroupDetail:
    group: IscoGroup
    breadcrumbs: list[Crumb]
    narrower_groups: list[IscoGroup]
    occupations: list[Occupation]


def isco_major_groups() -> list[IscoGroup]:
    return list(IscoGroup.objects.filter(broader__isnull=True).order_by("code"))


def isco_group_detail(*, code: str, language: str | None = None) -> IscoGroupDetail:
    """Everything the public ISCO-group page shows. Raises Http404 for an unknown code."""
    group = IscoGroup.objects.filter(code=code).select_related("broader__broader__broader").first()
    if group is None:
        raise Http404("No ISCO group with this code.")
    return IscoGroupDetail(
        group=group,
        breadcrumbs=isco_path(group.broader),
        narrower_groups=list(group.narrower.order_by("code")),
        occupations=list(group.occupations.current().order_by(preferred_label_field(language))),
    )
