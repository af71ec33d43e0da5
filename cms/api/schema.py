"""OpenAPI hooks: the public API's own endpoints, plus the feed ingestion endpoint (a plain
Django view, token-authenticated) so every write a client can make is in the same document."""

from __future__ import annotations

PUBLIC_PREFIX = "/api/v1/"


def only_public_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIX)]


_RUN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
        "processed": {"type": "integer"},
        "created": {"type": "integer"},
        "updated": {"type": "integer"},
        "unchanged": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "rejected": {"type": "integer"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}


def _response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_feed_ingestion(result, generator, request, public, **kwargs):
    paths = result.setdefault("paths", {})
    security = [{"FeedToken": []}]
    paths["/api/jobs/ingest/"] = {
        "post": {
            "operationId": "feed_ingest",
            "tags": ["feeds"],
            "summary": "Ingest a feed of job postings",
            "description": (
                "The body is the feed (JSON Lines, CSV or schema.org JSON-LD; `?format=` or the "
                "Content-Type says which). Small payloads are ingested at once (200); larger "
                "ones are queued (202) and followed with the run endpoint."
            ),
            "security": security,
            "parameters": [
                {
                    "name": "format",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["jsonl", "csv", "jsonld"]},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in ("application/x-ndjson", "text/csv", "application/ld+json")
                },
            },
            "responses": {
                "200": _response("Ingested; the run's report.", _RUN),
                "202": _response("Queued; follow the run.", _RUN),
                "400": _response("The feed cannot be read.", _ERROR),
                "401": _response("No or unknown token.", _ERROR),
                "403": _response("The source is disabled.", _ERROR),
                "413": _response("The body is too large.", _ERROR),
            },
        }
    }
    paths["/api/jobs/ingest/{run_id}/"] = {
        "get": {
            "operationId": "feed_ingest_status",
            "tags": ["feeds"],
            "summary": "Progress and report of an ingestion run",
            "security": security,
            "parameters": [
                {"name": "run_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": _response("The run.", _RUN),
                "401": _response("No or unknown token.", _ERROR),
                "403": _response("The run belongs to another source.", _ERROR),
                "404": _response("No such run.", _ERROR),
            },
        }
    }
    return result
