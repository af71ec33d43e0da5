"""The site's own pages in two trees (French, and its English translation); the cadastre served
once, under both prefixes, with its generated text in the reader's language."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from cms.models import StandardPage
from cms.services.page_translations import page_translation_ensure
from core.page_locales import default_locale
from courses.models import ProviderPage
from courses.services.links import offer_skill_set
from skills.links import LinkStatus
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french_by_default():
    """A request leaves its language active: each test starts from the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def english_home(home):
    home.intro = "Le cadastre de la formation en Wallonie."
    home.save_revision().publish()
    return page_translation_ensure(
        page=home,
        language_code="en",
        fields={"title": "Home", "intro": "The register of training in Wallonia."},
    )


@pytest.fixture
def english_provider_index(english_home, provider_index):
    provider_index.intro = "<p>Les centres de formation du cadastre.</p>"
    provider_index.title = "Organismes de formation"
    provider_index.save_revision().publish()
    return page_translation_ensure(
        page=provider_index,
        language_code="en",
        fields={"title": "Training providers", "intro": "<p>The training centres.</p>"},
    )


def test_english_home_shows_the_english_text_and_french_home_the_french(client, english_home):
    english = client.get("/en/").content.decode()
    french = client.get("/").content.decode()
    assert "The register of training in Wallonia." in english
    assert "Le cadastre de la formation" not in english
    assert "Le cadastre de la formation en Wallonie." in french
    assert "The register of training" not in french


def test_translation_keeps_the_slug_and_lives_under_the_english_prefix(english_provider_index):
    assert english_provider_index.slug == "organismes"
    assert english_provider_index.locale.language_code == "en"
    assert english_provider_index.url == "/en/organismes/"
    source = english_provider_index.get_translation(default_locale())
    assert source.url == "/organismes/"


def test_english_index_lists_the_french_tree_providers_in_english(
    client, english_provider_index, provider_index
):
    make_provider(name="Centre Bilingue")
    html = client.get("/en/organismes/").content.decode()
    assert "Training providers" in html and "The training centres." in html
    assert "Organismes de formation" not in html
    assert "Centre Bilingue" in html
    assert "Organismes de formation" in client.get("/organismes/").content.decode()


def test_offer_of_the_french_tree_is_served_under_both_prefixes(
    client, english_provider_index, provider_index
):
    offer = make_offer(make_provider(name="Centre Unique"), title="Montage vidéo")
    path = offer.url
    assert path.startswith("/organismes/")
    english = client.get("/en" + path)
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert "Montage vidéo" in english.content.decode()  # the provider's words stay as written
    with translation.override("en"):
        assert offer.get_url() == "/en" + path
    with translation.override("fr"):
        assert offer.get_url() == path  # "fr" is the default language too: no /fr/ prefix
    assert client.get(path).status_code == 200


def test_cadastre_pages_cannot_be_created_in_the_english_tree(
    english_provider_index, provider_index
):
    assert ProviderPage.can_create_at(provider_index)
    assert not ProviderPage.can_create_at(english_provider_index)


def test_a_translation_may_not_change_its_slug(english_home, home):
    about = StandardPage(title="À propos", slug="a-propos")
    home.add_child(instance=about)
    english = page_translation_ensure(page=about, language_code="en", fields={"title": "About"})
    assert english.slug == "a-propos"
    english.slug = "about"
    with pytest.raises(ValidationError) as error:
        english.full_clean()
    assert "slug" in error.value.message_dict


def test_page_translation_ensure_leaves_an_edited_translation_alone(english_home, home):
    english_home.intro = "Edited by an editor."
    english_home.save_revision().publish()
    again = page_translation_ensure(
        page=home, language_code="en", fields={"intro": "The register of training in Wallonia."}
    )
    assert again.pk == english_home.pk
    again.refresh_from_db()
    assert again.intro == "Edited by an editor."


def test_generated_summary_is_written_in_the_readers_language(client, provider_index, home):
    skill = (
        Skill.objects.exclude(preferred_label_en="")
        .exclude(preferred_label_fr="")
        .exclude(preferred_label_en=F("preferred_label_fr"))
        .first()
    )
    offer = make_offer(make_provider(), title="Atelier", duration_hours=12)
    offer_skill_set(offer=offer, skill=skill, status=LinkStatus.CONFIRMED)
    path = offer.url
    french = client.get(path).content.decode()
    english = client.get("/en" + path).content.decode()
    # The French sentence is the catalogue's translation of the English msgid (locale/fr).
    with translation.override("fr"):
        learn = gettext("You learn: %(skills)s.") % {"skills": skill.preferred_label_fr}
        duration = ngettext("Duration: %(hours)s hour.", "Duration: %(hours)s hours.", 12)
    assert escape(learn) in french and escape(duration % {"hours": 12}) in french
    assert f"You learn: {skill.preferred_label_en}." in english
    assert "Duration: 12 hours." in english
    assert skill.preferred_label_fr not in english


def test_the_providers_own_summary_wins_over_the_generated_one(client, provider_index, home):
    offer = make_offer(
        make_provider(), plain_language_summary="Écrit par l’organisme.", duration_hours=12
    )
    english = client.get("/en" + offer.url).content.decode()
    assert "Écrit par l’organisme." in english
    assert "Duration: 12 hours." not in english


def test_editors_translate_a_content_page_in_the_admin(client, english_home, home):
    """Wagtail's "Translate" action copies a French content page into the English tree, where
    the editor writes the English text; the new page lives at the French path under /en/."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from wagtail.models import Locale

    about = StandardPage(title="À propos", slug="a-propos", intro="Qui sommes-nous.")
    home.add_child(instance=about)
    about.save_revision().publish()
    client.force_login(get_user_model().objects.create_superuser("ed", "ed@example.invalid", "pw"))
    english = Locale.objects.get(language_code="en")
    url = reverse("simple_translation:submit_page_translation", args=[about.pk])
    response = client.post(url, {"locales": [english.pk]})
    assert response.status_code == 302
    copy = about.get_translation(english).specific
    assert copy.slug == "a-propos" and copy.get_parent().pk == english_home.pk
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[copy.pk]))
    assert edit.status_code == 200


def test_english_offer_index_leads_to_the_english_search(client, english_home, offer_index):
    page_translation_ensure(page=offer_index, language_code="en", fields={"title": "Training"})
    response = client.get("/en/formations/")
    assert response.status_code == 302 and response["Location"] == "/en/formations/recherche/"
    assert client.get("/formations/")["Location"] == "/formations/recherche/"
