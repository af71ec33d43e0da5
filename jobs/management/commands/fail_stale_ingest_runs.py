"""manage.py fail_stale_ingest_runs: mark failed the ingestion runs a killed process left
`running` (no heartbeat for WAKE_INGEST_STALE_AFTER). Safe to run at any time, e.g. from cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jobs.services import ingest_runs_fail_stale


class Command(BaseCommand):
    help = "Mark failed the ingestion runs left running by a process that was stopped."

    def handle(self, *args, **options):
        count = ingest_runs_fail_stale()
        self.stdout.write(f"{count} interrupted run(s) marked failed.")
