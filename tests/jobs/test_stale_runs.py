"""A killed ingestion does not stay `running` forever (#9 defect 10): a run whose heartbeat is
older than WAKE_INGEST_STALE_AFTER is marked failed by a command, by the worker when it starts
and by the next ingestion."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from jobs.models import IngestRun
from jobs.services import posting_ingest
from tests.cms.test_browser import restore_seed_data  # noqa: F401
from tests.jobs.test_ingest import feed


def running_run(source, *, beat_ago: timedelta) -> IngestRun:
    """A run as a process killed `beat_ago` after its last chunk leaves it."""
    then = timezone.now() - beat_ago
    return IngestRun.objects.create(
        source=source,
        status=IngestRun.Status.RUNNING,
        started_at=then - timedelta(minutes=5),
        heartbeat_at=then,
        processed=500,
    )


@pytest.mark.django_db
def test_the_command_fails_stale_runs_and_leaves_live_ones(source):
    dead = running_run(source, beat_ago=timedelta(hours=2))
    alive = running_run(source, beat_ago=timedelta(seconds=10))
    call_command("fail_stale_ingest_runs", verbosity=0)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == IngestRun.Status.FAILED
    assert dead.finished_at is not None
    assert "no progress" in dead.failure
    assert dead.processed == 500  # what was written is still counted
    assert alive.status == IngestRun.Status.RUNNING


@pytest.mark.django_db
def test_a_run_killed_before_its_first_beat_is_judged_by_its_start(source):
    run = IngestRun.objects.create(
        source=source,
        status=IngestRun.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=3),
    )
    call_command("fail_stale_ingest_runs", verbosity=0)
    run.refresh_from_db()
    assert run.status == IngestRun.Status.FAILED


@pytest.mark.django_db
def test_the_next_ingestion_fails_stale_runs(source):
    dead = running_run(source, beat_ago=timedelta(hours=2))
    posting_ingest(records=feed(2), source=source, parse=False)
    dead.refresh_from_db()
    assert dead.status == IngestRun.Status.FAILED


@pytest.mark.django_db
def test_an_ingestion_beats_as_it_goes(source):
    report = posting_ingest(records=feed(5), source=source, parse=False, chunk_size=2)
    run = IngestRun.objects.get(pk=report.run_id)
    assert run.status == IngestRun.Status.SUCCEEDED
    assert run.heartbeat_at is not None
    assert run.started_at <= run.heartbeat_at <= run.finished_at


@pytest.mark.django_db
def test_the_threshold_is_a_setting(source):
    run = running_run(source, beat_ago=timedelta(minutes=10))
    with override_settings(WAKE_INGEST_STALE_AFTER=timedelta(minutes=30)):
        call_command("fail_stale_ingest_runs", verbosity=0)
        run.refresh_from_db()
        assert run.status == IngestRun.Status.RUNNING
    with override_settings(WAKE_INGEST_STALE_AFTER=timedelta(minutes=5)):
        call_command("fail_stale_ingest_runs", verbosity=0)
        run.refresh_from_db()
        assert run.status == IngestRun.Status.FAILED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
def test_the_task_worker_fails_stale_runs_when_it_starts(source):
    dead = running_run(source, beat_ago=timedelta(hours=2))
    tasks = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    with override_settings(TASKS=tasks):
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    dead.refresh_from_db()
    assert dead.status == IngestRun.Status.FAILED
