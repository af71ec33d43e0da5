"""Background task (django-tasks) of the analytics: the recomputation runs here or in the
command, never inside a request.

Scheduling: django-tasks has no periodic scheduler, so a cron line enqueues the task once a
night (`manage.py compute_analytics --enqueue`) and the `db_worker` beside the web server runs
it; see README.md.
"""

from __future__ import annotations

from django_tasks import task

from analytics.models import ComputationRun
from analytics.services.compute import analytics_compute


@task()
def recompute_analytics() -> dict:
    """Recompute every stored result; returns the run's id, duration and counts."""
    run = analytics_compute(trigger=ComputationRun.Trigger.TASK)
    return {"run": run.pk, "seconds": round(run.duration_seconds or 0, 2), **run.counts}
