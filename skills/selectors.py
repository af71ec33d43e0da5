"""Read access to the taxonomy. Pages and views call these; nothing here writes."""

from django.db.models import Count

from skills.models import Occupation, OccupationSkill, Skill


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
