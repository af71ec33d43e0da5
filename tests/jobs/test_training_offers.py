"""Training offers for a posting: ranked by coverage of its skills, nearest first."""

import pytest

from courses.models import OfferSkill, ProviderIndexPage
from jobs.models import PostingSkill
from jobs.selectors import training_offers_for_posting
from skills.links import LinkStatus
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider
from tests.jobs.factories import EmployerFactory, JobPostingFactory


@pytest.fixture
def provider_index(db):
    from tests.cms.factories import make_home_page

    index = ProviderIndexPage(title="Organismes", slug="organismes")
    make_home_page().add_child(instance=index)
    index.save_revision().publish()
    return index


def offer_teaching(provider, title, skills, status=LinkStatus.CONFIRMED, publish=True):
    offer = make_offer(provider, title=title, publish=publish)
    for skill in skills:
        OfferSkill.objects.create(offer=offer, skill=skill, status=status)
    return offer


@pytest.mark.django_db
def test_offers_are_ranked_by_coverage_then_distance(provider_index):
    skills = list(Skill.objects.order_by("uri")[:3])
    posting = JobPostingFactory(employer=EmployerFactory(), province="namur")
    for skill in skills:
        PostingSkill.objects.create(posting=posting, skill=skill, score=0.8)

    namur = make_provider(province="namur", commune="Namur")
    liege = make_provider(province="liege", commune="Liège")
    arlon = make_provider(province="luxembourg", commune="Arlon")
    mons = make_provider(province="hainaut", commune="Mons")
    offer_teaching(liege, "Deux compétences à Liège", skills[:2])
    offer_teaching(namur, "Deux compétences à Namur", skills[1:])
    offer_teaching(namur, "Une compétence à Namur", skills[:1])
    offer_teaching(arlon, "Toutes mais non confirmées", skills, status=LinkStatus.SUGGESTED)
    offer_teaching(arlon, "Toutes mais rejetées", skills, status=LinkStatus.REJECTED)
    offer_teaching(mons, "Toutes mais pas publiée", skills, publish=False)
    unrelated = list(Skill.objects.order_by("-uri")[:1])
    offer_teaching(mons, "Sans rapport", unrelated)

    ranked = training_offers_for_posting(posting=posting)
    assert [r.offer.title for r in ranked] == [
        "Deux compétences à Namur",
        "Deux compétences à Liège",
        "Une compétence à Namur",
    ]
    assert ranked[0].coverage_percent == 67
    assert ranked[0].distance == 0 and ranked[1].distance == 1
    assert set(ranked[1].covered) == set(skills[:2])


@pytest.mark.django_db
def test_skills_the_employer_removed_do_not_count(provider_index):
    kept, removed = Skill.objects.order_by("uri")[:2]
    posting = JobPostingFactory(employer=EmployerFactory(), province="namur")
    PostingSkill.objects.create(posting=posting, skill=kept, score=0.8)
    PostingSkill.objects.create(
        posting=posting, skill=removed, score=0.8, status=LinkStatus.REJECTED
    )
    namur = make_provider(province="namur", commune="Namur")
    offer_teaching(namur, "La compétence gardée", [kept])
    offer_teaching(namur, "La compétence retirée", [removed])
    ranked = training_offers_for_posting(posting=posting)
    assert [(r.offer.title, r.coverage_percent) for r in ranked] == [("La compétence gardée", 100)]
