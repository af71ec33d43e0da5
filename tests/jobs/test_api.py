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


@pytest.mark.django_db
class TestApiLimits:
    """#9 defect 8: bounded bodies, payloads not kept once ingested."""

    url = "/api/jobs/ingest/"

    def test_a_body_over_the_limit_is_refused_with_413_and_leaves_nothing(
        self, client, feed_with_token, settings, tmp_path
    ):
        settings.FEED_API_MAX_BYTES = 200
        settings.WAKE_DATA_DIR = tmp_path
        _source, token = feed_with_token
        response = client.post(
            self.url,
            payload(20),
            content_type="application/x-ndjson",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 413
        assert "larger than 200 bytes" in response.json()["error"]
        assert not IngestRun.objects.exists() and not JobPosting.objects.exists()
        assert list(tmp_path.rglob("*.*")) == []  # nothing written to disk

    def test_the_payload_is_deleted_once_its_run_succeeded(
        self, client, feed_with_token, settings, tmp_path
    ):
        settings.WAKE_DATA_DIR = tmp_path
        _source, token = feed_with_token
        response = client.post(
            self.url,
            payload(3),
            content_type="application/x-ndjson",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200
        assert response.json()["created"] == 3
        assert list((tmp_path / "ingest").iterdir()) == []  # the run holds the report

    def test_a_body_without_a_length_is_cut_at_the_limit(self, feed_with_token, settings, tmp_path):
        """A chunked body has no Content-Length: the copy itself stops at the limit."""
        import io

        from django.test import RequestFactory

        from jobs import api as feed_api

        settings.FEED_API_MAX_BYTES = 200
        settings.WAKE_DATA_DIR = tmp_path
        _source, token = feed_with_token
        body = payload(20).encode()
        request = RequestFactory().post(
            self.url,
            body,
            content_type="application/x-ndjson",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        del request.META["CONTENT_LENGTH"]
        request._stream = io.BytesIO(body)
        response = feed_api.ingest(request)
        assert response.status_code == 413
        assert not IngestRun.objects.exists()
        assert list((tmp_path / "ingest").iterdir()) == []
