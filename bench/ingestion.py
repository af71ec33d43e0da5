"""End-to-end ingestion of generated postings, parsing included, on a throw-away database.

    .venv/bin/python bench/ingestion.py [--count 100000] [--workers 2] [--db PATH]

1. builds a temporary SQLite database with the full vendored ESCO (`import_esco`), unless
   `--db` names one already built (kept between runs when given);
2. generates `--count` French postings with `demo.generator` (seeded) into a JSON Lines file
   (not timed);
3. in a fresh process, times `posting_ingest` over that file (clean, sanitise, fingerprint,
   parse with the extractor in `--workers` processes, deduplicate, write), then ingests the
   same file again (must change nothing);
4. prints the figures and ends with `RESULT postings_per_s=... rss_mb=...`.

Target (issue 5): >= 300 postings/s for 100,000 postings on a 2-core machine, peak RSS
<= 2 GB (main process plus its largest worker, as `getrusage` reports them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _env(db: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{db}",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


def prepare_database(db: Path) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = _env(db)
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "import_esco", "-v0"], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"database with the full ESCO ready in {time.perf_counter() - started:.0f} s")


def _setup(db: Path) -> None:
    os.environ.update(_env(db))
    import django

    django.setup()


def generate(db: Path, path: Path, count: int, seed: int) -> None:
    _setup(db)
    from datetime import date

    from demo.generator import PostingGenerator

    started = time.perf_counter()
    today = date.today()
    start = date(today.year - 2, today.month, 1)
    generator = PostingGenerator.from_database(seed=seed, start=start, months=24)
    sources = {}
    with path.open("w", encoding="utf-8") as handle:
        for item in generator.generate(count):
            # One feed: re-posts from the second board arrive in the same file here.
            handle.write(json.dumps(item.record, ensure_ascii=False) + "\n")
            sources[item.source] = sources.get(item.source, 0) + 1
    size = path.stat().st_size / 1e6
    print(
        f"generated {count} postings ({size:.0f} MB JSON Lines) "
        f"in {time.perf_counter() - started:.0f} s"
    )


def extractor_alone(path: Path, sample: int = 300) -> float:
    """Postings per second of the extractor alone on one core (skills + title occupation, the
    extractor memoising repeated titles as in production), over the first `sample` postings of
    the file: the ceiling one worker works under."""
    from datetime import date

    from jobs.ingestion.cleaning import clean_record
    from jobs.ingestion.formats import read_payload
    from jobs.ingestion.prepare import SKILL_TOP_K, load_extractor, parse_text

    extractor = load_extractor()
    texts = []
    for record in read_payload(path, "jsonl"):
        fields, errors = clean_record(record.data, today=date.today())
        if not errors:
            texts.append((fields["title"], parse_text(fields["title"], fields["description_text"])))
        if len(texts) >= sample:
            break
    started = time.perf_counter()
    for title, text in texts:
        extractor.extract(text, lang="fr", top_k=SKILL_TOP_K)
        extractor.match_occupation(title, top_k=3)
    return len(texts) / (time.perf_counter() - started)


def _pss_mb(pid: int | str = "self") -> float:
    """Proportional set size of a process: shared pages (the extractor index the workers
    inherit from the main process) are split between the processes that share them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def ingest(db: Path, path: Path, workers: int, chunk_size: int, parse: bool = True) -> None:
    _setup(db)
    import multiprocessing

    from django.conf import settings
    from django.db import connection

    # As in production: with DEBUG on, Django keeps the SQL of the last 9,000 queries, and
    # bulk inserts make that hundreds of megabytes.
    settings.DEBUG = False

    from jobs.ingestion.formats import read_payload
    from jobs.ingestion.prepare import load_extractor
    from jobs.models import FeedSource, JobPosting, PostingOccupation, PostingSkill
    from jobs.services import posting_ingest

    started = time.perf_counter()
    load_extractor()
    print(f"extractor loaded in {time.perf_counter() - started:.1f} s")
    alone = extractor_alone(path)
    print(f"extractor alone, one core: {alone:.0f} postings/s")
    source, _created = FeedSource.objects.get_or_create(name="bench")
    last = [time.perf_counter()]

    peak_pss = [0.0]

    def progress(report):
        total = _pss_mb() + sum(_pss_mb(child.pid) for child in multiprocessing.active_children())
        peak_pss[0] = max(peak_pss[0], total)
        now = time.perf_counter()
        if now - last[0] > 20:
            last[0] = now
            rate = report.processed / (now - started_ingest)
            print(f"  {report.processed} records, {rate:.0f}/s", flush=True)

    started_ingest = time.perf_counter()
    report = posting_ingest(
        records=read_payload(path, "jsonl"),
        source=source,
        workers=workers,
        chunk_size=chunk_size,
        progress=progress,
        parse=parse,
    )
    elapsed = time.perf_counter() - started_ingest
    second_started = time.perf_counter()
    again = posting_ingest(
        records=read_payload(path, "jsonl"), source=source, workers=workers, parse=parse
    )
    second = time.perf_counter() - second_started
    rss_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
    rate = report.processed / elapsed
    print(
        f"first run: {report.processed} records in {elapsed:.1f} s = {rate:.0f} postings/s; "
        f"created {report.created}, duplicates {report.duplicates}, rejected {report.rejected}"
    )
    print(
        f"second run (same file): {second:.1f} s, created {again.created}, "
        f"updated {again.updated}, unchanged {again.unchanged}"
    )
    print(
        f"postings {JobPosting.objects.count()}, unique {JobPosting.objects.unique().count()}, "
        f"skill links {PostingSkill.objects.count()}, "
        f"occupation links {PostingOccupation.objects.count()}, "
        f"database pages {pages}"
    )
    print(
        f"peak RSS (getrusage): main {rss_main:.0f} MB, largest worker {rss_child:.0f} MB, "
        f"sum {rss_main + rss_child:.0f} MB (counts the pages workers share with main twice)"
    )
    print(f"peak PSS of main + workers together, sampled per chunk: {peak_pss[0]:.0f} MB")
    print("targets: >= 300 postings/s, <= 2048 MB")
    label = "" if parse else " (WITHOUT parsing: diagnostic only)"
    # rss_mb is the conservative figure: peak RSS of main plus that of the largest worker.
    print(f"RESULT postings_per_s={rate:.0f} rss_mb={rss_main + rss_child:.0f}{label}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", type=Path, help="Reuse (or build and keep) this database.")
    parser.add_argument(
        "--no-parse",
        action="store_true",
        help="Diagnostic: skip ESCO parsing to measure the rest of the pipeline.",
    )
    parser.add_argument("--phase", choices=["generate", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "generate":
        generate(args.db, args.file, args.count, args.seed)
        return 0
    if args.phase == "ingest":
        ingest(args.db, args.file, args.workers, args.chunk_size, parse=not args.no_parse)
        return 0

    with tempfile.TemporaryDirectory(prefix="wake-bench-jobs-") as folder:
        folder = Path(folder)
        if args.db:
            template = args.db
            if not template.exists():
                prepare_database(template)
        else:
            template = folder / "esco.sqlite3"
            prepare_database(template)
        # The extractor caches its index per taxonomy in WAKE_DATA_DIR and keeps one there:
        # give the bench its own folder, next to the template, so the dev cache is left alone
        # and a kept template keeps its index between runs.
        os.environ["WAKE_DATA_DIR"] = str(template.parent / f"{template.stem}-data")
        db = folder / "bench.sqlite3"
        # Each run starts from the taxonomy alone: copy the template (with its WAL folded in).
        with sqlite3.connect(template) as source, sqlite3.connect(db) as target:
            source.backup(target)
        # The template may predate the latest migrations of the apps.
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=_env(db), check=True
        )
        feed = folder / "postings.jsonl"
        common = [sys.executable, __file__, "--db", str(db), "--file", str(feed)]
        subprocess.run(
            [*common, "--phase", "generate", "--count", str(args.count), "--seed", str(args.seed)],
            check=True,
        )
        subprocess.run(
            [
                *common,
                "--phase",
                "ingest",
                "--workers",
                str(args.workers),
                "--chunk-size",
                str(args.chunk_size),
                *(["--no-parse"] if args.no_parse else []),
            ],
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
