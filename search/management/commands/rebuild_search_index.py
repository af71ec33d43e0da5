"""Rebuild the search index: `manage.py rebuild_search_index` (the database engine's tables)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from search.services import rebuild_offer_documents, rebuild_posting_documents


class Command(BaseCommand):
    help = "Rewrite the search rows of every live public offer and published unique posting."

    def add_arguments(self, parser):
        parser.add_argument(
            "--engine",
            default="database",
            help="Which engine's index to rebuild (default: database).",
        )
        parser.add_argument(
            "--only",
            choices=["offers", "postings"],
            help="Rebuild only the offers' or only the postings' rows.",
        )

    def handle(self, *args, engine: str, only: str | None, **options):
        if engine != "database":
            from django.core.management.base import CommandError

            raise CommandError(f"No rebuild for the engine {engine!r} in this command.")
        if only != "postings":
            started = time.perf_counter()
            report = rebuild_offer_documents()
            self.stdout.write(
                f"Offers: {report.indexed} indexed, {report.removed} removed "
                f"({time.perf_counter() - started:.1f}s)."
            )
        if only != "offers":
            started = time.perf_counter()
            report = rebuild_posting_documents()
            self.stdout.write(
                f"Postings: {report.indexed} indexed, {report.removed} removed "
                f"({time.perf_counter() - started:.1f}s)."
            )
