"""Fixtures of the Elasticsearch tests, bound by the modules that use them: a small published
cadastre built with the courses factories (the page tree needs a home page and a provider
index)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from courses.models import FundingScheme, OfferSkill, ProviderIndexPage, Schedule
from skills.links import LinkStatus
from tests.cms.factories import make_home_page
from tests.courses.factories import make_offer, make_provider
from tests.skills.factories import SkillFactory


@pytest.fixture
def provider_index(db):
    home = make_home_page()
    index = ProviderIndexPage(title="Organismes", slug="organismes")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def cadastre(provider_index):
    """Two offers with confirmed skills and one unpublished draft: what documents project."""
    today = timezone.localdate()
    provider = make_provider(
        name="Technofutur Test",
        commune="Charleroi",
        latitude="50.4108",
        longitude="4.4446",
    )
    python = SkillFactory(preferred_label_fr="Python", preferred_label_en="Python")
    web = SkillFactory(preferred_label_fr="développement web", preferred_label_en="web development")
    suggested = SkillFactory(preferred_label_fr="compétence suggérée")
    free_offer = make_offer(
        provider,
        title="Développeur web",
        is_free=True,
        price=None,
        certification="Certificat de compétences",
        audiences=["jobseekers"],
        eqf_level=5,
        duration_hours=480,
        description="<p>Au programme&nbsp;:</p><p>HTML et Python.</p>",
        sessions=[
            {"start_date": today - datetime.timedelta(days=30), "schedule": Schedule.DAY},
            {
                "start_date": today + datetime.timedelta(days=10),
                "schedule": Schedule.EVENING,
                "commune": "Namur",
                "province": "namur",
            },
            {
                "start_date": today + datetime.timedelta(days=5),
                "schedule": Schedule.WEEKEND,
                "status": "cancelled",
            },
        ],
    )
    # A parental many-to-many is written when the page is saved.
    free_offer.funding_schemes.add(FundingScheme.objects.order_by("slug").first())
    free_offer.save()
    paid_offer = make_offer(provider, title="Python pour l’analyse", price=750, sessions=[])
    draft = make_offer(provider, title="Brouillon", publish=False)
    for offer, skill in ((free_offer, python), (free_offer, web), (paid_offer, python)):
        OfferSkill.objects.create(offer=offer, skill=skill, status=LinkStatus.CONFIRMED)
    OfferSkill.objects.create(offer=paid_offer, skill=suggested, status=LinkStatus.SUGGESTED)
    return {
        "provider": provider,
        "free": free_offer,
        "paid": paid_offer,
        "draft": draft,
        "python": python,
        "web": web,
        "suggested": suggested,
    }
