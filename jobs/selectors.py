"""Read access to postings, for the portal, the admin and other apps. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Prefetch, QuerySet, Value, When

from core.places import province_distance
from courses.selectors import offers_teaching_skills
from jobs.models import Employer, JobPosting, PostingOccupation, PostingSkill, TrainingRequest
from skills.links import LinkStatus


def employer_for_user(user) -> Employer | None:
    """The organisation `user` belongs to (approved or not), or None."""
    if not user.is_authenticated:
        return None
    return Employer.objects.for_user(user).first()


def postings_for_employer(employer: Employer) -> QuerySet:
    return (
        JobPosting.objects.for_employer(employer)
        .prefetch_related(
            Prefetch(
                "occupation_links",
                queryset=PostingOccupation.objects.select_related("occupation").order_by("rank"),
            )
        )
        .order_by("-created_at")
    )


def posting_detail(posting: JobPosting) -> dict:
    """What the review page shows: skills confirmed first, then best first (the ones the
    employer removed are left out); occupations by rank."""
    confirmed_first = Case(When(status=LinkStatus.CONFIRMED, then=Value(0)), default=Value(1))
    skills = list(
        PostingSkill.objects.filter(posting=posting)
        .active()
        .select_related("skill")
        .order_by(confirmed_first, "-score", "skill__preferred_label_fr")
    )
    occupations = list(
        PostingOccupation.objects.filter(posting=posting).select_related("occupation")
    )
    return {
        "skills": skills,
        "occupations": occupations,
        "primary_occupation": occupations[0] if occupations else None,
    }


def training_requests_for_employer(employer: Employer) -> QuerySet:
    return (
        TrainingRequest.objects.for_employer(employer)
        .select_related("posting")
        .prefetch_related("skills")
    )


@dataclass
class RankedOffer:
    offer: object
    covered: list  # the posting's skills the offer teaches
    coverage: float  # share of the posting's skills covered, 0..1
    distance: int  # 0 same province, 1 neighbouring, 2 elsewhere

    @property
    def coverage_percent(self) -> int:
        return round(self.coverage * 100)


def training_offers_for_posting(*, posting: JobPosting, limit: int = 10) -> list[RankedOffer]:
    """Live training offers that teach the posting's skills, ranked by how many of them they
    cover, then nearest first (same province, then a neighbouring one), then by title.

    Only confirmed offer links count (what the cadastre shows publicly); the skills the employer
    removed do not count either.
    """
    skills = {
        link.skill_id: link.skill for link in posting.skill_links.active().select_related("skill")
    }
    if not skills:
        return []
    ranked = []
    for offer, skill_ids in offers_teaching_skills(skill_ids=skills):
        provinces = {offer.provider.province if offer.provider else ""}
        provinces |= {session.province for session in offer.sessions.all() if session.province}
        distance = min(province_distance(posting.province, p) for p in provinces)
        ranked.append(
            RankedOffer(
                offer=offer,
                covered=[skills[i] for i in skill_ids],
                coverage=len(skill_ids) / len(skills),
                distance=distance,
            )
        )
    ranked.sort(key=lambda r: (-len(r.covered), r.distance, r.offer.title))
    return ranked[:limit]
