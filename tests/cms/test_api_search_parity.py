"""The API's offer and posting lists are the search pages' lists: for the same parameters, the
same items in the same order, whatever the engine; postings only as far as the public board
shows them."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation

from courses.models import Modality, OfferFormat
from jobs.models import JobPosting
from jobs.services.roles import ADVISORS
from tests.courses.conftest import home, provider_index  # noqa: F401  (fixtures)
from tests.jobs.factories import JobPostingFactory, UserFactory
from tests.search.conftest import (  # noqa: F401  (fixtures)
    JAVASCRIPT,
    PYTHON,
    WEB_DEVELOPER,
    catalogue,
    engine,
)

pytestmark = pytest.mark.django_db

SEARCH = "/formations/recherche/"
POSTING_SEARCH = "/emplois/recherche/"
BOARD = "/emplois/"
TODAY = timezone.localdate()

OFFER_SEARCHES = [
    {},
    {"q": "javascript"},
    {"q": "atelier", "modality": Modality.ON_SITE},
    {"skill": [JAVASCRIPT, PYTHON]},
    {"skill": [JAVASCRIPT, PYTHON], "all": "1"},
    {"occupation": WEB_DEVELOPER},
    {"province": "liege", "sort": "price"},
    {"format": [OfferFormat.WORKSHOP, OfferFormat.LONG], "sort": "duration"},
    {"price": "free"},
    {"level": ["4", "6"]},
    {"near": "Mons", "radius": "10"},
    {"price_min": "60", "price_max": "1000", "sort": "next_session"},
    {"provider_kind": "universite", "start": ["this-month", "three-months"]},
]


@pytest.fixture(autouse=True)
def french_and_fresh_limits():
    cache.clear()
    with translation.override(settings.LANGUAGE_CODE):
        yield
    cache.clear()


def query(params: dict) -> str:
    return urlencode(params, doseq=True)


def page_ids(client, path: str, params: dict) -> tuple[list[int], int]:
    """The ids the search page shows (one page of 100), after its canonical redirect."""
    response = client.get(f"{path}?{query({**params, 'page_size': 100})}", follow=True)
    assert response.status_code == 200, response.content[:300]
    result = response.context["result"]
    ids = [getattr(hit, "offer_id", None) or hit.posting_id for hit in result.hits]
    return ids, result.total


def api_ids(client, path: str, params: dict, **headers) -> tuple[list[int], int]:
    """Every id of the API list, following its cursors two at a time."""
    response = client.get(f"{path}?{query({**params, 'page_size': 2})}", headers=headers)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    ids, count = [item["id"] for item in body["results"]], body["count"]
    while body["next"]:
        body = client.get(body["next"], headers=headers).json()
        ids += [item["id"] for item in body["results"]]
    return ids, count


@pytest.mark.parametrize("params", OFFER_SEARCHES, ids=lambda p: query(p) or "browse")
def test_offers_are_the_search_pages_offers(client, catalogue, params):  # noqa: F811
    shown, total = page_ids(client, SEARCH, params)
    listed, count = api_ids(client, "/api/v1/offers/", params)
    assert listed == shown and count == total
    assert catalogue.id("draft") not in listed


def test_the_search_finds_something_in_these_checks(client, catalogue):  # noqa: F811
    """The parity above would hold vacuously if every search came back empty."""
    non_empty = [p for p in OFFER_SEARCHES if api_ids(client, "/api/v1/offers/", p)[0]]
    assert len(non_empty) >= len(OFFER_SEARCHES) - 2
    assert api_ids(client, "/api/v1/offers/", {"price": "free"})[0] == [catalogue.id("web")]
    assert api_ids(client, "/api/v1/offers/", {"free": "true"})[0] == [catalogue.id("web")]


def test_a_bad_search_parameter_is_a_400_naming_it(client, catalogue):  # noqa: F811
    response = client.get("/api/v1/offers/", {"level": "9", "sort": "cheapest"})
    assert response.status_code == 400
    assert set(response.json()) == {"level", "sort"}
    assert client.get("/api/v1/offers/", {"cursor": "bm9wZQ"}).status_code == 404


def test_search_results_answer_csv(client, catalogue):  # noqa: F811
    response = client.get("/api/v1/offers/", {"skill": JAVASCRIPT, "output": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    shown, _total = page_ids(client, SEARCH, {"skill": JAVASCRIPT})
    assert [int(line.split(",")[0]) for line in lines[1:] if line[:1].isdigit()] == shown


@pytest.fixture
def postings(db):
    """Published postings in two provinces, an expired one, a duplicate and a draft."""

    def posting(title, **fields):
        fields.setdefault("status", JobPosting.Status.PUBLISHED)
        return JobPostingFactory(title=title, **fields)

    week_ago = TODAY - datetime.timedelta(days=7)
    made = {
        "welder": posting("Soudeur", province="liege", posted_on=TODAY, contract_type="permanent"),
        "welder_namur": posting("Soudeuse", province="namur", posted_on=week_ago),
        "developer": posting(
            "Développeur web", province="liege", posted_on=week_ago, contract_type="fixed_term"
        ),
        "expired": posting(
            "Soudeur expiré",
            province="liege",
            posted_on=TODAY - datetime.timedelta(days=20),
            expires_on=TODAY - datetime.timedelta(days=1),
        ),
        "draft": posting("Soudeur brouillon", status=JobPosting.Status.DRAFT, posted_on=TODAY),
    }
    made["copy"] = posting("Soudeur (copie)", posted_on=TODAY, duplicate_of=made["welder"])
    call_command("rebuild_search_index", only="postings", stdout=io.StringIO())
    return made


POSTING_SEARCHES = [
    {},
    {"q": "soudeur"},
    {"province": "liege"},
    {"province": ["liege", "namur"], "sort": "date"},
    {"contract": "permanent"},
    {"posted": "week"},
]


@pytest.mark.parametrize("params", POSTING_SEARCHES, ids=lambda p: query(p) or "browse")
def test_postings_are_the_search_pages_postings_on_the_board(client, postings, params):
    advisor = UserFactory(username="ada")
    advisor.groups.add(Group.objects.get(name=ADVISORS))
    client.force_login(advisor)
    shown, _total = page_ids(client, POSTING_SEARCH, params)
    client.logout()
    on_board = {
        p.pk for key, p in postings.items() if key in ("welder", "welder_namur", "developer")
    }
    listed, _count = api_ids(client, "/api/v1/postings/", params)
    assert listed == [pk for pk in shown if pk in on_board]
    assert postings["expired"].pk not in listed and postings["draft"].pk not in listed


@pytest.mark.parametrize("params", [{}, {"province": "liege"}, {"contract": "fixed_term"}])
def test_postings_are_the_boards_postings(client, postings, params):
    response = client.get(BOARD, params)
    board = [posting.pk for posting in response.context["postings"]]
    assert board, "the board shows something for these filters"
    assert api_ids(client, "/api/v1/postings/", params)[0] == board


BROWSER = "/competences/"
CONCEPT_SEARCHES = [
    ("skill", {}),
    ("skill", {"q": "javascript"}),
    ("skill", {"q": "web"}),
    ("skill", {"q": "programmation", "skill_type": "knowledge"}),
    ("occupation", {"q": "développeur"}),
    ("occupation", {"q": "web"}),
]


@pytest.mark.parametrize(("kind", "params"), CONCEPT_SEARCHES, ids=lambda v: str(v))
def test_skills_and_occupations_are_the_browsers(client, kind, params):
    from cms.views.concepts import RESULTS_PER_PAGE

    page = client.get(BROWSER, {**params, "type": kind})
    shown = [item.uri for item in page.context["page_obj"].object_list]
    assert shown, "the browser finds something for these parameters"
    endpoint = "/api/v1/skills/" if kind == "skill" else "/api/v1/occupations/"
    body = client.get(endpoint, {**params, "page_size": RESULTS_PER_PAGE}).json()
    assert [item["uri"] for item in body["results"]] == shown
    assert body["count"] == page.context["page_obj"].paginator.count


def test_a_bad_browser_parameter_is_a_400(client):
    response = client.get("/api/v1/skills/", {"skill_type": "magic", "collection": "nope"})
    assert response.status_code == 400 and set(response.json()) == {"skill_type", "collection"}
