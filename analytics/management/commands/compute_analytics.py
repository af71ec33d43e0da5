"""Recompute the supply and demand analytics now, or queue the recomputation for the worker."""

from django.core.management.base import BaseCommand

from analytics.models import ComputationRun
from analytics.services.compute import analytics_compute


class Command(BaseCommand):
    help = (
        "Recompute every stored analytics result (gap indicators, shortage professions, "
        "emerging terms). With --enqueue, queue it for the task worker (db_worker) instead: "
        "the form a nightly cron line uses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the recomputation as a background task instead of running it here.",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            from analytics.tasks import recompute_analytics

            result = recompute_analytics.enqueue()
            self.stdout.write(f"analytics: recomputation queued (task {result.id})")
            return
        verbose = options["verbosity"] > 1
        run = analytics_compute(
            trigger=ComputationRun.Trigger.COMMAND,
            log=(lambda message: self.stdout.write(message)) if verbose else (lambda _m: None),
        )
        counts = ", ".join(f"{name} {count}" for name, count in run.counts.items())
        self.stdout.write(
            f"analytics: run {run.pk} succeeded in {run.duration_seconds:.1f} s "
            f"(postings up to {run.latest_posting_date}): {counts}"
        )
