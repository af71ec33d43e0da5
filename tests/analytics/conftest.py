"""Small hand-made worlds for the analytics: a few skills, occupations, postings and sessions
whose figures can be computed by hand."""

from __future__ import annotations

import datetime
import itertools

import pytest

from courses.models import Modality, OfferFormat, OfferSkill, ProviderIndexPage
from jobs.models import JobPosting, PostingOccupation, PostingSkill
from skills.links import LinkStatus
from skills.models import Occupation, OccupationSkill, Skill
from tests.cms.factories import make_home_page
from tests.courses.factories import make_offer, make_provider

MONTH = datetime.date(2026, 3, 1)  # the reference month of every world below
_numbers = itertools.count(1)


def make_skill(label: str) -> Skill:
    n = next(_numbers)
    return Skill.objects.create(
        uri=f"http://data.europa.eu/esco/skill/test-analytics-{n}",
        key=f"test-analytics-{n}",
        preferred_label_fr=label,
        preferred_label_en=label,
    )


def make_occupation(label: str, *, essential=(), optional=()) -> Occupation:
    n = next(_numbers)
    occupation = Occupation.objects.create(
        uri=f"http://data.europa.eu/esco/occupation/test-analytics-{n}",
        key=f"test-analytics-occupation-{n}",
        preferred_label_fr=label,
        preferred_label_en=label,
    )
    for skill in essential:
        OccupationSkill.objects.create(occupation=occupation, skill=skill, relation="essential")
    for skill in optional:
        OccupationSkill.objects.create(occupation=occupation, skill=skill, relation="optional")
    return occupation


def make_posting(
    *,
    province: str = "liege",
    posted_on: datetime.date = MONTH,
    skills: dict | None = None,
    occupation: Occupation | None = None,
    duplicate_of: JobPosting | None = None,
    status: str = JobPosting.Status.PUBLISHED,
    text: str = "",
) -> JobPosting:
    """A posting with skill links {skill: (status, score)} and an optional primary occupation."""
    posting = JobPosting.objects.create(
        title="Poste de test",
        description_text=text,
        province=province,
        posted_on=posted_on,
        duplicate_of=duplicate_of,
        status=status,
    )
    for skill, (link_status, score) in (skills or {}).items():
        PostingSkill.objects.create(posting=posting, skill=skill, status=link_status, score=score)
    if occupation is not None:
        PostingOccupation.objects.create(
            posting=posting, occupation=occupation, status=LinkStatus.CONFIRMED, rank=1
        )
    return posting


@pytest.fixture
def provider_index(db):
    home = make_home_page()
    index = ProviderIndexPage(title="Organismes", slug="organismes")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def teach(provider_index):
    """teach(skills, province=..., modality=..., sessions=[{start_date, seats, status}], ...)
    -> an offer of a provider of that province with confirmed links to `skills`."""
    providers = {}

    def build(
        skills,
        *,
        province: str = "liege",
        modality: str = Modality.ON_SITE,
        format: str = OfferFormat.SHORT,
        duration_hours: int | None = 60,
        sessions: list[dict] | None = None,
        link_status: str = LinkStatus.CONFIRMED,
    ):
        if province not in providers:
            providers[province] = make_provider(parent=provider_index, province=province)
        offer = make_offer(
            providers[province],
            modality=modality,
            format=format,
            duration_hours=duration_hours,
            sessions=sessions
            if sessions is not None
            else [{"start_date": MONTH + datetime.timedelta(days=10), "seats": 10}],
        )
        for skill in skills:
            OfferSkill.objects.create(offer=offer, skill=skill, status=link_status)
        return offer

    return build
