"""The heavy aggregation, as SQL the database runs: GROUP BY over the link tables.

Each statement reads postings, sessions and their links and writes (INSERT … SELECT) or returns
aggregated rows only, so the work scales with the database and nothing per posting crosses into
Python. Table and column names come from the models' `_meta`; the SQL is portable to SQLite
and PostgreSQL (the month of a date is the one vendor-specific piece, `month_sql`), but for the
demand cells: PostgreSQL aggregates every link in one parallel statement with hash aggregation;
SQLite, which sorts to group and runs a statement on one core, one (province, month) at a time,
shared with a helper connection when a processor is idle (`insert_demand_cells`).

The rules mirror the other apps' own definitions, cited where they apply:
- a unique posting is one without `duplicate_of` (`JobPosting.objects.unique()`);
- a counted link is any but a rejected one (`ConceptLinkQuerySet.active()`); supply counts
  confirmed offer links only (`ConceptLinkQuerySet.public()`), as the cadastre shows them;
- a posting's primary occupation is its first-ranked occupation link (`PostingOccupation.rank`).
Weights come from `analytics.weights`.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction

from analytics import weights
from analytics.models import (
    ONLINE,
    UNKNOWN,
    DemandCell,
    OccupationDemandCell,
    ProviderSkillSupply,
    SupplyCell,
)
from courses.models import OfferOccupation, OfferPage, OfferSkill, ProviderPage, Session
from jobs.models import JobPosting, PostingOccupation, PostingSkill
from skills.links import LinkStatus
from skills.models import OccupationSkill

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def tuned_connection():
    """SQLite: for the duration of a run, sort and keep temporary tables in memory with a page
    cache of `SQLITE_CACHE_KIB` (the default 2 MB cache rereads the links table from the OS
    for every join) and the database file mapped in memory (`SQLITE_MMAP_BYTES`); PostgreSQL:
    a `work_mem` of `POSTGRESQL_WORK_MEM`. The previous settings come back afterwards.
    SQLite refuses to move temporary storage inside a transaction: then only the cache."""
    if connection.vendor == "postgresql":
        # Hash aggregates of a million links spill to disk in the default 4 MB.
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            work_mem = cursor.fetchone()[0]
            cursor.execute(f"SET work_mem = '{POSTGRESQL_WORK_MEM}'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, false)", [work_mem])
        return
    if connection.vendor != "sqlite":
        yield
        return
    in_memory = not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA temp_store")
        temp_store = cursor.fetchone()[0]
        cursor.execute("PRAGMA mmap_size")
        row = cursor.fetchone()
        mmap_size = row[0] if row else None  # no row: SQLite built without memory mapping
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        if mmap_size is not None:
            cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        if in_memory:
            cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            if mmap_size is not None:
                cursor.execute(f"PRAGMA mmap_size = {int(mmap_size)}")
            if in_memory:
                cursor.execute(f"PRAGMA temp_store = {int(temp_store)}")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def month_sql(column: str) -> str:
    """SQL for the first day of the month of the date `column`."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _case(column: str, mapping: dict, default: float) -> str:
    whens = " ".join(f"WHEN '{key}' THEN {float(value)!r}" for key, value in mapping.items())
    return f"(CASE {column} {whens} ELSE {float(default)!r} END)"


