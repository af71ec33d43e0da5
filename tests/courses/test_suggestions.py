"""Extractor suggestions: stored unconfirmed, reviewed by editors, rejections remembered."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from courses.models import LinkSource, OfferSkill
from courses.selectors import offers_for_skill
from courses.services.links import offer_skill_decide, offer_skill_set, offer_suggest_skills
from courses.services.providers import provider_editors_group
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider
from tests.courses.helpers import offer_edit_post_data

pytestmark = pytest.mark.django_db

# The extractor is another team's moving target: these tests take whatever it finds in the text
# as their subject, and only require that it finds something (Photoshop is a literal ESCO label).
PHOTOSHOP = "http://data.europa.eu/esco/skill/14ced458-5f4b-495f-bd3d-9c240614bda0"
DESCRIPTION = (
    "<p>Formation intensive au développement web : JavaScript, CSS, Adobe Illustrator "
    "et la retouche d’images avec Adobe Photoshop.</p>"
)


@pytest.fixture
def provider(provider_index):
    return make_provider()


@pytest.fixture
def offer(provider):
    return make_offer(provider, title="Développeur web front-end", description=DESCRIPTION)


@pytest.fixture
def suggested(offer):
    """The first skill the extractor suggests for the offer (the subject of the tests)."""
    from courses.services.links import offer_text
    from skills.extraction import get_extractor

    matches = get_extractor().extract(offer_text(offer))
    assert matches, "the extractor found nothing in a text naming Photoshop"
    return matches[0].uri


def pending_uris(offer):
    return set(offer.skill_links.pending().values_list("skill__uri", flat=True))


def test_suggestions_are_stored_unconfirmed_and_stay_private(client, offer, suggested):
    report = offer_suggest_skills(offer=offer)
    assert suggested in report.skills_added
    link = offer.skill_links.get(skill__uri=suggested)
    assert (link.source, link.confirmed, link.rejected) == (LinkSource.EXTRACTED, False, False)
    assert 0 < link.confidence <= 1
    skill = Skill.objects.get(uri=suggested)
    assert offer not in offers_for_skill(skill=skill)
    response = client.get(offer.url)
    assert response.context["skill_links"] == []
    assert suggested not in response.content.decode()  # not in the JSON-LD either


def test_rejected_suggestion_is_never_suggested_again(offer, suggested):
    offer_suggest_skills(offer=offer)
    link = offer.skill_links.get(skill__uri=suggested)
    offer_skill_decide(link=link, accept=False)
    report = offer_suggest_skills(offer=offer)
    assert suggested in report.skipped_rejected
    assert suggested not in report.skills_added
    link.refresh_from_db()
    assert link.rejected and not link.confirmed
    assert offer.skill_links.filter(skill__uri=suggested).count() == 1


def test_second_run_changes_nothing_and_keeps_decisions(offer, suggested):
    offer_suggest_skills(offer=offer)
    accepted = offer.skill_links.get(skill__uri=suggested)
    offer_skill_decide(link=accepted, accept=True)
    report = offer_suggest_skills(offer=offer)
    assert not report.changed
    accepted.refresh_from_db()
    assert accepted.confirmed and accepted.source == LinkSource.EXTRACTED


def test_withdrawn_text_withdraws_pending_suggestions_only(offer, suggested):
    offer_suggest_skills(offer=offer)
    manual = offer_skill_set(offer=offer, skill=Skill.objects.exclude(uri=suggested).first())
    report = offer_suggest_skills(offer=offer, text="Cours de cuisine végétarienne.")
    assert suggested in report.skills_withdrawn
    assert OfferSkill.objects.filter(pk=manual.pk, confirmed=True).exists()


def test_editor_saving_a_description_gets_suggestions(client, provider, suggested):
    offer = make_offer(provider, title="Développeur web front-end", description="")
    assert not offer.skill_links.exists()
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[offer.pk]),
        offer_edit_post_data(offer, description_html=DESCRIPTION),
    )
    assert response.status_code == 302
    assert suggested in pending_uris(offer)


def test_review_view_accepts_and_rejects_with_permission_checks(client, provider, offer, suggested):
    offer_suggest_skills(offer=offer)
    js = offer.skill_links.get(skill__uri=suggested)
    other = offer.skill_links.pending().exclude(pk=js.pk).first()
    url = reverse("courses_admin:offer_skills", args=[offer.pk])

    intruder = get_user_model().objects.create_user("x", "x@example.invalid", "pw")
    intruder.groups.add(provider_editors_group(make_provider()))
    client.force_login(intruder)
    client.post(url, {"action": "accept_skill", "link": js.pk})
    js.refresh_from_db()
    assert not js.confirmed

    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert f'data-link="{js.pk}"' in page.content.decode()
    assert client.post(url, {"action": "accept_skill", "link": js.pk}).status_code == 302
    js.refresh_from_db()
    assert js.confirmed and js.decided_by == editor
    if other is not None:
        client.post(url, {"action": "reject_skill", "link": other.pk})
        other.refresh_from_db()
        assert other.rejected
    assert client.get(url, {"q": "photoshop"}).status_code == 200
    photoshop = Skill.objects.get(uri=PHOTOSHOP)
    client.post(url, {"action": "add_skill", "skill": photoshop.pk, "relation": "secondary"})
    added = offer.skill_links.get(skill=photoshop)
    assert added.confirmed and added.relation == "secondary"
    assert offer in offers_for_skill(skill=Skill.objects.get(uri=suggested))
    public = client.get(offer.url)
    assert {link.skill.uri for link in public.context["skill_links"]} == {suggested, PHOTOSHOP}
    assert suggested in public.content.decode()


def test_review_view_adds_a_target_occupation(client, provider, offer):
    from skills.models import Occupation

    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    url = reverse("courses_admin:offer_skills", args=[offer.pk])
    occupation = Occupation.objects.get(uri__endswith="c40a2919-48a9-40ea-b506-1f34f693496d")
    page = client.get(url, {"oq": "web"})
    assert occupation in page.context["occupation_candidates"]
    client.post(url, {"action": "add_occupation", "occupation": occupation.pk})
    link = offer.occupation_links.get(occupation=occupation)
    assert link.confirmed and link.decided_by == editor
