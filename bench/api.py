"""Time the public API's lists beside the site pages they mirror, and count their queries.

    .venv/bin/python bench/api.py [--repeat 5]

Reads the database the settings name (the demo database after `make setup`: offers indexed,
analytics computed). Each URL is fetched once to warm up, then `--repeat` times through
Django's test client (API lists at 50 items a page; the advisor figures as a temporary advisor
account, removed at the end); prints per URL the median wall time, the median CPU time of this
process and the number of queries (a list whose queries grow with its page size would be an
N+1); ends with `RESULT urls=... worst_wall_ms=... worst_cpu_ms=... most_queries=...`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from urllib.parse import urlencode

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from analytics import selectors
    from bench.page_timing import advisor_client, time_url

    settings.ALLOWED_HOSTS = ["*"]
    search = urlencode({"skill": JAVASCRIPT, "province": "liege", "sort": "price"})
    public = [
        "/formations/recherche/?page_size=50",
        "/api/v1/offers/?page_size=50",
        f"/formations/recherche/?{search}",
        f"/api/v1/offers/?{search}&page_size=50",
        "/api/v1/offers/?q=design&output=csv&page_size=50",
        "/emplois/",
        "/api/v1/postings/?page_size=50",
        "/api/v1/skills/?q=programmation&page_size=50",
        "/api/v1/occupations/?q=web&page_size=50",
        "/api/v1/analytics/summary/",
        "/api/v1/analytics/shortage-professions/?page_size=50",
        "/api/v1/analytics/skill-gaps/",
    ]
    advisor_urls = ["/api/v1/analytics/shortage-professions/?province=liege&page_size=50"]
    professions = selectors.shortage_professions()
    if professions:
        advisor_urls.append(f"/api/v1/analytics/professions/{professions[0].occupation.key}/")
    gaps = selectors.skill_gaps(limit=1)
    if gaps:
        advisor_urls.append(f"/api/v1/analytics/skills/{gaps[0].skill.key}/months/")

    print(f"{connection.vendor}, search engine {settings.SEARCH_ENGINE}")
    worst_wall = worst_cpu = 0.0
    most_queries = 0
    with advisor_client("bench-api") as advisor:
        for client, urls in ((Client(), public), (advisor, advisor_urls)):
            for url in urls:
                # Rate limits: the benchmark is one client asking many times.
                wall_ms, cpu_ms, queries = time_url(
                    client, url, repeat=args.repeat, before_each=cache.clear
                )
                worst_wall, worst_cpu = max(worst_wall, wall_ms), max(worst_cpu, cpu_ms)
                most_queries = max(most_queries, queries)
                print(
                    f"{wall_ms:8.1f} ms wall {cpu_ms:8.1f} ms cpu {queries:4d} queries  {url[:90]}"
                )
    print(
        f"RESULT urls={len(public) + len(advisor_urls)} worst_wall_ms={worst_wall:.0f} "
        f"worst_cpu_ms={worst_cpu:.0f} most_queries={most_queries}"
    )


if __name__ == "__main__":
    main()
