"""Relevance of the learner search on the demo cadastre: nDCG@10 per query, good first results.

    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/search_relevance.py
    ... bench/search_relevance.py --detail      # the first three offers of every query

Runs the relevance set (`tests/search/relevance/queries.toml`, judged by reading the demo
offers) through `search.catalogue_search` on the development database, which must hold the
full taxonomy and the demo (`make run`, or `manage.py import_esco` and `load_demo`), with the
search index built (`manage.py rebuild_search_index`). `DATABASE_URL` selects PostgreSQL,
`SEARCH_ENGINE` / `ELASTICSEARCH_URL` the engine, as for the site.

Prints one line per query (nDCG@10, whether the first result is among the best, the total),
the queries without a relevant demo offer apart (their total and suggestion count), and ends
with `RESULT engine=... queries=... ndcg10=... good_first=...`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detail", action="store_true", help="print the first three offers")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.utils import translation

    from tests.search.relevance.scoring import evaluate, load_queries, offer_keys

    keys = list(offer_keys().values())
    demo = [key for key in keys if "/DEMO-" in key]
    if not demo:
        print("No demo offer in this database: run `manage.py load_demo` first.", file=sys.stderr)
        return 2
    queries = load_queries()
    missing = {q.id: q.unmatched_patterns(keys) for q in queries if q.unmatched_patterns(keys)}
    if missing:
        print(f"Judgements name offers this database lacks: {missing}", file=sys.stderr)

    started = time.perf_counter()
    with translation.override("fr"):
        report = evaluate(queries)
    elapsed = time.perf_counter() - started

    from search.engines import configured_engine_name

    print(f"{'query':<28} {'lang':<4} {'ndcg10':>7} {'first':>6} {'total':>6}  text")
    for score in report.judged:
        first = "yes" if score.good_first else "no"
        print(
            f"{score.judged.id:<28} {score.judged.language:<4} {score.ndcg:7.3f} {first:>6} "
            f"{score.total:>6}  {score.judged.text}"
        )
        if args.detail:
            print("      " + ", ".join(score.ranked[:3]))
    unjudged = [s for s in report.scores if s.ndcg is None]
    if unjudged:
        print("\nNo relevant demo offer (reported, not scored):")
        for score in unjudged:
            print(
                f"  {score.judged.id:<26} total={score.total} suggestions={score.suggestions}"
                + (f"  first={score.ranked[0]}" if args.detail and score.ranked else "")
            )
    per_query_ms = 1000 * elapsed / max(1, len(report.scores))
    print(f"\n{len(report.scores)} queries in {elapsed:.1f} s ({per_query_ms:.0f} ms each)")
    print(
        f"RESULT engine={configured_engine_name()} queries={len(report.judged)} "
        f"ndcg10={report.mean_ndcg:.3f} good_first={report.good_first_share:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