def _in_list(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


SQLITE_CACHE_KIB = 512 * 1024
# Pages read in place from the file mapped in memory rather than copied into the page cache:
# the demand cells read most of the links table's pages (SQLite caps it, 2 GB as built here).
SQLITE_MMAP_BYTES = 4 * 1024**3
# Connections that work out SQLite's demand cells side by side: SQLite runs a statement on one
# core, a connection per core runs several (`insert_demand_cells`).
SQLITE_THREADS = min(2, os.cpu_count() or 1)
POSTGRESQL_WORK_MEM = "256MB"
REJECTED = LinkStatus.REJECTED.value
CONFIRMED = LinkStatus.CONFIRMED.value


def _posting_filter(alias: str = "p") -> str:
    statuses = _in_list(weights.COUNTED_POSTING_STATUSES)
    return (
        f"{alias}.duplicate_of_id IS NULL AND {alias}.status IN ({statuses}) "
        f"AND {alias}.posted_on >= %s AND {alias}.posted_on <= %s"
    )


def _posting_province(alias: str = "p") -> str:
    return f"(CASE WHEN {alias}.province = '' THEN '{UNKNOWN}' ELSE {alias}.province END)"


def _shared_scratch() -> bool:
    """SQLite: whether this run's scratch tables are ordinary tables that other connections to
    the same database read (the demand cells' helper connections, `SQLITE_THREADS`). Needs
    autocommit (another connection sees committed rows only) and a database other connections
    open: a file, or the shared-cache in-memory database of Django's tests. Otherwise temporary
    tables, and one connection does all the work."""
    if connection.vendor != "sqlite" or SQLITE_THREADS < 2 or connection.in_atomic_block:
        return False
    return not connection.is_in_memory_db() or "cache=shared" in str(
        connection.settings_dict["NAME"]
    )


def _scratch(name: str, run_id: int) -> str:
    """A run's scratch table: temporary on SQLite unless shared (`_shared_scratch`); on
    PostgreSQL an unlogged table named after the run, because parallel workers cannot read a
    temporary table (the demand cells' scan of every skill link is the one big parallel query of
    a run). Shared or unlogged tables are named after the run: two runs never meet."""
    if connection.vendor == "sqlite" and not _shared_scratch():
        return name
    return f"{name}_{int(run_id)}"


def _scratch_create() -> str:
    if connection.vendor == "sqlite":
        return "CREATE TABLE" if _shared_scratch() else "CREATE TEMPORARY TABLE"
    return "CREATE UNLOGGED TABLE"


COUNTED_POSTINGS = "analytics_counted_posting"
RELATION_WEIGHTS = "analytics_relation_weight"
DEMAND_SUMS = "analytics_demand_sum"


def counted_postings_create(*, run_id: int, start: datetime.date, end: datetime.date) -> int:
    """Fill the run's scratch table `COUNTED_POSTINGS` (`_scratch`): one row per unique counted
    posting dated `start`..`end` with what the cells group by (province, month, primary
    occupation or NULL, re-posted or not). Returns its row count.

    Demand and occupation cells then read one narrow row per posting, found by its integer key,
    instead of joining the postings, their occupation links and the duplicates for every skill
    link. Should a posting have two rank-1 occupation links, one of them is its primary
    occupation (the first written): a posting counts once. Also fills `RELATION_WEIGHTS`, the
    relation weight of each (occupation, skill) pair; `counted_postings_drop` drops both.
    """
    month = month_sql("p.posted_on")
    # SQLite: INTEGER PRIMARY KEY makes the id the rowid, found in one B-tree search per link
    # (a `bigint` key is a separate index, then a second search for the row).
    key = "integer" if connection.vendor == "sqlite" else "bigint"
    counted, relations = _scratch(COUNTED_POSTINGS, run_id), _scratch(RELATION_WEIGHTS, run_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {counted}")
        cursor.execute(
            f"{_scratch_create()} {counted} ("
            f"id {key} NOT NULL PRIMARY KEY, province varchar(16) NOT NULL, month date NOT NULL, "
            "occupation_id bigint NULL, reposted integer NOT NULL)"
        )
        cursor.execute(
            f"""
            INSERT INTO {counted} (id, province, month, occupation_id, reposted)
            SELECT p.id, {_posting_province()}, {month}, po.occupation_id,
                   CASE WHEN d.posting_id IS NULL THEN 0 ELSE 1 END
            FROM {_table(JobPosting)} p
            LEFT JOIN {_table(PostingOccupation)} po
                ON po.posting_id = p.id AND po.rank = 1 AND po.status <> '{REJECTED}'
            LEFT JOIN (
                SELECT DISTINCT duplicate_of_id AS posting_id FROM {_table(JobPosting)}
                WHERE duplicate_of_id IS NOT NULL
            ) d ON d.posting_id = p.id
            WHERE {_posting_filter()}
            ON CONFLICT (id) DO NOTHING
            """,
            [start, end],
        )
        if connection.vendor == "sqlite":
            # The demand cells read one (province, month) at a time: their postings, with the
            # occupation, straight from this index (the id is the rowid, in every entry); the
            # occupation cells are its entries in order, grouped without a sort.
            cursor.execute(
                f"CREATE INDEX {counted}_cell "
                f"ON {counted} (province, month, occupation_id, reposted)"
            )
        cursor.execute(f"SELECT COUNT(*) FROM {counted}")
        count = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            # The planner needs the scratch table's size to choose hash joins over it (SQLite's
            # statements over it name their index; its ANALYZE reads every row: 1 s).
            cursor.execute(f"ANALYZE {counted}")
        # Each (occupation, skill) pair's relation weight, worked out once per pair rather than
        # once per link; on SQLite a key-only table, so a link finds its weight in one search
        # (the pairs' unique index holds no relation: a second search for the row).
        relation = _case(
            "relation", weights.RELATION_WEIGHTS, weights.RELATION_WEIGHTS["extracted"]
        )
        layout = " WITHOUT ROWID" if connection.vendor == "sqlite" else ""
        cursor.execute(f"DROP TABLE IF EXISTS {relations}")
        cursor.execute(
            f"{_scratch_create()} {relations} (occupation_id bigint NOT NULL, "
            "skill_id bigint NOT NULL, weight double precision NOT NULL, "
            f"PRIMARY KEY (occupation_id, skill_id)){layout}"
        )
        cursor.execute(
            f"INSERT INTO {relations} (occupation_id, skill_id, weight) "
            f"SELECT occupation_id, skill_id, {relation} FROM {_table(OccupationSkill)}"
        )
        cursor.execute(f"ANALYZE {relations}")
    return count


def counted_postings_drop(*, run_id: int) -> None:
    with connection.cursor() as cursor:
        for name in (COUNTED_POSTINGS, RELATION_WEIGHTS, DEMAND_SUMS):
            cursor.execute(f"DROP TABLE IF EXISTS {_scratch(name, run_id)}")


def insert_demand_cells(*, run_id: int) -> int:
    """Demand cells (skill × province × month) of the counted postings and the relation weights
    (`counted_postings_create`). Returns the number of cells written."""
    relation = f"COALESCE(rw.weight, {weights.RELATION_WEIGHTS['extracted']!r})"
    confidence = (
        f"(CASE WHEN ps.status = '{CONFIRMED}' THEN {weights.CONFIRMED_WEIGHT!r} "
        "WHEN ps.score > 1 THEN 1.0 WHEN ps.score < 0 THEN 0.0 ELSE ps.score END)"
    )
    confirmed = f"SUM(CASE WHEN ps.status = '{CONFIRMED}' THEN 1 ELSE 0 END)"
    counted, relations = _scratch(COUNTED_POSTINGS, run_id), _scratch(RELATION_WEIGHTS, run_id)
    weight_join = (
        f"LEFT JOIN {relations} rw ON rw.occupation_id = p.occupation_id "
        "AND rw.skill_id = ps.skill_id"
    )
    insert = f"""
        INSERT INTO {_table(DemandCell)}
            (run_id, skill_id, province, month, postings, confirmed_postings, weight)
    """
    if connection.vendor == "postgresql":
        # PostgreSQL plans no INSERT … SELECT in parallel; CREATE TABLE … AS may be: the
        # sums go through an unlogged table (cells, not links), then into the results.
        sums = _scratch(DEMAND_SUMS, run_id)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {sums}")
            cursor.execute(
                f"""
                CREATE UNLOGGED TABLE {sums} AS
                SELECT ps.skill_id, p.province, p.month, COUNT(*) AS postings,
                       {confirmed} AS confirmed_postings,
                       SUM({relation} * {confidence}) AS weight
                FROM {_table(PostingSkill)} ps JOIN {counted} p ON p.id = ps.posting_id
                {weight_join}
                WHERE ps.status <> '{REJECTED}'
                GROUP BY ps.skill_id, p.province, p.month
                """
            )
            cursor.execute(
                f"{insert} SELECT %s, skill_id, province, month, postings, confirmed_postings, "
                f"weight FROM {sums}",
                [run_id],
            )
            count = cursor.rowcount
            cursor.execute(f"DROP TABLE {sums}")
            return count
    # SQLite has no hash aggregation: GROUP BY sorts its rows, and one sort of every link costs
    # more than the joins. Each (province, month) is one statement: its postings from the
    # counted postings' covering index, their links through the links' posting index, grouped
    # by the skill alone (an integer: the sorter's fast comparison; province and month are the
    # statement's). Many small sorts that stay in the CPU's caches: at 1,000,000 postings about
    # 11 s of CPU, where the same statements grouped by (skill, province, month) took 19 s and
    # one statement over every link 26 s.
    one_cell = f"""
        SELECT ps.skill_id AS skill_id, COUNT(*) AS postings, {confirmed} AS confirmed_postings,
               SUM({relation} * {confidence}) AS weight
        FROM {counted} p INDEXED BY {counted}_cell
        JOIN {_table(PostingSkill)} ps ON ps.posting_id = p.id
        {weight_join}
        WHERE ps.status <> '{REJECTED}' AND p.province = %s AND p.month = %s
        GROUP BY ps.skill_id
    """
    sums = DEMAND_SUMS  # temporary: this connection's only
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT province, month, COUNT(*) FROM {counted} INDEXED BY {counted}_cell "
            "GROUP BY province, month"
        )
        sizes = cursor.fetchall()
        helpers = min(SQLITE_THREADS - 1, _idle_cpus()) if _shared_scratch() else 0
        logger.info("analytics: demand cells with %d helper connection(s)", helpers)
        shares = _shares(sizes, 1 + helpers)
        # The cells go through a temporary table, then into the results in the order of their
        # (run, skill, province) index: appended, not inserted all over it.
        cursor.execute(f"DROP TABLE IF EXISTS temp.{sums}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {sums} (skill_id bigint NOT NULL, "
            "province varchar(16) NOT NULL, month date NOT NULL, postings integer NOT NULL, "
            "confirmed_postings integer NOT NULL, weight double precision NOT NULL)"
        )
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=max(helpers, 1)) as pool:
            # Helper threads read the shared scratch tables through their own connections and
            # hand back their cells' rows (SQLite has one writer: this connection writes them).
            futures = [
                pool.submit(_demand_cells_helper, one_cell=one_cell, cells=share, stop=stop)
                for share in shares[1:]
            ]
            sql = (
                f"INSERT INTO temp.{sums} SELECT skill_id, %s, %s, postings, "
                f"confirmed_postings, weight FROM ({one_cell}) cells"
            )
            try:
                for province, month in shares[0]:
                    cursor.execute(sql, [province, month, province, month])
            except BaseException:
                stop.set()  # the helpers stop after their current cell
                raise
            rows = [
                (skill_id, province, month, postings, confirmed_postings, weight)
                for future in futures
                for province, month, cell_rows in future.result()
                for skill_id, postings, confirmed_postings, weight in cell_rows
            ]
        with transaction.atomic():  # one commit, not one per row
            if rows:
                cursor.executemany(f"INSERT INTO temp.{sums} VALUES (%s, %s, %s, %s, %s, %s)", rows)
            cursor.execute(
                f"{insert} SELECT %s, skill_id, province, month, postings, confirmed_postings, "
                f"weight FROM temp.{sums} ORDER BY skill_id, province, month",
                [run_id],
            )
            count = cursor.rowcount
        cursor.execute(f"DROP TABLE temp.{sums}")
        return count


