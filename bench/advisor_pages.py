"""Time the advisor dashboards and the public shortage figures, read from the stored results.

    .venv/bin/python bench/advisor_pages.py [--repeat 7]
    DATABASE_URL=sqlite:////path/to/bench.sqlite3 .venv/bin/python bench/advisor_pages.py

Reads the database the settings name (run `manage.py compute_analytics` first; the benchmark
database of `bench/analytics.py` works too). Each page is fetched once to warm up, then
`--repeat` times through Django's test client as an advisor (a temporary account, removed at
the end); prints per page the median wall time, the median CPU time of this process (wall time
is what a user waits; on a loaded machine CPU time is the steadier figure) and the number of
queries; ends with `RESULT pages=... worst_wall_ms=... worst_cpu_ms=...`.

Target (issue 12): every dashboard page answers in <= 200 ms from stored results.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    from analytics import selectors
    from bench.page_timing import advisor_client, time_url
    from courses.selectors import provider_list
    from skills.models import ShortageList

    settings.ALLOWED_HOSTS = ["*"]
    run = selectors.latest_run()
    if run is None:
        sys.exit("No analytics run has succeeded: run `manage.py compute_analytics` first.")
    professions = selectors.shortage_professions()
    gaps = selectors.skill_gaps(limit=1)
    provider = provider_list().first()
    shortage_list = ShortageList.objects.first()
    urls = [
        reverse("advisor:overview"),
        reverse("advisor:shortages"),
        reverse("advisor:shortages") + "?province=liege&period=24m",
        reverse("advisor:shortages") + "?sector=creative",
        reverse("advisor:emerging"),
        reverse("advisor:providers"),
        reverse("gaps:public_summary"),
        reverse("advisor:shortages") + "?export=xlsx&table=shortage-professions",
    ]
    if professions:
        key = professions[0].occupation.key
        urls += [reverse("advisor:profession", args=[key]), f"/metiers/{key}/"]
    if gaps:
        urls.append(reverse("advisor:skill", args=[gaps[0].skill.key]))
    if provider:
        urls.append(reverse("advisor:provider", args=[provider.slug]))
    if shortage_list:
        urls.append(reverse("concepts:shortage_list_detail", args=[shortage_list.pk]))

    print(f"run #{run.id}, postings up to {run.latest_posting_date}, {connection.vendor}")
    worst_wall = worst_cpu = 0.0
    with advisor_client("bench-advisor") as client:
        for url in urls:
            wall_ms, cpu_ms, queries = time_url(client, url, repeat=args.repeat)
            worst_wall, worst_cpu = max(worst_wall, wall_ms), max(worst_cpu, cpu_ms)
            print(f"{wall_ms:8.1f} ms wall {cpu_ms:8.1f} ms cpu {queries:4d} queries  {url}")
    print(f"RESULT pages={len(urls)} worst_wall_ms={worst_wall:.0f} worst_cpu_ms={worst_cpu:.0f}")


if __name__ == "__main__":
    main()
