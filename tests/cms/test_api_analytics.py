"""The dashboards' figures in the API: what the public summary shows is for everyone, the rest
for advisors only, role by role as on the site, with a session or an account's API key."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from cms.services.api_keys import api_key_issue
from tests.cms.advisor_data import gap_world, role_users
from tests.courses.conftest import home, provider_index  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

# What the site answers a role on an advisor page, and what the API must answer it.
SITE_TO_API = {302: 401, 403: 403, 200: 200}


@pytest.fixture(autouse=True)
def french_and_fresh_limits():
    cache.clear()
    with translation.override(settings.LANGUAGE_CODE):
        yield
    cache.clear()


@pytest.fixture
def world(provider_index):  # noqa: F811
    return gap_world(provider_index)


@pytest.fixture
def users(world):
    return role_users(world.provider)


def pairs(world) -> list[tuple[str, str]]:
    """(advisor page, the API endpoint with the same figures)."""
    return [
        (
            reverse("advisor:profession", args=[world.occupation.key]),
            f"/api/v1/analytics/professions/{world.occupation.key}/",
        ),
        (
            reverse("advisor:skill", args=[world.taught.key]) + "?province=liege",
            f"/api/v1/analytics/skills/{world.taught.key}/months/?province=liege",
        ),
        (
            reverse("advisor:shortages") + "?province=liege",
            "/api/v1/analytics/shortage-professions/?province=liege",
        ),
        (
            reverse("advisor:overview") + "?period=24m",
            "/api/v1/analytics/skill-gaps/?period=24m",
        ),
    ]


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_advisor_figures_follow_the_sites_rules_role_by_role(client, world, users):
    for page, endpoint in pairs(world):
        for role, user in users.items():
            site = as_user(client, user).get(page).status_code
            api = as_user(client, user).get(endpoint)
            assert api.status_code == SITE_TO_API[site], (role, page, endpoint)
            if api.status_code != 200:
                assert world.employer.name not in api.content.decode()


def test_an_api_key_carries_its_accounts_permissions_and_nothing_more(client, world, users):
    detail = f"/api/v1/analytics/professions/{world.occupation.key}/"
    _key, anonymous_key = api_key_issue(name="Sans compte")
    assert client.get(detail, headers={"X-API-Key": anonymous_key}).status_code == 403
    public = "/api/v1/analytics/shortage-professions/"
    refused = client.get(public, {"province": "liege"}, headers={"X-API-Key": anonymous_key})
    assert refused.status_code == 403
    assert client.get(public, headers={"X-API-Key": anonymous_key}).status_code == 200
    _key, learner_key = api_key_issue(name="Apprenant", user=users["learner"])
    assert client.get(detail, headers={"X-API-Key": learner_key}).status_code == 403
    _key, advisor_key = api_key_issue(name="Conseiller", user=users["advisor"])
    response = client.get(detail, headers={"X-API-Key": advisor_key})
    assert response.status_code == 200
    body = response.json()
    assert [r["employer_name"] for r in body["training_requests"]] == [world.employer.name]
    assert body["row"]["demand_postings"] == 8  # the re-posted copy does not count
    assert sum(month["postings"] for month in body["monthly_postings"]) == 8
    liege = next(p for p in body["by_province"] if p["province"] == "liege")
    assert liege["postings"] == 8

    users["advisor"].is_active = False
    users["advisor"].save()
    assert client.get(detail, headers={"X-API-Key": advisor_key}).status_code in (401, 403)


def test_everyone_reads_what_the_public_summary_shows(client, world, users):
    page = client.get(reverse("gaps:public_summary"))
    tables = {table.slug: table for table in page.context["tables"]}
    professions = client.get("/api/v1/analytics/shortage-professions/").json()
    assert [row["occupation"]["label"] for row in professions["results"]] == [
        row["occupation"] for row in tables["professions"].rows
    ]
    assert [row["occupation"]["uri"] for row in professions["results"]] == [world.occupation.uri]
    row = professions["results"][0]
    assert row["demand_postings"] == 8 and "tension_basis" not in row
    assert "province" not in row and "list_entries" not in row  # advisors' columns

    gaps = client.get("/api/v1/analytics/skill-gaps/").json()["results"]
    assert [g["skill"]["label"] for g in gaps] == [r["skill"] for r in tables["skills"].rows]

    summary = client.get("/api/v1/analytics/summary/").json()
    assert summary["postings"] == page.context["summary"].postings
    assert {p["province"] for p in summary["by_province"]} >= {"liege", "namur"}
    namur = next(p for p in summary["by_province"] if p["province"] == "namur")
    assert namur["suppressed"] and namur["postings"] is None  # 2 postings: too few to show

    for response in (
        client.get("/api/v1/analytics/shortage-professions/", {"output": "csv"}),
        client.get("/api/v1/analytics/summary/"),
        client.get("/api/v1/analytics/skill-gaps/"),
    ):
        assert world.employer.name not in response.content.decode("utf-8-sig")


def test_advisors_get_every_row_and_suppressed_rows_keep_their_figures_hidden(client, world, users):
    client.force_login(users["advisor"])
    rows = client.get("/api/v1/analytics/shortage-professions/").json()["results"]
    by_uri = {row["occupation"]["uri"]: row for row in rows}
    assert set(by_uri) == {world.occupation.uri, world.rare.uri}
    rare = by_uri[world.rare.uri]
    assert rare["suppressed"] and rare["demand_postings"] is None and rare["tension_basis"] is None
    assert by_uri[world.occupation.uri]["list_entries"][0]["title"] == "Liste d'essai"

    listed = client.get(
        "/api/v1/analytics/shortage-professions/", {"shortage_list": world.shortage_list.pk}
    ).json()["results"]
    assert len(listed) == 2
    assert client.get("/api/v1/analytics/shortage-professions/", {"isco": "x"}).status_code == 400
    assert client.get("/api/v1/analytics/skill-gaps/", {"province": "mars"}).status_code == 400

    months = client.get(
        f"/api/v1/analytics/skills/{world.untaught.key}/months/", {"province": "liege"}
    ).json()
    assert sum(month["postings"] for month in months["results"]) == 8
    assert months["count"] == len(months["results"])


def test_anonymous_clients_may_not_ask_for_advisor_filters(client, world):
    for params in ({"province": "liege"}, {"period": "24m"}):
        response = client.get("/api/v1/analytics/shortage-professions/", params)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "X-API-Key"
    response = client.get("/api/v1/analytics/skill-gaps/", {"exclude_transversal": "true"})
    assert response.status_code == 401
    ok = client.get("/api/v1/analytics/shortage-professions/", {"period": "12m"})
    assert ok.status_code == 200
