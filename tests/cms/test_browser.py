"""The taxonomy browser: search page, JSON autocomplete, and the autocomplete in a real browser."""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from skills.models import Occupation, Skill
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS
from tests.skills.factories import OccupationFactory, SkillFactory

WEB_DEVELOPER_KEY = "c40a2919-48a9-40ea-b506-1f34f693496d"
AUTOCOMPLETE = "/api/taxonomy/autocomplete/"


@pytest.fixture(autouse=True)
def french_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def autocomplete(client, **params) -> list[dict]:
    response = client.get(AUTOCOMPLETE, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["results"]


@pytest.mark.django_db
class TestAutocomplete:
    def test_accent_insensitive_french(self, client):
        results = autocomplete(client, q="developpeur web", type="occupation")
        web = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        assert results[0]["uri"] == web.uri
        assert results[0]["label"] == web.preferred_label_fr
        assert results[0]["type"] == "occupation"
        assert results[0]["url"] == f"/metiers/{WEB_DEVELOPER_KEY}/"
        assert set(results[0]) == {"uri", "label", "alt_match", "type", "url"}

    def test_accented_and_upper_case_input(self, client):
        plain = autocomplete(client, q="developpeur", type="occupation")
        accented = autocomplete(client, q="DÉVELOPPEUR", type="occupation")
        assert plain and plain == accented
        assert any("développeur" in result["label"] for result in plain)

    def test_english_labels_and_language(self, client):
        results = autocomplete(client, q="web developer", type="occupation", lang="en")
        assert results[0]["label"] == "web developer"
        assert results[0]["alt_match"] == ""

    def test_french_input_with_english_display_reports_the_match(self, client):
        results = autocomplete(client, q="développeur Internet", type="occupation", lang="en")
        assert results[0]["label"] == "web developer"
        assert results[0]["alt_match"].lower() == "développeur internet"

    def test_alternative_labels_match(self, client):
        skill = SkillFactory(
            preferred_label_fr="gestion de versions",
            alt_labels_fr=["versionnage"],
            alt_labels_en=["version control"],
            preferred_label_en="revision management",
        )
        fr = autocomplete(client, q="versionnage", type="skill")
        assert fr[0]["uri"] == skill.uri
        assert fr[0]["label"] == "gestion de versions"
        assert fr[0]["alt_match"] == "versionnage"
        en = autocomplete(client, q="Version Contról", type="skill", lang="en")
        assert en[0]["uri"] == skill.uri
        assert (en[0]["label"], en[0]["alt_match"]) == ("revision management", "version control")

    def test_ranking_exact_then_prefix_then_word_then_substring(self, client):
        for label in ("antizorglub", "maîtrise du zorglub", "zorglub avancé", "zorglub"):
            SkillFactory(preferred_label_fr=label, preferred_label_en="")
        labels = [r["label"] for r in autocomplete(client, q="zorglub", type="skill")]
        assert labels == ["zorglub", "zorglub avancé", "maîtrise du zorglub", "antizorglub"]

    def test_displayed_label_beats_alternative_label_without_accents(self, client):
        SkillFactory(preferred_label_fr="concevoir un truc", alt_labels_fr=["zwéffler un truc"])
        SkillFactory(preferred_label_fr="zwéfflage de trucs en série")
        labels = [r["label"] for r in autocomplete(client, q="zweff", type="skill")]
        assert labels == ["zwéfflage de trucs en série", "concevoir un truc"]

    def test_obsolete_concepts_come_last(self, client):
        SkillFactory(preferred_label_fr="glorpique", is_obsolete=True)
        SkillFactory(preferred_label_fr="art glorpique moderne")
        labels = [r["label"] for r in autocomplete(client, q="glorpique", type="skill")]
        assert labels == ["art glorpique moderne", "glorpique"]

    def test_curated_synonyms_lead_to_their_skill(self, client):
        from skills.services.taxonomy import synonym_add

        skill = SkillFactory(preferred_label_fr="animation 3D")
        synonym_add(skill=skill, label="Rigging Maya", language="fr")
        results = autocomplete(client, q="rigging", type="skill")
        assert results[0]["uri"] == skill.uri
        assert (results[0]["label"], results[0]["alt_match"]) == ("animation 3D", "Rigging Maya")
        assert autocomplete(client, q="rigging", type="occupation") == []

    def test_shorter_labels_first_among_equal_matches(self, client):
        for label in ("quuxine très longue", "quuxine", "quuxine moyenne"):
            SkillFactory(preferred_label_fr=label)
        labels = [r["label"] for r in autocomplete(client, q="quux", type="skill")]
        assert labels == ["quuxine", "quuxine moyenne", "quuxine très longue"]

    def test_at_most_ten_and_both_kinds(self, client):
        for index in range(12):
            SkillFactory(preferred_label_fr=f"plimplam {index}")
        OccupationFactory(preferred_label_fr="plimplam")
        results = autocomplete(client, q="plimplam")
        assert len(results) == 10
        assert results[0]["type"] == "occupation"  # the exact label wins across kinds
        assert {r["type"] for r in autocomplete(client, q="plimplam", type="skill")} == {"skill"}

    @pytest.mark.parametrize("query", ["", " ", "a", "%", "_"])
    def test_short_or_wildcard_queries(self, client, query):
        results = autocomplete(client, q=query)
        assert len(results) <= 10
        if len(query.strip()) < 2:
            assert results == []

    def test_like_wildcards_are_literal(self, client):
        assert autocomplete(client, q="%%%") == []
        assert autocomplete(client, q="__") == []

    def test_query_count(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            results = autocomplete(client, q="design")  # checks the status and content type
        assert results, "the query count is measured on a request that found something"


@pytest.mark.django_db
class TestBrowserPage:
    def test_without_query_shows_both_hierarchies(self, client):
        response = client.get(reverse("concepts:browser"))
        assert response.status_code == 200
        html = response.content.decode()
        roots = [root for root, _url, _children in response.context["skill_roots"]]
        assert {root.code for root in roots} >= {"S", "K", "T", "L"}
        assert [group.code for group in response.context["isco_major_groups"]][:3] == [
            "0",
            "1",
            "2",
        ]
        # The form works without JavaScript: a GET to the browser with a `q` field.
        assert f'action="{reverse("concepts:browser")}" method="get"' in html
        assert 'name="q"' in html
        assert "cms/js/autocomplete.js" in html

    def test_search_results_rank_and_link(self, client):
        response = client.get(reverse("concepts:browser"), {"q": "javascript"})
        assert response.status_code == 200
        first, _alt = response.context["results"][0]
        assert first.preferred_label_en == "JavaScript"
        assert first.get_absolute_url() in response.content.decode()

    def test_occupation_search(self, client):
        response = client.get(
            reverse("concepts:browser"), {"q": "developpeur", "type": "occupation"}
        )
        items = [item for item, _alt in response.context["results"]]
        assert items and all(isinstance(item, Occupation) for item in items)

    def test_filters_by_collection_and_type(self, client):
        response = client.get(
            reverse("concepts:browser"), {"type": "skill", "collection": "digital"}
        )
        page = response.context["page_obj"]
        assert page.paginator.count == Skill.objects.filter(collections__slug="digital").count()
        response = client.get(reverse("concepts:browser"), {"q": "java", "skill_type": "knowledge"})
        assert response.context["results"], "the check below needs something to check"
        assert all(item.skill_type == "knowledge" for item, _alt in response.context["results"])

    def test_alt_match_shown_in_results(self, client):
        SkillFactory(preferred_label_fr="gestion de versions", alt_labels_fr=["versionnage"])
        html = client.get(reverse("concepts:browser"), {"q": "versionnage"}).content.decode()
        assert "gestion de versions" in html and "“versionnage”" in html

    def test_english_browser(self, client):
        response = client.get("/en/competences/", {"q": "web developer", "type": "occupation"})
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()
        first, _alt = response.context["results"][0]
        assert first.label("en") == "web developer"

    def test_bad_filter_values_fall_back(self, client):
        response = client.get(reverse("concepts:browser"), {"collection": "nope", "type": "x"})
        assert response.status_code == 200
        assert response.context["form"].errors

    def test_query_count(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(12):
            searched = client.get(reverse("concepts:browser"), {"q": "design"})
        with django_assert_max_num_queries(12):
            browsed = client.get(reverse("concepts:browser"))
        assert searched.status_code == browsed.status_code == 200
        assert searched.context["results"], "the search found something to render"


# --------------------------------------------------------------------------- real browser


@pytest.fixture(scope="class")
def restore_seed_data(django_db_blocker):
    """live_server flushes the database; put back what later tests expect once we are done."""
    yield
    from django.db import connection

    from skills.services.esco_import import skill_import_esco
    from tests.conftest import ESCO_SMALL, TEST_ESCO_VERSION

    with django_db_blocker.unblock():
        serialized = getattr(connection, "_test_serialized_contents", None)
        if serialized:
            connection.creation.deserialize_db_from_string(serialized)
        skill_import_esco(source=ESCO_SMALL, version=TEST_ESCO_VERSION)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
class TestAutocompleteInChromium:
    def test_keyboard_autocomplete_opens_the_concept(self, live_server):
        sync_api = pytest.importorskip("playwright.sync_api")
        occupation = OccupationFactory(
            preferred_label_fr="développeur créatif/développeuse créative",
            preferred_label_en="creative developer",
            alt_labels_fr=["creative technologist"],
        )
        SkillFactory(preferred_label_fr="développement créatif")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
            )
            try:
                page = browser.new_page()
                page.goto(f"{live_server.url}/competences/")
                box = page.locator("input#taxonomy-q[role=combobox]")
                assert box.get_attribute("aria-expanded") == "false"
                # Suggestions follow the kind chosen in the form.
                page.check("input[name=type][value=occupation]")
                box.fill("developpeur crea")
                listbox = page.get_by_role("listbox")
                listbox.wait_for(state="visible", timeout=5000)
                assert box.get_attribute("aria-expanded") == "true"
                options = page.get_by_role("option")
                assert "développeur créatif" in options.first.inner_text()
                box.press("ArrowDown")
                active = box.get_attribute("aria-activedescendant")
                assert active and page.locator(f"#{active}").get_attribute("aria-selected") == (
                    "true"
                )
                box.press("Escape")
                assert box.get_attribute("aria-expanded") == "false"
                # The alternative label matches too, and Enter opens the highlighted option.
                box.fill("technologist")
                listbox.wait_for(state="visible", timeout=5000)
                assert "creative technologist" in options.first.inner_text()
                box.press("ArrowDown")
                with page.expect_navigation():
                    box.press("Enter")
                assert page.url == f"{live_server.url}{occupation.get_absolute_url()}"
                assert "développeur créatif" in page.locator("h1").inner_text()
            finally:
                browser.close()

    def test_form_works_without_javascript(self, live_server):
        sync_api = pytest.importorskip("playwright.sync_api")
        SkillFactory(preferred_label_fr="sculpture numérique")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
            )
            try:
                context = browser.new_context(java_script_enabled=False)
                page = context.new_page()
                page.goto(f"{live_server.url}/competences/")
                page.fill("#taxonomy-q", "sculpture numerique")
                with page.expect_navigation():
                    page.press("#taxonomy-q", "Enter")
                assert "q=sculpture" in page.url
                assert "sculpture numérique" in page.locator(".result-list").inner_text()
            finally:
                browser.close()
