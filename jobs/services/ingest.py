"""`posting_ingest`: the one entry point that writes postings from feeds.

Contract:
- records are upserted by `(source, external_id)`; a record whose content hash equals the
  stored one is "unchanged" and costs no write, so ingesting the same file twice changes
  nothing; a changed record updates its posting and is parsed again;
- every record that cannot be used is rejected with its reasons in the run's `errors`; the
  batch never stops for a bad record;
- records are processed in chunks, each written in its own transaction together with the
  run's progress counters. A batch that dies half-way leaves whole chunks behind; running it
  again skips what was written (unchanged) and ends in the same state as a clean run,
  because every decision (including duplicate links) is taken in file order;
- an updated posting is read again under the rule every text follows (`skills.links.relink`):
  the skills and occupations an employer or editor confirmed or rejected stay, suggestions are
  replaced;
- a run writes a heartbeat with every chunk; a `running` run whose heartbeat is older than
  `WAKE_INGEST_STALE_AFTER` was killed, and `ingest_runs_fail_stale` marks it failed (the next
  ingestion, the task worker at start and `manage.py fail_stale_ingest_runs` call it);
- with `workers > 1` the cleaning, fingerprinting and parsing of chunks run in forked worker
  processes while the main process writes; results are written in file order.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from jobs.ingestion.cleaning import content_hash, text_problem
from jobs.ingestion.dedup import DuplicateIndex
from jobs.ingestion.formats import RawRecord, canonicalise
from jobs.ingestion.prepare import Prepared, load_extractor, prepare_batch
from jobs.models import FeedSource, IngestRun, JobPosting
from jobs.services.links import ConceptRef, concept_refs, posting_links_relink
from skills.models import Occupation, Skill

MAX_STORED_ERRORS = 1000
# pg_advisory_xact_lock key: chunk writes of concurrent ingestions take turns, so each one's
# duplicate index has caught up with every posting committed before it links its own.
DEDUP_LOCK_KEY = 0x77616B65  # "wake"
POSTING_FIELDS = [
    "title", "description_html", "description_text", "employer_name", "commune", "province",
    "contract_type", "working_time", "experience", "education_level", "posted_on",
    "expires_on", "language", "url", "status", "content_hash", "fingerprint", "parsed_at",
    "updated_at",
]  # fmt: skip


@dataclass
class IngestReport:
    run_id: int | None = None
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)

    def reject(self, position: int, external_id: str, reasons: list[str]) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"record": position, "external_id": external_id, "errors": reasons})

    def as_dict(self) -> dict:
        return {
            "run": self.run_id,
            "processed": self.processed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "errors": self.errors,
        }


def _raw_records(records: Iterable[RawRecord | dict]) -> Iterator[RawRecord]:
    for position, record in enumerate(records, start=1):
        if isinstance(record, RawRecord):
            yield record
        else:
            yield RawRecord(position, canonicalise(record))


def _chunks(iterable: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(iterable, size)):
        yield chunk


def _postings_state(*, up_to: int) -> tuple:
    """What the duplicate index depends on, for the postings up to id `up_to`, in one
    aggregate: any insert, delete, relink or update among them changes it."""
    state = JobPosting.objects.filter(fingerprint__isnull=False, pk__lte=up_to).aggregate(
        count=Count("id"),
        ids=Sum("id"),
        links=Sum(Coalesce("duplicate_of_id", 0)),
        changed=Max("updated_at"),
    )
    return tuple(state.values())


class _SharedIndex:
    """The duplicate index of this process, kept from one chunk write to the next, whichever
    ingestion writes it (a feed post of five postings must not read every stored fingerprint).

    Used only inside a chunk's transaction, after `dedup_lock()`: one writer at a time. Before
    use it is checked against the database (`_postings_state`): when the postings it holds are
    as it left them, it only catches up with postings added since (other processes'); when
    anything else changed them (a relink, a deletion, an update elsewhere) it is rebuilt. A
    transaction that fails drops it. On PostgreSQL a change made outside any ingestion while a
    chunk is being written can slip between the two checks; the index is therefore read again
    from scratch at least every `MAX_AGE_SECONDS`.
    """

    MAX_AGE_SECONDS = 600

    def __init__(self):
        self.lock = threading.Lock()
        self.by_database: dict[str, tuple[DuplicateIndex, int, tuple, float]] = {}

    def checkout(self) -> tuple[DuplicateIndex, int, float]:
        """The index, the last posting id it holds (in sync with the database) and when it
        was read from scratch."""
        database = connection.settings_dict["NAME"]
        with self.lock:
            kept = self.by_database.pop(database, None)
        if (
            kept is not None
            and time.monotonic() - kept[3] < self.MAX_AGE_SECONDS
            and _postings_state(up_to=kept[1]) == kept[2]
        ):
            index, synced_to, built_at = kept[0], kept[1], kept[3]
        else:
            index, synced_to, built_at = DuplicateIndex(), 0, time.monotonic()
        return index, _catch_up(index, synced_to), built_at

    def checkin(self, index: DuplicateIndex, synced_to: int, built_at: float) -> None:
        """Keep the index for the next write, once this transaction has committed."""
        database = connection.settings_dict["NAME"]
        state = _postings_state(up_to=synced_to)

        def keep():
            with self.lock:
                self.by_database[database] = (index, synced_to, state, built_at)

        transaction.on_commit(keep)


_shared_index = _SharedIndex()


def _catch_up(index: DuplicateIndex, synced_to: int) -> int:
    """Add to the index the postings committed after id `synced_to`; the new last id."""
    rows = (
        JobPosting.objects.filter(fingerprint__isnull=False, pk__gt=synced_to)
        .order_by("id")
        .values_list("id", "fingerprint", "posted_on", "duplicate_of_id")
        .iterator(chunk_size=5000)
    )
    for posting_id, fingerprint, posted_on, duplicate_of_id in rows:
        index.add(posting_id, bytes(fingerprint), posted_on.toordinal())
        index._attach(posting_id, duplicate_of_id or posting_id)
        synced_to = max(synced_to, posting_id)
    return synced_to


class _Writer:
    """Writes prepared chunks in order, with the process's duplicate index; owns the URI →
    concept maps."""

    def __init__(self, *, source: FeedSource, run: IngestRun, report: IngestReport, today: date):
        self.source, self.run, self.report, self.today = source, run, report, today
        # The process's duplicate index, checked out for each chunk write (`_SharedIndex`).
        self.index: DuplicateIndex | None = None
        self.synced_to = 0
        self.skills: dict[str, ConceptRef] = {}
        self.occupations: dict[str, ConceptRef] = {}

    def _concepts(self, analyses) -> tuple[dict[str, ConceptRef], dict[str, ConceptRef]]:
        """The URI → concept maps, grown by the URIs these analyses name: a small feed post
        reads a few dozen concepts, a large run each concept it meets once."""
        skill_uris = {uri for _pk, analysis in analyses for uri, *_rest in analysis.skills}
        occupation_uris = {uri for _pk, analysis in analyses for uri, *_ in analysis.occupations}
        for known, model, named in (
            (self.skills, Skill, skill_uris),
            (self.occupations, Occupation, occupation_uris),
        ):
            missing = named - known.keys()
            if missing:
                known.update(concept_refs(model, uris=missing))
        return self.skills, self.occupations

    def write(self, prepared: list[Prepared], skipped: int) -> None:
        report = self.report
        now = timezone.now()
        with transaction.atomic():
            dedup_lock()
            self.index, self.synced_to, built_at = _shared_index.checkout()
            existing = {
                row[0]: row[1:]
                for row in JobPosting.objects.filter(
                    source=self.source, external_id__in=[p.external_id for p in prepared]
                ).values_list("external_id", "id", "content_hash")
            }
            creates: list[tuple[Prepared, JobPosting]] = []
            updates: list[tuple[Prepared, JobPosting]] = []
            for item in prepared:
                if item.errors:
                    report.reject(item.position, item.external_id, item.errors)
                    continue
                found = existing.get(item.external_id)
                if found and found[1] == item.content_hash:
                    report.unchanged += 1
                    continue
                posting = self._posting(item, now, pk=found[0] if found else None)
                (updates if found else creates).append((item, posting))

            JobPosting.objects.bulk_create([posting for _item, posting in creates])
            if updates:
                JobPosting.objects.bulk_update(
                    [posting for _item, posting in updates], POSTING_FIELDS, batch_size=200
                )
            self._write_links(creates + updates, updated_ids=[p.pk for _item, p in updates])
            self._link_duplicates(creates, updates)
            self.synced_to = max([self.synced_to, *(p.pk for _item, p in creates)])
            _shared_index.checkin(self.index, self.synced_to, built_at)
            report.created += len(creates)
            report.updated += len(updates)
            report.processed += len(prepared) + skipped
            self._save_progress()

    def _posting(self, item: Prepared, now, pk: int | None) -> JobPosting:
        fields = dict(item.fields)
        fields.pop("external_id")
        analysis = item.analysis
        if analysis is not None and not fields["language"]:
            fields["language"] = analysis.language
        fields["language"] = fields["language"] or "fr"
        expired = fields["expires_on"] and fields["expires_on"] < self.today
        return JobPosting(
            pk=pk,
            source=self.source,
            external_id=item.external_id,
            status=JobPosting.Status.EXPIRED if expired else JobPosting.Status.PUBLISHED,
            content_hash=item.content_hash,
            fingerprint=item.fingerprint,
            parsed_at=now if analysis is not None else None,
            created_at=now,
            updated_at=now,
            **fields,
        )

    def _write_links(
        self, pairs: list[tuple[Prepared, JobPosting]], *, updated_ids: list[int]
    ) -> None:
        analyses = [
            (posting.pk, item.analysis) for item, posting in pairs if item.analysis is not None
        ]
        if not analyses and not updated_ids:
            return
        skills, occupations = self._concepts(analyses)
        posting_links_relink(analyses, skills=skills, occupations=occupations, linked=updated_ids)

    def _link_duplicates(self, creates, updates) -> None:
        changes: dict[int, int | None] = {}
        touched = []
        updated_ids = {posting.pk for _item, posting in updates}
        for item, posting in sorted(creates + updates, key=lambda pair: pair[0].position):
            if posting.pk in updated_ids:
                if self.index.has_duplicates(posting.pk):
                    continue  # an original keeps its group
                self.index.discard(posting.pk)
                changes[posting.pk] = None
            changes.update(
                self.index.link(posting.pk, item.fingerprint, posting.posted_on.toordinal())
            )
            touched.append(posting.pk)
        by_target = defaultdict(list)
        for posting_id, target in changes.items():
            by_target[target].append(posting_id)
        for target, ids in by_target.items():
            JobPosting.objects.filter(pk__in=ids).update(duplicate_of_id=target)
        self.report.duplicates += sum(1 for pk in touched if self.index.root[pk] != pk)

    def _save_progress(self) -> None:
        report, run = self.report, self.run
        for name in ("processed", "created", "updated", "unchanged", "duplicates", "rejected"):
            setattr(run, name, getattr(report, name))
        run.errors = report.errors
        run.heartbeat_at = timezone.now()
        run.save(
            update_fields=[
                "processed", "created", "updated", "unchanged", "duplicates", "rejected",
                "errors", "heartbeat_at",
            ]
        )  # fmt: skip


def posting_ingest(
    *,
    records: Iterable[RawRecord | dict],
    source: FeedSource,
    run: IngestRun | None = None,
    workers: int = 1,
    chunk_size: int = 500,
    parse: bool = True,
    today: date | None = None,
    progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Upsert `records` (RawRecords from `jobs.ingestion.formats`, or canonical dicts) from
    `source`, parse them into ESCO, link near-duplicates, and record the run.

    `parse=False`, or no extractor installed, leaves postings unparsed (`parsed_at` empty) for
    `manage.py parse_postings`. Raises whatever stops the batch (after marking the run failed);
    never raises for a bad record.
    """
    today = today or timezone.localdate()
    ingest_runs_fail_stale()
    if run is None:
        run = IngestRun.objects.create(source=source)
    run.status = IngestRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "started_at", "heartbeat_at"])
    report = IngestReport(run_id=run.pk)
    parse = parse and load_extractor() is not None
    pool = None
    try:
        writer = _Writer(source=source, run=run, report=report, today=today)
        if workers > 1:
            if parse:
                load_extractor().warm_up()
            # Fork after the extractor is loaded (and warmed up) so workers share its index
            # and memos; workers never touch the database. Frozen objects are left out of the
            # workers' garbage collections, which would otherwise walk (and, by touching,
            # copy) the whole index.
            gc.freeze()
            try:
                pool = multiprocessing.get_context("fork").Pool(workers)
            finally:
                gc.unfreeze()
        in_flight: list[tuple[object, int]] = []
        for chunk in _chunks(_raw_records(records), chunk_size):
            items, skipped = _select(chunk, source=source, report=report)
            if pool is None:
                writer.write(prepare_batch(items, today=today, parse=parse), skipped)
                if progress:
                    progress(report)
                continue
            in_flight.append(
                (pool.apply_async(prepare_batch, (items,), {"today": today, "parse": parse}),
                 skipped)
            )  # fmt: skip
            while len(in_flight) > workers + 1:
                result, skipped_before = in_flight.pop(0)
                writer.write(result.get(), skipped_before)
                if progress:
                    progress(report)
        for result, skipped_before in in_flight:
            writer.write(result.get(), skipped_before)
            if progress:
                progress(report)
    except BaseException as exc:
        run.status = IngestRun.Status.FAILED
        run.failure = f"{type(exc).__name__}: {exc}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "failure", "finished_at"])
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    run.status = IngestRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return report


