"""manage.py db_worker: django-tasks-db's worker, which first marks failed the ingestion runs a
killed worker left `running` (this app comes before django_tasks_db in INSTALLED_APPS, so its
command of the same name is the one Django runs)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from jobs.services import ingest_runs_fail_stale


class Command(DatabaseWorkerCommand):
    def handle(self, *args, **options):
        count = ingest_runs_fail_stale()
        if count and options.get("verbosity", 1) >= 1:
            self.stdout.write(f"{count} interrupted ingestion run(s) marked failed.")
        return super().handle(*args, **options)
