"""Extractor suggestions: computed in the background, stored as suggestions, reviewed by
editors, rejections remembered."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from courses.models import OfferSkill
from courses.selectors import offer_link_summary, offer_text, offers_for_skill
from courses.services.links import (
    offer_confirm_title_skills,
    offer_queue_suggestions,
    offer_skill_decide,
    offer_skill_set,
    offer_suggest_skills,
)
from courses.services.providers import provider_editors_group
from skills.links import LinkMethod, LinkStatus
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
    assert link.status == LinkStatus.SUGGESTED
    assert link.method not in LinkMethod.values  # the extractor's own method name
    assert 0 < link.score <= 1
    assert link.esco_version == link.skill.esco_version != ""
    text = offer_text(offer)
    assert link.spans and all(0 <= start < end <= len(text) for start, end in link.spans)
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
    assert link.status == LinkStatus.REJECTED
    assert offer.skill_links.filter(skill__uri=suggested).count() == 1


def test_second_run_changes_nothing_and_keeps_decisions(offer, suggested):
    offer_suggest_skills(offer=offer)
    accepted = offer.skill_links.get(skill__uri=suggested)
    offer_skill_decide(link=accepted, accept=True)
    report = offer_suggest_skills(offer=offer)
    assert not report.changed
    accepted.refresh_from_db()
    assert accepted.is_confirmed and accepted.method not in LinkMethod.values


def test_withdrawn_text_withdraws_pending_suggestions_only(offer, suggested):
    offer_suggest_skills(offer=offer)
    manual = offer_skill_set(offer=offer, skill=Skill.objects.exclude(uri=suggested).first())
    report = offer_suggest_skills(offer=offer, text="Cours de cuisine végétarienne.")
    assert suggested in report.skills_withdrawn
    assert OfferSkill.objects.public().filter(pk=manual.pk).exists()


def test_editor_saving_a_description_gets_suggestions_after_commit(
    client, provider, suggested, django_capture_on_commit_callbacks
):
    offer = make_offer(provider, title="Développeur web front-end", description="")
    assert not offer.skill_links.exists()
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[offer.pk]),
            offer_edit_post_data(offer, description_html=DESCRIPTION),
        )
    assert response.status_code == 302
    assert not offer.skill_links.exists()  # nothing was read inside the request
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (immediately, in tests)
    assert suggested in pending_uris(offer)


def test_an_edit_suggests_again_without_touching_decisions(
    client, provider, offer, suggested, django_capture_on_commit_callbacks
):
    """Saving the offer again replaces its suggestions but keeps what editors decided."""
    from skills.extraction import get_extractor

    offer_suggest_skills(offer=offer)
    rejected = offer.skill_links.get(skill__uri=suggested)
    offer_skill_decide(link=rejected, accept=False)
    confirmed = offer.skill_links.pending().first()
    assert confirmed is not None, "the extractor found a single skill"
    offer_skill_decide(link=confirmed, accept=True)
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[offer.pk]),
            offer_edit_post_data(offer, description_html="<p>Cours de cuisine.</p>"),
        )
    assert response.status_code == 302
    for link in (rejected, confirmed):
        before = (link.status, link.score, link.method, link.spans, link.updated_at)
        link.refresh_from_db()
        assert (link.status, link.score, link.method, link.spans, link.updated_at) == before
    offer.refresh_from_db()
    new_text = offer_text(offer.get_latest_revision_as_object())
    assert "cuisine" in new_text
    found = {match.uri for match in get_extractor().extract(new_text, top_k=25)}
    assert pending_uris(offer) == found - {rejected.skill.uri, confirmed.skill.uri}


def test_nothing_is_queued_when_the_save_rolls_back(offer, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        offer_queue_suggestions(offer_ids=[offer.pk])
        raise RuntimeError("the save failed")
    assert callbacks == []
    assert not offer.skill_links.exists()


def test_review_screen_shows_evidence_from_the_spans(offer, suggested):
    """Evidence is the analysed text at the link's spans, and nothing once they no longer fit."""
    offer_suggest_skills(offer=offer)
    text = offer_text(offer)
    link = offer.skill_links.get(skill__uri=suggested)
    start, end = link.spans[0]
    summary = offer_link_summary(offer=offer)
    shown = next(item for item in summary["pending_skills"] if item.pk == link.pk)
    assert shown.evidence.startswith(text[start:end])
    link.spans = [[start, len(text) + 10]]
    link.save(update_fields=["spans"])
    summary = offer_link_summary(offer=offer)
    shown = next(item for item in summary["pending_skills"] if item.pk == link.pk)
    assert shown.evidence == ""


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
    assert js.is_suggested

    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert f'data-link="{js.pk}"' in page.content.decode()
    assert client.post(url, {"action": "accept_skill", "link": js.pk}).status_code == 302
    js.refresh_from_db()
    assert js.is_confirmed and js.decided_by == editor
    if other is not None:
        client.post(url, {"action": "reject_skill", "link": other.pk})
        other.refresh_from_db()
        assert other.is_rejected
    found = client.get(url, {"q": "photoshop"})
    assert found.status_code == 200
    # Every relation dropdown has its own label (screen readers announce which skill it is for).
    html = found.content.decode()
    selects = re.findall(r"<select[^>]*>", html)
    assert selects
    for select in selects:
        ident = re.search(r'id="([^"]+)"', select)
        assert ident and f'for="{ident.group(1)}"' in html, select
    photoshop = Skill.objects.get(uri=PHOTOSHOP)
    client.post(url, {"action": "add_skill", "skill": photoshop.pk, "relation": "secondary"})
    added = offer.skill_links.get(skill=photoshop)
    assert added.is_confirmed and added.relation == "secondary"
    assert (added.method, added.esco_version) == (LinkMethod.MANUAL, photoshop.esco_version)
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
    assert link.is_confirmed and link.decided_by == editor


def test_title_confirmation_trusts_literal_matches_only(offer):
    """A title-only import confirms strong suggestions at once, but only those the title says
    literally: a skill inferred from it (no spans) waits for the provider, however high."""
    literal, inferred = Skill.objects.order_by("id")[:2]
    create = OfferSkill.objects.create
    create(offer=offer, skill=literal, score=0.95, method="label", spans=[[0, 9]])
    create(offer=offer, skill=inferred, score=0.97, method="semantic", spans=[])
    assert offer_confirm_title_skills(offer=offer, min_score=0.9) == [literal.uri]
    assert pending_uris(offer) == {inferred.uri}
