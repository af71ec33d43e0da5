"""An ingestion writes some fifteen links a posting: every index of a link table is one more
B-tree insert per link, so each one must serve a lookup no other index serves, and the lookups
by posting and by concept must still be served."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import PostingOccupation, PostingSkill

pytestmark = pytest.mark.django_db

LINKS = [(PostingSkill, "skill"), (PostingOccupation, "occupation")]


def _index_columns(model) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        tuple(found["columns"])
        for found in constraints.values()
        if (found["index"] or found["unique"]) and not found["primary_key"]
    ]


@pytest.mark.parametrize(("model", "concept"), LINKS)
def test_no_index_of_a_link_table_is_the_leading_part_of_another(model, concept):
    indexes = _index_columns(model)
    redundant = [
        (shorter, longer)
        for shorter in indexes
        for longer in indexes
        if shorter != longer and longer[: len(shorter)] == shorter
    ]
    assert not redundant
    # Both keys lead an index: deleting a posting or guarding a concept reads no whole table.
    assert {columns[0] for columns in indexes} >= {"posting_id", f"{concept}_id"}


@pytest.mark.parametrize(("model", "concept"), LINKS)
def test_lookups_by_posting_and_by_concept_read_an_index(model, concept):
    if connection.vendor != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL chooses by its statistics")
    for lookup in ("posting_id", f"{concept}_id"):
        with CaptureQueriesContext(connection) as queries:
            list(model.objects.filter(**{lookup: 1}).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[-1]["sql"])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING" in plan and "INDEX" in plan, (lookup, plan)
