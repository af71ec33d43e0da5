"""Measure the skill extractor: quality on the development sets, speed, start-up and memory.

    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/extraction.py
    ... bench/extraction.py --competent-misses 30   # diagnosis: Competent misses, no timing

Runs on the full vendored ESCO taxonomy in a benchmark database of its own
(`var/bench/esco-full.sqlite3`, created with `migrate` + `import_esco` on first use, ~1 min), so
that a development database holding a slice cannot skew the figures; set
`BENCH_DATABASE_URL` to use another database that holds the full taxonomy. Reads the
development sets in `../shared/data/dev-eval/` (override with `DEV_EVAL_DIR`); skips the quality
part cleanly when they are absent. Builds the extraction cache first if needed, then measures
in a fresh process: cold start with a warm cache, postings per second on one core, peak RSS.
Ends with one line `RESULT key=value ...`.

Targets (issue 3): RP@5 >= 50 TECH, >= 40 HOUSE, >= 42 TECH-fr, >= 34 HOUSE-fr; thresholded
precision >= 0.6; Competent MRR >= 0.45; >= 200 postings/s; cold start <= 10 s; RSS <= 800 MB.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

# One core, as the target says: keep BLAS from spreading over the machine.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV_EVAL = Path(os.environ.get("DEV_EVAL_DIR", ROOT.parent / "shared" / "data" / "dev-eval"))
GOOD_RELATIONS = {"skos:exactMatch", "skos:closeMatch"}

# Building blocks for synthetic French postings: typical job-ad sentences, none taken from the
# development sets.
POSTING_SENTENCES = [
    "Nous recherchons un développeur web full stack (H/F/X) pour notre équipe à Liège.",
    "Vous maîtrisez JavaScript, TypeScript et un framework moderne comme React ou Vue.js.",
    "Une expérience avec Python, Django et les bases de données PostgreSQL est un atout.",
    "Vous participez à la conception d'interfaces utilisateur et à l'amélioration de l'UX.",
    "Vous êtes à l'aise avec After Effects, Premiere Pro et le motion design.",
    "La maîtrise de Blender, Maya ou Toon Boom pour l'animation 2D/3D est souhaitée.",
    "Vous assurez la gestion de projet, le suivi budgétaire et la relation avec les clients.",
    "Vous rédigez la documentation technique et formez les utilisateurs finaux.",
    "Vous travaillez en méthode agile (Scrum) avec les product owners et les testeurs.",
    "Connaissance de Git, Docker et de l'intégration continue.",
    "Vous avez le sens du travail en équipe, de l'autonomie et une bonne capacité d'analyse.",
    "Vous parlez couramment le français et avez une bonne connaissance de l'anglais.",
    "Le poste comprend la maintenance des serveurs Linux et la sécurité des réseaux.",
    "Vous concevez des niveaux de jeu vidéo sous Unreal Engine ou Unity.",
    "Vous réalisez le montage vidéo, l'étalonnage et le mixage du son.",
    "Vous analysez les données avec SQL et construisez des tableaux de bord dans Power BI.",
    "Permis B et véhicule personnel sont un plus pour les déplacements en Wallonie.",
    "Nous offrons un contrat à durée indéterminée, des chèques-repas et du télétravail.",
    "Vous accueillez les visiteurs, animez des ateliers et gérez les réseaux sociaux.",
    "Vous assurez la veille technologique et proposez des améliorations continues.",
    "Vous respectez les consignes de sécurité et les procédures de qualité.",
    "Une formation en infographie, en communication visuelle ou équivalent est requise.",
    "Vous savez gérer les priorités et respecter les délais dans un environnement dynamique.",
    "Vous mettez en place des tests automatisés et veillez à la qualité du code.",
]


def make_postings(count: int, length: int = 2000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    postings = []
    for _ in range(count):
        parts, size = [], 0
        while size < length:
            sentence = rng.choice(POSTING_SENTENCES)
            parts.append(sentence)
            size += len(sentence) + 1
        postings.append(" ".join(parts)[:length])
    return postings


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def ranking_metrics(extractor, rows, *, lang=None) -> dict[str, float]:
    rp5 = rp10 = mrr = 0.0
    n = 0
    tp = fp = fn = 0
    fp_without_gold = 0
    for row in rows:
        gold = {g["uri"] for g in row.get("gold", []) if row.get("has_esco_gold")}
        predicted = {m.uri for m in extractor.extract(row["sentence"], lang=lang)}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        if not gold:
            fp_without_gold += len(predicted)
            continue
        ranked = [m.uri for m in extractor.rank(row["sentence"], lang=lang, top_k=100)]
        n += 1
        rp5 += len(set(ranked[:5]) & gold) / min(5, len(gold))
        rp10 += len(set(ranked[:10]) & gold) / min(10, len(gold))
        mrr += next((1 / (i + 1) for i, uri in enumerate(ranked) if uri in gold), 0.0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "rp5": 100 * rp5 / max(n, 1),
        "rp10": 100 * rp10 / max(n, 1),
        "mrr": mrr / max(n, 1),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "fp_no_gold": fp_without_gold,
        "predicted": tp + fp,
        "sentences": len(rows),
    }


def competent_metrics(extractor, rows) -> dict[str, float]:
    mrr = hit1 = hit5 = 0.0
    n = 0
    for row in rows:
        gold = {t["uri"] for t in row["targets"] if t.get("relation") in GOOD_RELATIONS}
        if not gold:
            continue
        n += 1
        ranked = [m.uri for m in extractor.rank(row["label_fr"], lang="fr", top_k=100)]
        rank = next((i + 1 for i, uri in enumerate(ranked) if uri in gold), None)
        if rank:
            mrr += 1 / rank
            hit1 += rank == 1
            hit5 += rank <= 5
    return {"mrr": mrr / max(n, 1), "hit1": hit1 / max(n, 1), "hit5": hit5 / max(n, 1), "n": n}


def competent_diagnosis(extractor, rows, *, show: int, seed: int = 1) -> None:
    """Why Competent labels are missed: MRR split by whether the query shares a word stem
    with a gold label (lexical methods cannot reach the rest), then `show` random misses
    (gold not in the top 5) with their gold labels and the top-5 predictions."""
    normaliser = extractor.normalisers["fr"]
    labels = dict(zip(extractor.uris, extractor.labels, strict=True))
    split: dict[bool, list[float]] = {True: [], False: []}
    misses = []
    for row in rows:
        gold = {t["uri"] for t in row["targets"] if t.get("relation") in GOOD_RELATIONS}
        if not gold:
            continue
        query_terms = set(normaliser.terms(row["label_fr"]))
        gold_terms = {
            term for uri in gold for term in normaliser.terms(labels.get(uri, ("", ""))[0])
        }
        ranked = extractor.rank(row["label_fr"], lang="fr", top_k=100)
        rank = next((i + 1 for i, m in enumerate(ranked) if m.uri in gold), None)
        split[bool(query_terms & gold_terms)].append(1 / rank if rank else 0.0)
        if not rank or rank > 5:
            misses.append((row, gold, ranked, rank))
    for shared, values in ((True, split[True]), (False, split[False])):
        mrr = sum(values) / max(len(values), 1)
        print(f"queries {'sharing' if shared else 'sharing no'} stem with a gold label: "
              f"{len(values)}, MRR={mrr:.3f}")  # fmt: skip
    for row, gold, ranked, rank in random.Random(seed).sample(misses, min(show, len(misses))):
        print(f"\nQ: {row['label_fr']} ({row['kind']}), gold rank {rank or '>100'}")
        for uri in gold:
            label_fr, label_en = labels.get(uri, ("?", "?"))
            print(f"   gold: {label_fr} | {label_en}")
        for match in ranked[:5]:
            print(f"   top:  {match.label_fr} | {match.label_en} ({match.method})")


def quality(extractor) -> dict[str, float]:
    results: dict[str, float] = {}
    sets = [
        ("tech", "tech_validation.jsonl", None),
        ("house", "house_validation.jsonl", None),
        ("tech_fr", "tech_validation_fr.jsonl", None),
        ("house_fr", "house_validation_fr.jsonl", None),
    ]
    for name, filename, lang in sets:
        path = DEV_EVAL / filename
        if not path.exists():
            print(f"{name}: {path} absent, skipped")
            continue
        m = ranking_metrics(extractor, read_jsonl(path), lang=lang)
        print(
            f"{name:9s} RP@5={m['rp5']:5.1f} RP@10={m['rp10']:5.1f} MRR={m['mrr']:.3f} | "
            f"thresholded P={m['precision']:.2f} R={m['recall']:.2f} F1={m['f1']:.2f} "
            f"predicted={m['predicted']} FP-on-no-gold={m['fp_no_gold']}"
        )
        results[f"{name}_rp5"] = m["rp5"]
        results[f"{name}_rp10"] = m["rp10"]
        results[f"{name}_mrr"] = m["mrr"]
        results[f"{name}_p"] = m["precision"]
        results[f"{name}_r"] = m["recall"]
        results[f"{name}_f1"] = m["f1"]
        results[f"{name}_fp_nogold"] = m["fp_no_gold"]
    path = DEV_EVAL / "competent_fr_dev.jsonl"
    if path.exists():
        m = competent_metrics(extractor, read_jsonl(path))
        print(
            f"competent MRR={m['mrr']:.3f} Hit@1={m['hit1']:.3f} Hit@5={m['hit5']:.3f} (n={m['n']})"
        )
        results["competent_mrr"] = m["mrr"]
        results["competent_hit1"] = m["hit1"]
        results["competent_hit5"] = m["hit5"]
    else:
        print(f"competent: {path} absent, skipped")
    return results


def speed_child() -> None:
    """Run in a fresh process: cold start from the warm cache, throughput, peak memory."""
    import resource

    started = time.perf_counter()
    import django

    django.setup()
    from skills.extraction import get_extractor

    extractor = get_extractor()
    extractor.extract("Démarrage : gestion de projet.")
    cold = time.perf_counter() - started
    postings = make_postings(400)
    for posting in postings:  # one pass to warm the word caches: steady state after it
        extractor.extract(posting)
    started = time.perf_counter()
    cpu_started = time.process_time()
    n_skills = 0
    for posting in postings:
        n_skills += len(extractor.extract(posting))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "cold_start_s": cold,
                # One process, one thread: CPU time is the time of one core, and does not
                # count the time other processes on a shared machine take from it.
                "docs_per_s": len(postings) / cpu,
                "docs_per_s_wall": len(postings) / elapsed,
                "ms_per_doc": 1000 * cpu / len(postings),
                "skills_per_doc": n_skills / len(postings),
                "rss_mb": rss,
            }
        )
    )


def ensure_full_taxonomy_database() -> None:
    """Point DATABASE_URL (and the cache folder) at a database holding the full ESCO."""
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        return
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "esco-full.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("WAKE_DATA_DIR", str(folder))
    if path.exists():
        return
    print(f"creating {path} with the full vendored ESCO (first run only)...")
    manage = [sys.executable, str(ROOT / "manage.py")]
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}"}
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "import_esco", "-v0"], env=env, check=True, capture_output=True)
    tmp.rename(path)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if len(sys.argv) > 1 and sys.argv[1] == "--speed-child":
        speed_child()
        return 0
    ensure_full_taxonomy_database()
    import django

    django.setup()
    from skills.extraction import build_index

    started = time.perf_counter()
    extractor, built = build_index()
    print(
        f"index {'built' if built else 'loaded from cache'} in "
        f"{time.perf_counter() - started:.1f}s: {extractor.stats}"
    )
    if len(sys.argv) > 2 and sys.argv[1] == "--competent-misses":
        path = DEV_EVAL / "competent_fr_dev.jsonl"
        if not path.exists():
            print(f"{path} absent: nothing to diagnose")
            return 0
        competent_diagnosis(extractor, read_jsonl(path), show=int(sys.argv[2]))
        return 0
    results = quality(extractor) if DEV_EVAL.exists() else {}
    if not DEV_EVAL.exists():
        print(f"{DEV_EVAL} absent: quality figures skipped")
    child = subprocess.run(
        [sys.executable, __file__, "--speed-child"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    )
    speed = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"speed: {speed['docs_per_s']:.0f} postings/s of one core's CPU time "
        f"({speed['ms_per_doc']:.2f} ms per 2,000-char French posting, "
        f"{speed['skills_per_doc']:.1f} skills each; {speed['docs_per_s_wall']:.0f}/s wall clock "
        f"with load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores), cold start "
        f"{speed['cold_start_s']:.1f}s with a warm cache, peak RSS {speed['rss_mb']:.0f} MB"
    )
    results.update(
        docs_per_s=speed["docs_per_s"],
        docs_per_s_wall=speed["docs_per_s_wall"],
        cold_start_s=speed["cold_start_s"],
        rss_mb=speed["rss_mb"],
    )
    keys = [
        "tech_rp5", "house_rp5", "tech_fr_rp5", "house_fr_rp5",
        "tech_rp10", "house_rp10", "tech_fr_rp10", "house_fr_rp10",
        "tech_mrr", "house_mrr", "tech_fr_mrr", "house_fr_mrr",
        "tech_p", "house_p", "tech_fr_p", "house_fr_p",
        "tech_f1", "house_f1", "tech_fr_f1", "house_fr_f1",
        "competent_mrr", "competent_hit1", "competent_hit5",
        "docs_per_s", "docs_per_s_wall", "cold_start_s", "rss_mb",
    ]  # fmt: skip
    print(
        "RESULT "
        + " ".join(
            f"{key}={results[key]:.3g}"
            if isinstance(results[key], float)
            else f"{key}={results[key]}"
            for key in keys
            if key in results
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