def _idle_cpus(*, seconds: float = 0.2) -> int:
    """The processors other processes leave idle, sampled over `seconds` from Linux's
    /proc/stat (elsewhere: `SQLITE_THREADS`, as if all were idle). A helper thread gains only
    on an idle core: on a busy one it slows this run (its rows come back through Python and
    the connections share one core's caches: at 1,000,000 postings, 2.5 s more)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            fields = [int(f) for f in stat.readline().split()[1:]]
        # idle and I/O wait; all of user … steal (guest time is in user time already)
        return fields[3] + fields[4], sum(fields[:8])

    try:
        idle, total = sample()
        time.sleep(seconds)  # this thread asleep: whatever else runs is another's
        idle_after, total_after = sample()
    except (OSError, ValueError, IndexError):
        return SQLITE_THREADS
    if total_after <= total:
        return 0
    share = (idle_after - idle) / (total_after - total)
    # This connection takes one of them; a helper needs most of another.
    return max(0, int(share * (os.cpu_count() or 1) - 1 + 0.25))


def _shares(sizes: list[tuple], count: int) -> list[list[tuple]]:
    """`count` lists of (province, month) from `sizes` (province, month, postings), each cell
    in one list, the biggest first, each to the list with the fewest postings so far: the
    connections end together (the first list is this connection's)."""
    shares: list[list[tuple]] = [[] for _n in range(count)]
    loads = [0] * count
    for province, month, postings in sorted(sizes, key=lambda c: (-c[2], c[0], c[1])):
        least = loads.index(min(loads))
        shares[least].append((province, month))
        loads[least] += postings
    return shares


def _demand_cells_helper(*, one_cell: str, cells: list[tuple], stop: threading.Event) -> list:
    """In a helper thread, with this thread's own connection: (province, month, rows of
    `one_cell`) for each of `cells`, until `stop` is set."""
    done = []
    try:
        with tuned_connection(), connection.cursor() as cursor:
            for province, month in cells:
                if stop.is_set():
                    break
                cursor.execute(one_cell, [province, month])
                done.append((province, month, cursor.fetchall()))
        return done
    finally:
        connection.close()


def insert_occupation_demand_cells(*, run_id: int) -> int:
    """Counted postings per primary occupation × province × month, and how many were re-posted
    (another posting names them as the original)."""
    counted = _scratch(COUNTED_POSTINGS, run_id)
    indexed = f"INDEXED BY {counted}_cell" if connection.vendor == "sqlite" else ""
    sql = f"""
        INSERT INTO {_table(OccupationDemandCell)}
            (run_id, occupation_id, province, month, postings, reposted)
        SELECT %s, p.occupation_id, p.province, p.month, COUNT(*), SUM(p.reposted)
        FROM {counted} p {indexed}
        WHERE p.occupation_id IS NOT NULL
        GROUP BY p.province, p.month, p.occupation_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_id])
        return cursor.rowcount


def posting_totals(*, run_id: int, start: datetime.date, end: datetime.date) -> list[tuple]:
    """(province, month, unique postings, duplicates) of postings dated `start`..`end`, the
    dates the run's counted postings were made for (`counted_postings_create`), while they
    exist: they are the unique postings, their (province, month) already worked out (SQLite
    reads them grouped from their index), and only the duplicates are read from the postings.
    """
    counted = _scratch(COUNTED_POSTINGS, run_id)
    indexed = f"INDEXED BY {counted}_cell" if connection.vendor == "sqlite" else ""
    posted_month = month_sql("p.posted_on")
    statuses = _in_list(weights.COUNTED_POSTING_STATUSES)
    # SQLite would go through the dates' index, then find every posting of the window to keep
    # the few duplicates (2 s at 1,000,000 postings); the unary + keeps it off that index and
    # the statuses' one: one pass over the postings (0.3 s).
    plus = "+" if connection.vendor == "sqlite" else ""
    totals: dict[tuple, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT province, month, COUNT(*) FROM {counted} {indexed} GROUP BY province, month"
        )
        for province, month, count in cursor.fetchall():
            totals[(province, _as_date(month))] = [count, 0]
        cursor.execute(
            f"""
            SELECT {_posting_province()}, {posted_month}, COUNT(*)
            FROM {_table(JobPosting)} p
            WHERE p.duplicate_of_id IS NOT NULL AND {plus}p.status IN ({statuses})
                AND {plus}p.posted_on >= %s AND {plus}p.posted_on <= %s
            GROUP BY {_posting_province()}, {posted_month}
            """,
            [start, end],
        )
        for province, month, count in cursor.fetchall():
            totals.setdefault((province, _as_date(month)), [0, 0])[1] = count
    return [
        (province, month, unique, duplicates)
        for (province, month), (unique, duplicates) in totals.items()
    ]


def _session_province() -> str:
    online = _in_list(weights.ONLINE_MODALITIES)
    return (
        f"(CASE WHEN o.modality IN ({online}) THEN '{ONLINE}' "
        "WHEN s.province <> '' THEN s.province "
        f"WHEN pr.province IS NOT NULL AND pr.province <> '' THEN pr.province ELSE '{UNKNOWN}' END)"
    )


def _session_joins() -> str:
    """Sessions of live offers, their offer and provider (not cancelled)."""
    page_table = connection.ops.quote_name("wagtailcore_page")
    return f"""
        JOIN {_table(OfferPage)} o ON o.page_ptr_id = s.page_id
        JOIN {page_table} pg ON pg.id = o.page_ptr_id AND pg.live = %s
        LEFT JOIN {_table(ProviderPage)} pr ON pr.page_ptr_id = o.provider_id
    """


def _session_filter() -> str:
    return "s.status <> 'cancelled' AND s.start_date >= %s AND s.start_date <= %s"


def insert_supply_cells(*, run_id: int, start: datetime.date, end: datetime.date) -> int:
    """Supply cells (skill × province or online × month of start) of sessions `start`..`end`."""
    seats = f"COALESCE(s.seats, {weights.SEATS_WHEN_UNKNOWN})"
    format_weight = _case("o.format", weights.FORMAT_WEIGHTS, weights.FORMAT_WEIGHT_OTHER)
    ref = float(weights.REFERENCE_HOURS)
    floor = weights.MIN_DURATION_WEIGHT
    duration = (
        f"(CASE WHEN o.duration_hours IS NULL THEN {weights.DURATION_WEIGHT_UNKNOWN!r} "
        f"WHEN o.duration_hours >= {ref!r} THEN 1.0 "
        f"WHEN o.duration_hours <= {floor * ref!r} THEN {floor!r} "
        f"ELSE o.duration_hours / {ref!r} END)"
    )
    relation = _case(
        "os.relation",
        weights.OFFER_RELATION_WEIGHTS,
        weights.OFFER_RELATION_WEIGHTS["secondary"],
    )
    month = month_sql("s.start_date")
    sql = f"""
        INSERT INTO {_table(SupplyCell)}
            (run_id, skill_id, province, month, sessions, seats, weight)
        SELECT %s, os.skill_id, {_session_province()}, {month}, COUNT(*),
               SUM(COALESCE(s.seats, 0)),
               SUM({seats} * {format_weight} * {duration} * {relation})
        FROM {_table(Session)} s
        {_session_joins()}
        JOIN {_table(OfferSkill)} os ON os.offer_id = o.page_ptr_id AND os.status = '{CONFIRMED}'
        WHERE {_session_filter()}
        GROUP BY os.skill_id, {_session_province()}, {month}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_id, True, start, end])
        return cursor.rowcount


