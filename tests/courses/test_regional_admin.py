"""The regional catalogue from the admin: upload, dry-run report, confirm, background run;
platform moderators and superusers only."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import CatalogueImport, OfferPage
from courses.services.moderation import MODERATORS_GROUP_NAME
from courses.services.providers import provider_editors_group
from tests.courses.factories import make_provider

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "courses" / "data" / "regional_catalogue_sample.csv"
URL = reverse("courses_admin:catalogue_import")


def make_user(username, *groups, **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.invalid", "pw", **extra
    )
    user.groups.add(*groups)
    return user


@pytest.fixture
def existing_provider(provider_index):
    return make_provider(name="Centre existant")


@pytest.fixture
def moderator(existing_provider):
    return make_user("moderator", Group.objects.get(name=MODERATORS_GROUP_NAME))


def upload(client, content=None):
    content = SAMPLE.read_bytes() if content is None else content
    return client.post(URL, {"file": SimpleUploadedFile("catalogue.csv", content)})


def test_anonymous_is_sent_to_the_login_page(client, existing_provider):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_provider_editor_is_refused(client, existing_provider):
    editor = make_user("editor", provider_editors_group(existing_provider))
    client.force_login(editor)
    # Wagtail turns a refusal in its admin into a redirect to the dashboard.
    assert client.get(URL)["Location"] == reverse("wagtailadmin_home")
    assert upload(client)["Location"] == reverse("wagtailadmin_home")
    assert not OfferPage.objects.exists()


def test_moderator_uploads_sees_the_dry_run_then_confirms_the_background_run(
    client, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    assert client.get(URL).status_code == 200
    response = upload(client)
    assert response.status_code == 200
    assert "created: 11" in response.content.decode()
    assert not OfferPage.objects.exists()  # the dry run wrote nothing

    token = response.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"confirm": "1", "token": token})
    run = CatalogueImport.objects.get()
    assert response["Location"] == reverse("courses_admin:catalogue_import_run", args=[run.pk])
    assert run.status == CatalogueImport.Status.SUCCEEDED
    assert run.total == 13 and run.created_by == moderator
    assert OfferPage.objects.filter(import_source="regional", live=True).count() == 11
    page = client.get(response["Location"])
    assert "created: 11" in page.content.decode()

    # The token is single-use: a second confirmation imports nothing more.
    response = client.post(URL, {"confirm": "1", "token": token})
    assert response.status_code == 302 and CatalogueImport.objects.count() == 1


def test_superuser_sees_row_errors_and_cannot_confirm(client, existing_provider):
    client.force_login(
        get_user_model().objects.create_superuser("root", "root@example.invalid", "pw")
    )
    bad = SAMPLE.read_bytes().replace(b"14 Heures", b"longtemps")
    response = upload(client, bad)
    body = response.content.decode()
    assert "Ligne 2" in body and "token" not in response.context  # the admin speaks French
    assert not OfferPage.objects.exists()


def test_unreadable_file_is_a_form_error(client, moderator):
    client.force_login(moderator)
    response = upload(client, b"a;b\n1;2\n")
    assert response.context["form"].errors["file"]