def dedup_lock() -> None:
    """Within a transaction: wait for the other ingestions' chunk writes, until commit.
    SQLite needs nothing: its transactions begin IMMEDIATE (settings), one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEDUP_LOCK_KEY])


def posting_duplicates_relink() -> int:
    """Rebuild every near-duplicate group from the stored fingerprints, in the order the
    postings arrived, and write the links that differ; returns how many changed. Idempotent:
    a second call changes nothing. Repairs links a past ingestion missed."""
    index = DuplicateIndex()
    with transaction.atomic():
        dedup_lock()
        stored = {}
        rows = (
            JobPosting.objects.filter(fingerprint__isnull=False)
            .order_by("id")
            .values_list("id", "fingerprint", "posted_on", "duplicate_of_id")
            .iterator(chunk_size=5000)
        )
        for posting_id, fingerprint, posted_on, duplicate_of_id in rows:
            stored[posting_id] = duplicate_of_id
            index.link(posting_id, bytes(fingerprint), posted_on.toordinal())
        by_target = defaultdict(list)
        for posting_id, current in stored.items():
            root = index.root[posting_id]
            wanted = None if root == posting_id else root
            if wanted != current:
                by_target[wanted].append(posting_id)
        for target, ids in by_target.items():
            JobPosting.objects.filter(pk__in=ids).update(duplicate_of_id=target)
    return sum(len(ids) for ids in by_target.values())


def ingest_runs_fail_stale(*, now=None) -> int:
    """Mark failed every `running` run with no heartbeat (or, killed before its first one, no
    start) for `WAKE_INGEST_STALE_AFTER`; returns how many. Their counters and errors stay as
    the last chunk left them: ingesting the same file again resumes, skipping what was written.
    """
    now = now or timezone.now()
    stale_after = settings.WAKE_INGEST_STALE_AFTER
    cutoff = now - stale_after
    minutes = int(stale_after.total_seconds() // 60)
    return (
        IngestRun.objects.filter(status=IngestRun.Status.RUNNING)
        .filter(
            Q(heartbeat_at__lt=cutoff)
            | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
            | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
        )
        .update(
            status=IngestRun.Status.FAILED,
            finished_at=now,
            failure=(
                f"Interrupted: no progress for more than {minutes} minutes (the process was "
                "stopped). Ingest the same file again to resume: records already written are "
                "skipped."
            ),
        )
    )


def _select(chunk: list[RawRecord], *, source, report: IngestReport):
    """Records of a chunk worth preparing: readable, last of their external id in the chunk,
    and changed since the last ingestion. Returns (items, number of records already counted)."""
    last: dict[str, tuple[RawRecord, str]] = {}
    skipped = 0
    for record in chunk:
        if record.data is None:
            report.reject(record.position, "", [record.error])
            skipped += 1
            continue
        external_id = str(record.data.get("external_id") or "").strip()
        problem = text_problem(external_id)
        if problem:
            # Never a database key: a lone surrogate cannot even be encoded for the query.
            report.reject(record.position, ascii(external_id), [f"The external id {problem}."])
            skipped += 1
            continue
        if external_id in last:
            earlier = last[external_id][0]
            report.reject(
                earlier.position,
                external_id,
                ["A later record in the batch has the same external id; the later one is kept."],
            )
            skipped += 1
        last[external_id] = (record, content_hash(record.data))
    stored = dict(
        JobPosting.objects.filter(source=source, external_id__in=[k for k in last if k])
        .values_list("external_id", "content_hash")
    )  # fmt: skip
    items = []
    for external_id, (record, digest) in last.items():
        if external_id and stored.get(external_id) == digest:
            report.unchanged += 1
            skipped += 1
            continue
        items.append((record.position, record.data, digest))
    return items, skipped
