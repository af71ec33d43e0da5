"""Read access to the taxonomy. Pages and views call these; nothing here writes.

Every selector runs a bounded number of queries whatever the size of the concept it reads
(no N+1): lists that can be long (occupations of a transversal skill, narrower skills) are
paginated or capped, with their full count.

- `concepts`: one skill or occupation (the concept pages), the home page counts;
- `hierarchy`: skill groups and ISCO groups, breadcrumbs, the browser's tree;
- `label_search`: text search on labels, ranked, and the search box's suggestions;
- `shortage`: shortage lists and their entries.
"""

from skills.selectors.concepts import (
    NARROWER_SKILLS_CAP,
    OCCUPATIONS_PER_PAGE,
    OccupationDetail,
    SkillDetail,
    SkillSection,
    occupation_detail,
    skill_detail,
    taxonomy_overview,
)
from skills.selectors.hierarchy import (
    Crumb,
    IscoGroupDetail,
    SkillGroupDetail,
    SkillGroupTree,
    isco_group_detail,
    isco_major_groups,
    isco_path,
    skill_collections,
    skill_group_by_key,
    skill_group_detail,
    skill_group_tree_roots,
    skill_hierarchy_path,
)
from skills.selectors.label_search import (
    AUTOCOMPLETE_LIMIT,
    matched_alternative,
    occupation_search,
    skill_search,
    taxonomy_autocomplete,
)
from skills.selectors.shortage import shortage_list_detail, shortage_lists

__all__ = [
    "AUTOCOMPLETE_LIMIT",
    "NARROWER_SKILLS_CAP",
    "OCCUPATIONS_PER_PAGE",
    "Crumb",
    "IscoGroupDetail",
    "OccupationDetail",
    "SkillDetail",
    "SkillGroupDetail",
    "SkillGroupTree",
    "SkillSection",
    "isco_group_detail",
    "isco_major_groups",
    "isco_path",
    "matched_alternative",
    "occupation_detail",
    "occupation_search",
    "shortage_list_detail",
    "shortage_lists",
    "skill_collections",
    "skill_detail",
    "skill_group_by_key",
    "skill_group_detail",
    "skill_group_tree_roots",
    "skill_hierarchy_path",
    "skill_search",
    "taxonomy_autocomplete",
    "taxonomy_overview",
]
