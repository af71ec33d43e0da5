import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text

from courses.models import ProviderKind, ProviderPage
from courses.services.providers import provider_create, provider_editors_group
from tests.courses.factories import make_provider

pytestmark = pytest.mark.django_db


def test_provider_create_needs_an_index(home):
    with pytest.raises(ValidationError):
        provider_create(name="Sans index", kind="association", commune="Namur", province="namur")


def test_provider_create_validates_fields(provider_index):
    with pytest.raises(ValidationError):
        provider_create(name="X", kind="association", commune="Lille", province="nord")
    assert not ProviderPage.objects.exists()


def test_group_survives_a_rename(provider_index):
    provider = make_provider(name="Ancien nom")
    group = provider_editors_group(provider)
    provider.title = "Nouveau nom"
    provider.save_revision().publish()
    assert provider_editors_group(provider) == group


def test_provider_created_in_the_admin_gets_its_editors_group(client, provider_index):
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=["courses", "providerpage", provider_index.pk])
    data = nested_form_data(
        {
            "title": "BeCode",
            "slug": "becode",
            "kind": "association",
            "description": rich_text("<p>École de code.</p>"),
            "commune": "Charleroi",
            "province": "hainaut",
            "comments": {
                "TOTAL_FORMS": "0",
                "INITIAL_FORMS": "0",
                "MIN_NUM_FORMS": "0",
                "MAX_NUM_FORMS": "1000",
            },
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    provider = ProviderPage.objects.get(slug="becode")
    group = provider_editors_group(provider)
    assert group.page_permissions.filter(page=provider).exists()


def test_provider_index_filters_by_kind(client, provider_index):
    make_provider(name="Université test", kind="universite")
    make_provider(name="Centre test")
    response = client.get(provider_index.url, {"kind": "universite"})
    assert [p.title for p in response.context["providers"]] == ["Université test"]


def test_competence_centre_editors_follow_training_requests(client, provider_index):
    """Employers' training requests reach the competence centres' editors, not every provider."""
    centre = make_provider(name="Centre de compétence", kind=ProviderKind.COMPETENCE_CENTRE)
    university = make_provider(name="Université", kind=ProviderKind.UNIVERSITY)
    centre_editor = get_user_model().objects.create_user("centre", password="pw")
    centre_editor.groups.add(provider_editors_group(centre))
    university_editor = get_user_model().objects.create_user("univ", password="pw")
    university_editor.groups.add(provider_editors_group(university))

    assert centre_editor.has_perm("jobs.view_trainingrequest")
    assert not university_editor.has_perm("jobs.view_trainingrequest")
    listing = reverse("training_requests:index")
    client.force_login(centre_editor)
    assert client.get(listing).status_code == 200
    client.force_login(university_editor)
    assert client.get(listing).status_code in (302, 403)
