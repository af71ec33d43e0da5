"""The home page points its search box at the training search."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.cms.factories import make_home_page

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
