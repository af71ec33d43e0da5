"""The site's own error pages, in the visitor's language (never a bare server page)."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, lang, words",
    [
        ("/formations/nulle-part/", "fr", "Cette page n"),
        ("/en/formations/nowhere/", "en", "This page does not exist"),
    ],
)
def test_unknown_addresses_get_the_sites_404_in_their_language(client, home, path, lang, words):
    response = client.get(path)
    assert response.status_code == 404
    content = response.content.decode()
    assert f'<html lang="{lang}">' in content
    assert words in content
    assert 'class="site-header"' in content


@pytest.mark.parametrize("lang, words", [("fr", "Une erreur"), ("en", "Something went wrong")])
def test_the_500_page_renders_without_a_request_context_or_database(lang, words):
    request = RequestFactory().get("/")
    with translation.override(lang):
        response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert words in content and f'<html lang="{lang}">' in content
