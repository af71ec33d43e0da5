"""Pages published in bulk (`courses.services.page_bulk`) end up as Wagtail leaves them one by
one: a sound tree, one live revision each, the admin history, search and reference indexes."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Collection, Page, PageLogEntry, ReferenceIndex, Revision

from courses.models import FundingScheme, OfferPage, OfferPlace, ProviderKind, ProviderPage
from courses.services.page_bulk import (
    pages_create_published,
    pages_create_published_under,
    pages_publish_changes,
    pages_unpublish,
)
from courses.services.providers import (
    collections_add_sorted,
    provider_editors_group,
    providers_create,
)
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db


def tree_problems():
    """treebeard's own checks: bad characters, step lengths, orphans, depths, child counts."""
    return [problems for problems in Page.find_problems() if problems]


def new_offer(n, **fields):
    values = {
        "title": f"Excel niveau {n}",
        "slug": f"excel-{n}",
        "summary": "Excel",
        "format": "short",
        "modality": "on_site",
        "languages": ["fr"],
    }
    offer = OfferPage(**values | fields)
    offer.places = [OfferPlace(commune="Mons", province="hainaut")]
    return offer


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.invalid", "pw")


def test_new_pages_are_sound_live_children_with_one_revision_and_history(provider_index, editor):
    first, second = make_provider(name="Alpha"), make_provider(name="Beta")
    existing = make_offer(first, title="Déjà là")  # bulk pages go after existing children
    offers = {first.pk: [new_offer(1), new_offer(2)], second.pk: [new_offer(3)]}
    revisions = pages_create_published_under(
        groups=[(first, offers[first.pk]), (second, offers[second.pk])], user=editor
    )

    assert tree_problems() == []
    assert Page.objects.get(pk=first.pk).numchild == 3
    assert Page.objects.get(pk=second.pk).numchild == 1
    assert [p.pk for p in first.get_children()] == [existing.pk, *[o.pk for o in offers[first.pk]]]
    for offer, revision in zip([*offers[first.pk], *offers[second.pk]], revisions, strict=True):
        stored = OfferPage.objects.get(pk=offer.pk)
        assert stored.live and not stored.has_unpublished_changes
        assert stored.provider_id == stored.get_parent().pk
        assert stored.latest_revision_id == stored.live_revision_id == revision.pk
        assert Revision.objects.filter(object_id=str(offer.pk)).count() == 1
        assert revision.as_object().title == stored.title  # the revision holds the content
        assert [p.commune for p in revision.as_object().places.all()] == ["Mons"]
        assert [(e.action, e.revision_id) for e in PageLogEntry.objects.filter(page=offer)] == [
            ("wagtail.publish", revision.pk),
            ("wagtail.edit", revision.pk),
        ]
        assert [p.commune for p in stored.places.all()] == ["Mons"]


def test_bulk_pages_are_served_and_their_history_shows_in_the_admin(client, provider_index, editor):
    provider = make_provider(name="Gamma")
    offer = new_offer(1)
    pages_create_published(parent=provider, pages=[offer], user=editor)
    response = client.get(offer.url)
    assert response.status_code == 200 and "Excel niveau 1" in response.content.decode()
    client.force_login(editor)
    history = client.get(reverse("wagtailadmin_pages:history", args=[offer.pk]))
    assert history.status_code == 200
    assert history.context["object_list"][0].revision_id == offer.latest_revision_id


def test_the_tree_takes_normal_children_after_bulk_ones(provider_index):
    provider = make_provider(name="Delta")
    pages_create_published(parent=provider, pages=[new_offer(1), new_offer(2)])
    provider.refresh_from_db()
    later = make_offer(provider, title="Ajoutée ensuite")
    assert tree_problems() == []
    assert list(provider.get_children())[-1].pk == later.pk


def test_a_taken_slug_refuses_the_whole_batch(provider_index):
    provider = make_provider(name="Epsilon")
    make_offer(provider, slug="excel-2")
    with pytest.raises(ValueError):
        pages_create_published(parent=provider, pages=[new_offer(1), new_offer(2)])
    assert OfferPage.objects.count() == 1


def test_many_to_many_values_are_refused_rather_than_lost(provider_index):
    provider = make_provider(name="Zeta")
    offer = new_offer(1)
    offer.funding_schemes = [FundingScheme.objects.first() or FundingScheme.objects.create()]
    with pytest.raises(ValueError):
        pages_create_published(parent=provider, pages=[offer])


