"""Fuzz every surface that reads the outside world, thousands of inputs each, on a copy of a
database (issue 9, "Keep it true").

    .venv/bin/python bench/fuzz.py [--examples N] [--surface NAME ...] [--db PATH] [--seed S]

The inputs and properties are those of the property tests (`tests/hardening/fuzzing.py`): the
offer importer (CSV and LHEO), the regional catalogue, feed ingestion (`posting_ingest` and the
feed API), the extractor CLI, the search pages and the public API. A failure is an input that
raised an unexpected exception or answered 500 ("crash"), or left the database disagreeing with
its report ("partial write"), or produced unsafe or unstable HTML ("unsafe"). Every input runs
inside a transaction that is rolled back, on a throw-away copy of `--db` (the demo database,
`db.sqlite3`, by default), so the database is never changed.

Prints, per surface, the inputs run, what became of them and the failures (the first few
inputs of each kind, shortened), and ends with
`RESULT inputs=... failures=... crashes=... partial_writes=...`.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Examples per surface by default: the cheap surfaces run more.
DEFAULT_EXAMPLES = {
    "sanitiser": 20_000,
    "offers-csv": 500,
    "offers-lheo": 500,
    "regional-catalogue": 500,
    "feed-ingest": 1_000,
    "feed-api": 500,
    "extract-skills": 500,
    "search-params": 1_500,
    "api-params": 1_000,
}


def _setup(db: Path, data_dir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{db}",
            "WAKE_DATA_DIR": str(data_dir),
            "OMP_NUM_THREADS": "1",
        }
    )
    import django

    django.setup()


def _kind(error: BaseException) -> str:
    if isinstance(error, AssertionError):
        text = str(error)
        if "differ from the report" in text or "wrote" in text:
            return "partial_write"
        if "sanitis" in text or "tag <" in text or "attribute" in text or "URL" in text:
            return "unsafe"
        return "broken_contract"
    return "crash"


def _surfaces(tmp: Path):
    """name -> (strategy, check(input) -> outcome label)."""
    from django.test import Client
    from hypothesis import strategies as st
    from wagtail.models import Page

    from courses.models import ProviderIndexPage
    from courses.services.providers import provider_create
    from jobs.models import FeedSource
    from tests.hardening import fuzzing

    client = Client()

    def offers(filename):
        def check(content):
            if not ProviderIndexPage.objects.exists():  # a database without the demo
                home = Page.objects.get(depth=2, url_path__startswith="/home")
                home.add_child(instance=ProviderIndexPage(title="Organismes", slug="organismes"))
            provider = provider_create(
                name="Centre Fuzz", kind="centre-competence", commune="Mons", province="hainaut"
            )
            return fuzzing.check_offer_import(content, filename, provider)

        return check

    def feed(payload):
        source = FeedSource.objects.create(name="fuzz-bench")
        return fuzzing.check_feed_ingest(*payload, source)

    def feed_api(args):
        (raw, fmt), content_type = args
        token = FeedSource.objects.create(name="fuzz-bench-api").rotate_token()
        query = "" if fmt == "auto" else f"?format={fmt}"
        return fuzzing.check_feed_api(client, raw, content_type, query, token)

    return {
        "sanitiser": (fuzzing.html_inputs, lambda raw: fuzzing.check_sanitiser(raw) or "checked"),
        "offers-csv": (fuzzing.offer_csv_files(), offers("offres.csv")),
        "offers-lheo": (fuzzing.lheo_files(), offers("offres.xml")),
        "regional-catalogue": (fuzzing.regional_files(), fuzzing.check_regional_import),
        "feed-ingest": (fuzzing.feed_payloads(), feed),
        "feed-api": (
            st.tuples(fuzzing.feed_payloads(), st.sampled_from(fuzzing.CONTENT_TYPES)),
            feed_api,
        ),
        "extract-skills": (
            fuzzing.extractor_inputs(),
            lambda raw: fuzzing.check_extract_skills(raw, tmp),
        ),
        "search-params": (
            st.tuples(st.sampled_from(fuzzing.SEARCH_PATHS), fuzzing.query_parameters),
            lambda args: fuzzing.check_query(client, *args),
        ),
        "api-params": (
            st.tuples(st.sampled_from(fuzzing.API_PATHS), fuzzing.query_parameters),
            lambda args: fuzzing.check_query(client, *args),
        ),
    }


def run_surface(name, strategy, check, examples: int, seed: int) -> dict:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    from tests.hardening.fuzzing import rolled_back

    outcomes: collections.Counter = collections.Counter()
    failures: dict[str, list] = collections.defaultdict(list)
    started = time.perf_counter()

    @fixed_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(value):
        try:
            with rolled_back():
                outcomes[check(value)] += 1
        except Exception as error:
            kind = _kind(error)
            outcomes[kind] += 1
            # One kind of failure per exception type and start of message, a few shown.
            summary = f"{type(error).__name__}: {str(error)[:80]}"
            if len(failures) < 10 and len(failures[summary]) < 1:
                failures[summary].append((repr(value)[:300], traceback.format_exc(limit=-3)))

    one()
    seconds = time.perf_counter() - started
    return {"outcomes": outcomes, "failures": failures, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=None, help="Inputs per surface.")
    parser.add_argument("--surface", action="append", choices=sorted(DEFAULT_EXAMPLES))
    parser.add_argument("--db", type=Path, default=ROOT / "db.sqlite3")
    parser.add_argument("--seed", type=int, default=20260901)
    args = parser.parse_args()
    if not args.db.is_file():
        sys.exit(f"{args.db} does not exist: build the demo database first (make setup).")

    work = Path(tempfile.mkdtemp(prefix="wake-fuzz-"))
    try:
        db = work / "fuzz.sqlite3"
        shutil.copyfile(args.db, db)
        data_dir = work / "data"
        data_dir.mkdir()
        # The extractor's index, when built for this database already, is reused.
        index = ROOT / "var" / "extraction"
        if index.is_dir():
            (data_dir / "extraction").symlink_to(index)
        _setup(db, data_dir)
        surfaces = _surfaces(work)
        totals: collections.Counter = collections.Counter()
        for name in args.surface or list(DEFAULT_EXAMPLES):
            strategy, check = surfaces[name]
            examples = args.examples or DEFAULT_EXAMPLES[name]
            result = run_surface(name, strategy, check, examples, args.seed)
            outcomes, failures = result["outcomes"], result["failures"]
            inputs = sum(outcomes.values())
            failed = sum(
                outcomes[k] for k in ("crash", "partial_write", "unsafe", "broken_contract")
            )
            totals["inputs"] += inputs
            totals["failures"] += failed
            totals["crashes"] += outcomes["crash"]
            totals["partial_writes"] += outcomes["partial_write"]
            spread = ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items(), key=str))
            print(
                f"{name:20} inputs={inputs:6} failures={failed:4} "
                f"({inputs / result['seconds']:.0f}/s)  {spread}",
                flush=True,
            )
            for summary, examples_seen in failures.items():
                print(f"    FAIL {summary}")
                for value, trace in examples_seen:
                    print(f"      input: {value}")
                    print("      " + trace.strip().replace("\n", "\n      ")[-1200:])
        print(
            f"RESULT inputs={totals['inputs']} failures={totals['failures']} "
            f"crashes={totals['crashes']} partial_writes={totals['partial_writes']}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
