"""Demo job postings: about 2,000 generated postings over the last 24 months, and the portal.

The postings come from `demo.generator` (seeded, weighted toward the creative-tech
professions) and go through the same ingestion as any feed, from two boards, so duplicates
are linked and every posting is parsed into ESCO. Loading twice changes nothing: records are
upserted by (source, external id) and an unchanged record is not written. The 24-month window
ends with the previous month, so within a month the demo is stable; in a new month it slides
(existing postings are updated, none duplicated).

Then the employer portal (`demo/data/portal.toml`): an approved employer and one awaiting
approval, each with an account, and a need the approved one posts and publishes through the
portal's services, with a training request.
"""

from __future__ import annotations

import csv
import os
from datetime import date, timedelta

from django.utils import timezone

from demo import datafiles
from demo.accounts import demo_account
from demo.generator import SOURCES, PostingGenerator
from jobs.models import Employer, FeedSource, IngestRun
from jobs.services import portal, posting_ingest

DEMO_COUNT = 2000
DEMO_SEED = 2026
# The white paper's shortage professions are drawn this many times more often than other
# creative-tech occupations, more and more so over the 24 months (`rising`), and creative-tech
# postings mention new practices more and more often: the analytics then tell the story the
# white paper does (rising demand, thin training supply, emerging tools).
SHORTAGE_BOOST = 8
SHORTAGE_RISING = 1.0
EMERGING_RATE = 0.4
SOURCE_LABELS = {"forem": "Le Forem (démo)", "jobboard": "Tableau d'offres régional (démo)"}


def _window_start(today: date) -> date:
    year, month = today.year - 2, today.month
    return date(year, month, 1)


def white_paper_occupations() -> list[str]:
    """The ESCO occupation URIs the white paper's shortage list maps its professions to."""
    with datafiles.shortage_list().path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return sorted(
            {uri for row in rows for uri in row["esco_occupation_uris"].split("|") if uri}
        )


def load(*, stdout, count: int | None = None) -> None:
    """`count` generated postings (DEMO_COUNT by default), ingested per board, then the portal."""
    count = DEMO_COUNT if count is None else count
    generator = PostingGenerator.from_database(
        seed=DEMO_SEED,
        start=_window_start(timezone.localdate()),
        months=24,
        id_prefix="DEMO",
        boosted={uri: SHORTAGE_BOOST for uri in white_paper_occupations()},
        rising=SHORTAGE_RISING,
        emerging_rate=EMERGING_RATE,
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
    _demo_portal(stdout)


def _demo_portal(stdout) -> None:
    """The portal's employers with their accounts, then the need (see the module docstring)."""
    content = datafiles.portal()
    members = {}
    for row in content.employers:
        defaults = {
            "name": row.name,
            "sector": row.sector,
            "commune": row.commune,
            "province": row.province,
        }
        if row.approved:
            defaults["status"] = Employer.Status.APPROVED
        employer, _created = Employer.objects.get_or_create(
            enterprise_number=row.enterprise_number, defaults=defaults
        )
        user = demo_account(username=row.account, email=f"{row.account}@example.be")
        employer.members.add(user)
        members[row.account] = (employer, user)
    listed = " and ".join(
        f"'{row.account}' ({'approved' if row.approved else 'pending'})"
        for row in content.employers
    )
    stdout.write(f"jobs: demo employers {listed}\n")
    employer, user = members[content.need.account]
    _demo_need(employer, user, content.need, stdout)


def _demo_need(employer: Employer, user, need: datafiles.PortalNeed, stdout) -> None:
    """A need posted through the portal, published, with a training request (once)."""
    if employer.postings.exists():
        return
    posting = portal.posting_create(
        user=user,
        title=need.title,
        text=need.text,
        commune=need.commune,
        province=need.province,
        contract_type=need.contract_type,
    )
    portal.posting_publish(user=user, posting=posting)
    request = need.training_request
    skills = [
        link.skill for link in posting.skill_links.select_related("skill")[: request.skill_count]
    ]
    if skills:
        portal.training_request_create(
            user=user,
            posting=posting,
            skills=skills,
            headcount=request.headcount,
            needed_by=timezone.localdate() + timedelta(days=request.needed_in_days),
            message=request.message,
        )
    stdout.write("jobs: a published portal posting and a training request for the demo employer\n")
