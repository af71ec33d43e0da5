"""manage.py parse_postings [--all] — parse postings into ESCO skills and occupations.

Feeds ingested with --no-parse leave postings unparsed; this fills them in. `--all` re-parses
every posting (after a taxonomy or extractor update); links an employer or editor confirmed or
rejected are kept.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jobs.models import JobPosting
from jobs.services.portal import posting_parse


class Command(BaseCommand):
    help = "Parse unparsed job postings (or all with --all) into ESCO skills and occupations."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Re-parse every posting.")

    def handle(self, *args, all: bool, **options):
        postings = JobPosting.objects.all() if all else JobPosting.objects.unparsed()
        count = 0
        for posting in postings.order_by("pk").iterator(chunk_size=500):
            posting_parse(posting=posting)
            count += 1
        self.stdout.write(f"Parsed {count} postings.")
