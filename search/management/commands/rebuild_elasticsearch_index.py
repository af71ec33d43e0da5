from django.core.management.base import BaseCommand, CommandError

from search.contract import EngineUnavailable
from search.es_indexing import CATALOGUES, RebuildFailed, rebuild_index

REBUILD_TIMEOUT_SECONDS = 120


class Command(BaseCommand):
    help = (
        "Build new Elasticsearch indices for the offer and posting catalogues from the database, "
        "check their counts, and swap the aliases to them (the old indices are then deleted). "
        "Needs ELASTICSEARCH_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", choices=CATALOGUES, help="Rebuild one catalogue (default: both)."
        )
        parser.add_argument(
            "--keep-old", action="store_true", help="Keep the previous indices after the swap."
        )
        parser.add_argument("--chunk-size", type=int, default=500)

    def handle(self, *args, only, keep_old, chunk_size, **options):
        from search.engines.elasticsearch import ElasticsearchEngine

        try:
            # Bulk requests of a large catalogue take longer than a search may.
            engine = ElasticsearchEngine(timeout=REBUILD_TIMEOUT_SECONDS)
        except EngineUnavailable as error:
            raise CommandError(str(error)) from error
        for catalogue in [only] if only else CATALOGUES:
            self.stderr.write(f"Rebuilding {catalogue}…")
            try:
                report = rebuild_index(
                    engine,
                    catalogue=catalogue,
                    keep_old=keep_old,
                    chunk_size=chunk_size,
                    progress=lambda done: self.stderr.write(f"  {done} documents", ending="\r"),
                )
            except (RebuildFailed, EngineUnavailable) as error:
                raise CommandError(f"{catalogue}: {error}; the alias was not moved.") from error
            rules = ", ".join(f"{k} {v}" for k, v in sorted(report.synonym_rules.items()))
            self.stdout.write(
                f"{catalogue}: {report.indexed} of {report.expected} documents in {report.index}, "
                f"alias {report.alias} swapped in {report.seconds:.1f} s"
                + (f"; synonym rules: {rules}" if rules else "")
                + (
                    f"; deleted {', '.join(report.deleted_indices)}"
                    if report.deleted_indices
                    else ""
                )
            )
