"""The home page points its search box at the taxonomy browser."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.cms.factories import make_home_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_home_search_box_targets_the_browser(client):
    make_home_page()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/competences/" method="get"' in html
    assert 'data-endpoint="/api/taxonomy/autocomplete/"' in html
    assert "cms/js/autocomplete.js" in html
    assert 'href="/penuries/"' in html


def test_english_home_links_stay_in_english(client):
    make_home_page()
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'action="/en/competences/"' in html
    assert 'href="/" hreflang="fr"' in html
