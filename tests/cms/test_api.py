"""The public read API: complete OpenAPI document, the site's visibility rules, filters,
cursor pages, CSV, and rate limits that an API key raises."""

import datetime
import io
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cms.api.throttling import AnonymousApiThrottle, ApiKeyThrottle
from cms.services.api_keys import api_key_issue
from courses.models import OfferSkill
from courses.services.links import offer_skill_set
from jobs.models import JobPosting
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider
from tests.jobs.factories import JobPostingFactory

pytestmark = pytest.mark.django_db
JAVASCRIPT_KEY = "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
TODAY = timezone.localdate()


def reindex() -> None:
    """Pages published in a test never commit: bring the search tables in step by hand."""
    call_command("rebuild_search_index", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def api_routes() -> set[str]:
    """Every route under /api/v1/ as an OpenAPI-style path."""
    routes = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern):
                routes.add(text)

    walk(get_resolver().url_patterns, "/")
    cleaned = set()
    for route in routes:
        if not route.startswith("/api/v1/") or "format" in route or route.endswith("/api/v1/"):
            continue
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route).replace("{pk}", "{id}")
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
        cleaned.add(path.replace("^", "").replace("$", ""))
    return cleaned


def test_every_endpoint_is_in_the_openapi_document(client):
    response = client.get("/api/v1/schema/", {"output": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    documented = set(schema["paths"])
    routes = {r for r in api_routes() if not r.startswith(("/api/v1/schema", "/api/v1/docs"))}
    assert routes, "the check needs routes"
    assert routes <= documented, routes - documented
    assert {"/api/jobs/ingest/", "/api/jobs/ingest/{run_id}/"} <= documented  # writes too
    assert "ApiKey" in schema["components"]["securitySchemes"]
    assert client.get("/api/v1/docs/").status_code == 200


def test_offers_show_what_the_site_shows_and_nothing_more(client, provider_index):
    provider = make_provider(name="Centre API", province="namur")
    offer = make_offer(provider, title="JavaScript pour débuter")
    draft = make_offer(provider, title="Brouillon caché", publish=False)
    skill = Skill.objects.get(key=JAVASCRIPT_KEY)
    offer_skill_set(offer=offer, skill=skill)
    suggested = Skill.objects.exclude(pk=skill.pk).first()
    OfferSkill.objects.create(offer=offer, skill=suggested, method="exact")  # a suggestion
    reindex()

    listed = client.get("/api/v1/offers/").json()["results"]
    assert [item["title"] for item in listed] == ["JavaScript pour débuter"]
    item = listed[0]
    assert [link["uri"] for link in item["skills"]] == [skill.uri]
    assert item["skills"][0]["status"] == "confirmed" and item["skills"][0]["esco_version"]
    assert item["provider"]["name"] == "Centre API" and item["sessions"]
    assert client.get(f"/api/v1/offers/{draft.pk}/").status_code == 404

    by_skill = client.get("/api/v1/offers/", {"skill": skill.uri}).json()["results"]
    assert [i["id"] for i in by_skill] == [offer.pk]
    assert client.get("/api/v1/offers/", {"province": "luxembourg"}).json()["results"] == []
    assert client.get("/api/v1/offers/", {"province": "mars"}).status_code == 400
    assert client.get("/api/v1/offers/", {"skill": "http://example.org/x"}).status_code == 400


def test_postings_are_the_public_boards(client):
    live = JobPostingFactory(status=JobPosting.Status.PUBLISHED, posted_on=TODAY, title="Soudeur")
    JobPostingFactory(status=JobPosting.Status.DRAFT, posted_on=TODAY, title="Brouillon")
    JobPostingFactory(
        status=JobPosting.Status.PUBLISHED,
        posted_on=TODAY - datetime.timedelta(days=5),
        expires_on=TODAY - datetime.timedelta(days=1),
        title="Expirée",
    )
    JobPostingFactory(
        status=JobPosting.Status.PUBLISHED, posted_on=TODAY, title="Copie", duplicate_of=live
    )
    reindex()
    titles = [item["title"] for item in client.get("/api/v1/postings/").json()["results"]]
    assert titles == ["Soudeur"]


def test_lists_page_with_cursors_and_answer_csv(client, provider_index):
    provider = make_provider(name="Centre CSV")
    make_offer(provider, title='=HYPERLINK("http://evil")')
    make_offer(provider, title="Deuxième offre")
    reindex()
    first = client.get("/api/v1/offers/", {"page_size": 1})
    assert len(first.json()["results"]) == 1 and 'rel="next"' in first["Link"]
    second = client.get(first.json()["next"])
    assert second.json()["results"][0]["id"] != first.json()["results"][0]["id"]

    response = client.get("/api/v1/offers/", {"output": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[:3] == ["id", "title", "summary"]
    assert "'=HYPERLINK" in text  # a formula stays text in a spreadsheet


def test_anonymous_reads_are_rate_limited_and_a_key_raises_the_limit(client, monkeypatch):
    monkeypatch.setattr(AnonymousApiThrottle, "THROTTLE_RATES", {"api_anonymous": "3/minute"})
    monkeypatch.setattr(ApiKeyThrottle, "THROTTLE_RATES", {"api_key": "6/minute"})
    statuses = [client.get("/api/v1/skills/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/skills/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0

    api_key, raw = api_key_issue(name="Carif test")
    headers = {"X-API-Key": raw}
    keyed = [client.get("/api/v1/skills/", headers=headers).status_code for _ in range(7)]
    assert keyed == [200] * 6 + [429]

    api_key.is_active = False
    api_key.save()
    assert client.get("/api/v1/skills/", headers=headers).status_code in (401, 403)
