"""The shared cache of anonymous pages (core.pagecache): what is shared, what never is, and
that an editor's change shows at once."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skills.models import Skill
from tests.cms.test_browser import restore_seed_data  # noqa: F401
from tests.courses.factories import make_offer, make_provider
from tests.hardening.test_security_headers import nonce_of
from tests.jobs.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def page_cache():
    with override_settings(WAKE_PAGE_CACHE_SECONDS=300):
        yield


@pytest.fixture
def skill_url():
    skill = Skill.objects.filter(key__isnull=False).order_by("pk").first()
    return reverse("concepts:skill_detail", kwargs={"key": skill.key})


def test_an_anonymous_page_is_served_from_the_cache_the_second_time(client, skill_url):
    first = client.get(skill_url)
    second = client.get(skill_url)
    assert first.status_code == second.status_code == 200
    assert first["X-Cache"] == "MISS" and second["X-Cache"] == "HIT"
    assert "public" in second["Cache-Control"]
    # Everything but the nonce is the same page.
    assert nonce_of(first) != nonce_of(second)
    assert second.text.replace(nonce_of(second), "N") == first.text.replace(nonce_of(first), "N")


def test_a_cached_page_carries_its_own_nonce_in_the_policy_and_in_its_scripts(client, skill_url):
    client.get(skill_url)
    hit = client.get(skill_url)
    nonce = nonce_of(hit)
    scripts = [tag for tag in re.findall(r"<script\b[^>]*>", hit.text) if "src=" not in tag]
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_each_language_has_its_own_entry(client, skill_url):
    client.get(skill_url)
    english = client.get(f"/en{skill_url}")
    assert english["X-Cache"] == "MISS"
    assert '<html lang="en">' in english.text
    assert '<html lang="en">' not in client.get(skill_url).text


def test_a_signed_in_visitor_is_never_served_nor_stored(client, skill_url):
    user = UserFactory(username="camille-signed-in")
    client.force_login(user)
    for _ in range(2):
        response = client.get(skill_url)
        assert response.status_code == 200 and "X-Cache" not in response
        assert "public" not in response.get("Cache-Control", "")
    client.logout()
    anonymous = client.get(skill_url)
    assert anonymous["X-Cache"] == "MISS"
    assert "camille-signed-in" not in anonymous.text


def test_requests_with_credentials_are_not_answered_from_the_cache(client, skill_url):
    client.get(skill_url)
    assert "X-Cache" not in client.get(skill_url, HTTP_AUTHORIZATION="Bearer x")
    assert "X-Cache" not in client.get(skill_url, HTTP_X_API_KEY="some-key")


def test_a_page_with_a_form_token_is_never_shared(client):
    url = reverse("alerts:create") + "?kind=offers&query=q%3Dsoudure"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first and "X-Cache" not in second
    assert 'name="csrfmiddlewaretoken"' in second.text


def test_the_search_json_and_suggestions_are_shared(client):
    for url in (reverse("search:offers_api") + "?q=soudure", "/api/taxonomy/autocomplete/?q=sou"):
        assert client.get(url)["X-Cache"] == "MISS"
        hit = client.get(url)
        assert hit["X-Cache"] == "HIT" and hit["Content-Type"].startswith("application/json")


# Real commits: the new generation is written when the editor's transaction commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
def test_a_published_change_shows_at_once(client, provider_index):
    provider = make_provider(name="Centre Cache")
    offer = make_offer(provider, title="Soudure de base")
    url = offer.url
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"

    offer.title = "Soudure avancée"
    offer.save_revision().publish()
    after = client.get(url)
    assert after["X-Cache"] == "MISS"
    assert "Soudure avancée" in after.text


@override_settings(WAKE_PAGE_CACHE_SECONDS=0)
def test_switched_off_nothing_is_stored(client, skill_url):
    client.get(skill_url)
    assert "X-Cache" not in client.get(skill_url)


def test_one_transaction_bumps_the_generation_once_however_many_rows_it_saves(provider_index):
    from django.db import connection, transaction

    from core.pagecache import _new_generation

    with transaction.atomic():
        before = [f for _sids, f, *_ in connection.run_on_commit].count(_new_generation)
        provider = make_provider(name="Centre Lot")
        for n in range(3):
            make_offer(provider, title=f"Offre {n}")
        after = [f for _sids, f, *_ in connection.run_on_commit].count(_new_generation)
    assert after - before <= 1 and after == 1


def test_the_public_api_shares_its_offers_but_checks_every_callers_key_and_throttle(
    client, monkeypatch
):
    from cms.api.throttling import ApiKeyThrottle
    from cms.services.api_keys import api_key_issue

    monkeypatch.setattr(ApiKeyThrottle, "THROTTLE_RATES", {"api_key": "3/minute"})
    api_key, raw = api_key_issue(name="Carif cache")
    headers = {"X-API-Key": raw}
    answers, queries = [], []
    for _ in range(4):
        with CaptureQueriesContext(connection) as captured:
            answers.append(client.get("/api/v1/offers/", {"q": "soudure"}, headers=headers))
        queries.append(len(captured))
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    # The key is looked up each time; the offers are read once.
    assert queries[1] < queries[0]
    assert answers[0].json() == answers[1].json() == answers[2].json()

    api_key.is_active = False
    api_key.save()
    assert client.get("/api/v1/offers/", {"q": "soudure"}, headers=headers).status_code in (
        401,
        403,
    )


def test_an_alert_subscription_or_an_api_key_leaves_the_cached_pages_alone(client):
    from django.db import connection

    from cms.services.api_keys import api_key_issue
    from core.pagecache import _new_generation

    def pending_bumps() -> int:
        return [entry[1] for entry in connection.run_on_commit].count(_new_generation)

    assert pending_bumps() == 0
    subscribed = client.post(
        "/alertes/",
        {"email": "a@example.be", "kind": "offers", "query": "q=x", "frequency": "daily"},
    )
    assert subscribed.status_code == 200
    api_key_issue(name="Carif")
    assert pending_bumps() == 0
    skill = Skill.objects.filter(key__isnull=False).first()
    skill.save()  # shared content: the next commit makes the cached pages stale
    assert pending_bumps() == 1
