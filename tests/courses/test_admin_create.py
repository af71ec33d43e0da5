"""Creating offers through the Wagtail editor: allowed under one's provider, with sessions."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from courses.models import OfferPage
from courses.services.providers import provider_editors_group
from tests.courses.factories import make_provider

pytestmark = pytest.mark.django_db


def create_form(**overrides):
    data = {
        "title": "Animation 2D pour débutants",
        "slug": "animation-2d-debutants",
        "summary": "Apprendre les principes de l’animation.",
        "description": rich_text("<p>Principes d’animation, dessin et Adobe Photoshop.</p>"),
        "format": "short",
        "modality": "on-site",
        "price": "300",
        "sessions": inline_formset(
            [
                {
                    "start_date": "2099-03-01",
                    "end_date": "2099-03-05",
                    "schedule": "day",
                    "status": "open",
                }
            ]
        ),
        "places": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    post = nested_form_data(data)
    post["languages"] = ["fr", "en"]
    post["audiences"] = ["workers"]
    return post


def test_editor_creates_a_draft_offer_under_their_provider(
    client, provider_index, django_capture_on_commit_callbacks
):
    provider = make_provider()
    other = make_provider()
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)

    url = reverse("wagtailadmin_pages:add", args=["courses", "offerpage", provider.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, create_form())
    assert response.status_code == 302, response.context["form"].errors
    offer = OfferPage.objects.get(slug="animation-2d-debutants")
    assert offer.provider_id == provider.pk and not offer.live
    revision = offer.get_latest_revision_as_object()
    assert revision.languages == ["fr", "en"] and revision.audiences == ["workers"]
    assert [str(s.start_date) for s in revision.sessions.all()] == ["2099-03-01"]
    assert offer.skill_links.pending().exists()  # suggested once created, unconfirmed

    refused = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "offerpage", other.pk]),
        create_form(slug="intrus"),
    )
    assert refused.status_code in (302, 403)
    assert not OfferPage.objects.filter(slug="intrus").exists()


def test_free_offer_with_a_price_is_refused_by_the_editor_form(client, provider_index):
    provider = make_provider()
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=["courses", "offerpage", provider.pk])
    response = client.post(url, create_form(is_free="on", price="300"))
    assert response.status_code == 200
    assert "price" in response.context["form"].errors
    bad_dates = create_form(
        slug="dates",
        sessions=inline_formset(
            [
                {
                    "start_date": "2099-03-05",
                    "end_date": "2099-03-01",
                    "schedule": "day",
                    "status": "open",
                }
            ]
        ),
    )
    response = client.post(url, bad_dates)
    assert response.status_code == 200
    assert not OfferPage.objects.filter(slug="dates").exists()


def test_offers_are_searchable(provider_index):
    from tests.courses.factories import make_offer

    provider = make_provider()
    make_offer(provider, title="Sound design pour le jeu vidéo", summary="Univers sonores.")
    make_offer(provider, title="Cybersécurité", summary="Défense des réseaux.")
    results = OfferPage.objects.live().search("sonores")
    assert [offer.title for offer in results] == ["Sound design pour le jeu vidéo"]


def test_save_draft_after_an_autosave_replaces_the_autosaved_page(client, provider_index):
    """Issue 14: the editor's autosave had already created the page when "Save draft" posted
    the create form again, which failed on "slug already in use" and left an orphan draft."""
    provider = make_provider()
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["courses", "offerpage", provider.pk])

    autosave = client.post(url, create_form(), HTTP_ACCEPT="application/json")
    assert autosave.status_code == 200 and autosave.json()["success"], autosave.content
    autosaved_id = autosave.json()["pk"]

    response = client.post(url, create_form(summary="Le texte relu avant d’enregistrer."))
    assert response.status_code == 302, response.context["form"].errors
    offers = OfferPage.objects.filter(slug="animation-2d-debutants")
    assert offers.count() == 1, "no orphan draft is left beside the saved page"
    offer = offers.get()
    assert offer.pk != autosaved_id and not OfferPage.objects.filter(pk=autosaved_id).exists()
    assert offer.get_latest_revision_as_object().summary == "Le texte relu avant d’enregistrer."
    assert [str(s.start_date) for s in offer.get_latest_revision_as_object().sessions.all()] == [
        "2099-03-01"
    ]


def test_a_page_saved_by_hand_still_keeps_its_slug(client, provider_index):
    """Only an autosave's page is replaced: a draft saved on purpose makes a second create form
    with the same slug fail, as before."""
    provider = make_provider()
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["courses", "offerpage", provider.pk])

    assert client.post(url, create_form()).status_code == 302
    kept = OfferPage.objects.get(slug="animation-2d-debutants")
    second = client.post(url, create_form())
    assert second.status_code == 200
    assert "slug" in second.context["form"].errors
    assert list(OfferPage.objects.filter(slug="animation-2d-debutants")) == [kept]


def test_autosaved_page_edited_in_its_editor_is_no_orphan(client, provider_index):
    provider = make_provider()
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["courses", "offerpage", provider.pk])
    autosaved_id = client.post(url, create_form(), HTTP_ACCEPT="application/json").json()["pk"]
    edit_url = reverse("wagtailadmin_pages:edit", args=[autosaved_id])
    assert client.post(edit_url, create_form(summary="Modifié.")).status_code == 302

    second = client.post(url, create_form())
    assert second.status_code == 200 and "slug" in second.context["form"].errors
    assert OfferPage.objects.filter(pk=autosaved_id).exists()