def insert_provider_skill_supply(*, run_id: int, start: datetime.date, end: datetime.date) -> int:
    """Per provider and skill: live offers teaching it (confirmed), their sessions and seats."""
    sql = f"""
        INSERT INTO {_table(ProviderSkillSupply)}
            (run_id, provider_id, skill_id, offers, sessions, seats)
        SELECT %s, o.provider_id, os.skill_id, COUNT(DISTINCT o.page_ptr_id), COUNT(*),
               SUM(COALESCE(s.seats, 0))
        FROM {_table(Session)} s
        {_session_joins()}
        JOIN {_table(OfferSkill)} os ON os.offer_id = o.page_ptr_id AND os.status = '{CONFIRMED}'
        WHERE {_session_filter()} AND o.provider_id IS NOT NULL
        GROUP BY o.provider_id, os.skill_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [run_id, True, start, end])
        return cursor.rowcount


def session_totals(*, start: datetime.date, end: datetime.date) -> list[tuple]:
    """(province or online, month, offers, sessions, seats) of sessions `start`..`end`; offers
    are counted per month (distinct within a month)."""
    month = month_sql("s.start_date")
    sql = f"""
        SELECT {_session_province()}, {month}, COUNT(DISTINCT o.page_ptr_id), COUNT(*),
               SUM(COALESCE(s.seats, 0))
        FROM {_table(Session)} s
        {_session_joins()}
        WHERE {_session_filter()}
        GROUP BY {_session_province()}, {month}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, start, end])
        return cursor.fetchall()


