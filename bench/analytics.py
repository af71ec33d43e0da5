"""Recompute every analytics result over generated postings and sessions, on a scratch database.

    .venv/bin/python bench/analytics.py [--postings 1000000] [--sessions 100000] [--reuse]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wake_bench_analytics \\
        .venv/bin/python bench/analytics.py

1. a scratch database: SQLite under `var/` by default, or the PostgreSQL database that
   `BENCH_DATABASE_URL` (else `DATABASE_URL`) names, dropped and created again (its name must
   contain "bench"); migrated once, then copied from a migrated empty template (a file under
   `var/`, a `<name>_migrated_<digest>` database) while the migrations do not change;
2. generates a synthetic taxonomy (3,000 skills, 600 occupations with essential and optional
   skills, a shortage list), providers and offers with `--sessions` sessions, and `--postings`
   postings with 4 to 12 skill links each and a primary occupation (6 % re-posts, 5 % rejected
   links, rising phrases for the emerging-terms step), written in bulk (COPY on PostgreSQL)
   with the big tables' secondary indexes built once afterwards, then ANALYZE; not timed as
   the target (`--reuse` keeps a database generated before: the SQLite file, or the PostgreSQL
   database when it holds postings; it is migrated to the current migrations first);
3. in a fresh process, times `analytics_compute` (every step printed) and its peak memory;
4. ends with `RESULT postings=... sessions=... seconds=... rss_mb=...`.

Target (issue 12): <= 60 s and <= 3 GB for 1,000,000 postings and 100,000 sessions.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import itertools
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SKILLS = 3000
OCCUPATIONS = 600
PROVIDERS = 300
SESSIONS_PER_OFFER = 5
PROVINCES = ["hainaut", "liege", "namur", "brabant-wallon", "luxembourg", "bruxelles"]
PROVINCE_WEIGHTS = [30, 25, 12, 10, 5, 15]
NEW_PHRASES = ["ia générative", "production virtuelle", "gaussian splatting", "comfyui"]


def database_url(args) -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    path = ROOT / "var" / f"bench-analytics-{args.postings}-{args.sessions}.sqlite3"
    return f"sqlite:///{path}"


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": url,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


def fresh_database(url: str) -> None:
    """Drop and create the scratch database (SQLite: delete the file)."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    admin = url[: url.rindex("/")] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrate(url: str) -> None:
    """Migrate the scratch database from a migrated empty copy kept while the migrations do not
    change (migrating takes minutes on a busy machine): a file under `var/` on SQLite, a
    template database `<name>_migrated_<digest>` on PostgreSQL."""
    manage = [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"]
    names = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/migrations/0*.py"))
    digest = hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]
    if not url.startswith("sqlite:"):
        from urllib.parse import urlparse

        import psycopg

        name = urlparse(url).path.lstrip("/")
        template = f"{name}_migrated_{digest}"
        admin = url[: url.rindex("/")] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [template]
            ).fetchone()
            if exists:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
        subprocess.run(manage, env=_env(url), check=True)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        return
    template = ROOT / "var" / f"bench-analytics-migrated-{digest}.sqlite3"
    if not template.exists():
        subprocess.run(manage, env=_env(f"sqlite:///{template}"), check=True)
        sqlite3.connect(template).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    shutil.copyfile(template, url.removeprefix("sqlite:///"))


