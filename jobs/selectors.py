"""Read access to postings, for the portal, the admin and other apps. Nothing here writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

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


# --------------------------------------------------------------------------- public job board


def _board_cutoffs() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today, today - datetime.timedelta(days=settings.JOB_BOARD_DEFAULT_LIFETIME_DAYS)


def board_postings(*, province: str = "", contract: str = "", occupation_uri: str = "") -> QuerySet:
    """Postings on the public board: published, not expired (by their own date, else by the
    board's lifetime), one per duplicate group (the group's original), newest first."""
    today, oldest = _board_cutoffs()
    postings = (
        JobPosting.objects.published()
        .unique()
        .filter(Q(expires_on__gte=today) | Q(expires_on__isnull=True, posted_on__gte=oldest))
        .select_related("employer", "source")
        .prefetch_related(
            Prefetch(
                "occupation_links",
                queryset=PostingOccupation.objects.active()
                .select_related("occupation")
                .order_by("rank"),
                to_attr="board_occupation_links",
            )
        )
        .order_by("-posted_on", "-pk")
    )
    if province:
        postings = postings.filter(province=province)
    if contract:
        postings = postings.filter(contract_type=contract)
    if occupation_uri:
        postings = postings.filter(
            occupation_links__in=PostingOccupation.objects.active().filter(
                occupation__uri=occupation_uri
            )
        )
    return postings


@dataclass(frozen=True)
class BoardLookup:
    """What the board answers for a posting id: the page, a redirect to the group's original,
    or "gone" (expired or withdrawn: 410, so search engines drop it)."""

    state: Literal["live", "duplicate", "gone"]
    posting: JobPosting


def board_posting(*, pk: int) -> BoardLookup | None:
    """None when the posting never was public (draft, unknown id)."""
    posting = JobPosting.objects.select_related("employer", "source", "duplicate_of").filter(pk=pk)
    posting = posting.first()
    if posting is None or posting.status == JobPosting.Status.DRAFT:
        return None
    if posting.duplicate_of_id is not None:
        return BoardLookup("duplicate", posting.duplicate_of)
    today, oldest = _board_cutoffs()
    expired = posting.expires_on < today if posting.expires_on else posting.posted_on < oldest
    if posting.status != JobPosting.Status.PUBLISHED or expired:
        return BoardLookup("gone", posting)
    return BoardLookup("live", posting)


def board_posting_concepts(*, posting: JobPosting) -> tuple:
    """(the occupation link or None, the skill links) the board shows for a posting: the
    employer's confirmed ones and, for feed postings nobody reviewed, the extractor's reading
    (the page says which is which); links someone rejected never."""
    occupation_link = (
        posting.occupation_links.active().select_related("occupation").order_by("rank").first()
    )
    skill_links = list(
        posting.skill_links.active()
        .select_related("skill")
        .order_by(
            Case(When(status=LinkStatus.CONFIRMED, then=Value(0)), default=Value(1)),
            "-score",
            "skill__preferred_label_fr",
        )
    )
    return occupation_link, skill_links
