"""Per-address rate limits on the JSON endpoints and the feed API: 429 with Retry-After."""

import pytest
from django.test import override_settings

from tests.jobs.factories import FeedSourceFactory

pytestmark = pytest.mark.django_db

LIMITS = {
    "feed-api": {"paths": [r"^/api/jobs/"], "requests": 3, "seconds": 60},
    "public-json": {
        "paths": [r"^/api/", r"^/employeurs/competences/"],
        "requests": 5,
        "seconds": 60,
    },
}
AUTOCOMPLETE = "/api/taxonomy/autocomplete/?q=dev"


def get(client, url, address="203.0.113.5"):
    return client.get(url, REMOTE_ADDR=address)


@override_settings(WAKE_RATE_LIMITS=LIMITS)
def test_public_json_is_limited_per_address(client):
    for _ in range(5):
        assert get(client, AUTOCOMPLETE).status_code == 200
    refused = get(client, AUTOCOMPLETE)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.json()["error"]
    # Another address still gets answers.
    assert get(client, AUTOCOMPLETE, address="198.51.100.1").status_code == 200


@override_settings(WAKE_RATE_LIMITS=LIMITS)
def test_the_english_prefix_does_not_escape_the_limit(client):
    for _ in range(5):
        get(client, "/en" + AUTOCOMPLETE)
    assert get(client, AUTOCOMPLETE).status_code == 429


@override_settings(WAKE_RATE_LIMITS=LIMITS)
def test_pages_are_not_limited(client):
    for _ in range(8):
        assert get(client, "/competences/").status_code == 200


@override_settings(WAKE_RATE_LIMITS=LIMITS)
def test_the_feed_api_has_its_own_limit_and_refuses_before_reading_the_body(client):
    source = FeedSourceFactory(name="forem")
    token = source.rotate_token()
    for _ in range(3):
        response = client.post(
            "/api/jobs/ingest/",
            data=b'{"id": "A-1", "title": "Soudeur", "description": "Soudure TIG."}',
            content_type="application/x-ndjson",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            REMOTE_ADDR="203.0.113.5",
        )
        assert response.status_code == 200, response.content
    refused = client.post(
        "/api/jobs/ingest/",
        data=b"x" * 1000,
        content_type="application/x-ndjson",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        REMOTE_ADDR="203.0.113.5",
    )
    assert refused.status_code == 429
    assert refused["Retry-After"].isdigit()
    # The feed limit is not the public one: the autocomplete still answers that address.
    assert get(client, AUTOCOMPLETE).status_code == 200


@override_settings(WAKE_RATE_LIMITS=LIMITS, WAKE_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_counts(client):
    for n in range(6):
        response = client.get(
            AUTOCOMPLETE, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
        assert response.status_code == 200
    # A client cannot reset its count by writing its own X-Forwarded-For in front.
    for _ in range(5):
        client.get(AUTOCOMPLETE, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.9")
    spoofed = client.get(
        AUTOCOMPLETE, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8, 192.0.2.9"
    )
    assert spoofed.status_code == 429


def test_the_default_limits_cover_the_feed_api_and_the_json_endpoints(settings):
    import re

    def rule_for(path):
        for name, rule in settings.WAKE_RATE_LIMITS.items():
            if any(re.search(pattern, path) for pattern in rule["paths"]):
                return name
        return None

    assert rule_for("/api/jobs/ingest/") is not None
    assert rule_for("/api/taxonomy/autocomplete/") is not None
    assert rule_for("/employeurs/competences/") is not None
    assert rule_for("/api/jobs/ingest/") != rule_for("/api/taxonomy/autocomplete/")
    assert rule_for("/formations/") is None
