import json

import pytest
from django.urls import reverse

from jobs import api
from jobs.models import IngestRun, JobPosting
from tests.jobs.factories import FeedSourceFactory


def payload(count=3):
    return "\n".join(
        json.dumps({"id": f"A{n}", "title": f"Animateur 3D {n}", "city": "Liège"})
        for n in range(count)
    )


@pytest.fixture
def feed_with_token(db):
    source = FeedSourceFactory(name="board")
    return source, source.rotate_token()


@pytest.mark.django_db
class TestIngestApi:
    url = "/api/jobs/ingest/"

    def post(self, client, body, token=None, content_type="application/x-ndjson", **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return client.post(self.url, body, content_type=content_type, **headers, **extra)

    def test_url_is_routed(self):
        assert reverse("jobs:api_ingest") == self.url

    def test_without_token_is_401(self, client):
        response = self.post(client, payload())
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert not JobPosting.objects.exists()

    def test_wrong_token_is_401(self, client, feed_with_token):
        assert self.post(client, payload(), token="nope").status_code == 401

    def test_disabled_source_is_403(self, client, feed_with_token):
        source, token = feed_with_token
        source.is_active = False
        source.save()
        assert self.post(client, payload(), token=token).status_code == 403
        assert not JobPosting.objects.exists()

    def test_valid_token_ingests_without_csrf_token(self, feed_with_token):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        source, token = feed_with_token
        response = self.post(client, payload(), token=token)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["created"] == 3 and body["status"] == "succeeded"
        assert JobPosting.objects.filter(source=source).count() == 3
        again = self.post(client, payload(), token=token).json()
        assert again["unchanged"] == 3 and again["created"] == 0

    def test_bad_jsonld_is_400(self, client, feed_with_token):
        _source, token = feed_with_token
        response = self.post(client, "{nope", token=token, content_type="application/ld+json")
        assert response.status_code == 400

    def test_large_payload_goes_to_a_background_task(self, client, feed_with_token, monkeypatch):
        monkeypatch.setattr(api, "SYNC_LIMIT_BYTES", 10)
        _source, token = feed_with_token
        response = self.post(client, payload(5), token=token)
        assert response.status_code == 202
        run_id = response.json()["run"]
        # The test settings run tasks immediately; the status endpoint reports the result.
        status = client.get(f"{self.url}{run_id}/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert status.json()["created"] == 5
        assert IngestRun.objects.get(pk=run_id).status == "succeeded"

    def test_status_of_another_sources_run_is_403(self, client, feed_with_token):
        _source, token = feed_with_token
        other = FeedSourceFactory(name="other")
        run = IngestRun.objects.create(source=other)
        response = client.get(f"{self.url}{run.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 403
