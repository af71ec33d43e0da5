"""The feed API: `POST /api/jobs/ingest/` with `Authorization: Bearer <token>` of a FeedSource.

The body is the feed itself (JSON Lines, CSV or schema.org JSON-LD; `?format=` or the
Content-Type says which, else it is guessed). Small payloads are ingested in the request and
answered with the run's report (200); larger ones are written to disk and queued as a
background task (202) whose progress `GET /api/jobs/ingest/<run>/` returns.

401: no or unknown token. 403: the source is disabled, or the run belongs to another source.
413: the body is larger than `FEED_API_MAX_BYTES`. A payload file is deleted once its run has
succeeded; a failed run keeps it, so the run can be resumed.
The API is authenticated by token, not by session cookie, so CSRF protection does not apply.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from jobs.ingestion.formats import FORMATS, FeedFormatError, read_payload
from jobs.models import FeedSource, IngestRun
from jobs.services import posting_ingest
from jobs.tasks import ingest_file

# Above this size a payload is ingested in the background rather than within the request.
SYNC_LIMIT_BYTES = 1_000_000
CONTENT_TYPES = {
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "text/csv": "csv",
    "application/ld+json": "jsonld",
}


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="wake-for-skills feeds"'
    return response


def _authenticated_source(request) -> FeedSource | JsonResponse:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "Send the feed's API token as 'Authorization: Bearer <token>'.")
    source = FeedSource.objects.filter(token_hash=FeedSource.hash_token(token.strip())).first()
    if source is None:
        return _error(401, "Unknown API token.")
    if not source.is_active:
        return _error(403, "This feed source is disabled.")
    return source


def _run_payload(run: IngestRun) -> dict:
    return {
        "run": run.pk,
        "status": run.status,
        "processed": run.processed,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "duplicates": run.duplicates,
        "rejected": run.rejected,
        "errors": run.errors[:100],
        "failure": run.failure,
    }


@csrf_exempt
@require_POST
def ingest(request):
    source = _authenticated_source(request)
    if isinstance(source, JsonResponse):
        return source
    content_type = request.content_type.split(";")[0].strip().lower()
    format = request.GET.get("format") or CONTENT_TYPES.get(content_type, "auto")
    if format not in ("auto", *FORMATS):
        return _error(400, f"Unknown format {format!r}.")
    limit = settings.FEED_API_MAX_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        return _too_large(limit)
    folder = Path(settings.WAKE_DATA_DIR) / "ingest"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as handle:
        received = Path(handle.name)
        complete = _copy_at_most(request, handle, limit)
    if not complete:
        received.unlink()
        return _too_large(limit)
    run = IngestRun.objects.create(source=source, trigger=IngestRun.Trigger.API, format=format)
    suffix = {"jsonl": ".jsonl", "csv": ".csv", "jsonld": ".json"}.get(format, "")
    path = received.rename(folder / f"run-{run.pk}{suffix}")
    run.file_name = str(path)
    run.save(update_fields=["file_name"])
    if path.stat().st_size > SYNC_LIMIT_BYTES:
        ingest_file.enqueue(run_id=run.pk, path=str(path), format=format)
        run.refresh_from_db()
        return JsonResponse(_run_payload(run), status=202)
    try:
        posting_ingest(records=read_payload(path, format), source=source, run=run)
    except FeedFormatError as exc:
        return _error(400, str(exc))
    path.unlink(missing_ok=True)  # the run holds the report; the payload is not kept
    run.refresh_from_db()
    return JsonResponse(_run_payload(run))


def _too_large(limit: int) -> JsonResponse:
    return _error(413, f"The body is larger than {limit} bytes: split the feed into batches.")


def _copy_at_most(source, target, limit: int, chunk: int = 64 * 1024) -> bool:
    """Copy `source` to `target`; False (and stop) once more than `limit` bytes came."""
    copied = 0
    while block := source.read(chunk):
        copied += len(block)
        if copied > limit:
            return False
        target.write(block)
    return True


@require_GET
def ingest_status(request, run_id: int):
    source = _authenticated_source(request)
    if isinstance(source, JsonResponse):
        return source
    run = IngestRun.objects.filter(pk=run_id).first()
    if run is None:
        return _error(404, "No such run.")
    if run.source_id != source.pk:
        return _error(403, "This run belongs to another feed source.")
    return JsonResponse(_run_payload(run))
