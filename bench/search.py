"""Catalogue search latency on the database engine, at scale, on a scratch database.

    .venv/bin/python bench/search.py [--offers 100000] [--runs 15] [--keep]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wake_bench \
        .venv/bin/python bench/search.py

1. migrates a scratch database: SQLite `var/bench_search.sqlite3` by default, PostgreSQL when
   `BENCH_DATABASE_URL` (or `DATABASE_URL`) names one — never the development database;
2. writes `--offers` generated offers straight into the search tables (`search_offerdocument`
   and its skill links; the full-text index follows through the triggers or the generated
   column) with sessions' dates, prices, facets and 3 to 8 skills each among 3,000 skills
   (a few skills are taught by many offers, most by few, as in the real cadastre), seeded;
   `--keep` reuses the rows of a previous run with the same size;
3. times ten typical searches `--runs` times each through the engine (query understanding is
   the extractor's business and has its own benchmark: each search here carries the
   understanding it would get), prints p50/p95 per search and ends with
   `RESULT engine=database db=sqlite|postgresql offers=N p50_ms=... p95_ms=...` over all
   the timed runs (the first search of each kind is not timed: it warms the caches and, the
   first time, reads the facet index that later searches share).

Target (issue 11): p95 <= 100 ms at 100,000 offers on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N_SKILLS = 3000
WORDS = (  # noqa: SIM905 (a word list reads best as words)
    "developpement web javascript python donnee analys gestion projet agil design "
    "graphiqu motion animat modelis 3d blender soudag electric mecaniqu logisti "
    "comptabl marketing digital reseau cybersecur cloud devops infirmi aide soign "
    "cuisin boulang vent commerc anglais neerlandais communic manag leadership excel "
    "bureaut photo video montag son jardin paysag batiment menuis plomb chauffag "
    "automobil maintenanc industri qualit securit transport cariste chauffeur "
    "ressourc humain recrut formateur pedagog enfant petit sant social accueil "
    "tourism hotel restaur langu programm logiciel applic mobil interfac utilisateur "
    "experient ux ui front back end serveur base sql intellig artificiel "
).split()
KINDS = ["universite", "centre-competence", "centre-prive", "forem", "ifapme", "promotion-sociale"]
# The texts' vocabulary: 4,000 made-up words with Zipf frequencies, the domain words above
# spread among them (every 40th rank from the 20th), so a domain word is in a few percent of
# the offers at most, as in a real catalogue, and common made-up words in most.
VOCABULARY = [f"mot{n}" for n in range(4000)]
for _rank, _word in enumerate(WORDS):
    VOCABULARY.insert(20 + 40 * _rank, _word)
VOCABULARY_WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
PROVIDER_NAMES = [f"Centre {n}" for n in range(400)]
COMMUNES = ["Liège", "Namur", "Mons", "Charleroi", "Wavre", "Arlon", "Bruxelles", "Tournai"]


def configure() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = url
    else:
        path = ROOT / "var" / "bench_search.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["SEARCH_ENGINE"] = "database"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def _skills():
    from skills.models import Skill

    prefix = "http://data.europa.eu/esco/skill/bench-"
    existing = Skill.objects.filter(uri__startswith=prefix).count()
    if existing < N_SKILLS:
        Skill.objects.filter(uri__startswith=prefix).delete()
        Skill.objects.bulk_create(
            Skill(
                uri=f"{prefix}{n}",
                key=f"bench-{n}",
                preferred_label_fr=f"compétence {n}",
                preferred_label_en=f"skill {n}",
            )
            for n in range(N_SKILLS)
        )
    return list(
        Skill.objects.filter(uri__startswith=prefix).order_by("pk").values_list("pk", flat=True)
    )


def generate(n_offers: int, skill_ids: list[int], seed: int = 11) -> None:
    from django.db import connection, transaction

    from search import facets

    rng = random.Random(seed)
    today = datetime.date.today()
    # Zipf-like popularity: skill k is taught with weight 1/(k+1).
    weights = [1 / (k + 1) ** 0.9 for k in range(len(skill_ids))]
    doc_rows, facet_rows, skill_rows = [], [], []
    vendor = connection.vendor

    def flush():
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_offerdocument (offer_id, url, title, summary, provider_name, "
                "place, text_title, text_body, text_skills, indexed_at) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                doc_rows,
            )
            cursor.executemany(
                "INSERT INTO search_offerfacets (offer_id, modality, format, level, "
                "provider_kind, price_band, has_certification, province_mask, audience_mask, "
                "language_mask, schedule_mask, funding_mask, price, is_free, duration_hours, "
                "next_session, session_key, duration_key, price_key, sort_title) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                facet_rows,
            )
            cursor.executemany(
                "INSERT INTO search_offerskilldocument (offer_id, skill_id, is_core) "
                "VALUES (%s, %s, %s)",
                skill_rows,
            )
        doc_rows.clear()
        facet_rows.clear()
        skill_rows.clear()

    def as_param(value):
        # SQLite stores dates as ISO text; PostgreSQL takes them as they are.
        if value is None or vendor == "postgresql":
            return value
        return value.isoformat()

    now = datetime.datetime.now(datetime.UTC)
    with transaction.atomic():
        for offer_id in range(1, n_offers + 1):
            title_words = rng.choices(VOCABULARY, weights=VOCABULARY_WEIGHTS, k=3)
            body = " ".join(rng.choices(VOCABULARY, weights=VOCABULARY_WEIGHTS, k=40))
            chosen = set(rng.choices(range(len(skill_ids)), weights=weights, k=rng.randint(3, 8)))
            skill_text = " ".join(f"competent {k} skill {k} " + rng.choice(WORDS) for k in chosen)
            # Understood skills are found through their labels too: "python" is skill 40's.
            if skill_ids and 40 in chosen:
                skill_text += " python"
            price = (
                None
                if rng.random() < 0.2
                else Decimal(rng.choice([0, 50, 90, 250, 600, 1200, 2500]))
            )
            is_free = (price is None and rng.random() < 0.5) or price == 0
            days = rng.randint(-30, 400) if rng.random() < 0.85 else None
            next_session = today + datetime.timedelta(days=days) if days is not None else None
            provinces = rng.sample(facets.PROVINCES, rng.choice([1, 1, 1, 2]))
            title = " ".join(title_words).capitalize()
            doc_rows.append(
                (
                    offer_id,
                    f"/formations/{offer_id}/",
                    title,
                    body[:200],
                    rng.choice(PROVIDER_NAMES),
                    rng.choice(COMMUNES),
                    " ".join(title_words),
                    body,
                    skill_text,
                    as_param(now),
                )
            )
            duration = rng.choice([None, 8, 16, 40, 120, 400, 900])
            keys = facets.sort_keys(
                next_session=next_session,
                duration_hours=duration,
                price=None if is_free else price,
                is_free=is_free,
                title=title,
            )
            facet_rows.append(
                (
                    offer_id,
                    rng.choice(["on-site", "on-site", "distance", "hybrid", "alternance"]),
                    rng.choice(["long", "short", "short", "qualifying", "certifying", "workshop"]),
                    rng.choice([None, 2, 3, 4, 5, 6, 7]),
                    rng.choice(KINDS),
                    facets.price_band(price=price, is_free=is_free),
                    rng.random() < 0.3,
                    facets.mask(provinces, facets.PROVINCES),
                    facets.mask(rng.sample(facets.AUDIENCES, rng.randint(0, 2)), facets.AUDIENCES),
                    facets.mask(["fr"] + (["en"] if rng.random() < 0.2 else []), facets.LANGUAGES),
                    facets.mask(rng.sample(facets.SCHEDULES, rng.randint(0, 2)), facets.SCHEDULES),
                    facets.funding_mask(rng.sample([1, 2, 3], rng.randint(0, 1))),
                    None if is_free else price,
                    is_free,
                    duration,
                    as_param(next_session),
                    as_param(keys["session_key"]),
                    keys["duration_key"],
                    keys["price_key"],
                    keys["sort_title"],
                )
            )
            skill_rows.extend((offer_id, skill_ids[k], True) for k in chosen)
            if len(doc_rows) >= 2000:
                flush()
        flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def queries(skill_ids: list[int]):
    from search.contract import CatalogueQuery, Understanding

    popular, mid, rare = skill_ids[0], skill_ids[40], skill_ids[900]
    goal = tuple(skill_ids[k] for k in (3, 8, 15, 30, 60, 90, 150, 200, 300, 500, 700, 1000))
    return [
        (
            "text: two words",
            CatalogueQuery(text="développement web"),
            Understanding(terms="développement web"),
        ),
        (
            "text + understood skill",
            CatalogueQuery(text="python"),
            Understanding(terms="python", boost_skill_ids=(mid,)),
        ),
        (
            "text + province",
            CatalogueQuery(text="soudage", filters={"province": ("liege",)}),
            Understanding(terms="soudage"),
        ),
        (
            "two skill picks",
            CatalogueQuery(skills=("a", "b")),
            Understanding(skill_ids=(popular, mid)),
        ),
        (
            "occupation goal + path",
            CatalogueQuery(occupation="x"),
            Understanding(goal_skill_ids=goal),
        ),
        (
            "three facets",
            CatalogueQuery(
                filters={
                    "province": ("hainaut", "namur"),
                    "modality": ("on-site",),
                    "price": ("free", "under-100"),
                }
            ),
            Understanding(),
        ),
        (
            "four facets, by price",
            CatalogueQuery(
                filters={
                    "format": ("short",),
                    "audience": ("jobseekers",),
                    "language": ("fr",),
                    "start": ("three-months",),
                },
                sort="price",
            ),
            Understanding(),
        ),
        ("browse all, by next session", CatalogueQuery(sort="next_session"), Understanding()),
        (
            "text, by duration, page 3",
            CatalogueQuery(text="gestion projet", sort="duration", page=3),
            Understanding(terms="gestion projet"),
        ),
        (
            "skill + facets + start",
            CatalogueQuery(
                skills=("a",),
                filters={
                    "schedule": ("evening", "weekend"),
                    "start": ("this-month", "three-months"),
                    "level": ("4", "5"),
                },
            ),
            Understanding(skill_ids=(rare,), boost_skill_ids=(popular,)),
        ),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse rows of the same size")
    args = parser.parse_args()
    vendor = configure()

    from search.engines import get_engine
    from search.models import OfferDocument, OfferFacets, OfferSkillDocument
    from search.services import bump_generation

    skill_ids = _skills()
    if not (args.keep and OfferDocument.objects.count() == args.offers):
        OfferSkillDocument.objects.all().delete()
        OfferDocument.objects.all().delete()
        OfferFacets.objects.all().delete()
        started = time.perf_counter()
        generate(args.offers, skill_ids)
        bump_generation()  # the rows were written behind the services' back
        print(f"{args.offers} offers generated in {time.perf_counter() - started:.0f} s ({vendor})")
    engine = get_engine("database")
    every = []
    print(f"\n{'query':40} {'total':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for label, query, understanding in queries(skill_ids):
        # The first search also reads the facet index (once per process and generation).
        engine.catalogue(query=query, understanding=understanding)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = engine.catalogue(query=query, understanding=understanding)
            timings.append((time.perf_counter() - started) * 1000)
        every.extend(timings)
        print(
            f"{label:40} {result.total:>7} {statistics.median(timings):>8.1f} "
            f"{percentile(timings, 0.95):>8.1f}"
        )
    print(
        f"RESULT engine=database db={vendor} offers={args.offers} "
        f"p50_ms={statistics.median(every):.1f} p95_ms={percentile(every, 0.95):.1f}"
    )


if __name__ == "__main__":
    main()
