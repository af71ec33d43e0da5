"""A small world for the advisor pages, computed by the real analytics (`analytics_compute`).

- "motion designer" (listed): 8 unique postings in Liège over the last three months (plus one
  near-duplicate that must not count), each asking for its two essential skills; one offer in
  Liège prepares for it and teaches the first (confirmed links), so coverage is 1 of 2, with a
  session two months ago and one planned; an employer asked for a training in the second.
- "rare profession" (listed): 2 postings, below the minimum volume: shown without figures.
The names carry characters a spreadsheet would run as a formula ("=" …) to check the downloads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from analytics.models import ComputationRun, EmergingTerm
from analytics.services.compute import analytics_compute
from core.places import Province
from courses.models import OfferOccupation, OfferPage, OfferSkill, ProviderPage
from courses.services.providers import provider_editors_group
from jobs.models import Employer, JobPosting, PostingOccupation, PostingSkill, TrainingRequest
from jobs.services.roles import ADVISORS
from skills.links import LinkStatus
from skills.models import Occupation, OccupationSkill, ShortageList, Skill
from tests.courses.factories import make_offer, make_provider
from tests.jobs.factories import EmployerFactory, JobPostingFactory, UserFactory
from tests.skills.factories import (
    OccupationFactory,
    OccupationSkillFactory,
    ShortageListEntryFactory,
    ShortageListFactory,
    SkillFactory,
)

BUSY_POSTINGS = 8
RARE_POSTINGS = 2


@dataclass
class GapWorld:
    occupation: Occupation
    rare: Occupation
    taught: Skill
    untaught: Skill
    shortage_list: ShortageList
    provider: ProviderPage
    offer: OfferPage
    employer: Employer
    request: TrainingRequest
    run: ComputationRun
    terms: list[EmergingTerm]


def _posting(*, title: str, occupation: Occupation, skills: list[Skill], posted_on, **fields):
    posting = JobPostingFactory(
        title=title,
        posted_on=posted_on,
        province=fields.pop("province", Province.LIEGE),
        status=JobPosting.Status.PUBLISHED,
        **fields,
    )
    PostingOccupation.objects.create(
        posting=posting, occupation=occupation, rank=1, status=LinkStatus.CONFIRMED
    )
    for skill in skills:
        PostingSkill.objects.create(posting=posting, skill=skill, status=LinkStatus.CONFIRMED)
    return posting


def gap_world(provider_index) -> GapWorld:
    today = timezone.localdate()
    occupation = OccupationFactory(
        preferred_label_fr="=motion designer", preferred_label_en="=motion designer"
    )
    rare = OccupationFactory(preferred_label_fr="métier rare", preferred_label_en="rare profession")
    taught = SkillFactory(preferred_label_fr="animer en 2D", preferred_label_en="2D animation")
    untaught = SkillFactory(
        preferred_label_fr="+compositing vidéo", preferred_label_en="+video compositing"
    )
    for skill in (taught, untaught):
        OccupationSkillFactory(
            occupation=occupation, skill=skill, relation=OccupationSkill.Relation.ESSENTIAL
        )
    OccupationSkillFactory(occupation=rare, skill=untaught)

    shortage_list = ShortageListFactory(title="Liste d'essai", year=2025)
    ShortageListEntryFactory(
        shortage_list=shortage_list, label="Motion designer", occupations=[occupation]
    )
    ShortageListEntryFactory(shortage_list=shortage_list, label="Rare", occupations=[rare])

    first = None
    for n in range(BUSY_POSTINGS):
        posting = _posting(
            title=f"Motion designer {n}",
            occupation=occupation,
            skills=[taught, untaught],
            posted_on=today - datetime.timedelta(days=7 + 9 * n),
        )
        first = first or posting
    _posting(
        title="Motion designer 0 (re-posted)",
        occupation=occupation,
        skills=[taught, untaught],
        posted_on=today - datetime.timedelta(days=6),
        duplicate_of=first,
    )
    for n in range(RARE_POSTINGS):
        _posting(
            title=f"Rare {n}",
            occupation=rare,
            skills=[untaught],
            posted_on=today - datetime.timedelta(days=20 + n),
            province=Province.NAMUR,
        )

    provider = make_provider(name="Centre d'animation", province=Province.LIEGE, commune="Liège")
    offer = make_offer(
        provider,
        title="Animation 2D",
        sessions=[
            {
                "start_date": today - datetime.timedelta(days=60),
                "end_date": today - datetime.timedelta(days=30),
                "seats": 10,
                "province": Province.LIEGE,
                "commune": "Liège",
            },
            {
                "start_date": today + datetime.timedelta(days=30),
                "end_date": today + datetime.timedelta(days=60),
                "seats": 10,
                "province": Province.LIEGE,
                "commune": "Liège",
            },
        ],
    )
    OfferSkill.objects.create(offer=offer, skill=taught, status=LinkStatus.CONFIRMED)
    OfferOccupation.objects.create(offer=offer, occupation=occupation, status=LinkStatus.CONFIRMED)

    employer = EmployerFactory(name="Studio Secret SA", province=Province.LIEGE)
    request = TrainingRequest.objects.create(
        employer=employer,
        headcount=3,
        needed_by=today + datetime.timedelta(days=90),
        province=Province.LIEGE,
        message="",
    )
    request.skills.set([untaught])

    run = analytics_compute(trigger=ComputationRun.Trigger.OTHER)
    # Queued terms as the emerging-term computation stores them (the sample of a world this
    # small proposes none): what the queue shows and the curators decide on.
    terms = [
        EmergingTerm.objects.create(
            run=run,
            term=term,
            postings=postings,
            recent_share=recent,
            previous_share=previous,
            growth=recent / previous,
            trend=0.01,
            score=score,
            example_posting_ids=[first.pk],
        )
        for term, postings, recent, previous, score in [
            ("houdini", 9, 0.3, 0.05, 3.0),
            ("=cmd|calc", 8, 0.2, 0.05, 2.0),
        ]
    ]
    return GapWorld(
        occupation=occupation,
        rare=rare,
        taught=taught,
        untaught=untaught,
        shortage_list=shortage_list,
        provider=provider,
        offer=offer,
        employer=employer,
        request=request,
        run=run,
        terms=terms,
    )


def role_users(provider: ProviderPage) -> dict:
    """One account per role the advisor area must tell apart (anonymous is None)."""
    learner = UserFactory(username="learner")
    employer_user = UserFactory(username="employer")
    EmployerFactory(name="Employeur du test").members.add(employer_user)
    editor = UserFactory(username="editor")
    editor.groups.add(provider_editors_group(provider))
    advisor = UserFactory(username="advisor")
    advisor.groups.add(Group.objects.get(name=ADVISORS))
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    return {
        "anonymous": None,
        "learner": learner,
        "employer": employer_user,
        "provider editor": editor,
        "advisor": advisor,
        "superuser": superuser,
    }
