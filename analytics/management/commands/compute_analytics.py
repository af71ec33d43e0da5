"""Recompute the supply and demand analytics (`analytics.services.compute`)."""

from django.core.management.base import BaseCommand

from analytics.models import ComputationRun
from analytics.services.compute import analytics_compute


class Command(BaseCommand):
    help = "Recompute every stored analytics result (gap indicators, shortage professions, …)."

    def handle(self, *args, **options):
        run = analytics_compute(
            trigger=ComputationRun.Trigger.COMMAND,
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        counts = ", ".join(f"{name} {count}" for name, count in run.counts.items())
        self.stdout.write(
            f"analytics: run {run.pk} succeeded in {run.duration_seconds:.1f} s "
            f"(postings up to {run.latest_posting_date}): {counts}"
        )
