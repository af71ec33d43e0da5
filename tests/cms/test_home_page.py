"""The home page: its search box, the three entry points, the shortages and latest sessions;
the editable menus and site settings around every page."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation
from wagtail.models import Locale

from cms.models import NavigationItem, NavigationMenu, SiteSettings, StandardPage
from cms.services.page_translations import page_translation_ensure
from tests.cms.advisor_data import gap_world
from tests.cms.factories import make_home_page
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_home_search_box_targets_the_training_search(client):
    make_home_page()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/formations/recherche/" method="get"' in html
    assert 'href="/formations/recherche/?q=d%C3%A9veloppeur+web"' in html
    assert 'href="/competences/"' in html
    assert 'data-endpoint="/api/taxonomy/autocomplete/"' in html
    assert "cms/js/autocomplete.js" in html
    assert 'href="/penuries/"' in html


def test_english_home_links_stay_in_english(client):
    make_home_page()
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'action="/en/formations/recherche/"' in html
    assert 'href="/" hreflang="fr"' in html


def test_home_has_three_entry_points(client):
    make_home_page()
    html = client.get("/").content.decode()
    for url in ("/formations/recherche/", "/admin/", "/employeurs/"):
        assert f'<h3><a href="{url}">' in html
    english = client.get("/en/").content.decode()
    assert '<h3><a href="/en/formations/recherche/">I am looking for a training</a></h3>' in english
    assert '<h3><a href="/en/employeurs/">I am recruiting</a></h3>' in english
    assert '<h3><a href="/admin/">I publish trainings</a></h3>' in english


def test_home_lists_the_shortage_professions_of_the_latest_analytics(client, provider_index):
    """From the stored analytics run: the listed profession with enough postings is shown, the
    one below the minimum volume is not."""
    world = gap_world(provider_index)
    with translation.override("en"):
        english_url = world.occupation.get_absolute_url()
    html = client.get("/en/").content.decode()
    assert "Occupations in shortage right now" in html
    assert f'<a href="{english_url}">=motion designer</a>' in html
    assert "rare profession" not in html


def test_home_lists_the_latest_sessions_with_provider_and_place(client, provider_index):
    provider = make_provider(name="Centre Récent", commune="Namur")
    older = make_offer(provider, title="Offre ancienne")
    newer = make_offer(provider, title="Offre récente")
    full = make_offer(
        provider,
        title="Offre complète",
        sessions=[
            {"start_date": timezone.localdate() + datetime.timedelta(days=9), "status": "full"}
        ],
    )
    html = client.get("/").content.decode()
    assert "Offre récente" in html and "Offre ancienne" in html
    assert html.index("Offre récente") < html.index("Offre ancienne")
    assert "Offre complète" not in html  # no open session to register for
    assert "Centre Récent, Namur" in html
    assert f'href="{newer.url}"' in html and f'href="{older.url}"' in html
    assert full.live


def test_home_without_analytics_or_sessions_still_renders(client):
    make_home_page()
    html = client.get("/").content.decode()
    assert "home-shortages" not in html and "home-sessions" not in html


def test_navigation_and_footer_menus_follow_the_language_and_settings(client):
    """Menus are snippets, one per language; without one the built-in links stay."""
    home = make_home_page()
    assert 'href="/organismes/"' in client.get("/").content.decode()  # built-in main links

    about = StandardPage(title="À propos", slug="a-propos", intro="Qui sommes-nous.")
    home.add_child(instance=about)
    english_home = page_translation_ensure(page=home, language_code="en", fields={"title": "Home"})
    english_about = page_translation_ensure(
        page=about, language_code="en", fields={"title": "About"}
    )
    french_menu = NavigationMenu(slot="main", locale=Locale.objects.get(language_code="fr"))
    french_menu.items = [
        NavigationItem(label="Formations", link_url="/formations/"),
        NavigationItem(label="À propos", page=about),
    ]
    french_menu.save()
    footer = NavigationMenu(slot="footer", locale=Locale.objects.get(language_code="en"))
    footer.items = [NavigationItem(label="About us", page=english_about)]
    footer.save()
    site_settings = SiteSettings.load()
    site_settings.publisher_name = "Éditeur responsable"
    site_settings.contact_email = "contact@example.invalid"
    site_settings.save()

    french = client.get("/").content.decode()
    assert '<a href="/a-propos/">À propos</a>' in french
    assert 'href="/organismes/"' not in french  # the menu replaces the built-in links
    assert "About us" not in french  # no French footer menu
    assert "mailto:contact@example.invalid" in french and "Éditeur responsable" in french
    english = client.get("/en/").content.decode()
    assert english_home.url == "/en/"
    assert '<a href="/en/a-propos/">About us</a>' in english
    # No English main menu: the French one, with its page link in English.
    assert '<a href="/en/a-propos/">À propos</a>' in english
    about_page = client.get("/en/a-propos/").content.decode()
    assert 'aria-current="page">About us</a>' in about_page
