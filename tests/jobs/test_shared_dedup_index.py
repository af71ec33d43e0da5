"""The duplicate index is kept between ingestions of a process (a small feed post must not read
every stored fingerprint), and rebuilt whenever the postings it holds changed elsewhere."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import FeedSource, JobPosting
from jobs.services import ingest as ingest_module
from jobs.services import posting_duplicates_relink, posting_ingest
from tests.cms.test_browser import restore_seed_data  # noqa: F401
from tests.demo.helpers import generated

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_seed_data"),
]


@pytest.fixture
def catch_ups(monkeypatch):
    """The id each catch-up of the index starts after (0: read every posting)."""
    starts: list[int] = []
    real = ingest_module._catch_up

    def recording(index, synced_to):
        starts.append(synced_to)
        return real(index, synced_to)

    monkeypatch.setattr(ingest_module, "_catch_up", recording)
    monkeypatch.setattr(ingest_module, "_shared_index", ingest_module._SharedIndex())
    return starts


def ingest(items, name):
    source, _ = FeedSource.objects.get_or_create(name=name)
    return posting_ingest(
        records=[item.record for item in items if item.source == name],
        source=source,
        today=date(2026, 1, 15),
        parse=False,
    )


def test_the_next_ingestion_only_reads_the_postings_added_since(catch_ups):
    items = generated(120)
    ingest(items, "forem")
    read_everything = catch_ups.count(0)
    ingest(items, "jobboard")
    assert catch_ups.count(0) == read_everything == 1
    assert catch_ups[-1] > 0
    # The links are those of one ingestion of everything in order.
    assert JobPosting.objects.duplicates().exists()
    assert posting_duplicates_relink() == 0


def test_a_change_made_elsewhere_makes_the_next_ingestion_read_everything_again(catch_ups):
    items = generated(120)
    ingest(items, "forem")
    duplicate = JobPosting.objects.duplicates().first()
    assert duplicate is not None
    JobPosting.objects.filter(pk=duplicate.pk).update(duplicate_of=None)  # a relink elsewhere
    before = catch_ups.count(0)
    ingest(items, "jobboard")
    assert catch_ups.count(0) == before + 1


def test_an_index_older_than_its_age_limit_is_read_again(catch_ups, monkeypatch):
    items = generated(120)
    ingest(items, "forem")
    monkeypatch.setattr(ingest_module._SharedIndex, "MAX_AGE_SECONDS", 0)
    before = catch_ups.count(0)
    ingest(items, "jobboard")
    assert catch_ups.count(0) > before


def test_the_state_check_reads_the_covering_index_not_the_rows():
    """Checked before and after every chunk, the state aggregate must not read the rows (and
    their texts): on 20,000 postings it took 50 ms a call from the rows, 5 from the index."""
    if connection.vendor != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL chooses by its statistics")
    with CaptureQueriesContext(connection) as queries:
        ingest_module._postings_state(up_to=1000)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[-1]["sql"])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "posting_dedup_state" in plan
