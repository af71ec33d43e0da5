from django.core.management.base import BaseCommand

from cms.models import SavedSearch
from cms.tasks import send_alert_digests


class Command(BaseCommand):
    help = (
        "Queue the alert digests of a frequency for the task worker (run it from cron: daily "
        "and weekly); --now sends them in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=SavedSearch.Frequency.values, default="daily")
        parser.add_argument("--now", action="store_true", help="Send here, not in the worker.")

    def handle(self, *args, frequency, now, **options):
        if now:
            report = send_alert_digests.call(frequency=frequency)
            self.stdout.write(
                f"sent={report['sent']} nothing_new={report['nothing_new']} "
                f"failed={report['failed']}"
            )
        else:
            result = send_alert_digests.enqueue(frequency=frequency)
            self.stdout.write(f"Queued {frequency} digests (task {result.id}).")