def test_search_and_reference_indexes_follow_once_committed(
    provider_index, django_capture_on_commit_callbacks
):
    provider = make_provider(name="Eta")
    offer = new_offer(1, title="Soudure TIG orbitale")
    with django_capture_on_commit_callbacks(execute=True):
        pages_create_published(parent=provider, pages=[offer])
    assert offer.pk in [o.pk for o in OfferPage.objects.live().search("orbitale")]
    assert ReferenceIndex.get_references_for_object(offer).exists()  # its provider link


def test_changes_publish_a_new_revision_and_log_the_rename(provider_index, editor):
    provider = make_provider(name="Theta")
    offer = new_offer(1)
    pages_create_published(parent=provider, pages=[offer])
    offer = OfferPage.objects.get(pk=offer.pk)
    first_revision = offer.latest_revision_id
    offer.title, offer.summary = "Excel avancé", "Excel avancé"
    offer.places = [OfferPlace(commune="Namur", province="namur")]
    (revision,) = pages_publish_changes(pages=[offer], fields=["title", "summary"], user=editor)

    stored = OfferPage.objects.get(pk=offer.pk)
    assert (stored.title, stored.draft_title) == ("Excel avancé", "Excel avancé")
    assert stored.latest_revision_id == stored.live_revision_id == revision.pk != first_revision
    assert [p.commune for p in stored.places.all()] == ["Namur"]
    assert revision.as_object().title == "Excel avancé"
    rename = PageLogEntry.objects.get(page=offer, action="wagtail.rename")
    assert rename.data["title"] == {"old": "Excel niveau 1", "new": "Excel avancé"}
    assert tree_problems() == []


def test_unpublish_takes_pages_offline_with_history(provider_index, editor):
    provider = make_provider(name="Iota")
    offer = new_offer(1)
    pages_create_published(parent=provider, pages=[offer])
    pages_unpublish(pages=[offer], user=editor)
    stored = OfferPage.objects.get(pk=offer.pk)
    assert not stored.live and stored.live_revision_id is None and stored.has_unpublished_changes
    assert PageLogEntry.objects.filter(page=offer, action="wagtail.unpublish").exists()


def test_providers_created_in_bulk_get_what_provider_create_gives(provider_index):
    providers = [
        ProviderPage(title=name, slug=name.lower(), kind=kind, commune="Namur", province="namur")
        for name, kind in [("Kappa", ProviderKind.FOREM), ("Lambda", ProviderKind.ASSOCIATION)]
    ]
    providers_create(providers=providers)
    reference = make_provider(name="Mu", kind=ProviderKind.FOREM)
    assert tree_problems() == []
    assert [problems for problems in Collection.find_problems() if problems] == []
    kappa, mu = provider_editors_group(providers[0]), provider_editors_group(reference)

    def permissions(group):
        return (
            sorted(group.permissions.values_list("codename", flat=True)),
            sorted(group.page_permissions.values_list("permission__codename", flat=True)),
            sorted(group.collection_permissions.values_list("permission__codename", flat=True)),
        )

    assert permissions(kappa) == permissions(mu)
    assert "view_trainingrequest" not in permissions(provider_editors_group(providers[1]))[0]
    editor = get_user_model().objects.create_user("k", "k@example.invalid", "pw")
    editor.groups.add(kappa)
    offer = new_offer(1)
    pages_create_published(parent=providers[0], pages=[offer])
    assert offer.permissions_for_user(editor).can_edit()
    assert not reference.permissions_for_user(editor).can_edit()


def test_providers_with_invalid_fields_are_refused_together(provider_index):
    from django.core.exceptions import ValidationError

    providers = [
        ProviderPage(title="Nu", slug="nu", kind="association", commune="Namur", province="namur"),
        ProviderPage(title="Xi", slug="xi", kind="association", commune="Lille", province="nord"),
    ]
    with pytest.raises(ValidationError):
        providers_create(providers=providers)
    assert not ProviderPage.objects.exists()


def test_collections_are_added_in_name_order_with_subtrees_moved(db):
    root = Collection.get_first_root_node()
    middle = root.add_child(name="M")
    middle.add_child(name="M enfant")
    root.add_child(name="T")
    collections_add_sorted(parent=root, names=["Z", "A", "N"])
    root.refresh_from_db()
    assert [c.name for c in root.get_children()] == ["A", "M", "N", "T", "Z"]
    assert [c.name for c in Collection.objects.get(name="M").get_children()] == ["M enfant"]
    assert [problems for problems in Collection.find_problems() if problems] == []
    assert root.numchild == 5
    root.add_child(name="B")  # treebeard's own sorted insertion still works afterwards
    assert [c.name for c in root.get_children()][:3] == ["A", "B", "M"]
