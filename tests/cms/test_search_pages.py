"""The learner's search page and its JSON twin: URLs, chips, facets, errors, entry points."""

import io
import json
import re
from html import unescape
from urllib.parse import parse_qs, quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from cms.models import SavedSearch
from courses.services.links import offer_occupation_set, offer_skill_set
from skills.models import Occupation, Skill
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db

SEARCH = "/formations/recherche/"
API = "/api/search/offers/"
JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_DEVELOPER_KEY = "c40a2919-48a9-40ea-b506-1f34f693496d"


@pytest.fixture(autouse=True)
def french_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def reindex() -> None:
    """Offers published in a test never commit: bring the search tables in step by hand."""
    call_command("rebuild_search_index", stdout=io.StringIO())


@pytest.fixture
def catalogue(provider_index):
    """Two providers in two provinces; a JavaScript offer in Liège, a free one in Hainaut."""
    javascript = Skill.objects.get(uri=JAVASCRIPT)
    liege = make_provider(name="Centre Meuse", province="liege", commune="Liège")
    mons = make_provider(name="Centre Haine", province="hainaut", commune="Mons")
    js_offer = make_offer(liege, title="JavaScript pour le web", price=300)
    offer_skill_set(offer=js_offer, skill=javascript)
    free_offer = make_offer(mons, title="Découvrir le numérique", price=None, is_free=True)
    web_developer = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
    offer_occupation_set(offer=js_offer, occupation=web_developer)
    essential = web_developer.skill_links.filter(relation="essential").order_by("pk").first()
    offer_skill_set(offer=js_offer, skill=essential.skill)
    reindex()
    return {"js": js_offer, "free": free_offer, "javascript": javascript, "web": web_developer}


def checked_values(html: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]+)" checked', html))


