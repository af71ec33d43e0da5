import time

from django.core.management.base import BaseCommand, CommandError

from skills.extraction import build_index, invalidate_extractor
from skills.extraction.cache import cache_path


class Command(BaseCommand):
    help = (
        "Build the skill extraction index from the taxonomy (labels, synonyms, rejected "
        "patterns, occupations) and cache it on disk, with the skill label vectors of label "
        "mode (embedded once; only new labels after). A no-op when the cache is current."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Rebuild even if the cache is current."
        )
        parser.add_argument(
            "--write-shipped-vectors",
            action="store_true",
            help=(
                "Also write the label vectors to the file shipped with the code "
                "(skills/data/esco/), for a maintainer after an ESCO upgrade: fresh "
                "installations then embed nothing."
            ),
        )

    def handle(self, *args, force, write_shipped_vectors, verbosity, **options):
        started = time.perf_counter()
        extractor, built = build_index(force=force, embed_labels=True)
        invalidate_extractor()
        if write_shipped_vectors:
            shipping = [channel for channel in extractor.label_channels if channel.encoder.shipped]
            if not all(channel.ready for channel in shipping):
                raise CommandError("No label vectors to write: the sentence encoder is missing.")
            for channel in shipping:
                rows = channel.write_shipped_vectors()
                self.stdout.write(
                    f"Label vectors of {rows} skills written to {channel.encoder.shipped}."
                )
        state = "built" if built else "already current"
        ready = [channel.encoder.name for channel in extractor.label_channels if channel.ready]
        label_mode = f"on ({', '.join(ready)})" if ready else "off (sentence encoders missing)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Extraction index {state} in {time.perf_counter() - started:.1f}s "
                f"({cache_path(extractor.fingerprint)}); label mode {label_mode}."
            )
        )
        if verbosity >= 2:
            for key, value in extractor.stats.items():
                self.stdout.write(f"  {key}: {value}")
