"""Demo data of the jobs app: about 2,000 generated postings over the last 24 months.

The postings come from `jobs.generator` (seeded, weighted toward the creative-tech
professions) and go through the same ingestion as any feed, from two boards, so duplicates
are linked and every posting is parsed into ESCO. Loading twice changes nothing: records are
upserted by (source, external id) and an unchanged record is not written. The 24-month window
ends with the previous month, so within a month the demo is stable; in a new month it slides
(existing postings are updated, none duplicated).
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from jobs.generator import SOURCES, PostingGenerator
from jobs.models import Employer, FeedSource, IngestRun
from jobs.services import posting_ingest

DEMO_COUNT = 2000
DEMO_SEED = 2026
SOURCE_LABELS = {"forem": "Le Forem (démo)", "jobboard": "Tableau d'offres régional (démo)"}
DEMO_PASSWORD = "wake-demo"


def _window_start(today: date) -> date:
    year, month = today.year - 2, today.month
    return date(year, month, 1)


def load(*, stdout, count: int = DEMO_COUNT) -> None:
    generator = PostingGenerator.from_database(
        seed=DEMO_SEED, start=_window_start(timezone.localdate()), months=24, id_prefix="DEMO"
    )
    items = list(generator.generate(count))
    workers = 2 if (os.cpu_count() or 1) > 1 and count >= 500 else 1
    for name in SOURCES:
        source, _created = FeedSource.objects.get_or_create(
            name=name, defaults={"label": SOURCE_LABELS[name]}
        )
        run = IngestRun.objects.create(source=source, trigger=IngestRun.Trigger.DEMO)
        report = posting_ingest(
            records=[item.record for item in items if item.source == name],
            source=source,
            run=run,
            workers=workers,
        )
        stdout.write(
            f"jobs: {source.label}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.duplicates} duplicates\n"
        )
    _demo_employers(stdout)


def _demo_employers(stdout) -> None:
    """An approved employer with a portal account, and one still waiting for a moderator."""
    users = get_user_model().objects
    approved, _ = Employer.objects.get_or_create(
        enterprise_number="0700.000.101",
        defaults={
            "name": "Studio Pixel Meuse",
            "sector": "Création numérique",
            "commune": "Liège",
            "province": "liege",
            "status": Employer.Status.APPROVED,
        },
    )
    pending, _ = Employer.objects.get_or_create(
        enterprise_number="0700.000.202",
        defaults={
            "name": "Atelier Sambre Interactive",
            "sector": "Jeu vidéo",
            "commune": "Charleroi",
            "province": "hainaut",
        },
    )
    for username, employer in (("employeur", approved), ("employeur-attente", pending)):
        user = users.filter(username=username).first()
        if user is None:
            user = users.create_user(
                username=username, email=f"{username}@example.be", password=DEMO_PASSWORD
            )
        employer.members.add(user)
    stdout.write("jobs: demo employers 'employeur' (approved) and 'employeur-attente' (pending)\n")
    _demo_need(approved, users.get(username="employeur"), stdout)


DEMO_NEED = {
    "title": "Animateur 3D (H/F/X)",
    "text": (
        "Notre studio liégeois produit des séries d'animation et des jeux vidéo. Nous cherchons "
        "un animateur 3D pour donner vie à nos personnages.\n\n"
        "Vous animez des personnages et des objets en 3D, vous utilisez des logiciels "
        "d'animation comme Blender ou Maya, vous comprenez les principes de l'animation et "
        "vous travaillez avec les modélisateurs et le directeur artistique. Une connaissance "
        "du rigging et de la capture de mouvement est un atout."
    ),
    "commune": "Liège",
    "province": "liege",
    "contract_type": "permanent",
}


def _demo_need(employer: Employer, user, stdout) -> None:
    """A need posted through the portal, published, with a training request (once)."""
    from jobs.services import portal

    if employer.postings.exists():
        return
    posting = portal.posting_create(user=user, **DEMO_NEED)
    portal.posting_publish(user=user, posting=posting)
    skills = [link.skill for link in posting.skill_links.select_related("skill")[:3]]
    if skills:
        portal.training_request_create(
            user=user,
            posting=posting,
            skills=skills,
            headcount=4,
            needed_by=timezone.localdate() + timedelta(days=120),
            message="Nous pourrions accueillir des stagiaires en fin de formation.",
        )
    stdout.write("jobs: a published portal posting and a training request for the demo employer\n")
