"""Paths stored once for every language (search hits) link to the page in the reader's language."""

from django.utils import translation

from core.languages import path_in_language


class TestPathInLanguage:
    def test_french_path_under_en_in_english(self):
        assert path_in_language("/organismes/centre/offre/", "en") == "/en/organismes/centre/offre/"

    def test_french_path_unchanged_in_french(self):
        assert path_in_language("/organismes/centre/offre/", "fr") == "/organismes/centre/offre/"

    def test_active_language_by_default_and_query_kept(self):
        with translation.override("en"):
            assert path_in_language("/competences/?q=java") == "/en/competences/?q=java"

    def test_outside_paths_unchanged(self):
        assert path_in_language("https://example.be/x/", "en") == "https://example.be/x/"
        assert path_in_language("/api/v1/", "en") == "/api/v1/"
        assert path_in_language("", "en") == ""
