import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from core.places import Province
from courses.models import (
    FundingScheme,
    OfferPage,
    OfferSkill,
    ProviderPage,
)
from courses.selectors import offer_list, offers_for_occupation, offers_for_skill, similar_offers
from courses.services.links import offer_occupation_set, offer_skill_set
from skills.links import LinkStatus
from skills.models import Occupation, Skill
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db


def skills(n):
    return list(Skill.objects.order_by("uri")[:n])


def test_offer_only_under_a_provider(provider_index, home):
    provider = make_provider()
    assert OfferPage.can_create_at(provider)
    assert not OfferPage.can_create_at(home)
    assert not OfferPage.can_create_at(provider_index)
    assert ProviderPage.can_create_at(provider_index)


def test_offer_keeps_its_provider_denormalised(provider_index):
    provider = make_provider()
    offer = make_offer(provider)
    assert offer.provider_id == provider.pk


def test_external_id_unique_per_provider_only(provider_index):
    first, second = make_provider(), make_provider()
    make_offer(first, external_id="A-1")
    make_offer(second, external_id="A-1")  # another provider may reuse its own ids
    with pytest.raises(ValidationError), transaction.atomic():
        make_offer(first, external_id="A-1")


def test_funding_schemes_precreated():
    slugs = set(FundingScheme.objects.values_list("slug", flat=True))
    assert {"forem-gratuit", "cheques-formation", "conge-education-paye"} <= slugs


def test_offer_page_shows_only_confirmed_skills(client, provider_index):
    provider = make_provider()
    offer = make_offer(provider, title="Design d’interfaces")
    confirmed, suggested = skills(2)
    offer_skill_set(offer=offer, skill=confirmed)
    OfferSkill.objects.create(
        offer=offer, skill=suggested, method="label", status=LinkStatus.SUGGESTED
    )
    response = client.get(offer.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert confirmed.label() in body
    assert suggested.label() not in body
    assert "application/ld+json" in body


def test_offer_page_lists_next_sessions_only(client, provider_index):
    today = timezone.localdate()
    provider = make_provider()
    offer = make_offer(
        provider,
        sessions=[
            {"start_date": today - datetime.timedelta(days=90)},
            {"start_date": today + datetime.timedelta(days=15)},
        ],
    )
    response = client.get(offer.url)
    sessions = response.context["next_sessions"]
    assert [s.start_date for s in sessions] == [today + datetime.timedelta(days=15)]


def test_selectors_list_live_offers_with_confirmed_links(provider_index):
    provider = make_provider()
    skill = skills(1)[0]
    occupation = Occupation.objects.first()
    live = make_offer(provider)
    draft = make_offer(provider, publish=False)
    suggested = make_offer(provider)
    for offer in (live, draft):
        offer_skill_set(offer=offer, skill=skill)
        offer_occupation_set(offer=offer, occupation=occupation)
    OfferSkill.objects.create(offer=suggested, skill=skill, method="label")  # a suggestion
    assert list(offers_for_skill(skill=skill)) == [live]
    assert list(offers_for_occupation(occupation=occupation)) == [live]
    assert len(offers_for_skill(skill=skill, limit=1)) == 1


def test_similar_offers_ranked_by_shared_confirmed_skills(provider_index):
    provider = make_provider()
    a, b, c = skills(3)
    offer = make_offer(provider)
    close = make_offer(provider, title="Proche")
    far = make_offer(provider, title="Lointaine")
    unrelated = make_offer(provider, title="Sans rapport")
    for skill in (a, b, c):
        offer_skill_set(offer=offer, skill=skill)
    for skill in (a, b):
        offer_skill_set(offer=close, skill=skill)
    offer_skill_set(offer=far, skill=c)
    OfferSkill.objects.create(offer=unrelated, skill=a, status=LinkStatus.SUGGESTED)
    assert similar_offers(offer=offer) == [close, far]


def test_offer_list_province_matches_session_province(provider_index):
    provider = make_provider(province=Province.HAINAUT)
    today = timezone.localdate()
    offer = make_offer(
        provider,
        sessions=[{"start_date": today + datetime.timedelta(days=5), "province": Province.NAMUR}],
    )
    assert list(offer_list(province=Province.NAMUR)) == [offer]


def test_provider_index_and_page_render(client, provider_index):
    provider = make_provider(name="Technocité")
    make_offer(provider, title="Motion design")
    response = client.get(provider_index.url, {"province": "hainaut"})
    assert "Technocité" in response.content.decode()
    response = client.get(provider.url)
    assert "Motion design" in response.content.decode()


def test_free_offer_cannot_have_a_price(provider_index):
    from courses.models.pages import OfferPageForm  # noqa: F401  (form exists for the editor)

    provider = make_provider()
    offer = make_offer(provider, is_free=True, price=None)
    assert offer.is_free and offer.price is None


def test_moving_an_offer_changes_its_provider(provider_index):
    from wagtail.actions.move_page import MovePageAction

    first, second = make_provider(), make_provider()
    offer = make_offer(first, external_id="MOVE-1")
    MovePageAction(offer, second, pos="last-child").execute(skip_permission_checks=True)
    offer = OfferPage.objects.get(pk=offer.pk)
    assert offer.provider_id == second.pk
    offer.get_latest_revision().publish()
    assert OfferPage.objects.get(pk=offer.pk).provider_id == second.pk


def test_move_into_a_provider_with_the_same_external_id_is_refused(client, provider_index):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    first, second = make_provider(), make_provider()
    offer = make_offer(first, external_id="SAME")
    make_offer(second, external_id="SAME")
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:move_confirm", args=[offer.pk, second.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert OfferPage.objects.get(pk=offer.pk).get_parent().pk == first.pk


@pytest.mark.django_db
def test_offer_page_says_how_to_register(client, provider_index):

    provider = make_provider(name="Centre Inscriptions")
    provider.contact_email, provider.contact_phone = "accueil@example.be", "081 00 00 00"
    provider.save_revision().publish()
    today = timezone.localdate()
    offer = make_offer(
        provider,
        registration_url="https://example.be/inscription",
        sessions=[
            {
                "start_date": today + datetime.timedelta(days=5),
                "status": "full",
                "seats": 12,
                "seats_left": 0,
            },
            {
                "start_date": today + datetime.timedelta(days=40),
                "registration_deadline": today + datetime.timedelta(days=30),
                "seats": 12,
                "seats_left": 3,
            },
        ],
    )
    url = offer.url
    with translation.override("en"):
        response = client.get("/en" + url)
        assert response.status_code == 200
        content = response.content.decode()
    register = content[content.index('id="register"') :]
    register = register[: register.index("</section>")]
    later = today + datetime.timedelta(days=30)
    assert "How to register" in register
    assert 'href="https://example.be/inscription"' in register
    assert f"Register by {later.day} {later:%B} {later.year}" in register
    assert "3 seats left" in register
    assert "accueil@example.be" in register and "081 00 00 00" in register  # provider's contact

    offer.registration_email = "formations@example.be"
    offer.save_revision().publish()
    Session = offer.sessions.model
    Session.objects.filter(page=offer).update(status="full")
    content = client.get(url).content.decode()
    register = content[content.index('id="register"') :]
    assert "formations@example.be" in register and "accueil@example.be" not in register[:2000]
    assert "complètes" in register or "full" in register