def generated(url: str) -> bool:
    """Whether the scratch database exists and holds generated postings."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return False
        with contextlib.closing(sqlite3.connect(path)) as conn:
            try:
                return bool(conn.execute("SELECT 1 FROM jobs_jobposting LIMIT 1").fetchone())
            except sqlite3.OperationalError:
                return False
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return bool(conn.execute("SELECT 1 FROM jobs_jobposting LIMIT 1").fetchone())
    except psycopg.Error:
        return False


def analyze(url: str) -> None:
    if url.startswith("sqlite:"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            conn.execute("ANALYZE")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def _setup(url: str) -> None:
    os.environ.update(_env(url))
    import django

    django.setup()


# -- generation (step "generate", in its own process) ---------------------------------------------


def bulk_load(model, columns: list[str], rows) -> int:
    """Write rows fast: COPY on PostgreSQL, executemany in one transaction on SQLite."""
    from django.db import connection, models

    fields = [model._meta.get_field(name) for name in columns]
    json_positions = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)

    def prepared():
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    if not isinstance(row[i], str):  # JSON given as text is written as is
                        row[i] = json.dumps(row[i])
            yield row

    count = 0
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in prepared():
                copy.write_row(row)
                count += 1
        return count
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
    from django.db import transaction

    batch = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in prepared():
            batch.append(row)
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@contextlib.contextmanager
def fast_load(models):
    """Load the big tables the way bulk loads go: secondary indexes dropped during the load and
    built once afterwards (a sorted build, not millions of random inserts); on PostgreSQL the
    foreign-key triggers off for this connection (the rows are consistent by construction); on
    SQLite no disk sync and a large page cache. Unique constraints stay."""
    from django.db import connection

    saved = []
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = %s AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            for name, definition in cursor.fetchall():
                saved.append(definition)
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1048576")
            cursor.execute("PRAGMA temp_store = MEMORY")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for definition in saved:
            cursor.execute(definition)
    print(f"{len(saved)} indexes built in {time.perf_counter() - started:.0f} s", flush=True)


def _defaults(model, **values) -> tuple[list[str], list]:
    """Every local concrete column of `model` with its default, `values` overriding."""
    names, defaults = [], []
    for field in model._meta.local_concrete_fields:
        if field.primary_key and field.name not in values:
            continue
        names.append(field.name)
        if field.name in values:
            defaults.append(values[field.name])
        elif field.has_default():
            defaults.append(field.get_default())
        elif field.null:
            defaults.append(None)
        else:
            defaults.append("")
    return names, defaults


def _pages(parent, specs: list[dict], model, content_type, start_id: int) -> list[int]:
    """Pages under `parent`, written in bulk: base rows then `model`'s own rows."""
    from treebeard.numconv import NumConv
    from wagtail.models import Page

    conv = NumConv("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # Wagtail's page path alphabet
    ids = []
    base_rows, own_rows = [], []
    own_names = None
    for n, spec in enumerate(specs, start=1):
        pk = start_id + n
        ids.append(pk)
        title = spec.pop("title")
        slug = f"p{pk}"
        base_rows.append(
            (
                pk,
                parent.path + conv.int2str(n).rjust(4, "0"),
                parent.depth + 1,
                0,
                str(uuid.uuid4()),
                parent.locale_id,
                True,
                title,
                title,
                slug,
                content_type.pk,
                f"{parent.url_path}{slug}/",
                "",
                "",
                False,
                False,
                False,
                False,
            )
        )
        own_names, own = _defaults(model, page_ptr=pk, **spec)
        own_rows.append(own)
    bulk_load(
        Page,
        [
            "id",
            "path",
            "depth",
            "numchild",
            "translation_key",
            "locale",
            "live",
            "title",
            "draft_title",
            "slug",
            "content_type",
            "url_path",
            "seo_title",
            "search_description",
            "has_unpublished_changes",
            "expired",
            "locked",
            "show_in_menus",
        ],
        base_rows,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=len(specs))
    bulk_load(model, own_names, own_rows)
    return ids


def generate(url: str, postings: int, sessions: int, seed: int) -> None:
    _setup(url)
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, models
    from django.utils import timezone
    from wagtail.models import Page

    from analytics.services.compute import add_months
    from courses.models import OfferOccupation, OfferPage, OfferSkill, ProviderPage, Session
    from jobs.models import JobPosting, PostingOccupation, PostingSkill
    from skills.models import Occupation, OccupationSkill, ShortageList, ShortageListEntry, Skill

    rng = random.Random(seed)
    started = time.perf_counter()
    now = timezone.now()
    today = datetime.date.today()
    vintage = today.replace(day=1)

    words = ["design", "montage", "animation", "réseau", "données", "sécurité", "vidéo", "son"]
    skills = Skill.objects.bulk_create(
        Skill(
            uri=f"http://data.europa.eu/esco/skill/bench-{n}",
            key=f"bench-{n}",
            preferred_label_fr=f"compétence {words[n % len(words)]} {n}",
            preferred_label_en=f"skill {n}",
            esco_version="bench",
        )
        for n in range(SKILLS)
    )
    skill_ids = [s.pk for s in skills]
    popularity = [1 / (rank + 20) for rank in range(SKILLS)]  # a few skills are everywhere
    occupations = Occupation.objects.bulk_create(
        Occupation(
            uri=f"http://data.europa.eu/esco/occupation/bench-{n}",
            key=f"bench-occupation-{n}",
            preferred_label_fr=f"métier {n}",
            preferred_label_en=f"occupation {n}",
        )
        for n in range(OCCUPATIONS)
    )
    profile: dict[int, tuple[list[int], list[int]]] = {}
    links = []
    for occupation in occupations:
        chosen = list(dict.fromkeys(rng.choices(skill_ids, weights=popularity, k=30)))[:20]
        essential, optional = chosen[:12], chosen[12:]
        profile[occupation.pk] = (essential, optional)
        links += [(occupation.pk, s, "essential", "bench") for s in essential]
        links += [(occupation.pk, s, "optional", "bench") for s in optional]
    bulk_load(OccupationSkill, ["occupation", "skill", "relation", "esco_version"], links)
    occupation_ids = [o.pk for o in occupations]
    occupation_weights = [1 / (rank + 5) for rank in range(OCCUPATIONS)]
    occupation_cum = list(itertools.accumulate(occupation_weights))
    popularity_cum = list(itertools.accumulate(popularity))
    shortage = ShortageList.objects.create(title="Bench", source="bench", year=today.year)
    for n, occupation in enumerate(occupations[:40]):
        entry = ShortageListEntry.objects.create(
            shortage_list=shortage, label=f"métier {n}", kind="penurie", position=n
        )
        entry.occupations.add(occupation)
    print(f"taxonomy: {SKILLS} skills, {OCCUPATIONS} occupations, {len(links)} links")

    # -- providers, offers, sessions
    root = Page.get_first_root_node()
    container = root.add_child(instance=Page(title="Bench", slug="bench"))
    base = Page.objects.order_by("-pk").values_list("pk", flat=True).first()
    provider_specs = [
        {
            "title": f"Centre {n}",
            "kind": "centre-competence",
            "commune": "Mons",
            "province": rng.choices(PROVINCES, weights=PROVINCE_WEIGHTS)[0],
        }
        for n in range(PROVIDERS)
    ]
    provider_ids = _pages(
        container,
        provider_specs,
        ProviderPage,
        ContentType.objects.get_for_model(ProviderPage),
        base,
    )
    offers_total = max(1, sessions // SESSIONS_PER_OFFER)
    by_provider: dict[int, list[dict]] = {pk: [] for pk in provider_ids}
    formats = ["long", "qualifying", "certifying", "short", "workshop"]
    modalities = ["on-site", "on-site", "on-site", "hybrid", "distance"]
    for n in range(offers_total):
        provider = rng.choice(provider_ids)
        by_provider[provider].append(
            {
                "title": f"Formation {n}",
                "summary": "Une formation.",
                "format": rng.choice(formats),
                "modality": rng.choice(modalities),
                "duration_hours": rng.choice([None, 8, 21, 35, 60, 120, 480]),
                "provider": provider,
                "languages": ["fr"],
                "audiences": [],
            }
        )
    offer_ids = []
    next_id = Page.objects.order_by("-pk").values_list("pk", flat=True).first()
    offer_type = ContentType.objects.get_for_model(OfferPage)
    for provider_id, specs in by_provider.items():
        if not specs:
            continue
        parent = Page.objects.get(pk=provider_id)
        offer_ids += _pages(parent, specs, OfferPage, offer_type, next_id)
        next_id += len(specs)
    session_names, _d = _defaults(Session, page=0)

    def session_rows():
        for n in range(sessions):
            offer = offer_ids[n % len(offer_ids)]
            start = add_months(vintage, rng.randint(-35, 12)) + datetime.timedelta(
                rng.randint(0, 27)
            )
            _names, row = _defaults(
                Session,
                page=offer,
                sort_order=n,
                start_date=start,
                end_date=start + datetime.timedelta(days=30),
                province=rng.choice(["", "", *PROVINCES]),
                seats=None if rng.random() < 0.3 else rng.randint(8, 24),
                status="cancelled" if rng.random() < 0.03 else "open",
            )
            yield row

    bulk_load(Session, session_names, session_rows())
    offer_skill_rows, offer_occupation_rows = [], []
    for offer in offer_ids:
        occupation = rng.choices(occupation_ids, weights=occupation_weights)[0]
        essential, optional = profile[occupation]
        taught = rng.sample(essential, rng.randint(2, 6)) + rng.sample(optional, 1)
        for skill in taught:
            status = "confirmed" if rng.random() < 0.8 else "suggested"
            relation = "core" if skill in essential else "secondary"
            offer_skill_rows.append(_defaults(
                OfferSkill, offer=offer, skill=skill, status=status, relation=relation,
                score=1.0, created_at=now, updated_at=now,
            )[1])  # fmt: skip
        offer_occupation_rows.append(_defaults(
            OfferOccupation, offer=offer, occupation=occupation, status="confirmed",
            created_at=now, updated_at=now,
        )[1])  # fmt: skip
    names = _defaults(OfferSkill, offer=0, skill=0, created_at=now, updated_at=now)[0]
    bulk_load(OfferSkill, names, offer_skill_rows)
    names = _defaults(OfferOccupation, offer=0, occupation=0, created_at=now, updated_at=now)[0]
    bulk_load(OfferOccupation, names, offer_occupation_rows)
    print(
        f"cadastre: {PROVIDERS} providers, {len(offer_ids)} offers, {sessions} sessions "
        f"({time.perf_counter() - started:.0f} s so far)"
    )

    # -- postings with their links, streamed
    months = [add_months(vintage, -n) for n in range(24)]
    # demand grows toward the reference month
    month_cum = list(itertools.accumulate(2.0 - n / 24 for n in range(24)))
    province_cum = list(itertools.accumulate([*PROVINCE_WEIGHTS, 3]))
    province_choices = [*PROVINCES, ""]
    posting_names, template = _defaults(JobPosting, id=0, created_at=now, updated_at=now)
    slot = {name: posting_names.index(name) for name in posting_names}
    for name in posting_names:  # JSON defaults serialised once, not per row
        if isinstance(JobPosting._meta.get_field(name), models.JSONField):
            template[slot[name]] = json.dumps(template[slot[name]])
    skill_names = ["posting", "skill", "status", "score", "method", "spans", "esco_version"]
    occupation_names = [
        "posting", "occupation", "status", "score", "method", "spans", "esco_version", "rank",
    ]  # fmt: skip
    chunk = 100_000
    written_links = 0
    with fast_load([JobPosting, PostingSkill, PostingOccupation]):
        for first in range(1, postings + 1, chunk):
            posting_rows, link_rows, occupation_rows = [], [], []
            for pk in range(first, min(first + chunk, postings + 1)):
                month = rng.choices(months, cum_weights=month_cum)[0]
                posted = month + datetime.timedelta(days=rng.randint(0, 27))
                recent = (vintage - month).days < 190
                occupation = rng.choices(occupation_ids, cum_weights=occupation_cum)[0]
                essential, optional = profile[occupation]
                text = f"Nous recherchons un métier {occupation % 97}. Vous maîtrisez le design."
                if recent and rng.random() < 0.05:
                    text += f" La connaissance de {rng.choice(NEW_PHRASES)} est un atout."
                roll = rng.random()
                row = list(template)
                row[slot["id"]] = pk
                row[slot["title"]] = f"Métier {occupation}"
                row[slot["description_text"]] = text
                row[slot["province"]] = rng.choices(province_choices, cum_weights=province_cum)[0]
                row[slot["posted_on"]] = posted
                row[slot["status"]] = (
                    "published" if roll < 0.95 else "expired" if roll < 0.98 else "draft"
                )
                if pk > 100 and rng.random() < 0.06:
                    row[slot["duplicate_of"]] = pk - rng.randint(1, 50)
                posting_rows.append(row)
                count = rng.randint(4, 12)
                own = rng.sample(essential, min(len(essential), count * 2 // 3))
                own += rng.sample(optional, min(len(optional), 1))
                extra = rng.choices(skill_ids, cum_weights=popularity_cum, k=count - len(own) + 1)
                for skill in dict.fromkeys(own + extra):
                    roll = rng.random()
                    link_status = (
                        "suggested" if roll < 0.85 else "confirmed" if roll < 0.95 else "rejected"
                    )
                    link_rows.append(
                        (pk, skill, link_status, round(rng.uniform(0.5, 1.0), 3), "label", "[]", "")
                    )
                roll = rng.random()
                occupation_status = (
                    "suggested" if roll < 0.85 else "confirmed" if roll < 0.95 else "rejected"
                )
                occupation_rows.append(
                    (pk, occupation, occupation_status, 0.8, "title", "[]", "", 1)
                )
            bulk_load(JobPosting, posting_names, posting_rows)
            bulk_load(PostingSkill, skill_names, link_rows)
            bulk_load(PostingOccupation, occupation_names, occupation_rows)
            written_links += len(link_rows)
            print(
                f"postings: {min(first + chunk - 1, postings)} written, "
                f"{written_links} skill links ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('jobs_jobposting', 'id'), %s)", [postings]
            )
    analyze_start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE in {time.perf_counter() - analyze_start:.0f} s")
    print(f"generated in {time.perf_counter() - started:.0f} s")


# -- the timed recomputation (step "compute", in its own process) ---------------------------------


def _backend_cpu_seconds() -> float | None:
    """CPU time so far of this connection's PostgreSQL backend, read from /proc when the server
    runs on this machine (None otherwise, and on SQLite, whose work is this process's)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def compute(url: str, postings: int, sessions: int) -> None:
    _setup(url)
    from analytics.models import ComputationRun
    from analytics.services.compute import analytics_compute

    backend_cpu = _backend_cpu_seconds()
    started, cpu = time.perf_counter(), time.process_time()
    last_backend_cpu = [backend_cpu]

    def log(message: str) -> None:
        # Each step's line comes when it ends: the backend's CPU since the previous line is
        # that step's share of the database's work.
        if backend_cpu is not None:
            now = _backend_cpu_seconds()
            message += f" (PostgreSQL backend CPU {now - last_backend_cpu[0]:.2f} s)"
            last_backend_cpu[0] = now
        print(message, flush=True)

    run = analytics_compute(trigger=ComputationRun.Trigger.OTHER, log=log)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    if backend_cpu is not None:
        backend_cpu = _backend_cpu_seconds() - backend_cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for name, count in run.counts.items():
        print(f"  {name}: {count}")
    from django.db import connection

    print(f"database: {connection.vendor}; reference month {run.vintage_month}")
    # Wall time is the target; on a shared machine this process's CPU time is the steadier
    # figure (on SQLite it holds the database's work too, on PostgreSQL only Python's).
    print(f"this process's CPU: {cpu_seconds:.1f} s")
    if backend_cpu is not None:
        print(f"the PostgreSQL backend's CPU: {backend_cpu:.1f} s (parallel workers not counted)")
    print(
        f"RESULT postings={postings} sessions={sessions} seconds={seconds:.1f} rss_mb={rss_mb:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--reuse", action="store_true", help="Keep a database generated before.")
    parser.add_argument("--step", choices=["generate", "compute"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = database_url(args)
    if args.step == "generate":
        return generate(url, args.postings, args.sessions, args.seed)
    if args.step == "compute":
        return compute(url, args.postings, args.sessions)

    me = [
        sys.executable,
        __file__,
        "--postings",
        str(args.postings),
        "--sessions",
        str(args.sessions),
    ]
    if args.reuse and generated(url):
        # Migrations added since the generation (an index, say) apply to the kept data.
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=_env(url), check=True
        )
        analyze(url)  # statistics for any index those migrations built, as after generating
    else:
        started = time.perf_counter()
        fresh_database(url)
        migrate(url)
        print(f"scratch database migrated in {time.perf_counter() - started:.0f} s")
        subprocess.run(
            [*me, "--seed", str(args.seed), "--step", "generate"], env=_env(url), check=True
        )
    subprocess.run([*me, "--step", "compute"], env=_env(url), check=True)


if __name__ == "__main__":
    main()
