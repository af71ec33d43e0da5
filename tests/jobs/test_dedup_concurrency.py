"""Near-duplicate links under concurrent ingestions and their repair (#9 defect 4)."""

import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, connections

from jobs.models import FeedSource, JobPosting
from jobs.services import posting_ingest
from tests.cms.test_browser import restore_seed_data  # noqa: F401
from tests.demo.helpers import generated
from tests.jobs.test_dedup_generator import ingest_by_source


def links() -> dict[str, str | None]:
    return {
        p.external_id: (p.duplicate_of.external_id if p.duplicate_of else None)
        for p in JobPosting.objects.select_related("duplicate_of")
    }


@pytest.mark.django_db
def test_relink_repairs_missed_links_and_then_changes_nothing():
    items = generated(120)
    ingest_by_source(items, parse=False)
    expected = links()
    duplicates = JobPosting.objects.duplicates()
    assert duplicates.count() > 5
    missed = list(duplicates.values_list("pk", flat=True)[:5])
    JobPosting.objects.filter(pk__in=missed).update(duplicate_of=None)
    assert links() != expected
    call_command("relink_duplicates", verbosity=0)
    assert links() == expected
    from jobs.services import posting_duplicates_relink

    assert posting_duplicates_relink() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency: PostgreSQL")
def test_two_concurrent_ingestions_miss_no_link():
    items = generated(150)
    feeds = {
        name: [item.record for item in items if item.source == name]
        for name in ("forem", "jobboard")
    }
    sources = {name: FeedSource.objects.create(name=name) for name in feeds}
    errors = []
    start = threading.Barrier(2)

    def ingest(name):
        try:
            start.wait()
            posting_ingest(
                records=feeds[name],
                source=sources[name],
                parse=False,
                chunk_size=10,
                today=date(2026, 1, 15),
            )
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ingest, args=(name,)) for name in feeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    reposts = sum(1 for item in items if item.original_id)
    assert JobPosting.objects.duplicates().count() == reposts
    assert JobPosting.objects.unique().count() == len(items) - reposts
