"""Import a generated Walloon regional catalogue export, then import it again.

    /work/main/.venv/bin/python bench/regional_catalogue.py [--rows 5000] [--seed 11]

1. generates an export of `--rows` rows in the real format (UTF-8 with BOM, `;`, the issue's
   header) with a fixed seed: invented organisations and titles, every provider kind, duration
   unit and flag, about 1 code in 10 repeated over 2 to 4 localities;
2. builds a fresh SQLite database (`migrate`, a home page and the provider index), or uses
   `DATABASE_URL` when set (it must be an empty, migrated database);
3. times `regional_catalogue_import` over the file (validation, providers, live pages with
   their revisions, places), then the same file again (must change nothing);
4. times the search and reference indexing the import queues for its pages (background work,
   `index_seconds`, not part of `seconds`);
5. prints the figures and ends with
   `RESULT rows=... offers=... providers=... seconds=... reimport_seconds=... index_seconds=...
   cpu_seconds=...` (`cpu_seconds`: this process's CPU time for the first import, which on a
   shared machine says more than the wall clock; PostgreSQL's own work is not in it).

Target (regional catalogue issue): 5,000 rows in under 60 s. Skill suggestions are queued as
tasks (the database backend) and not run here: they are background work.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = (
    "codeexterne;type_organisme;abreviation;denomination_sociale;denomination_commerciale;"
    "numeroidentification;localisation_potentielle;intitule;duree;Courte;moyenne;longue;"
    "qualifiante;certifiante;public;condition_specifique"
)
KINDS = [
    "Cheque-formation",
    "Enseignement pour Adultes",
    "CISP DéFI (Démarche de Formation et d'Insertion)",
    "FOREM Formation",
    "CDC ASBL",
    "IFAPME Centre de formation",
    "Centre de compétence",
    "Organisme privé de formation (associatif)",
    "Administration Communale",
    "Autre",
]
LOCALITIES = [
    "Charleroi", "Mons", "La Louvière", "Tournai", "Liège", "Seraing", "Verviers", "Namur",
    "Gembloux", "Dinant", "Wavre", "Nivelles", "Arlon", "Bastogne", "Huy", "Ath",
]  # fmt: skip
SUBJECTS = [
    "bureautique", "Excel", "WordPress", "HTML et CSS", "PHP et SQL", "Python", "Java",
    "AutoCAD", "Photoshop", "réseaux informatiques", "cybersécurité", "développement web",
    "gestion de projet agile", "marketing digital", "comptabilité informatisée", "Linux",
]  # fmt: skip
LEVELS = ["initiation", "perfectionnement", "les bases", "niveau 2", "atelier", "certification"]
UNITS = [("Heures", 4, 120), ("Jours", 1, 20), ("Semaines", 1, 12), ("Mois", 1, 10)]
WORDS = ["Alpha", "Bêta", "Cédille", "Delta", "Épi", "Forge", "Gamma", "Horizon", "Iris", "Jade"]


def generate(rows: int, seed: int) -> str:
    rng = random.Random(seed)
    organisations = []
    for n in range(max(10, rows // 9)):
        bce = f"0{800000000 + n * 7919:09d}"
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} formation {n}"
        organisations.append((bce, KINDS[n % len(KINDS)], name))
    lines, offers = [HEADER], 0
    while len(lines) - 1 < rows:
        bce, kind, name = rng.choice(organisations)
        offers += 1
        code = f"{bce}-{offers}"
        subject, level = rng.choice(SUBJECTS), rng.choice(LEVELS)
        title = f"{subject.capitalize()} : {level}"
        if rng.random() < 0.2:
            title = title.upper()
        if rng.random() < 0.1:
            title += " - FAD"
        if rng.random() < 0.05:
            duration = f"{rng.randint(1, 3)} Années"
        else:
            unit, low, high = rng.choice(UNITS)
            duration = f"{rng.randint(low, high)} {unit}"
        length = rng.choice(["courte", "moyenne", "longue"])
        flags = [("OUI" if length == name_ else "NON") for name_ in ("courte", "moyenne", "longue")]
        flags += ["OUI" if rng.random() < 0.3 else "NON", "OUI" if rng.random() < 0.2 else "NON"]
        public = rng.choice(["Chercheur d'emploi", "Travailleur"])
        written_bce = bce.lstrip("0") if rng.random() < 0.3 else bce
        places = (
            rng.sample(LOCALITIES, rng.randint(2, 4))
            if rng.random() < 0.1
            else [rng.choice(LOCALITIES)]
        )
        for place in places:
            cells = [code, kind, name[:6].upper(), f"{name} ASBL", name, written_bce, place,
                     title, duration, *flags, public, ""]  # fmt: skip
            lines.append(";".join(cells))
    return "\ufeff" + "\r\n".join(lines[: rows + 1]) + "\r\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-regional-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True)

    import django

    django.setup()
    from django.apps import apps
    from wagtail.models import Page, Site

    from cms.models import HomePage
    from courses.importing.regional_reader import read_regional_catalogue
    from courses.models import OfferPage, OfferPlace, ProviderIndexPage, ProviderPage
    from courses.services.regional import regional_catalogue_import

    home = Page.get_first_root_node().add_child(instance=HomePage(title="Accueil", slug="accueil"))
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home})
    home.add_child(instance=ProviderIndexPage(title="Organismes", slug="organismes"))

    content = generate(args.rows, args.seed).encode()
    print(f"generated {args.rows} rows ({len(content) / 1e6:.1f} MB)")

    started, cpu_started = time.perf_counter(), time.process_time()
    report = regional_catalogue_import(records=read_regional_catalogue(content), dry_run=False)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    print(report.as_text().splitlines()[-1])
    assert not report.errors, report.errors[:5]

    started = time.perf_counter()
    again = regional_catalogue_import(records=read_regional_catalogue(content), dry_run=False)
    reimport_seconds = time.perf_counter() - started
    print(again.as_text().splitlines()[-1])
    assert again.changes == 0, "the second run changed something"

    # The background work the import queued besides skill suggestions: search and reference
    # indexes of the pages written in bulk, timed here as the task worker would run it.
    from courses.tasks import refresh_page_indexes

    started = time.perf_counter()
    for model in ("courses.providerpage", "courses.offerpage"):
        page_ids = list(apps.get_model(model).objects.values_list("pk", flat=True))
        refresh_page_indexes.call(model=model, page_ids=page_ids)
    index_seconds = time.perf_counter() - started

    offers = OfferPage.objects.filter(import_source="regional", live=True).count()
    providers = ProviderPage.objects.exclude(enterprise_number="").count()
    print(f"{OfferPlace.objects.count()} places; {len(report.warnings)} warnings")
    print(
        f"RESULT rows={args.rows} offers={offers} providers={providers} "
        f"seconds={seconds:.1f} reimport_seconds={reimport_seconds:.1f} "
        f"index_seconds={index_seconds:.1f} cpu_seconds={cpu_seconds:.1f}"
    )


if __name__ == "__main__":
    main()