class TestSearchPage:
    def test_french_and_english_pages(self, client, catalogue):
        response = client.get(SEARCH)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="fr">' in html
        assert catalogue["js"].title in html and catalogue["free"].title in html
        assert 'role="status" aria-live="polite"' in html
        english = client.get(f"/en{SEARCH}?q=JavaScript")
        assert english.status_code == 200
        html = english.content.decode()
        assert '<html lang="en">' in html
        assert 'action="/en/formations/recherche/"' in html
        assert catalogue["js"].title in html

    def test_hits_show_provider_place_session_and_price(self, client, catalogue):
        html = client.get(SEARCH, {"province": "liege"}).content.decode()
        assert "Centre Meuse" in html and "Liège" in html
        assert "300 €" in html
        assert catalogue["free"].title not in html
        session = catalogue["js"].sessions.first().start_date
        assert f'datetime="{session.isoformat()}"' in html

    def test_a_form_submission_lands_on_the_canonical_url(self, client, catalogue):
        response = client.get(
            SEARCH,
            {"q": " JavaScript ", "near": "", "radius": "25", "price_min": "", "sort": "relevance"},
        )
        assert response.status_code == 302
        assert response["Location"] == f"{SEARCH}?q=JavaScript"
        assert client.get(response["Location"]).status_code == 200

    def test_picked_skill_shows_a_chip_whose_removal_drops_it(self, client, catalogue):
        response = client.get(SEARCH, {"skill": JAVASCRIPT})
        html = response.content.decode()
        chips = response.context["chips"]
        assert [(c.chip.uri, c.chip.origin) for c in chips] == [(JAVASCRIPT, "picked")]
        assert chips[0].remove_url == SEARCH
        assert 'class="chip__remove" href="/formations/recherche/"' in html
        # The hit says how many of the chosen skills it teaches, and which.
        hit = response.context["hits"][0].hit
        assert hit.offer_id == catalogue["js"].pk
        assert (len(hit.covered), hit.wanted) == (1, 1)
        assert catalogue["javascript"].label("fr") in html

    def test_removing_an_understood_chip_adds_drop(self, client, catalogue):
        response = client.get(SEARCH, {"q": "JavaScript"})
        understood = [c for c in response.context["chips"] if c.chip.origin == "understood"]
        assert understood, "the query understanding should read JavaScript as a skill"
        target = understood[0]
        assert f"drop={quote(target.chip.uri, safe='')}" in target.remove_url
        after = client.get(target.remove_url)
        assert after.status_code == 200
        assert target.chip.uri not in [c.chip.uri for c in after.context["chips"]]
        assert [d.uri for d in after.context["dropped"]] == [target.chip.uri]

    def test_facets_have_counts_and_selected_states(self, client, catalogue):
        response = client.get(SEARCH, {"province": "liege"})
        html = response.content.decode()
        assert checked_values(html, "province") == {"liege"}
        province = next(f for f in response.context["facets"] if f.name == "province")
        counts = {v.value.value: (v.value.count, v.selected) for v in province.values}
        # The province facet counts without its own filter: Hainaut still shows its offer.
        assert counts["liege"] == (1, True) and counts["hainaut"] == (1, False)
        hainaut = next(v for v in province.values if v.value.value == "hainaut")
        assert "province=liege" in hainaut.toggle_url and "province=hainaut" in hainaut.toggle_url
        active = response.context["active_filters"]
        assert [a.remove_url for a in active] == [SEARCH]

    def test_goal_mode_shows_coverage(self, client, catalogue):
        response = client.get(SEARCH, {"occupation": catalogue["web"].uri})
        assert response.status_code == 200
        assert response.context["goal"].uri == catalogue["web"].uri
        hits = response.context["hits"]
        assert hits and hits[0].hit.offer_id == catalogue["js"].pk
        assert hits[0].hit.wanted >= 1
        assert len(hits[0].hit.covered) >= 1

    def test_a_page_past_the_end_goes_to_the_last_one(self, client, catalogue):
        response = client.get(SEARCH, {"q": "JavaScript", "page": "40"})
        assert response.status_code == 302
        assert response["Location"] == f"{SEARCH}?q=JavaScript"

    def test_picker_without_javascript_resolves_the_text(self, client, catalogue):
        response = client.get(SEARCH, {"pick": "javascript"})
        assert response.status_code == 302
        assert response["Location"] == f"{SEARCH}?skill={quote(JAVASCRIPT, safe='')}"
        response = client.get(SEARCH, {"pick": "zzzqqqxxx"})
        assert response.status_code == 200
        assert response.context["unresolved_picks"] == ["zzzqqqxxx"]

    def test_an_empty_result_is_never_bare(self, client, catalogue):
        html = client.get(SEARCH, {"q": "JavaScript", "province": "namur"}).content.decode()
        assert 'class="card suggestions"' in html
        assert reverse("concepts:browser") in html

    @pytest.mark.parametrize(
        "querystring",
        ["sort=cheapest", "page=0", "province=atlantis", "price_min=abc", "near=Gotham"],
    )
    def test_bad_parameters_are_a_400_page(self, client, querystring):
        response = client.get(f"{SEARCH}?{querystring}")
        assert response.status_code == 400
        name = querystring.split("=")[0]
        assert f"<code>{name}</code>" in response.content.decode()


class TestSearchApi:
    def test_json_shape(self, client, catalogue):
        response = client.get(API, {"skill": JAVASCRIPT, "province": "liege"})
        assert response.status_code == 200
        data = json.loads(response.content)
        assert {"total", "hits", "facets", "chips", "suggestions", "path", "query", "url"} <= set(
            data
        )
        assert data["total"] == 1
        hit = data["hits"][0]
        assert hit["offer_id"] == catalogue["js"].pk
        assert hit["provider"] == "Centre Meuse"
        assert hit["price"] == "300.00" or float(hit["price"]) == 300
        assert hit["covered"][0]["uri"] == JAVASCRIPT and hit["wanted"] == 1
        assert data["query"]["params"] == {"skill": [JAVASCRIPT], "province": ["liege"]}
        assert data["url"].startswith(SEARCH + "?")
        facet_names = [facet["name"] for facet in data["facets"]]
        assert "province" in facet_names

    def test_bad_parameters_are_a_400_json(self, client):
        response = client.get(API, {"sort": "cheapest", "level": "12"})
        assert response.status_code == 400
        data = json.loads(response.content)
        assert set(data["errors"]) == {"sort", "level"}