def offer_counts(*, start: datetime.date, end: datetime.date) -> list[tuple]:
    """(province or online, distinct live offers) with a session `start`..`end`."""
    sql = f"""
        SELECT {_session_province()}, COUNT(DISTINCT o.page_ptr_id)
        FROM {_table(Session)} s
        {_session_joins()}
        WHERE {_session_filter()}
        GROUP BY {_session_province()}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, start, end])
        return cursor.fetchall()


def occupation_supply(*, start: datetime.date, end: datetime.date) -> list[tuple]:
    """(occupation, province or online, sessions, seats) of sessions `start`..`end` of live
    offers with a confirmed link to the occupation."""
    sql = f"""
        SELECT oo.occupation_id, {_session_province()}, COUNT(*), SUM(COALESCE(s.seats, 0))
        FROM {_table(Session)} s
        {_session_joins()}
        JOIN {_table(OfferOccupation)} oo
            ON oo.offer_id = o.page_ptr_id AND oo.status = '{CONFIRMED}'
        WHERE {_session_filter()}
        GROUP BY oo.occupation_id, {_session_province()}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, start, end])
        return cursor.fetchall()


def offer_skills(*, start: datetime.date, end: datetime.date) -> list[tuple]:
    """(offer, provider, provider's province, online?, skill) for each confirmed skill of each
    live offer with a session `start`..`end` (one row per offer and skill: tens of thousands)."""
    online = _in_list(weights.ONLINE_MODALITIES)
    page_table = connection.ops.quote_name("wagtailcore_page")
    sql = f"""
        SELECT o.page_ptr_id, o.provider_id, COALESCE(pr.province, ''),
               CASE WHEN o.modality IN ({online}) THEN 1 ELSE 0 END, os.skill_id
        FROM {_table(OfferPage)} o
        JOIN {page_table} pg ON pg.id = o.page_ptr_id AND pg.live = %s
        LEFT JOIN {_table(ProviderPage)} pr ON pr.page_ptr_id = o.provider_id
        JOIN {_table(OfferSkill)} os ON os.offer_id = o.page_ptr_id AND os.status = '{CONFIRMED}'
        WHERE EXISTS (
            SELECT 1 FROM {_table(Session)} s
            WHERE s.page_id = o.page_ptr_id AND {_session_filter()}
        )
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, start, end])
        return cursor.fetchall()


def latest_dates() -> tuple[datetime.date | None, datetime.date | None]:
    """The latest counted unique posting's date and the latest session's start date."""
    statuses = _in_list(weights.COUNTED_POSTING_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(posted_on) FROM {_table(JobPosting)} "
            f"WHERE duplicate_of_id IS NULL AND status IN ({statuses})"
        )
        posting = cursor.fetchone()[0]
        cursor.execute(f"SELECT MAX(start_date) FROM {_table(Session)}")
        session = cursor.fetchone()[0]
    return _as_date(posting), _as_date(session)


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])
