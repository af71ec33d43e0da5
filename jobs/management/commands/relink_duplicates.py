"""manage.py relink_duplicates: rebuild the near-duplicate links of all postings from their
stored fingerprints and write what differs (idempotent; repairs links a past run missed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jobs.services import posting_duplicates_relink


class Command(BaseCommand):
    help = "Rebuild the near-duplicate links between job postings and repair missing ones."

    def handle(self, *args, **options):
        changed = posting_duplicates_relink()
        self.stdout.write(f"{changed} posting link(s) changed.")