class TestEntryPoints:
    def test_home_page_box_leads_to_the_search(self, client, home):
        html = client.get("/").content.decode()
        assert f'action="{SEARCH}"' in html
        assert f'href="{SEARCH}?q=motion+design"' in html

    def test_offer_index_sends_its_visitors_to_the_search(self, client, offer_index):
        response = client.get("/formations/?q=Python&province=liege&free=on")
        assert response.status_code == 302
        assert response["Location"] == f"{SEARCH}?q=Python&province=liege&price=free"
        assert client.get("/en/formations/")["Location"] == f"/en{SEARCH}"

    def test_occupation_page_links_to_the_goal_view(self, client):
        occupation = Occupation.objects.get(key=WEB_DEVELOPER_KEY)
        html = client.get(occupation.get_absolute_url()).content.decode()
        assert f'href="{SEARCH}?occupation={quote(occupation.uri, safe="")}"' in html

    def test_skill_page_links_to_the_search_with_the_skill(self, client):
        skill = Skill.objects.get(uri=JAVASCRIPT)
        html = client.get(skill.get_absolute_url()).content.decode()
        assert f'href="{SEARCH}?skill={quote(JAVASCRIPT, safe="")}"' in html


def alert_form(html: str) -> dict[str, str]:
    """The hidden fields of the alert form of a search page."""
    form = html[html.index('class="card alert-form"') :]
    form = form[: form.index("</form>")]
    return {
        name: unescape(value)
        for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form)
    }


class TestAlertForm:
    def test_the_page_offers_to_follow_the_current_search(self, client, catalogue):
        response = client.get(SEARCH, {"q": "JavaScript", "province": "liege", "page": "1"})
        response = client.get(response["Location"]) if response.status_code == 302 else response
        assert response.status_code == 200
        fields = alert_form(response.content.decode())
        assert fields["kind"] == "offers"
        # The search's parameters, not its page: the alert follows the search.
        assert parse_qs(fields["query"]) == {"q": ["JavaScript"], "province": ["liege"]}
        assert reverse("alerts:offers_feed") in response.content.decode()

        # The search page asks for no e-mail itself (it carries no form token and can be
        # shared from the cache): its button opens the alert form for that search.
        form_page = client.get(reverse("alerts:create"), fields)
        assert form_page.status_code == 200
        html = form_page.content.decode()
        assert 'name="csrfmiddlewaretoken"' in html and 'name="email"' in html
        assert {k: v for k, v in alert_form(html).items() if k != "csrfmiddlewaretoken"} == fields
        posted = client.post(
            reverse("alerts:create"),
            {**fields, "email": "learner@example.be", "frequency": "weekly"},
        )
        assert posted.status_code == 200
        saved = SavedSearch.objects.get(email="learner@example.be")
        assert saved.kind == "offers"
        assert parse_qs(saved.query_string) == {"q": ["JavaScript"], "province": ["liege"]}


def test_hits_link_to_the_offer_in_the_language_of_the_search(client, catalogue):
    """The index stores one URL per offer (the French one); the English search links to /en/."""
    url = catalogue["js"].url  # read in French: the English request leaves English active
    french = client.get(f"{SEARCH}?q=JavaScript").content.decode()
    english = client.get(f"/en{SEARCH}?q=JavaScript").content.decode()
    assert '<html lang="en">' in english
    assert f'href="{url}"' in french
    assert f'href="/en{url}"' in english
    assert f'href="{url}"' not in english
