"""Hostile feed input (#9 defects 2, 3 and 10): every bad record is refused by line, the run
goes on, and nothing crashes."""

import json

import pytest

from jobs.ingestion.formats import read_bytes
from jobs.models import JobPosting
from jobs.services import posting_ingest

pytestmark = pytest.mark.django_db


def good(n: int) -> dict:
    return {"id": f"OK-{n}", "title": f"Monteur vidéo {n}", "description": "Montage vidéo."}


def ingest(raw: bytes, source):
    return posting_ingest(records=read_bytes(raw, "jsonl"), source=source, parse=False)


def test_a_non_utf8_byte_in_an_external_id_refuses_that_record_only(source):
    lines = [
        json.dumps(good(1)).encode(),
        b'{"id": "R\xe9f-2", "title": "Graphiste"}',
        json.dumps(good(3)).encode(),
    ]
    report = ingest(b"\n".join(lines), source)
    assert sorted(JobPosting.objects.values_list("external_id", flat=True)) == ["OK-1", "OK-3"]
    assert report.rejected == 1
    assert "UTF-8" in " ".join(" ".join(e["errors"]) for e in report.errors)


def test_deeply_nested_json_is_refused_by_line(source):
    nested = b'{"id": "N-1", "title": "x", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    lines = [json.dumps(good(1)).encode(), nested, json.dumps(good(3)).encode()]
    report = ingest(b"\n".join(lines), source)
    assert sorted(JobPosting.objects.values_list("external_id", flat=True)) == ["OK-1", "OK-3"]
    assert report.rejected == 1


def test_nul_characters_never_reach_the_database(source):
    record = {"id": "NUL\x00-1", "title": "Soudeur\x00 TIG", "description": "x\x00y"}
    report = ingest(json.dumps(record).encode(), source)
    assert report.rejected == 1
    assert not JobPosting.objects.exists()


def test_the_feed_api_answers_hostile_bodies_without_an_error_500(client, source):
    token = source.rotate_token()
    body = b"\n".join(
        [
            json.dumps(good(1)).encode(),
            b'{"id": "R\xe9f-2", "title": "Graphiste"}',
            b'{"id": "N-3", "title": "x", "extra": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        ]
    )
    response = client.post(
        "/api/jobs/ingest/",
        body,
        content_type="application/x-ndjson",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (200, 201, 202), response.content[:300]
    run = response.json()
    assert run["rejected"] == 2 and run["created"] == 1, run
